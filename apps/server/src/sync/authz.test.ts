/**
 * The authorization matrix over raw WebSocket frames: every role × every doc kind × {read, write, presence},
 * plus cross-event tokens, expired tokens and revocation. Expectations are written out here, not derived
 * from the model's ROLE_RULES, so a change to the rules has to be made (and reviewed) in both places.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocRef } from '@tablemap/model';
import {
  connectProvider,
  createEvent,
  docFromFrames,
  joinTable,
  probeUpdate,
  openRaw,
  postJson,
  presenceFrame,
  presenceIdsIn,
  roundTrip,
  signWithServerKey,
  sleep,
  startServer,
  step1Frame,
  storedDoc,
  tempDir,
  updateFrame,
  upgradeStatus,
  waitFor,
  waitForSync,
  type CreatedEvent,
  type RawClient,
} from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
type Role = 'facilitator' | 'participant' | 'scribe' | 'observer';
type Kind = 'event' | 'ownTable' | 'otherTable' | 'roster' | 'synthesis';
type Expected = 'write' | 'read' | 'none';

/** t1 is the participant's and scribe's own table; an observer or facilitator has none, so t1 is just a table. */
const MATRIX: Record<Role, Record<Kind, Expected>> = {
  facilitator: { event: 'write', ownTable: 'write', otherTable: 'write', roster: 'write', synthesis: 'write' },
  participant: { event: 'read', ownTable: 'write', otherTable: 'none', roster: 'none', synthesis: 'read' },
  scribe: { event: 'read', ownTable: 'write', otherTable: 'none', roster: 'none', synthesis: 'read' },
  observer: { event: 'read', ownTable: 'read', otherTable: 'read', roster: 'none', synthesis: 'read' },
};
const ROLES = Object.keys(MATRIX) as Role[];
const KINDS = Object.keys(MATRIX.facilitator) as Kind[];

function docName(kind: Kind, eventId: string): string {
  if (kind === 'ownTable') return `table/${eventId}/t1`;
  if (kind === 'otherTable') return `table/${eventId}/t2`;
  return `${kind}/${eventId}`;
}

function refOf(kind: Kind, eventId: string): DocRef {
  if (kind === 'ownTable') return { kind: 'table', eventId, tableId: 't1' };
  if (kind === 'otherTable') return { kind: 'table', eventId, tableId: 't2' };
  return { kind, eventId };
}

describe('authorization matrix over raw frames', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  let other: CreatedEvent;
  const tokens = {} as Record<Role, string>;
  const watchers = new Map<Kind, RawClient>();
  let presenceId = 50_000;

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await createEvent(server.url, 2);
    other = await createEvent(server.url, 2);
    tokens.facilitator = event.facilitatorToken;
    tokens.observer = event.observerToken;
    tokens.participant = await joinTable(server.url, event.joinCode, 't1');
    const scribe = await postJson(`${server.url}/api/events/${event.eventId}/scribe`, { tableId: 't1' }, { Authorization: `Bearer ${event.facilitatorToken}` });
    tokens.scribe = scribe.json.token as string;
    // Every doc holds a marker, so "can read" means "received the marker".
    for (const kind of KINDS) {
      await server.registry.withDoc(docName(kind, event.eventId), refOf(kind, event.eventId), (entry) =>
        entry.doc.getMap('marker').set('seeded', kind),
      );
      watchers.set(kind, await openRaw(server.wsBase, docName(kind, event.eventId), event.facilitatorToken));
    }
  });
  afterAll(async () => {
    for (const watcher of watchers.values()) watcher.ws.close();
    await server.close();
    await dir.remove();
  });

  const cases = ROLES.flatMap((role) => KINDS.map((kind) => ({ role, kind, expected: MATRIX[role][kind] })));

  it.each(cases)('$role on $kind: read is $expected-level', async ({ role, kind, expected }) => {
    const name = docName(kind, event.eventId);
    if (expected === 'none') {
      expect(await upgradeStatus(server.wsBase, `${name}?token=${tokens[role]}`)).toBe(403);
      return;
    }
    const client = await openRaw(server.wsBase, name, tokens[role]);
    client.ws.send(step1Frame());
    await waitFor(() => docFromFrames(client.received).getMap('marker').get('seeded') === kind, `${role} to read ${kind}`);
    client.ws.close();
  });

  it.each(cases)('$role on $kind: write is allowed only with write access ($expected)', async ({ role, kind, expected }) => {
    const name = docName(kind, event.eventId);
    if (expected === 'none') {
      expect(await upgradeStatus(server.wsBase, `${name}?token=${tokens[role]}`)).toBe(403);
      return;
    }
    const client = await openRaw(server.wsBase, name, tokens[role]);
    const key = `${role}-${kind}`.toLowerCase();
    const probe = probeUpdate(kind === 'ownTable' || kind === 'otherTable' ? 'table' : kind, key);
    client.ws.send(updateFrame(probe.update));
    const outcome = await roundTrip(client);
    if (expected === 'write') {
      expect(outcome).toBe('answered');
      // The write was relayed to another reader of the doc, and so (persisted before relayed) is on disk.
      await waitFor(() => docFromFrames(watchers.get(kind)!.received).getMap(probe.root).has(key), 'relay to the watcher');
      expect((await storedDoc(server, name)).getMap(probe.root).has(key)).toBe(true);
      client.ws.close();
    } else {
      expect(outcome).toBe('closed');
      expect((await client.closed).code).toBe(4403);
      expect((await storedDoc(server, name)).getMap(probe.root).has(key)).toBe(false);
      expect(docFromFrames(watchers.get(kind)!.received).getMap(probe.root).has(key)).toBe(false);
    }
  });

  it.each(cases)('$role on $kind: presence is relayed only with write access ($expected)', async ({ role, kind, expected }) => {
    const name = docName(kind, event.eventId);
    if (expected === 'none') {
      expect(await upgradeStatus(server.wsBase, `${name}?token=${tokens[role]}`)).toBe(403);
      return;
    }
    const client = await openRaw(server.wsBase, name, tokens[role]);
    const id = presenceId++;
    client.ws.send(presenceFrame(id, { user: { group: 'carer' } }));
    expect(await roundTrip(client)).toBe('answered');
    const watcher = watchers.get(kind)!;
    if (expected === 'write') {
      await waitFor(() => presenceIdsIn(watcher.received).has(id), 'presence at the watcher');
    } else {
      await sleep(50);
      expect(presenceIdsIn(watcher.received).has(id)).toBe(false);
      // The read-only client still sees who else is there (reading presence is allowed).
      expect(client.isClosed()).toBe(false);
    }
    client.ws.close();
    await client.closed;
  });

  it('a token for event A opens nothing of event B, whatever the role', async () => {
    for (const role of ROLES) {
      for (const kind of KINDS) {
        const status = await upgradeStatus(server.wsBase, `${docName(kind, other.eventId)}?token=${tokens[role]}`);
        expect(status, `${role} on ${kind} of another event`).toBe(403);
      }
    }
  });

  it('refuses expired tokens of every role (401) with a right signature', async () => {
    const past = Math.floor(Date.now() / 1000) - 5;
    for (const role of ROLES) {
      const claims = { eventId: event.eventId, role, participantId: `expired${role}`, ...(role === 'participant' || role === 'scribe' ? { tableId: 't1', group: 'carer' } : {}) };
      const token = await signWithServerKey(dir.path, claims, past);
      const fresh = await signWithServerKey(dir.path, claims, past + 3600);
      expect(await upgradeStatus(server.wsBase, `${docName('ownTable', event.eventId)}?token=${token}`), role).toBe(401);
      // Control: the same claims unexpired are let in, so the 401 is about expiry.
      expect(await upgradeStatus(server.wsBase, `${docName('ownTable', event.eventId)}?token=${fresh}`), role).toBe(101);
    }
  });
});

