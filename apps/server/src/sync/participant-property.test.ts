/**
 * Property: whatever valid Yjs updates a participant connection sends (model mutations, raw writes to
 * any root, key and value, deletes of anything), the server's doc never holds anything readTable
 * reports as a problem, and nobody else's note, vote or consent changes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, addOrganisation, castVote, linkOrganisations, readEvent, readTable, setEventDetails, type Actor } from '@tablemap/model';
import { claimsOf, createEvent, joinTable, openRaw, roundTrip, startServer, tempDir, updateFrame, type CreatedEvent, type RawClient } from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const ROOTS = ['notes', 'organisations', 'links', 'votes', 'themeVotes', 'positions', 'consent', 'meta', 'junk'];
const FIELDS = ['id', 'text', 'kind', 'group', 'authorId', 'createdAt', 'name', 'sector', 'addedByGroup', 'source', 'target', 'x', 'junk'];

type Op =
  | { type: 'note' | 'organisation' }
  | { type: 'link' | 'vote'; pick: number }
  | { type: 'set'; root: number; key: number; fresh: string; value: unknown; asMap: boolean }
  | { type: 'field'; root: number; key: number; field: number; value: unknown }
  | { type: 'delete'; root: number; key: number };

const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('p1', 'carer', 'idea', 'vcse', 1, 3, -1), fc.string({ maxLength: 12 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constantFrom('note' as const, 'organisation' as const) }),
  fc.record({ type: fc.constantFrom('link' as const, 'vote' as const), pick: fc.nat() }),
  fc.record({ type: fc.constant('set' as const), root: fc.nat(), key: fc.nat(), fresh: fc.stringMatching(/^[a-z0-9|]{1,20}$/), value, asMap: fc.boolean() }),
  fc.record({ type: fc.constant('field' as const), root: fc.nat(), key: fc.nat(), field: fc.nat(), value }),
  fc.record({ type: fc.constant('delete' as const), root: fc.nat(), key: fc.nat() }),
);

describe('a participant connection cannot corrupt a table (fast-check)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;

  beforeAll(async () => {
    dir = await tempDir();
    // Two joins per run from one code, and many refusals per token: those limits are lifted (they are tested elsewhere).
    server = await startServer(dir.path, { limits: { joinBurstPerCode: 100_000, joinBurstPerIp: 100_000, refusalsPerMinute: 1_000_000, eventRefusalsPerMinute: 1_000_000 } });
    event = await createEvent(server.url, 60);
    await server.registry.withDoc(`event/${event.eventId}`, { kind: 'event', eventId: event.eventId }, (entry) =>
      setEventDetails(entry.doc, { votesPerParticipant: 3, allowStackedVotes: false }),
    );
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  let run = 0;
  it(`random updates from a participant (${RUNS} runs): no read problems, nobody else's notes, votes or consent changed`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const tableId = `t${(run++ % 60) + 1}`;
        const name = `table/${event.eventId}/${tableId}`;
        const ref = { kind: 'table' as const, eventId: event.eventId, tableId };
        // Someone else's note and vote, written through the model as their app would.
        const otherToken = await joinTable(server.url, event.joinCode, tableId, 'housing');
        const other: Actor = { group: 'housing', participantId: claimsOf(otherToken).participantId };
        await server.registry.withDoc(name, ref, (entry) => {
          const noteId = addNote(entry.doc, { text: 'Someone else’s note', kind: 'observation' }, other);
          castVote(entry.doc, noteId, other, { votesPerParticipant: 3, allowStackedVotes: false });
        });
        const token = await joinTable(server.url, event.joinCode, tableId, 'carer');
        const consentBefore = await server.store.consentCounts(event.eventId, tableId);
        const before = await serverView(name, ref);
        const othersBefore = othersOf(before, other);

        const me: Actor = { group: 'carer', participantId: claimsOf(token).participantId };
        let socket: RawClient = await openRaw(server.wsBase, name, token);
        let mirror = await serverView(name, ref);
        for (const step of ops) {
          const update = capture(mirror, (doc) => apply(doc, step, me));
          if (!update) continue;
          socket.ws.send(updateFrame(update));
          if ((await roundTrip(socket)) === 'closed') {
            // Refused: start again from what the server holds.
            mirror = await serverView(name, ref);
            socket = await openRaw(server.wsBase, name, token);
          }
        }
        socket.ws.close();
        const after = await serverView(name, ref);
        const table = readTable(after);
        expect(table.problems).toEqual([]);
        expect(othersOf(after, other)).toEqual(othersBefore);
        expect(await server.store.consentCounts(event.eventId, tableId)).toEqual(consentBefore);
        expect(after.share.has('junk')).toBe(false);
        expect(readEvent(await serverView(`event/${event.eventId}`, { kind: 'event', eventId: event.eventId })).consentByTable[tableId]).toEqual(consentBefore);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  /** A copy of the server's doc as it is in memory now. */
  async function serverView(name: string, ref: Parameters<Server['registry']['acquire']>[1]): Promise<Y.Doc> {
    const copy = new Y.Doc();
    await server.registry.withDoc(name, ref, (entry) => Y.applyUpdate(copy, Y.encodeStateAsUpdate(entry.doc)));
    return copy;
  }
});

