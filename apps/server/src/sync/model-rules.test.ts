/**
 * The server enforces the model, not only the apps: tried as an attacker who saw the join code on the
 * projector, through the raw Yjs API. Each refusal closes the socket with 4422 and a reason an app can
 * show; nothing of the update is applied, stored or relayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CLOSE_CODES, addNote, addOrganisation, checkUpdate, rateInfluence, readTable, setEventDetails, type Actor } from '@tablemap/model';
import { openDoc } from '@tablemap/sync-client';
import {
  claimsOf,
  connectProvider,
  createEvent,
  joinTable,
  openRaw,
  roundTrip,
  startServer,
  storedDoc,
  tempDir,
  updateFrame,
  waitFor,
  waitForSync,
  type CreatedEvent,
} from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('the server enforces the model on every participant update', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  const tableDoc = (tableId: string) => `table/${event.eventId}/${tableId}`;

  beforeAll(async () => {
    dir = await tempDir();
    // Each refused case below opens a new socket with the same token: the refusal cooldown is lifted here.
    server = await startServer(dir.path, { limits: { refusalsPerMinute: 1000, eventRefusalsPerMinute: 1000 } });
    event = await createEvent(server.url, 4);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  /** Joins, opens a synced client, and returns it with the token holder's actor. */
  async function participant(tableId: string, group = 'carer') {
    const token = await joinTable(server.url, event.joinCode, tableId, group);
    const client = connectProvider(server.wsBase, tableDoc(tableId), token);
    await waitForSync(client.provider);
    const actor: Actor = { group, participantId: claimsOf(token).participantId };
    return { token, ...client, actor };
  }

  /** Sends `write` (made on a copy of the stored doc) from a fresh socket and returns how the socket closed. */
  async function sendRaw(tableId: string, token: string, write: (doc: Y.Doc) => void) {
    const copy = await storedDoc(server, tableDoc(tableId));
    const before = Y.encodeStateVector(copy);
    copy.transact(() => write(copy));
    const raw = await openRaw(server.wsBase, tableDoc(tableId), token);
    raw.ws.send(updateFrame(Y.encodeStateAsUpdate(copy, before)));
    if ((await roundTrip(raw)) === 'answered') {
      raw.ws.close();
      return { code: 0, reason: 'accepted' };
    }
    return raw.closed;
  }

  /** Structs (items and ranges) the server's copy of a doc holds: what its memory grows with. */
  async function structCount(tableId: string): Promise<number> {
    const entry = await server.registry.acquire(tableDoc(tableId), { kind: 'table', eventId: event.eventId, tableId });
    let count = 0;
    for (const structs of entry.doc.store.clients.values()) count += structs.length;
    server.registry.release(entry);
    return count;
  }

  it('one participant cannot grow memory with entries under a root no app reads (60,000 entries, refused whole)', async () => {
    const { token } = await participant('t1');
    const structsBefore = await structCount('t1');
    const closed = await sendRaw('t1', token, (doc) => {
      const junk = doc.getMap('junk');
      for (let index = 0; index < 60_000; index++) junk.set(`k${index}`, index % 10);
    });
    expect(closed.code).toBe(4422);
    expect(closed.reason).toContain('"junk" is not part of this document');
    const stored = await storedDoc(server, tableDoc('t1'));
    expect(stored.share.has('junk')).toBe(false);
    const entry = await server.registry.acquire(tableDoc('t1'), { kind: 'table', eventId: event.eventId, tableId: 't1' });
    expect(entry.doc.share.has('junk')).toBe(false);
    server.registry.release(entry);
    expect(await structCount('t1')).toBe(structsBefore);
  });

  it('notes cannot be signed with someone else’s id, and other people’s notes cannot be rewritten or deleted', async () => {
    const victim = await participant('t2', 'housing');
    const noteId = addNote(victim.doc, { text: 'We wait months for a first appointment', kind: 'observation' }, victim.actor);
    const attacker = await participant('t2', 'carer');
    await waitFor(() => readTable(attacker.doc).notes.length === 1, 'the attacker sees the note');

    const forged = await sendRaw('t2', attacker.token, (doc) => addNote(doc, { text: 'Signed as the victim', kind: 'idea' }, victim.actor));
    expect(forged.code).toBe(4422);
    const rewritten = await sendRaw('t2', attacker.token, (doc) => (doc.getMap('notes').get(noteId) as Y.Map<unknown>).set('text', 'Rewritten'));
    expect(rewritten.code).toBe(4422);
    const reassigned = await sendRaw('t2', attacker.token, (doc) => (doc.getMap('notes').get(noteId) as Y.Map<unknown>).set('authorId', attacker.actor.participantId));
    expect(reassigned.code).toBe(4422);
    const deleted = await sendRaw('t2', attacker.token, (doc) => doc.getMap('notes').delete(noteId));
    expect(deleted.code).toBe(4422);
    expect(deleted.reason).toBe('refused: you can only change notes you wrote');

    const notes = readTable(await storedDoc(server, tableDoc('t2'))).notes;
    expect(notes.map((note) => [note.text, note.authorId])).toEqual([['We wait months for a first appointment', victim.actor.participantId]]);
    expect(readTable(victim.doc).notes).toHaveLength(1);
  });

  it('votes cannot be forged: not for another voter, not 500 on one note, not past the budget; consent and meta cannot be written', async () => {
    await server.registry.withDoc(`event/${event.eventId}`, { kind: 'event', eventId: event.eventId }, (entry) =>
      setEventDetails(entry.doc, { votesPerParticipant: 3, allowStackedVotes: true }),
    );
    const author = await participant('t3');
    const noteIds = Array.from({ length: 5 }, (_, index) => addNote(author.doc, { text: `Note ${index}`, kind: 'idea' }, author.actor));
    const voter = await participant('t3', 'housing');
    await waitFor(() => readTable(voter.doc).notes.length === 5, 'the voter sees the notes');
    const key = (who: Actor, noteId: string) => `${who.group}|${who.participantId}|${noteId}`;
    const cases: [string, (doc: Y.Doc) => void][] = [
      ['500 votes on one note', (doc) => doc.getMap('votes').set(key(voter.actor, noteIds[0]!), 500)],
      ['a vote for a voter who never joined', (doc) => doc.getMap('votes').set(key({ group: 'carer', participantId: 'ghost1' }, noteIds[0]!), 1)],
      ['one vote on each of five notes (budget 3)', (doc) => noteIds.forEach((noteId) => doc.getMap('votes').set(key(voter.actor, noteId), 1))],
      ['a consent record', (doc) => doc.getMap('consent').set('fake1', 'carer')],
      ['a schema version', (doc) => doc.getMap('meta').set('schemaVersion', 99)],
    ];
    for (const [what, write] of cases) {
      const closed = await sendRaw('t3', voter.token, write);
      expect(closed.code, what).toBe(4422);
    }
    const stored = readTable(await storedDoc(server, tableDoc('t3')));
    expect(stored.votesByVoter).toEqual({});
    // Three votes within the budget are fine.
    const ok = await sendRaw('t3', voter.token, (doc) => noteIds.slice(0, 3).forEach((noteId) => doc.getMap('votes').set(key(voter.actor, noteId), 1)));
    expect(ok.code).toBe(0);
    expect(readTable(await storedDoc(server, tableDoc('t3'))).votesByVoter).toEqual({ [voter.actor.participantId]: 3 });
  });

  it('influence ratings cannot be forged: not under another’s id, not 6 or 2.5, not of an organisation that is not on the map', async () => {
    const victim = await participant('t1', 'housing');
    const orgId = addOrganisation(victim.doc, { name: 'Riverside Council', sector: 'local_authority' }, victim.actor);
    rateInfluence(victim.doc, orgId, 2, victim.actor);
    const attacker = await participant('t1', 'carer');
    await waitFor(() => readTable(attacker.doc).influence[orgId]?.count === 1, 'the attacker sees the rating');
    const own = `${orgId}:${attacker.actor.participantId}`;
    const cases: [string, (doc: Y.Doc) => void, string][] = [
      ['a rating under another participant’s id', (doc) => doc.getMap('influence').set(`${orgId}:${victim.actor.participantId}`, 5), 'refused: you can only give your own ratings'],
      ['deleting another participant’s rating', (doc) => doc.getMap('influence').delete(`${orgId}:${victim.actor.participantId}`), 'refused: you can only give your own ratings'],
      ['a rating of 6', (doc) => doc.getMap('influence').set(own, 6), 'refused: invalid entry in influence'],
      ['a rating of 2.5', (doc) => doc.getMap('influence').set(own, 2.5), 'refused: invalid entry in influence'],
      ['a rating of an organisation not on the map', (doc) => doc.getMap('influence').set(`ghost1:${attacker.actor.participantId}`, 3), 'refused: that organisation is not on this table'],
    ];
    for (const [what, write, reason] of cases) {
      const closed = await sendRaw('t1', attacker.token, write);
      expect(closed, what).toEqual({ code: 4422, reason });
    }
    expect(readTable(await storedDoc(server, tableDoc('t1'))).influence[orgId]?.ratings).toEqual({ [victim.actor.participantId]: 2 });
    // Their own whole-number rating goes through.
    expect((await sendRaw('t1', attacker.token, (doc) => doc.getMap('influence').set(own, 5))).code).toBe(0);
    expect(readTable(await storedDoc(server, tableDoc('t1'))).influence[orgId]).toMatchObject({ median: 3.5, count: 2 });
  });

  it('after a refusal the participant app reloads the table and keeps its own valid edits', async () => {
    const other = await participant('t4', 'housing');
    const theirs = addNote(other.doc, { text: 'Theirs', kind: 'idea' }, other.actor);
    const token = await joinTable(server.url, event.joinCode, 't4', 'carer');
    const me: Actor = { group: 'carer', participantId: claimsOf(token).participantId };
    const open = (carryOverFrom?: Parameters<typeof openDoc>[0]['carryOverFrom']) =>
      openDoc({ serverUrl: server.url, docName: tableDoc('t4'), token, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true, ...(carryOverFrom ? { carryOverFrom } : {}) });
    const phone = open();
    await phone.ready;
    await waitFor(() => readTable(phone.doc).notes.length === 1, 'the phone sees their note');
    addNote(phone.doc, { text: 'Mine before', kind: 'gap' }, me);
    await waitFor(() => readTable(other.doc).notes.length === 2, 'my first note to reach the table');
    // A bug (or a hostile script) rewrites someone else's note: the server refuses and closes 4422.
    (phone.doc.getMap('notes').get(theirs) as Y.Map<unknown>).set('text', 'Hacked');
    await waitFor(() => phone.state().closeCode === CLOSE_CODES.changeRefused, 'the refusal');
    expect(phone.state().status).toBe('refused');
    // Edits made before the app noticed are still only local.
    addNote(phone.doc, { text: 'Mine after', kind: 'idea' }, me);

    const old = await phone.detach();
    let carried: { carried: number; dropped: number } | null = null;
    const reopened = open({
      doc: old,
      kind: 'table',
      accept: (fresh, update) => checkAsParticipant(fresh, update, me),
      onDone: (result) => (carried = result),
    });
    await reopened.ready;
    await waitFor(() => carried !== null, 'the carry-over');
    expect(carried).toEqual({ carried: 1, dropped: 1 });
    await waitFor(() => readTable(other.doc).notes.length === 3, 'the edit made after the refusal to reach the table');
    const stored = readTable(await storedDoc(server, tableDoc('t4')));
    expect(stored.notes.map((note) => note.text).sort()).toEqual(['Mine after', 'Mine before', 'Theirs']);
    expect(reopened.state().status).toBe('live');
    reopened.destroy();
  });
});

function checkAsParticipant(fresh: Y.Doc, update: Uint8Array, me: Actor): boolean {
  return checkUpdate(fresh, 'table', update, { role: 'participant', participantId: me.participantId, group: me.group }).ok;
}