describe('revocation', () => {
  it('closes a revoked participant’s live sockets within 1 s (4401), refuses reconnection, and survives a restart', async () => {
    const dir = await tempDir();
    let server = await startServer(dir.path);
    try {
      const event = await createEvent(server.url, 2);
      const other = await createEvent(server.url, 1);
      const joined = await postJson(`${server.url}/api/join`, { joinCode: event.joinCode, tableId: 't1', group: 'carer', consent: true });
      const token = joined.json.token as string;
      const participantId = joined.json.participantId as string;
      const bystanderToken = await joinTable(server.url, event.joinCode, 't1');
      const onTable = await openRaw(server.wsBase, `table/${event.eventId}/t1`, token);
      const onEvent = await openRaw(server.wsBase, `event/${event.eventId}`, token);
      const viaProvider = connectProvider(server.wsBase, `table/${event.eventId}/t1`, token);
      const bystander = await openRaw(server.wsBase, `table/${event.eventId}/t1`, bystanderToken);
      await waitForSync(viaProvider.provider);
      const closeCodes: number[] = [];
      viaProvider.provider.on('connection-close', (closeEvent: { code: number } | null) => void closeCodes.push(closeEvent?.code ?? 0));

      const url = `${server.url}/api/events/${event.eventId}/revoke`;
      // Only this event's facilitator may revoke.
      expect((await postJson(url, { participantId })).status).toBe(401);
      expect((await postJson(url, { participantId }, { Authorization: `Bearer ${token}` })).status).toBe(403);
      expect((await postJson(url, { participantId }, { Authorization: `Bearer ${event.observerToken}` })).status).toBe(403);
      expect((await postJson(url, { participantId }, { Authorization: `Bearer ${other.facilitatorToken}` })).status).toBe(403);
      expect((await postJson(url, { participantId: '../x' }, { Authorization: `Bearer ${event.facilitatorToken}` })).status).toBe(400);
      expect(onTable.isClosed() || onEvent.isClosed()).toBe(false);

      const started = Date.now();
      const revoked = await postJson(url, { participantId }, { Authorization: `Bearer ${event.facilitatorToken}` });
      expect(revoked.status).toBe(200);
      expect(revoked.json).toMatchObject({ revoked: true, participantId, closedSockets: 3 });
      const [tableClose, eventClose] = await Promise.all([onTable.closed, onEvent.closed]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect([tableClose.code, eventClose.code]).toEqual([4401, 4401]);
      await waitFor(() => closeCodes.includes(4401), 'the provider to be closed with 4401', 1000);
      viaProvider.provider.destroy();

      expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t1?token=${token}`)).toBe(401);
      // The HTTP API refuses the token too (401 revoked, where an unrevoked participant gets 403).
      const viaApi = await postJson(`${server.url}/api/events/${event.eventId}/scribe`, { tableId: 't1' }, { Authorization: `Bearer ${token}` });
      expect(viaApi.status).toBe(401);
      expect(viaApi.json.message).toMatch(/revoked/);
      expect(await roundTrip(bystander)).toBe('answered');
      bystander.ws.close();
      // Revoking twice is harmless.
      expect((await postJson(url, { participantId }, { Authorization: `Bearer ${event.facilitatorToken}` })).status).toBe(200);

      await server.close();
      server = await startServer(dir.path);
      expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t1?token=${token}`)).toBe(401);
      expect(await upgradeStatus(server.wsBase, `table/${event.eventId}/t1?token=${bystanderToken}`)).toBe(101);
    } finally {
      await server.close();
      await dir.remove();
    }
  });
});
