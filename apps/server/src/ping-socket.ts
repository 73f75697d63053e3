import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** The venue check's socket: answers pings, nothing else. No token, no doc, so it opens no door the sync socket guards. */
export const PING_PATH = '/api/ping';

export interface PingLimits {
  /** Ping sockets open at once across the server; beyond, upgrades are refused (503). */
  maxSockets: number;
  /** A ping socket is closed after this long, so an idle one cannot be held open. */
  lifetimeMs: number;
  /** Pings answered per socket; the next one closes it (a venue check needs a handful). */
  maxPings: number;
}

export const DEFAULT_PING_LIMITS: PingLimits = { maxSockets: 200, lifetimeMs: 30_000, maxPings: 50 };
/** A ping is `ping <n>` with a short counter; anything longer closes the socket (1009). */
const MAX_PING_BYTES = 32;

/**
 * `ws(s)://<host>/api/ping`: each text frame `ping <n>` is answered at once with `pong <n> <server time ms>`,
 * so a phone measures its round trip over the same path (proxy, TLS, Wi-Fi) its sync socket takes.
 */
export class PingSockets {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PING_BYTES });
  private readonly limits: PingLimits;
  private open = 0;

  constructor(limits: Partial<PingLimits> = {}) {
    this.limits = { ...DEFAULT_PING_LIMITS, ...limits };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.open >= this.limits.maxSockets) {
      socket.end(
        'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws));
  }

  private serve(ws: WebSocket): void {
    this.open++;
    let answered = 0;
    const lifetime = setTimeout(() => ws.close(1000, 'check finished'), this.limits.lifetimeMs);
    ws.on('message', (data, isBinary) => {
      const match = isBinary ? null : /^ping (\d{1,10})$/.exec(data.toString());
      if (!match) return ws.close(4400, 'expected "ping <n>"');
      if (++answered > this.limits.maxPings) return ws.close(1000, 'check finished');
      ws.send(`pong ${match[1]} ${Date.now()}`);
    });
    ws.on('close', () => {
      clearTimeout(lifetime);
      this.open--;
    });
    ws.on('error', () => ws.terminate());
  }

  closeAll(): void {
    for (const client of this.wss.clients) client.close(1001, 'server stopping');
  }
}
