import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SignJWT } from 'jose';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addOrganisation, readTable, setTableLocked, setPhase } from '@tablemap/model';
import {
  connectProvider,
  createEvent,
  joinTable,
  mapUpdate,
  notesUpdate,
  openRaw,
  roundTrip,
  sleep,
  startServer,
  storedDoc,
  tempDir,
  updateFrame,
  upgradeStatus,
  waitFor,
  waitForSync,
  type CreatedEvent,
} from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const actor = { group: 'carer', participantId: 'p1' };
const orgNames = (doc: Y.Doc) => readTable(doc).organisations.map((org) => org.name).sort();

describe('sync server', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  const cleanups: (() => void)[] = [];

  beforeEach(async () => {
    dir = await tempDir();
    // Per-participant byte quotas are lifted: the size-limit test below writes 400 KB from one phone.
    server = await startServer(dir.path, { limits: { maxFrameBytes: 64 * 1024, maxDocBytes: 256 * 1024, participantBytesPerMinute: 1e9, participantBytesTotal: 1e9 } });
    event = await createEvent(server.url, 3);
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    await server.close();
    await dir.remove();
  });

  function provider(docName: string, token: string) {
    const client = connectProvider(server.wsBase, docName, token);
    cleanups.push(() => client.provider.destroy());
    return client;
  }
  const tableDoc = (tableId: string) => `table/${event.eventId}/${tableId}`;
  const eventDoc = () => `event/${event.eventId}`;

  it('two participants at one table converge through the server, and the facilitator sees it', async () => {
    const tokenA = await joinTable(server.url, event.joinCode, 't1', 'carer');
    const tokenB = await joinTable(server.url, event.joinCode, 't1', 'housing');
    const a = provider(tableDoc('t1'), tokenA);
    const b = provider(tableDoc('t1'), tokenB);
    const facilitator = provider(tableDoc('t1'), event.facilitatorToken);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider), waitForSync(facilitator.provider)]);
    addOrganisation(a.doc, { name: 'Samaritans', sector: 'vcse' }, actor);
    addOrganisation(b.doc, { name: 'Council housing team', sector: 'housing' }, { group: 'housing', participantId: 'p2' });
    const expected = ['Council housing team', 'Samaritans'];
    await waitFor(() => orgNames(a.doc).length === 2 && orgNames(b.doc).length === 2 && orgNames(facilitator.doc).length === 2, 'convergence');
    expect(orgNames(a.doc)).toEqual(expected);
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    expect(orgNames(await storedDoc(server, tableDoc('t1')))).toEqual(expected);
  });

  it('relays presence between participants', async () => {
    const a = provider(tableDoc('t1'), await joinTable(server.url, event.joinCode, 't1'));
    const b = provider(tableDoc('t1'), await joinTable(server.url, event.joinCode, 't1'));
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);
    a.provider.awareness.setLocalStateField('user', { group: 'carer' });
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.group === 'carer', 'presence at b');
  });

  it('keeps every change across a restart on the same DATA_DIR', async () => {
    const token = await joinTable(server.url, event.joinCode, 't2');
    const writer = provider(tableDoc('t2'), token);
    const watcher = provider(tableDoc('t2'), event.facilitatorToken);
    await Promise.all([waitForSync(writer.provider), waitForSync(watcher.provider)]);
    for (let index = 0; index < 5; index++) addOrganisation(writer.doc, { name: `Org ${index}`, sector: 'vcse' }, actor);
    await waitFor(() => orgNames(watcher.doc).length === 5, 'relay');
    for (const cleanup of cleanups.splice(0)) cleanup();
    await server.close();

    server = await startServer(dir.path);
    const reader = provider(tableDoc('t2'), event.facilitatorToken);
    await waitForSync(reader.provider);
    expect(orgNames(reader.doc)).toEqual(['Org 0', 'Org 1', 'Org 2', 'Org 3', 'Org 4']);
    // Tokens signed before the restart still work: the key lives in DATA_DIR.
    const again = provider(tableDoc('t2'), token);
    await waitForSync(again.provider);
    expect(orgNames(again.doc)).toHaveLength(5);
  });

  it('refuses bad tokens (401), out-of-scope docs (403) and invalid doc names (400, nothing created) at upgrade', async () => {
    const participant = await joinTable(server.url, event.joinCode, 't1');
    const other = await createEvent(server.url, 1);
    const status = (path: string, token: string) => upgradeStatus(server.wsBase, `${path}?token=${encodeURIComponent(token)}`);
    expect(await status(tableDoc('t1'), '')).toBe(401);
    expect(await status(tableDoc('t1'), 'not-a-jwt')).toBe(401);
    expect(await status(tableDoc('t1'), participant.slice(0, -3) + 'AAA')).toBe(401);
    const foreignKey = await new SignJWT({ eventId: event.eventId, role: 'facilitator', participantId: 'x1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new Uint8Array(32));
    expect(await status(eventDoc(), foreignKey)).toBe(401);
    const secret = Buffer.from((await readFile(join(dir.path, 'secret.key'), 'utf8')).trim(), 'hex');
    const expired = await new SignJWT({ eventId: event.eventId, role: 'facilitator', participantId: 'x1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(secret);
    expect(await status(eventDoc(), expired)).toBe(401);
    expect(await status(tableDoc('t2'), participant)).toBe(403);
    expect(await status(`roster/${event.eventId}`, participant)).toBe(403);
    expect(await status(`event/${other.eventId}`, participant)).toBe(403);
    expect(await status(`table/${other.eventId}/t1`, event.facilitatorToken)).toBe(403);
    for (const bad of [`event/${event.eventId}/extra`, 'event/..', `table/${event.eventId}`, 'nonsense/abc', `event/${event.eventId.toUpperCase()}`, 'event/%ZZ']) {
      expect(await status(bad, event.facilitatorToken)).toBe(400);
      expect(server.registry.isLoaded(bad)).toBe(false);
      expect((await server.store.load(bad)).updates).toHaveLength(0);
    }
    expect(await status(tableDoc('t1'), participant)).toBe(101);
  });

  it("drops an observer's raw update frame: closed 4403, never relayed, never stored", async () => {
    const watcher = provider(tableDoc('t1'), event.facilitatorToken);
    await waitForSync(watcher.provider);
    const observer = await openRaw(server.wsBase, tableDoc('t1'), event.observerToken);
    observer.ws.send(updateFrame(mapUpdate('positions', 'evil', { x: 1, y: 1 }), 2));
    expect((await observer.closed).code).toBe(4403);
    // A sync-step-2 carrying the same change is refused the same way (nextcloud/text#5895).
    const again = await openRaw(server.wsBase, tableDoc('t1'), event.observerToken);
    again.ws.send(updateFrame(mapUpdate('positions', 'evil2', { x: 1, y: 1 }), 1));
    expect((await again.closed).code).toBe(4403);
    // Prove the server processed later traffic (a relay happens only after the store), then check nothing arrived anywhere.
    const second = provider(tableDoc('t1'), await joinTable(server.url, event.joinCode, 't1'));
    await waitForSync(second.provider);
    addOrganisation(watcher.doc, { name: 'Real org', sector: 'vcse' }, actor);
    await waitFor(() => orgNames(second.doc).includes('Real org'), 'the real write to be relayed');
    const stored = await storedDoc(server, tableDoc('t1'));
    expect(orgNames(stored)).toEqual(['Real org']);
    for (const doc of [stored, watcher.doc, second.doc]) {
      expect(doc.getMap('positions').has('evil')).toBe(false);
      expect(doc.getMap('positions').has('evil2')).toBe(false);
    }
  });

  it('lets an observer read (sync works) without ever being closed for its own sync reply', async () => {
    const facilitator = provider(tableDoc('t3'), event.facilitatorToken);
    await waitForSync(facilitator.provider);
    addOrganisation(facilitator.doc, { name: 'Recovery college', sector: 'education' }, actor);
    const observer = provider(tableDoc('t3'), event.observerToken);
    await waitForSync(observer.provider);
    await waitFor(() => orgNames(observer.doc).length === 1, 'observer to receive the map');
    addOrganisation(facilitator.doc, { name: 'Crisis line', sector: 'nhs_secondary' }, actor);
    await waitFor(() => orgNames(observer.doc).length === 2, 'observer to receive a live change');
    expect(observer.provider.wsconnected).toBe(true);
  });

  it("never relays an observer's presence", async () => {
    const participant = provider(tableDoc('t1'), await joinTable(server.url, event.joinCode, 't1'));
    const observer = provider(tableDoc('t1'), event.observerToken);
    await Promise.all([waitForSync(participant.provider), waitForSync(observer.provider)]);
    observer.provider.awareness.setLocalStateField('user', { group: 'observer' });
    participant.provider.awareness.setLocalStateField('user', { group: 'carer' });
    // The observer sees the participant (reading presence is allowed) ...
    await waitFor(() => observer.provider.awareness.getStates().has(participant.doc.clientID), 'participant presence at observer');
    await sleep(200);
    // ... but the participant never sees the observer.
    expect(participant.provider.awareness.getStates().has(observer.doc.clientID)).toBe(false);
  });

  it('a participant cannot write another table (403) or the event doc (4403)', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    expect(await upgradeStatus(server.wsBase, `${tableDoc('t2')}?token=${token}`)).toBe(403);
    const onEvent = await openRaw(server.wsBase, eventDoc(), token);
    onEvent.ws.send(updateFrame(mapUpdate('meta', 'phase', 'closed')));
    expect((await onEvent.closed).code).toBe(4403);
    const stored = await storedDoc(server, eventDoc());
    expect(stored.getMap('meta').get('phase')).toBe('setup');
  });

  it('closes only the offending socket on an oversized (1009) or malformed (4400) frame', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const a = provider(tableDoc('t1'), token);
    const b = provider(tableDoc('t1'), event.facilitatorToken);
    await Promise.all([waitForSync(a.provider), waitForSync(b.provider)]);

    const big = await openRaw(server.wsBase, tableDoc('t1'), token);
    big.ws.send(new Uint8Array(100 * 1024));
    expect((await big.closed).code).toBe(1009);
    for (const frame of [[0x09, 0x01], [0, 2, 0xff], [0, 2, 5, 1, 2, 3, 4, 5], [0, 7], [1, 3, 1, 2, 3]]) {
      const bad = await openRaw(server.wsBase, tableDoc('t1'), token);
      bad.ws.send(new Uint8Array(frame));
      expect((await bad.closed).code).toBe(4400);
    }
    const text = await openRaw(server.wsBase, tableDoc('t1'), token);
    text.ws.send('hello');
    expect((await text.closed).code).toBe(4400);

    addOrganisation(a.doc, { name: 'Still working', sector: 'vcse' }, actor);
    await waitFor(() => orgNames(b.doc).includes('Still working'), 'the other sockets to keep working');
    expect(a.provider.wsconnected && b.provider.wsconnected).toBe(true);
  });

  it('refuses participant writes to a locked table (4423) but lets them read, and facilitators still write', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const facilitatorEvent = provider(eventDoc(), event.facilitatorToken);
    const participantEvent = provider(eventDoc(), token);
    await Promise.all([waitForSync(facilitatorEvent.provider), waitForSync(participantEvent.provider)]);
    const participantTable = provider(tableDoc('t1'), token);
    await waitForSync(participantTable.provider);
    addOrganisation(participantTable.doc, { name: 'Before lock', sector: 'vcse' }, actor);

    setTableLocked(facilitatorEvent.doc, 't1', true);
    await waitFor(() => participantEvent.doc.getMap<{ locked: boolean }>('tables').get('t1')?.locked === true, 'the lock to reach the participant');
    // A reconnecting participant with nothing new is not kicked for its sync reply ...
    const reader = provider(tableDoc('t1'), token);
    await waitForSync(reader.provider);
    await waitFor(() => orgNames(reader.doc).includes('Before lock'), 'reading a locked table');
    const raw = await openRaw(server.wsBase, tableDoc('t1'), token);
    expect(await roundTrip(raw)).toBe('answered');
    // ... but a write is refused.
    raw.ws.send(updateFrame(mapUpdate('positions', 'late', { x: 1, y: 1 })));
    expect((await raw.closed).code).toBe(4423);
    const facilitatorTable = provider(tableDoc('t1'), event.facilitatorToken);
    await waitForSync(facilitatorTable.provider);
    addOrganisation(facilitatorTable.doc, { name: 'Facilitator edit', sector: 'vcse' }, actor);
    await waitFor(() => orgNames(reader.doc).includes('Facilitator edit'), 'facilitator edit to arrive');
    const stored = await storedDoc(server, tableDoc('t1'));
    expect(stored.getMap('positions').has('late')).toBe(false);

    // Unlocked, then the event closed: participant writes are refused again.
    setTableLocked(facilitatorEvent.doc, 't1', false);
    await waitFor(() => participantEvent.doc.getMap<{ locked: boolean }>('tables').get('t1')?.locked === false, 'unlock');
    const writer = await openRaw(server.wsBase, tableDoc('t1'), token);
    writer.ws.send(updateFrame(mapUpdate('positions', 'allowed', { x: 1, y: 1 })));
    expect(await roundTrip(writer)).toBe('answered');
    setPhase(facilitatorEvent.doc, 'closed');
    await waitFor(() => participantEvent.doc.getMap('meta').get('phase') === 'closed', 'phase closed');
    writer.ws.send(updateFrame(mapUpdate('positions', 'after-close', { x: 1, y: 1 })));
    expect((await writer.closed).code).toBe(4423);
  });

  it('stops accepting updates once a doc reaches MAX_DOC_BYTES (4413), keeping what it has', async () => {
    const token = await joinTable(server.url, event.joinCode, 't2');
    const client = await openRaw(server.wsBase, tableDoc('t2'), token);
    let code = 0;
    for (let index = 0; index < 8 && !client.isClosed(); index++) {
      // Fifty valid notes of 1,000 characters: about 50 KB a frame.
      client.ws.send(updateFrame(notesUpdate(token, 50, 'x'.repeat(1000))));
      if ((await roundTrip(client)) === 'closed') code = (await client.closed).code;
    }
    expect(code).toBe(4413);
    const stored = await storedDoc(server, tableDoc('t2'));
    expect(stored.getMap('notes').size).toBeGreaterThan(100);
    expect(stored.getMap('notes').size).toBeLessThan(400);
  });

  it('unloads idle docs and compacts their log into a snapshot', async () => {
    const quick = await startServer((await tempDir()).path, { limits: { idleUnloadMs: 100, compactAfterUpdates: 3 } });
    try {
      const created = await createEvent(quick.url, 1);
      const client = connectProvider(quick.wsBase, `table/${created.eventId}/t1`, created.facilitatorToken);
      await waitForSync(client.provider);
      for (let index = 0; index < 7; index++) addOrganisation(client.doc, { name: `Org ${index}`, sector: 'vcse' }, actor);
      await waitFor(() => orgNames(client.doc).length === 7, 'local writes');
      await sleep(200);
      client.provider.destroy();
      const name = `table/${created.eventId}/t1`;
      await waitFor(() => !quick.registry.isLoaded(name), 'the idle doc to unload');
      const stored = await quick.store.load(name);
      expect(stored.logLength).toBe(0);
      const doc = new Y.Doc();
      for (const update of stored.updates) Y.applyUpdate(doc, update);
      expect(orgNames(doc)).toHaveLength(7);
    } finally {
      await quick.close();
    }
  });
});
