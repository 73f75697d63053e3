import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import {
  connectProvider,
  createEvent,
  joinTable,
  openRaw,
  roundTrip,
  sleep,
  startServer,
  tempDir,
  upgradeStatus,
  waitFor,
  waitForSync,
  type CreatedEvent,
} from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

/** An awareness frame announcing `clients` with a JSON state of `stateBytes` characters. */
function presenceFrame(clients: number[], stateBytes = 10): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, clients.length);
  for (const client of clients) {
    encoding.writeVarUint(inner, client);
    encoding.writeVarUint(inner, 1);
    encoding.writeVarString(inner, JSON.stringify({ user: { group: 'carer', pad: 'x'.repeat(stateBytes) } }));
  }
  const outer = encoding.createEncoder();
  encoding.writeVarUint(outer, 1);
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner));
  return encoding.toUint8Array(outer);
}

describe('connection limits', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;

  beforeEach(async () => {
    dir = await tempDir();
    server = await startServer(dir.path, {
      limits: { maxConnectionsPerToken: 2, maxAwarenessBytes: 1024, maxAwarenessClientsPerConnection: 2 },
    });
    event = await createEvent(server.url, 1);
  });
  afterEach(async () => {
    await server.close();
    await dir.remove();
  });

  it('caps sockets per token holder (429), not per IP: another participant on the same IP still connects', async () => {
    const doc = `table/${event.eventId}/t1`;
    const first = await joinTable(server.url, event.joinCode, 't1');
    const second = await joinTable(server.url, event.joinCode, 't1');
    const open = [await openRaw(server.wsBase, doc, first), await openRaw(server.wsBase, doc, first)];
    expect(await upgradeStatus(server.wsBase, `${doc}?token=${first}`)).toBe(429);
    expect(await upgradeStatus(server.wsBase, `${doc}?token=${second}`)).toBe(101);
    open[0]!.ws.close();
    await open[0]!.closed;
    await waitFor(() => server.sync.connectionCount === 1, 'the server to count the close');
    expect(await upgradeStatus(server.wsBase, `${doc}?token=${first}`)).toBe(101);
    open[1]!.ws.close();
  });

  it('drops oversized presence and presence for too many client ids, but relays normal presence', async () => {
    const doc = `table/${event.eventId}/t1`;
    const watcher = connectProvider(server.wsBase, doc, event.facilitatorToken);
    await waitForSync(watcher.provider);
    const sender = await openRaw(server.wsBase, doc, await joinTable(server.url, event.joinCode, 't1'));
    sender.ws.send(presenceFrame([1001], 5000));
    sender.ws.send(presenceFrame([1002, 1003, 1004]));
    expect(await roundTrip(sender)).toBe('answered');
    await sleep(100);
    const states = watcher.provider.awareness.getStates();
    expect(states.has(1001) || states.has(1002) || states.has(1003)).toBe(false);
    sender.ws.send(presenceFrame([1005]));
    await waitFor(() => watcher.provider.awareness.getStates().has(1005), 'normal presence to be relayed');
    // Leaving removes the presence it announced.
    sender.ws.close();
    await waitFor(() => !watcher.provider.awareness.getStates().has(1005), 'presence removed on close');
    watcher.provider.destroy();
  });

  it('closes sockets whose token expired with 4401, leaving others open', async () => {
    const doc = `table/${event.eventId}/t1`;
    const participant = await openRaw(server.wsBase, doc, await joinTable(server.url, event.joinCode, 't1'));
    const facilitator = await openRaw(server.wsBase, doc, event.facilitatorToken);
    // Three days on: the participant's 2-day token has expired, the facilitator's 30-day one has not.
    server.sync.closeExpired(Date.now() / 1000 + 3 * 24 * 3600);
    expect((await participant.closed).code).toBe(4401);
    expect(await roundTrip(facilitator)).toBe('answered');
    facilitator.ws.close();
  });
});

describe('mounted apps', () => {
  it('routes /facilitate to the facilitator app and everything else to the participant app, headers included', async () => {
    const dir = await tempDir();
    const seen: string[] = [];
    const server = await startServer(dir.path, {
      appHandlers: {
        participant: (req, res) => {
          seen.push(`participant ${req.url}`);
          res.end('participant page');
        },
        facilitator: (req, res) => {
          seen.push(`facilitator ${req.url}`);
          res.setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self' 'sha256-abc'");
          res.end('facilitator page');
        },
      },
    });
    try {
      const participant = await fetch(`${server.url}/join/ABCDEF/t1`);
      expect(await participant.text()).toBe('participant page');
      expect(participant.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(participant.headers.get('x-content-type-options')).toBe('nosniff');
      const facilitator = await fetch(`${server.url}/facilitate/abc123`);
      expect(await facilitator.text()).toBe('facilitator page');
      expect(facilitator.headers.get('content-security-policy')).toContain('sha256-abc');
      expect(facilitator.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await (await fetch(`${server.url}/facilitate`)).text()).toBe('facilitator page');
      expect(await (await fetch(`${server.url}/facilitatex`)).text()).toBe('participant page');
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(seen).toEqual(['participant /join/ABCDEF/t1', 'facilitator /facilitate/abc123', 'facilitator /facilitate', 'participant /facilitatex']);
    } finally {
      await server.close();
      await dir.remove();
    }
  });
});
