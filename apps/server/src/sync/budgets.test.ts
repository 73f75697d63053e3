/**
 * Budgets against amplification and bricking: per-participant quotas, per-doc caps on items and
 * writers, delete-only updates always allowed, the facilitator's purge, and the server's memory budget.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, addOrganisation, readTable } from '@tablemap/model';
import {
  claimsOf,
  connectProvider,
  createEvent,
  joinTable,
  notesUpdate,
  openRaw,
  postJson,
  roundTrip,
  serverPool,
  storedDoc,
  updateFrame,
  upgradeStatus,
  waitFor,
  waitForSync,
} from '../testing.ts';

describe('budgets', () => {
  const pool = serverPool();
  afterEach(() => pool.stopAll());

  const server = (overrides: Parameters<typeof pool.start>[0] = {}) => pool.start(overrides);

  it('one participant cannot brick a table: their quota stops them, deleting still works, and the facilitator’s purge frees the space', async () => {
    const srv = await server({ limits: { participantItemsTotal: 400, participantItemsPerMinute: 100_000 } });
    const event = await createEvent(srv.url, 1);
    const name = `table/${event.eventId}/t1`;
    const honestToken = await joinTable(srv.url, event.joinCode, 't1', 'housing');
    const honest = connectProvider(srv.wsBase, name, honestToken);
    await waitForSync(honest.provider);
    addNote(honest.doc, { text: 'An honest note', kind: 'observation' }, { group: 'housing', participantId: claimsOf(honestToken).participantId });

    const token = await joinTable(srv.url, event.joinCode, 't1');
    const filler = await openRaw(srv.wsBase, name, token);
    const source = new Y.Doc();
    let code = 0;
    for (let round = 0; round < 20 && code === 0; round++) {
      const before = Y.encodeStateVector(source);
      for (let index = 0; index < 10; index++) addNote(source, { text: 'x'.repeat(1000), kind: 'idea' }, { group: 'carer', participantId: claimsOf(token).participantId });
      filler.ws.send(updateFrame(Y.encodeStateAsUpdate(source, before)));
      if ((await roundTrip(filler)) === 'closed') code = (await filler.closed).code;
    }
    expect(code).toBe(4413);
    expect((await filler.closed).reason).toContain('as much as one person may');
    const fillerId = claimsOf(token).participantId;
    const filled = readTable(await storedDoc(srv, name)).notes.filter((note) => note.authorId === fillerId).length;
    expect(filled).toBeGreaterThan(10);

    // Over their quota, an update that only deletes still passes.
    const cleaner = await openRaw(srv.wsBase, name, token);
    const mine = new Y.Doc();
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(await storedDoc(srv, name)));
    const ownNote = readTable(mine).notes.find((note) => note.authorId === claimsOf(token).participantId)!;
    const beforeDelete = Y.encodeStateVector(mine);
    mine.getMap('notes').delete(ownNote.id);
    cleaner.ws.send(updateFrame(Y.encodeStateAsUpdate(mine, beforeDelete)));
    expect(await roundTrip(cleaner)).toBe('answered');
    expect(readTable(await storedDoc(srv, name)).notes).toHaveLength(filled);

    // The facilitator removes everything that participant wrote; the doc shrinks once compacted.
    const bytesBefore = (await srv.store.load(name)).bytes;
    const auth = { Authorization: `Bearer ${event.facilitatorToken}` };
    const purged = await postJson(`${srv.url}/api/events/${event.eventId}/purge`, { participantId: claimsOf(token).participantId }, auth);
    expect(purged.status).toBe(200);
    expect(purged.json.removed).toMatchObject({ notes: filled - 1 });
    const after = readTable(await storedDoc(srv, name));
    expect(after.notes.map((note) => note.text)).toEqual(['An honest note']);
    expect((await srv.store.load(name)).bytes).toBeLessThan(bytesBefore / 4);
    await waitFor(() => readTable(honest.doc).notes.length === 1, 'the purge to reach the other phones');
    // Only the event's facilitator may purge.
    expect((await postJson(`${srv.url}/api/events/${event.eventId}/purge`, { participantId: 'x1' }, { Authorization: `Bearer ${honestToken}` })).status).toBe(403);
    honest.provider.destroy();
  });

  it('a participant adding too much within a minute is closed with 4429', async () => {
    const srv = await server({ limits: { participantItemsPerMinute: 200 } });
    const event = await createEvent(srv.url, 1);
    const token = await joinTable(srv.url, event.joinCode, 't1');
    const client = await openRaw(srv.wsBase, `table/${event.eventId}/t1`, token);
    let code = 0;
    for (let round = 0; round < 20 && code === 0; round++) {
      client.ws.send(updateFrame(notesUpdate(token, 5)));
      if ((await roundTrip(client)) === 'closed') code = (await client.closed).code;
    }
    expect(code).toBe(4429);
  });

  it('caps distinct writers (Yjs client ids) per doc: fresh client ids past the cap are refused (4413)', async () => {
    const srv = await server({ limits: { maxDocClients: 5 } });
    const event = await createEvent(srv.url, 1);
    const name = `table/${event.eventId}/t1`;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => joinTable(srv.url, event.joinCode, 't1')));
    const codes: number[] = [];
    for (const token of tokens) {
      const client = await openRaw(srv.wsBase, name, token);
      const doc = new Y.Doc();
      addOrganisation(doc, { name: `Org ${doc.clientID}`, sector: 'vcse' }, { group: 'carer', participantId: claimsOf(token).participantId });
      client.ws.send(updateFrame(Y.encodeStateAsUpdate(doc)));
      codes.push((await roundTrip(client)) === 'answered' ? 0 : (await client.closed).code);
    }
    expect(codes.filter((code) => code === 0).length).toBeLessThanOrEqual(5);
    expect(codes.slice(-2)).toEqual([4413, 4413]);
  });

  it('past the memory budget the server refuses to load more docs (503, Retry-After) and unloads idle ones, instead of dying', async () => {
    let used = 0;
    const srv = await server({ limits: { maxMemoryBytes: 100 }, memoryUsed: () => used });
    const event = await createEvent(srv.url, 3);
    const token = await joinTable(srv.url, event.joinCode, 't1');
    const open = connectProvider(srv.wsBase, `table/${event.eventId}/t1`, token);
    await waitForSync(open.provider);
    await srv.registry.withDoc(`table/${event.eventId}/t2`, { kind: 'table', eventId: event.eventId, tableId: 't2' }, () => {});
    expect(srv.registry.isLoaded(`table/${event.eventId}/t2`)).toBe(true);
    used = 1000;
    // A doc that is not loaded: refused with 503 and Retry-After; the idle one was unloaded, the open one kept.
    const refused = await upgradeResponse(`${srv.url}/sync/table/${event.eventId}/t3?token=${event.facilitatorToken}`);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('10');
    expect(srv.registry.isLoaded(`table/${event.eventId}/t2`)).toBe(false);
    expect(srv.registry.isLoaded(`table/${event.eventId}/t1`)).toBe(true);
    // The HTTP API answers the same way when it would need to load a doc (the lookup reads every table).
    const lookup = await fetch(`${srv.url}/api/join/${event.joinCode}`);
    expect(lookup.status).toBe(503);
    expect(lookup.headers.get('retry-after')).toBe('10');
    // The open table keeps working.
    addNote(open.doc, { text: 'Still here', kind: 'idea' }, { group: 'carer', participantId: claimsOf(token).participantId });
    await waitFor(() => readTable(open.doc).notes.length === 1, 'the edit');
    used = 0;
    expect(await upgradeStatus(srv.wsBase, `table/${event.eventId}/t3?token=${event.facilitatorToken}`)).toBe(101);
    open.provider.destroy();
  });

  it('a table filled to its item cap can be cleaned up, and then takes new entries again', async () => {
    const srv = await server({ limits: { maxDocItems: 400 } });
    const event = await createEvent(srv.url, 1);
    const name = `table/${event.eventId}/t1`;
    let code = 0;
    for (let round = 0; round < 20 && code === 0; round++) {
      const token = await joinTable(srv.url, event.joinCode, 't1');
      const client = await openRaw(srv.wsBase, name, token);
      client.ws.send(updateFrame(notesUpdate(token, 10)));
      if ((await roundTrip(client)) === 'closed') code = (await client.closed).code;
      client.ws.close();
    }
    expect(code).toBe(4413);
    // The facilitator deletes every note (an update that only deletes always passes) ...
    const facilitator = connectProvider(srv.wsBase, name, event.facilitatorToken);
    await waitForSync(facilitator.provider);
    const notes = facilitator.doc.getMap('notes');
    facilitator.doc.transact(() => [...notes.keys()].forEach((key) => notes.delete(key)));
    const entry = await srv.registry.acquire(name, { kind: 'table', eventId: event.eventId, tableId: 't1' });
    await waitFor(() => readTable(entry.doc).notes.length === 0, 'the deletes to reach the server');
    srv.registry.release(entry);
    // ... and the removed content no longer counts: a new participant can add again.
    const token = await joinTable(srv.url, event.joinCode, 't1');
    const client = await openRaw(srv.wsBase, name, token);
    client.ws.send(updateFrame(notesUpdate(token, 5)));
    expect(await roundTrip(client)).toBe('answered');
    expect(readTable(await storedDoc(srv, name)).notes).toHaveLength(5);
    facilitator.provider.destroy();
  });

  it('a token whose updates keep being refused is kept out for a minute (429), others are not', async () => {
    const srv = await server({ limits: { refusalsPerMinute: 3 } });
    const event = await createEvent(srv.url, 1);
    const name = `table/${event.eventId}/t1`;
    const token = await joinTable(srv.url, event.joinCode, 't1');
    const junk = new Y.Doc();
    junk.getMap('junk').set('a', 1);
    for (let attempt = 0; attempt < 3; attempt++) {
      const socket = await openRaw(srv.wsBase, name, token);
      socket.ws.send(updateFrame(Y.encodeStateAsUpdate(junk)));
      expect((await socket.closed).code).toBe(4422);
    }
    expect(await upgradeStatus(srv.wsBase, `${name}?token=${token}`)).toBe(429);
    expect(await upgradeStatus(srv.wsBase, `${name}?token=${await joinTable(srv.url, event.joinCode, 't1')}`)).toBe(101);
  });

  it('many fresh tokens from one join code cannot loop refused updates either: that event cools down, another event does not', async () => {
    const srv = await server({ limits: { eventRefusalsPerMinute: 4 } });
    const attacked = await createEvent(srv.url, 1);
    const bystander = await createEvent(srv.url, 1);
    const junk = new Y.Doc();
    junk.getMap('junk').set('a', 1);
    for (let attempt = 0; attempt < 4; attempt++) {
      const socket = await openRaw(srv.wsBase, `table/${attacked.eventId}/t1`, await joinTable(srv.url, attacked.joinCode, 't1'));
      socket.ws.send(updateFrame(Y.encodeStateAsUpdate(junk)));
      expect((await socket.closed).code).toBe(4422);
    }
    expect(await upgradeStatus(srv.wsBase, `table/${attacked.eventId}/t1?token=${await joinTable(srv.url, attacked.joinCode, 't1')}`)).toBe(429);
    expect(await upgradeStatus(srv.wsBase, `table/${attacked.eventId}/t1?token=${attacked.facilitatorToken}`)).toBe(101);
    expect(await upgradeStatus(srv.wsBase, `table/${bystander.eventId}/t1?token=${await joinTable(srv.url, bystander.joinCode, 't1')}`)).toBe(101);
  });
});


/** Sends a WebSocket upgrade and returns the HTTP answer's status and Retry-After header. */
function upgradeResponse(url: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined });
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, retryAfter: undefined });
    });
    req.on('error', reject);
    req.end();
  });
}