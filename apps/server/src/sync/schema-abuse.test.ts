/**
 * Schema abuse: a participant with write access bypasses the model and writes junk into their table
 * doc through the raw Yjs API. Readers still get a usable table (bad entries skipped and reported),
 * and the per-doc size limit stops the doc with a clear error instead of letting it eat the server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addOrganisation, readTable } from '@tablemap/model';
import {
  connectProvider,
  createEvent,
  joinTable,
  logCapture,
  mapUpdate,
  openRaw,
  roundTrip,
  startServer,
  storedDoc,
  tempDir,
  updateFrame,
  waitForSync,
  type CreatedEvent,
} from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const MAX_DOC_BYTES = 2 * 1024 * 1024;

/** Runs `write` on the attacker's own doc in one transaction and returns only the new part, as one update. */
function rawUpdate(base: Y.Doc, write: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(base);
  base.transact(() => write(base));
  return Y.encodeStateAsUpdate(base, before);
}

describe('schema abuse through the raw Yjs API', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  let log: ReturnType<typeof logCapture>;
  let docName: string;

  beforeEach(async () => {
    dir = await tempDir();
    log = logCapture();
    server = await startServer(dir.path, { logger: log.logger, limits: { maxDocBytes: MAX_DOC_BYTES, maxPendingUpdateBytes: 64 * 1024 } });
    event = await createEvent(server.url, 1);
    docName = `table/${event.eventId}/t1`;
  });
  afterEach(async () => {
    await server.close();
    await dir.remove();
  });

  it('wrong types and 1 MB strings: readTable skips and reports them, the good entries survive', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const honest = connectProvider(server.wsBase, docName, token);
    await waitForSync(honest.provider);
    addOrganisation(honest.doc, { name: 'Mind in the city', sector: 'vcse' }, { group: 'carer', participantId: 'p1' });

    const attacker = await openRaw(server.wsBase, docName, token);
    const mirror = new Y.Doc();
    const junk = [
      rawUpdate(mirror, (doc) => {
        const orgs = doc.getMap<unknown>('organisations');
        orgs.set('plain-string', 'not an organisation');
        orgs.set('a-number', 42);
        orgs.set('an-array', [1, 2, 3]);
        const wrong = new Y.Map<unknown>();
        wrong.set('id', 'wrong1');
        wrong.set('name', 42);
        wrong.set('sector', 'DROP TABLE');
        orgs.set('wrong1', wrong);
        const nested = new Y.Map<unknown>();
        nested.set('id', 'nested1');
        nested.set('name', new Y.Text('a Y.Text where a string belongs'));
        orgs.set('nested1', nested);
        doc.getMap<unknown>('links').set('l1', { source: 'nowhere', target: 'wrong1', kind: 'teleports' });
        doc.getMap<unknown>('votes').set('not|a|vote|key', 'many');
        doc.getMap<unknown>('votes').set('carer|p9|n1', -5);
        doc.getMap<unknown>('positions').set('wrong1', { x: 'left', y: null });
        doc.getArray('notes-as-array').push(['stray']);
      }),
      rawUpdate(mirror, (doc) => {
        const note = new Y.Map<unknown>();
        note.set('id', 'huge1');
        note.set('text', 'x'.repeat(1_000_000));
        note.set('kind', 'observation');
        note.set('group', 'carer');
        note.set('authorId', 'p1');
        note.set('createdAt', 1);
        doc.getMap<unknown>('notes').set('huge1', note);
      }),
      rawUpdate(mirror, (doc) => doc.getMap<unknown>('organisations').set('big-name', 'y'.repeat(600_000))),
    ];
    for (const update of junk) attacker.ws.send(updateFrame(update));
    expect(await roundTrip(attacker)).toBe('answered');

    // The server's copy, a fresh reader's copy and the SQLite copy all read cleanly.
    const reader = connectProvider(server.wsBase, docName, event.facilitatorToken);
    await waitForSync(reader.provider);
    for (const doc of [reader.doc, await storedDoc(server, docName)]) {
      const started = performance.now();
      const table = readTable(doc);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(table.organisations.map((org) => org.name)).toEqual(['Mind in the city']);
      expect(table.notes).toEqual([]);
      expect(Object.keys(table.votes)).toEqual([]);
      const flagged = new Set(table.problems.map((problem) => `${problem.collection}:${problem.key}`));
      for (const key of ['organisations:plain-string', 'organisations:wrong1', 'organisations:nested1', 'notes:huge1', 'links:l1']) {
        expect(flagged.has(key), key).toBe(true);
      }
      for (const problem of table.problems) expect(problem.key.length).toBeLessThanOrEqual(80);
    }
    attacker.ws.close();
    honest.provider.destroy();
    reader.provider.destroy();
  });

  it('100k organisations: the size limit stops the doc (4413, logged) and the table still reads', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const attacker = await openRaw(server.wsBase, docName, token);
    const mirror = new Y.Doc();
    let sent = 0;
    let closeCode = 0;
    for (let chunk = 0; chunk < 40 && closeCode === 0; chunk++) {
      const update = rawUpdate(mirror, (doc) => {
        const orgs = doc.getMap<unknown>('organisations');
        for (let index = 0; index < 2500; index++) {
          const org = new Y.Map<unknown>();
          const id = `o${chunk}x${index}`;
          org.set('id', id);
          org.set('name', `Organisation ${id}`);
          org.set('sector', 'vcse');
          org.set('addedByGroup', 'carer');
          org.set('createdAt', index);
          orgs.set(id, org);
        }
      });
      attacker.ws.send(updateFrame(update));
      sent += 2500;
      if ((await roundTrip(attacker, 10_000)) === 'closed') closeCode = (await attacker.closed).code;
    }
    expect(closeCode).toBe(4413);
    expect(sent).toBeLessThan(100_000);
    const warning = log.lines.find((line) => line.includes('doc size limit reached'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!)).toMatchObject({ doc: docName, limit: MAX_DOC_BYTES });

    const stored = await server.store.load(docName);
    expect(stored.bytes).toBeLessThanOrEqual(MAX_DOC_BYTES);
    const table = readTable(await storedDoc(server, docName));
    expect(table.organisations.length).toBeGreaterThan(2500);
    expect(table.organisations.length).toBeLessThan(sent);
    // A further write is refused the same way, while reading still works.
    const again = await openRaw(server.wsBase, docName, token);
    again.ws.send(updateFrame(mapUpdate('organisations', 'one-more', 'x'.repeat(700_000))));
    expect((await again.closed).code).toBe(4413);
    const reader = connectProvider(server.wsBase, docName, event.observerToken);
    await waitForSync(reader.provider, 10_000);
    expect(readTable(reader.doc).organisations.length).toBe(table.organisations.length);
    reader.provider.destroy();
  }, 60_000);

  it('caps changes whose dependencies never arrive (pending structs): 4400, memory released', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const attacker = await openRaw(server.wsBase, docName, token);
    let outcome: 'answered' | 'closed' = 'answered';
    for (let index = 0; index < 20 && outcome === 'answered'; index++) {
      const source = new Y.Doc();
      source.getText('t').insert(0, 'a');
      const afterFirst = Y.encodeStateVector(source);
      source.getText('t').insert(1, 'z'.repeat(16 * 1024));
      // Only the second change: it depends on the first, which is never sent.
      attacker.ws.send(updateFrame(Y.encodeStateAsUpdate(source, afterFirst)));
      outcome = await roundTrip(attacker);
    }
    expect(outcome).toBe('closed');
    expect((await attacker.closed).code).toBe(4400);
    const entry = await server.registry.acquire(docName, { kind: 'table', eventId: event.eventId, tableId: 't1' });
    expect(entry.doc.store.pendingStructs).toBeNull();
    server.registry.release(entry);
    expect(log.lines.some((line) => line.includes('unresolved changes over the cap'))).toBe(true);
  });
});
