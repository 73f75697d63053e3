import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_CODES, ModelError, docAccess, eventDocName, parseDocName, recordPrivateAuthor, type DocRef } from '@tablemap/model';
import { EventDeletedError, TokenError, type TokenSigner } from '../auth.ts';
import type { Limits } from '../config.ts';
import type { ConnectionInfo, Refusal } from '../extensions/extension.ts';
import type { Hooks } from '../extensions/hooks.ts';
import { HttpError } from '../http-util.ts';
import type { Logger } from '../logger.ts';
import { OverMemoryBudgetError, type DocEntry, type DocRegistry } from './doc-registry.ts';
import { SyncConnection } from './connection.ts';

export const SYNC_PREFIX = '/sync/';

export interface SyncServerOptions {
  signer: TokenSigner;
  registry: DocRegistry;
  limits: Limits;
  logger: Logger;
  hooks: Hooks;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * The `/sync/<docName>?token=…` endpoint: authenticates and authorises at upgrade, loads the doc
 * before accepting, then hands the socket to a SyncConnection.
 */
export class SyncServer {
  private readonly wss: WebSocketServer;
  private readonly options: SyncServerOptions;
  private readonly connections = new Set<SyncConnection>();
  private readonly perHolder = new Map<string, number>();
  /** Holders revoked while this process runs: catches a handshake that passed the disk check just before. */
  private readonly revokedHolders = new Set<string>();
  private pending = 0;
  private accepting = true;
  private readonly expiryTimer: NodeJS.Timeout;