/** Another participant's notes and votes, as readTable shows them. */
function othersOf(doc: Y.Doc, other: Actor) {
  const table = readTable(doc);
  return {
    notes: table.notes.filter((note) => note.authorId === other.participantId),
    votes: table.votesByVoter[other.participantId] ?? 0,
  };
}

function capture(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array | null {
  const before = Y.encodeStateVector(doc);
  try {
    doc.transact(() => change(doc));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ModelError') throw error;
  }
  const update = Y.encodeStateAsUpdate(doc, before);
  return update.byteLength > 2 ? update : null;
}

function apply(doc: Y.Doc, step: Op, me: Actor): void {
  const keysOf = (root: string) => [...doc.getMap(root).keys()];
  const pickKey = (root: string, index: number, fresh = 'k1') => {
    const keys = keysOf(root);
    return keys.length > 0 && index % 3 !== 0 ? keys[index % keys.length]! : fresh;
  };
  switch (step.type) {
    case 'note':
      addNote(doc, { text: 'Mine', kind: 'idea' }, me);
      return;
    case 'organisation':
      addOrganisation(doc, { name: `Org ${Math.random()}`, sector: 'vcse' }, me);
      return;
    case 'link': {
      const orgs = keysOf('organisations');
      if (orgs.length >= 2) linkOrganisations(doc, { source: orgs[step.pick % orgs.length]!, target: orgs[(step.pick + 1) % orgs.length]!, kind: 'refers_to' }, me);
      return;
    }
    case 'vote': {
      const notes = keysOf('notes');
      if (notes.length > 0) castVote(doc, notes[step.pick % notes.length]!, me, { votesPerParticipant: 3, allowStackedVotes: false });
      return;
    }
    case 'set': {
      const root = ROOTS[step.root % ROOTS.length]!;
      const key = pickKey(root, step.key, step.fresh);
      if (step.asMap && step.value && typeof step.value === 'object' && !Array.isArray(step.value)) {
        const entry = new Y.Map<unknown>();
        for (const [field, fieldValue] of Object.entries(step.value)) entry.set(field, fieldValue);
        doc.getMap(root).set(key, entry);
      } else {
        doc.getMap(root).set(key, step.value);
      }
      return;
    }
    case 'field': {
      const root = ROOTS[step.root % 3]!;
      const keys = keysOf(root);
      const entry = keys.length > 0 ? doc.getMap(root).get(keys[step.key % keys.length]!) : null;
      if (entry instanceof Y.Map) entry.set(FIELDS[step.field % FIELDS.length]!, step.value);
      return;
    }
    case 'delete': {
      const root = ROOTS[step.root % ROOTS.length]!;
      const keys = keysOf(root);
      if (keys.length > 0) doc.getMap(root).delete(keys[step.key % keys.length]!);
    }
  }
}
