/**
 * Schema abuse: a participant with write access bypasses the model and writes junk into their table
 * doc through the raw Yjs API. The server checks every update against the model before applying it:
 * junk is refused whole (4422) and never stored or relayed, and the per-doc size limit still stops a
 * doc filled with valid entries (4413) instead of letting it eat the server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DOC_SHAPES, addOrganisation, readTable } from '@tablemap/model';
import {
  connectProvider,
  createEvent,
  joinTable,
  logCapture,
  claimsOf,
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
    // Per-participant quotas are lifted here: these tests are about the per-doc size limit.
    const quotas = { refusalsPerMinute: 1000, eventRefusalsPerMinute: 1000, participantItemsTotal: 1e9, participantBytesTotal: 1e12, participantItemsPerMinute: 1e9, participantBytesPerMinute: 1e12, eventBytesPerMinute: 1e12 };
    server = await startServer(dir.path, { logger: log.logger, limits: { maxDocBytes: MAX_DOC_BYTES, maxPendingUpdateBytes: 64 * 1024, ...quotas } });
    event = await createEvent(server.url, 1);
    docName = `table/${event.eventId}/t1`;
  });
  afterEach(async () => {
    await server.close();
    await dir.remove();
  });

  it('wrong types, unknown roots and 1 MB strings are refused whole (4422): nothing stored, readTable reports no problem', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const honest = connectProvider(server.wsBase, docName, token);
    await waitForSync(honest.provider);
    const { participantId } = claimsOf(token);
    addOrganisation(honest.doc, { name: 'Mind in the city', sector: 'vcse' }, { group: 'carer', participantId });

    const junk: ((doc: Y.Doc) => void)[] = [
      (doc) => doc.getMap<unknown>('organisations').set('plain-string', 'not an organisation'),
      (doc) => doc.getMap<unknown>('organisations').set('a-number', 42),
      (doc) => {
        const wrong = new Y.Map<unknown>();
        wrong.set('id', 'wrong1');
        wrong.set('name', 42);
        wrong.set('sector', 'DROP TABLE');
        doc.getMap<unknown>('organisations').set('wrong1', wrong);
      },
      (doc) => {
        const nested = new Y.Map<unknown>();
        nested.set('id', 'nested1');
        nested.set('name', new Y.Text('a Y.Text where a string belongs'));
        doc.getMap<unknown>('organisations').set('nested1', nested);
      },
      (doc) => doc.getMap<unknown>('links').set('l1', { source: 'nowhere', target: 'wrong1', kind: 'teleports' }),
      (doc) => doc.getMap<unknown>('votes').set('not|a|vote|key', 'many'),
      (doc) => doc.getMap<unknown>('votes').set(`carer|${participantId}|n1`, -5),
      (doc) => doc.getMap<unknown>('positions').set('wrong1', { x: 'left', y: null }),
      (doc) => doc.getArray('notes-as-array').push(['stray']),
      (doc) => {
        const note = new Y.Map<unknown>();
        for (const [key, value] of Object.entries({ id: 'huge1', text: 'x'.repeat(1_000_000), kind: 'observation', group: 'carer', authorId: participantId, createdAt: 1 })) {
          note.set(key, value);
        }
        doc.getMap<unknown>('notes').set('huge1', note);
      },
      (doc) => doc.getMap<unknown>('organisations').set('big-name', 'y'.repeat(600_000)),
    ];
    for (const write of junk) {
      const attacker = await openRaw(server.wsBase, docName, token);
      attacker.ws.send(updateFrame(rawUpdate(new Y.Doc(), write)));
      const closed = await attacker.closed;
      expect(closed.code, write.toString()).toBe(4422);
      expect(closed.reason).toMatch(/^refused: /);
    }

    // The server's copy, a fresh reader's copy and the SQLite copy all hold only the honest entry.
    const reader = connectProvider(server.wsBase, docName, event.facilitatorToken);
    await waitForSync(reader.provider);
    for (const doc of [reader.doc, await storedDoc(server, docName)]) {
      const table = readTable(doc);
      expect(table.organisations.map((org) => org.name)).toEqual(['Mind in the city']);
      expect(table.problems).toEqual([]);
      expect([...doc.share.keys()].filter((root) => !(root in DOC_SHAPES.table))).toEqual([]);
    }
    expect(log.lines.filter((line) => line.includes('change refused')).length).toBe(junk.length);
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
    const oneMore = new Y.Doc();
    for (let index = 0; index < 300; index++) {
      addOrganisation(oneMore, { name: `One more ${index}`, sector: 'vcse', remit: 'x'.repeat(1000) }, { group: 'carer', participantId: claimsOf(token).participantId });
    }
    again.ws.send(updateFrame(Y.encodeStateAsUpdate(oneMore)));
    expect((await again.closed).code).toBe(4413);
    const reader = connectProvider(server.wsBase, docName, event.observerToken);
    await waitForSync(reader.provider, 10_000);
    expect(readTable(reader.doc).organisations.length).toBe(table.organisations.length);
    reader.provider.destroy();
  }, 60_000);

  it('changes whose dependencies never arrive: a participant is refused (4422); a facilitator is capped (4400), memory released', async () => {
    const dependent = (size: number) => {
      const source = new Y.Doc();
      source.getMap('meta').set('a', 1);
      const afterFirst = Y.encodeStateVector(source);
      source.getMap('meta').set('b', 'z'.repeat(size));
      // Only the second change: it depends on the first, which is never sent.
      return Y.encodeStateAsUpdate(source, afterFirst);
    };
    const token = await joinTable(server.url, event.joinCode, 't1');
    const participant = await openRaw(server.wsBase, docName, token);
    participant.ws.send(updateFrame(dependent(16)));
    expect((await participant.closed).code).toBe(4422);

    const facilitator = await openRaw(server.wsBase, docName, event.facilitatorToken);
    let outcome: 'answered' | 'closed' = 'answered';
    for (let index = 0; index < 20 && outcome === 'answered'; index++) {
      facilitator.ws.send(updateFrame(dependent(16 * 1024)));
      outcome = await roundTrip(facilitator);
    }
    expect(outcome).toBe('closed');
    expect((await facilitator.closed).code).toBe(4400);
    const entry = await server.registry.acquire(docName, { kind: 'table', eventId: event.eventId, tableId: 't1' });
    expect(entry.doc.store.pendingStructs).toBeNull();
    server.registry.release(entry);
    expect(log.lines.some((line) => line.includes('unresolved changes over the cap'))).toBe(true);
  });
});