  constructor(options: SyncServerOptions) {
    this.options = options;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.limits.maxFrameBytes, perMessageDeflate: false });
    // Tokens expire while sockets stay open; sweep them out (4401) rather than keep a timer per socket.
    this.expiryTimer = setInterval(() => this.closeExpired(), 30_000);
    this.expiryTimer.unref();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get pendingCount(): number {
    return this.pending;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    if (!this.accepting) return refuse(socket, new HttpError(503, 'shutting_down', 'The server is shutting down'));
    if (this.pending >= this.options.limits.maxPendingHandshakes) {
      return refuse(socket, new HttpError(503, 'busy', 'Too many connections are being set up; retry shortly'));
    }
    this.pending++;
    let finished = false;
    const timer = setTimeout(() => {
      if (finished) return;
      finished = true;
      this.pending--;
      refuse(socket, new HttpError(408, 'timeout', 'The connection took too long to set up'));
    }, this.options.limits.handshakeTimeoutMs);
    this.prepare(req).then(
      (prepared) => {
        if (finished) return prepared.release();
        finished = true;
        clearTimeout(timer);
        this.pending--;
        if (socket.destroyed) return prepared.release();
        // ws answers a broken handshake itself without calling back; release the doc then too.
        let accepted = false;
        socket.once('close', () => {
          if (!accepted) prepared.release();
        });
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          accepted = true;
          this.accept(ws, prepared);
        });
      },
      (error: unknown) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        this.pending--;
        if (error instanceof OverMemoryBudgetError) {
          this.options.logger.warn({ path: pathOnly(req.url) }, 'sync upgrade refused: over the memory budget');
          return refuse(socket, new HttpError(503, 'over_budget', error.message), error.retryAfterSeconds);
        }
        if (error instanceof ModelError && error.code === 'wrong_doc') {
          this.options.logger.warn({ path: pathOnly(req.url), reason: error.message }, 'sync upgrade refused: document from a newer build');
          return refuse(socket, new HttpError(409, 'newer_schema', error.message));
        }
        if (error instanceof HttpError) {
          this.options.logger.info({ path: pathOnly(req.url), status: error.status, code: error.code }, 'sync upgrade refused');
          return refuse(socket, error);
        }
        this.options.logger.error({ path: pathOnly(req.url), err: error }, 'sync upgrade failed');
        refuse(socket, new HttpError(503, 'unavailable', 'The document could not be opened; retry shortly'));
      },
    );
  }

  private async prepare(req: IncomingMessage) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let docName: string;
    try {
      docName = decodeURIComponent(url.pathname.slice(SYNC_PREFIX.length));
    } catch {
      throw new HttpError(400, 'invalid_doc', 'The document name is not valid');
    }
    const ref = parseDocName(docName);
    if (!ref) throw new HttpError(400, 'invalid_doc', 'The document name is not valid');
    let verified;
    try {
      // Also refuses revoked holders (TokenSigner checks the revocation list).
      verified = await this.options.signer.verify(url.searchParams.get('token'));
    } catch (error) {
      if (error instanceof EventDeletedError) throw new HttpError(410, 'event_deleted', error.message);
      if (error instanceof TokenError) throw new HttpError(401, 'unauthorized', error.message);
      throw error;
    }
    const access = docAccess(verified.claims, ref);
    if (access === 'none') throw new HttpError(403, 'forbidden', 'This token does not give access to that document');
    const info: ConnectionInfo = { claims: verified.claims, access, docName, ref };
    const refused = await this.options.hooks.authenticate(info);
    if (refused) throw upgradeRefusal(refused);
    const holder = `${verified.claims.eventId}:${verified.claims.participantId}`;
    if (this.connections.size >= this.options.limits.maxConnections) {
      throw new HttpError(503, 'busy', 'The server has too many connections');
    }
    if ((this.perHolder.get(holder) ?? 0) >= this.options.limits.maxConnectionsPerToken) {
      throw new HttpError(429, 'too_many_connections', 'Too many connections for this token');
    }
    const { registry } = this.options;
    // The reveal finds private notes docs through the event doc's list of their authors (ids only).
    if (ref.kind === 'private' && verified.claims.role !== 'facilitator') {
      await registry.withDoc(eventDocName(ref.eventId), { kind: 'event', eventId: ref.eventId }, (event) =>
        recordPrivateAuthor(event.doc, ref.tableId, ref.participantId),
      );
    }
    const entry = await registry.acquire(docName, ref);
    let eventEntry: DocEntry | null = null;
    try {
      // Participants and scribes: the event doc decides locks (table docs) and the event's socket cap (every doc).
      if (ref.kind !== 'event' && (verified.claims.role === 'participant' || verified.claims.role === 'scribe')) {
        const eventRef: DocRef = { kind: 'event', eventId: ref.eventId };
        eventEntry = await registry.acquire(eventDocName(ref.eventId), eventRef);
      }
    } catch (error) {
      registry.release(entry);
      throw error;
    }
    const release = () => {
      registry.release(entry);
      if (eventEntry) registry.release(eventEntry);
    };
    const event = ref.kind === 'event' ? entry : eventEntry;
    if (event && (verified.claims.role === 'participant' || verified.claims.role === 'scribe')) info.tableCount = event.readEventCached().tables.length;
    return { entry, eventEntry, verified, access, holder, info, release };
  }

  private accept(ws: WebSocket, prepared: Awaited<ReturnType<SyncServer['prepare']>>): void {
    const { entry, eventEntry, verified, access, holder, info, release } = prepared;
    if (this.revokedHolders.has(holder)) {
      release();
      ws.close(CLOSE_CODES.tokenExpired, 'token revoked');
      return;
    }
    if (!this.accepting || entry.unloaded || (eventEntry?.unloaded ?? false)) {
      release();
      ws.close(entry.unloaded ? CLOSE_CODES.tryAgainLater : CLOSE_CODES.goingAway, 'retry');
      return;
    }
    const refused = this.options.hooks.connect(info);
    if (refused) {
      release();
      ws.close(refused.closeCode, refused.message);
      return;
    }
    const connection = new SyncConnection({
      ws,
      entry,
      eventEntry,
      claims: verified.claims,
      access,
      exp: verified.exp,
      limits: this.options.limits,
      logger: this.options.logger,
      hooks: this.options.hooks,
      info,
      onClose: (closed) => {
        this.connections.delete(closed);
        this.options.hooks.disconnect(info);
        const count = (this.perHolder.get(holder) ?? 1) - 1;
        if (count <= 0) this.perHolder.delete(holder);
        else this.perHolder.set(holder, count);
        release();
      },
    });
    this.connections.add(connection);
    this.perHolder.set(holder, (this.perHolder.get(holder) ?? 0) + 1);
    connection.start();
  }

  closeExpired(nowSeconds = Date.now() / 1000): void {
    for (const connection of this.connections) {
      if (connection.exp <= nowSeconds) connection.close(CLOSE_CODES.tokenExpired, 'token expired');
    }
  }

  /** A revoked token holder's open sockets are closed with 4401; returns how many. */
  closeHolder(eventId: string, participantId: string): number {
    this.revokedHolders.add(`${eventId}:${participantId}`);
    let closed = 0;
    for (const connection of [...this.connections]) {
      if (connection.claims.eventId === eventId && connection.claims.participantId === participantId) {
        connection.close(CLOSE_CODES.tokenExpired, 'token revoked');
        closed++;
      }
    }
    return closed;
  }

  /** Shutdown: no new sockets; every open one is closed with 1001 (going away). */
  closeAll(): void {
    this.accepting = false;
    clearInterval(this.expiryTimer);
    for (const connection of [...this.connections]) connection.close(CLOSE_CODES.goingAway, 'server shutting down');
    this.wss.close();
  }
}

function upgradeRefusal(refusal: Refusal): HttpError {
  return new HttpError(refusal.status ?? 403, refusal.code, refusal.message);
}

/** The request's path only: a refused upgrade's log line never carries its query (where a token could be). */
function pathOnly(url: string | undefined): string {
  return (url ?? '').split('?')[0]!.slice(0, 200);
}

/** Answers a refused upgrade with a plain HTTP response and a JSON body, then drops the socket. */
function refuse(socket: Duplex, refusal: HttpError, retryAfterSeconds?: number): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ code: refusal.code, error: refusal.code, message: refusal.message });
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      (retryAfterSeconds ? `Retry-After: ${retryAfterSeconds}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const cutOff = setTimeout(() => socket.destroy(), 1000);
  cutOff.unref();
  socket.once('close', () => clearTimeout(cutOff));
}
