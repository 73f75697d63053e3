/**
 * The control-room rules, enforced by the server: pause all phones, "we're done" marks, and co-facilitator
 * links (their own revocable token). Each rule is also tried with bad input, which must change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, pauseAllPhones, readEvent, readTable, resumeAllPhones, setCurrentPrompt, setNotesPrivate, setPhase } from '@tablemap/model';
import {
  connectProvider,
  createEvent,
  joinTable,
  mapUpdate,
  openRaw,
  postJson,
  roundTrip,
  startServer,
  storedDoc,
  tempDir,
  updateFrame,
  upgradeStatus,
  waitFor,
  waitForSync,
  type CreatedEvent,
} from './testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;

describe('control room', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: Server;
  let event: CreatedEvent;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    dir = await tempDir();
    server = await startServer(dir.path);
    event = await createEvent(server.url, 3);
  });
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  /** Polls the event doc as the server stored it until `check` holds. */
  async function serverEventSees(check: (stored: ReturnType<typeof readEvent>) => boolean): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (check(readEvent(await storedDoc(server, `event/${event.eventId}`)))) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the server never stored the change');
  }

  async function facilitatorEventDoc() {
    const synced = connectProvider(server.wsBase, `event/${event.eventId}`, event.facilitatorToken);
    await waitForSync(synced.provider);
    return synced;
  }

  it('pause freezes every phone at the server (4423), a phone cannot pause or unpause, and release lets edits in', async () => {
    const token = await joinTable(server.url, event.joinCode, 't2');
    const facilitator = await facilitatorEventDoc();
    // A participant may read the event doc but not pause it (or lift a pause) themselves.
    const sneaky = await openRaw(server.wsBase, `event/${event.eventId}`, token);
    sneaky.ws.send(updateFrame(mapUpdate('meta', 'pause', { message: 'hi', since: 1 })));
    expect((await sneaky.closed).code).toBe(4403);

    pauseAllPhones(facilitator.doc, 'Eyes on the front', Date.now());
    await serverEventSees((stored) => stored.pause?.message === 'Eyes on the front');
    // Reading is fine while paused; writing is not.
    const phone = await openRaw(server.wsBase, `table/${event.eventId}/t2`, token);
    expect(await roundTrip(phone)).toBe('answered');
    phone.ws.send(updateFrame(mapUpdate('positions', 'during-pause', { x: 1, y: 1 })));
    expect((await phone.closed).code).toBe(4423);
    expect((await storedDoc(server, `table/${event.eventId}/t2`)).getMap('positions').has('during-pause')).toBe(false);

    resumeAllPhones(facilitator.doc);
    await serverEventSees((stored) => stored.pause === null);
    const again = await openRaw(server.wsBase, `table/${event.eventId}/t2`, token);
    again.ws.send(updateFrame(mapUpdate('positions', 'after-pause', { x: 1, y: 1 })));
    expect(await roundTrip(again)).toBe('answered');
    expect((await storedDoc(server, `table/${event.eventId}/t2`)).getMap('positions').has('after-pause')).toBe(true);
    again.ws.close();
    facilitator.provider.destroy();
  });

  it('a phone marks its own table done for the current round; the server picks the round and refuses bad calls', async () => {
    const token = await joinTable(server.url, event.joinCode, 't1');
    const url = `${server.url}/api/events/${event.eventId}/done`;
    const facilitator = await facilitatorEventDoc();

    // No round running yet (setup phase).
    const early = await postJson(url, { done: true }, auth(token));
    expect(early.status).toBe(409);
    expect(early.json.error).toBe('no_round');

    setPhase(facilitator.doc, 'mapping');
    const firstPrompt = readEvent(facilitator.doc).prompts[0]!.id;
    setCurrentPrompt(facilitator.doc, firstPrompt);
    await serverEventSees((stored) => stored.currentPromptId === firstPrompt && stored.phase === 'mapping');

    const bad: [unknown, Record<string, string>, number, string][] = [
      [{ done: true }, {}, 401, 'unauthorized'],
      [{ done: true }, auth('not-a-token'), 401, 'unauthorized'],
      [{ done: true }, auth(event.observerToken), 403, 'forbidden'],
      [{ done: true }, auth(event.facilitatorToken), 403, 'forbidden'],
      [{ done: 'yes' }, auth(token), 400, 'invalid_input'],
      [{}, auth(token), 400, 'invalid_input'],
      ['{"done": ', auth(token), 400, 'invalid_json'],
    ];
    for (const [body, headers, status, code] of bad) {
      const result = await postJson(url, body, headers);
      expect(result.status, JSON.stringify(body)).toBe(status);
      expect(result.json.error).toBe(code);
    }
    // Another event's id with this token.
    const other = await createEvent(server.url, 1);
    expect((await postJson(`${server.url}/api/events/${other.eventId}/done`, { done: true }, auth(token))).status).toBe(403);
    expect(readEvent(await storedDoc(server, `event/${event.eventId}`)).doneTables).toEqual({});

    const done = await postJson(url, { done: true }, auth(token));
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ tableId: 't1', done: true, round: firstPrompt });
    await waitFor(() => readEvent(facilitator.doc).doneTables.t1 === firstPrompt, 'the facilitator to see the done mark');
    const undone = await postJson(url, { done: false }, auth(token));
    expect(undone.status).toBe(200);
    await waitFor(() => readEvent(facilitator.doc).doneTables.t1 === undefined, 'the mark to be withdrawn');
    facilitator.provider.destroy();
  });

  it('a token holder asks whether the event is still open; another event’s token, no token and a deleted event are told apart', async () => {
    const own = await createEvent(server.url, 1);
    const token = await joinTable(server.url, own.joinCode, 't1');
    const status = (id: string, headers: Record<string, string>) => fetch(`${server.url}/api/events/${id}/status`, { headers });
    const open = await status(own.eventId, auth(token));
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ eventId: own.eventId, open: true });
    expect((await status(own.eventId, {})).status).toBe(401);
    expect((await status(own.eventId, auth('forged.token.here'))).status).toBe(401);
    expect((await status(event.eventId, auth(token))).status).toBe(403);
    const deleted = await fetch(`${server.url}/api/events/${own.eventId}`, { method: 'DELETE', headers: auth(own.facilitatorToken) });
    expect(deleted.status).toBe(204);
    const gone = await status(own.eventId, auth(token));
    expect(gone.status).toBe(410);
    expect((await gone.json()).error).toBe('event_deleted');
  });

  it('a co-facilitator link has its own token that edits like the first, and revoking it leaves the first working', async () => {
    const url = `${server.url}/api/events/${event.eventId}/facilitators`;
    const participant = await joinTable(server.url, event.joinCode, 't1');
    expect((await postJson(url, { label: 'Sam' })).status).toBe(401);
    expect((await postJson(url, { label: 'Sam' }, auth(participant))).status).toBe(403);
    expect((await postJson(url, { label: 'Sam' }, auth(event.observerToken))).status).toBe(403);
    const empty = await postJson(url, { label: '  ' }, auth(event.facilitatorToken));
    expect(empty.status).toBe(400);
    expect(empty.json.error).toBe('invalid_input');
    expect((await postJson(url, { label: 'x'.repeat(61) }, auth(event.facilitatorToken))).status).toBe(400);

    const issued = await postJson(url, { label: 'Sam’s laptop' }, auth(event.facilitatorToken));
    expect(issued.status).toBe(201);
    const coToken = issued.json.token as string;
    const coId = issued.json.participantId as string;
    expect(coToken).not.toBe(event.facilitatorToken);

    const synthesisName = `synthesis/${event.eventId}`;
    const first = connectProvider(server.wsBase, synthesisName, event.facilitatorToken);
    const second = connectProvider(server.wsBase, synthesisName, coToken, new Y.Doc());
    await Promise.all([waitForSync(first.provider), waitForSync(second.provider)]);
    first.doc.getMap('hiddenNotes').set('t1/a', true);
    second.doc.getMap('hiddenNotes').set('t1/b', true);
    await waitFor(() => first.doc.getMap('hiddenNotes').size === 2 && second.doc.getMap('hiddenNotes').size === 2, 'both edits to merge');

    // A co-facilitator cannot revoke the lead's link through its own: revoking itself is refused.
    const self = await postJson(`${server.url}/api/events/${event.eventId}/revoke`, { participantId: coId }, auth(coToken));
    expect(self.status).toBe(400);
    const revoked = await postJson(`${server.url}/api/events/${event.eventId}/revoke`, { participantId: coId }, auth(event.facilitatorToken));
    expect(revoked.status).toBe(200);
    expect(await upgradeStatus(server.wsBase, `${synthesisName}?token=${coToken}`)).toBe(401);
    expect((await postJson(url, { label: 'again' }, auth(coToken))).status).toBe(401);
    expect(await upgradeStatus(server.wsBase, `${synthesisName}?token=${event.facilitatorToken}`)).toBe(101);
    first.doc.getMap('hiddenNotes').set('t1/c', true);
    await waitFor(() => first.provider.synced, 'the lead to keep working');
    first.provider.destroy();
    second.provider.destroy();
  });

  it('private round: a note reaches only its author and the facilitators until the reveal, which the server does', async () => {
    const privateEvent = await createEvent(server.url, 2);
    const join = async (group: string) => {
      const result = await postJson(`${server.url}/api/join`, { joinCode: privateEvent.joinCode, tableId: 't1', group, consent: true });
      return { token: result.json.token as string, participantId: result.json.participantId as string, group };
    };
    const author = await join('carer');
    const neighbour = await join('housing');
    const facilitator = connectProvider(server.wsBase, `event/${privateEvent.eventId}`, privateEvent.facilitatorToken);
    await waitForSync(facilitator.provider);
    setNotesPrivate(facilitator.doc, true);
    const storedEvent = async () => readEvent(await storedDoc(server, `event/${privateEvent.eventId}`));
    for (let i = 0; i < 100 && !(await storedEvent()).notesPrivate; i++) await new Promise((resolve) => setTimeout(resolve, 20));

    const secret = 'Only I should see this until the reveal';
    const authorPrivateName = `private/${privateEvent.eventId}/t1/${author.participantId}`;
    const neighbourTable = await openRaw(server.wsBase, `table/${privateEvent.eventId}/t1`, neighbour.token);
    const mine = connectProvider(server.wsBase, authorPrivateName, author.token);
    await waitForSync(mine.provider);
    addNote(mine.doc, { text: secret, kind: 'observation' }, { group: 'carer', participantId: author.participantId });
    await waitFor(() => mine.provider.synced, 'the private note to be sent');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readTable(await storedDoc(server, authorPrivateName)).notes.map((note) => note.text)).toEqual([secret]);

    // Nobody else at the table can open the author's private doc, nor an observer.
    expect(await upgradeStatus(server.wsBase, `${authorPrivateName}?token=${neighbour.token}`)).toBe(403);
    expect(await upgradeStatus(server.wsBase, `${authorPrivateName}?token=${privateEvent.observerToken}`)).toBe(403);
    expect(await upgradeStatus(server.wsBase, `${authorPrivateName}?token=${privateEvent.facilitatorToken}`)).toBe(101);
    // A note written straight into the shared table doc during the private round is refused.
    const direct = connectProvider(server.wsBase, `table/${privateEvent.eventId}/t1`, author.token);
    await waitForSync(direct.provider);
    const closed = new Promise<number>((resolve) => direct.provider.on('connection-close', (event: { code: number } | null) => resolve(event?.code ?? 0)));
    addNote(direct.doc, { text: 'Sneaked into the shared doc', kind: 'idea' }, { group: 'carer', participantId: author.participantId });
    expect(await closed).toBe(4423);
    direct.provider.destroy();
    expect(readTable(await storedDoc(server, `table/${privateEvent.eventId}/t1`)).notes).toEqual([]);
    const bytesSeen = () => Buffer.concat(neighbourTable.received).toString('utf8');
    expect(bytesSeen()).not.toContain(secret);
    expect(bytesSeen()).not.toContain('Sneaked');

    // The reveal: only a facilitator, only a real table.
    const url = `${server.url}/api/events/${privateEvent.eventId}/reveal`;
    expect((await postJson(url, {})).status).toBe(401);
    expect((await postJson(url, {}, auth(author.token))).status).toBe(403);
    expect((await postJson(url, {}, auth(privateEvent.observerToken))).status).toBe(403);
    expect((await postJson(url, { tableId: 't9' }, auth(privateEvent.facilitatorToken))).status).toBe(404);
    expect((await postJson(url, { tableId: '../t1' }, auth(privateEvent.facilitatorToken))).status).toBe(400);
    expect(readTable(await storedDoc(server, `table/${privateEvent.eventId}/t1`)).notes).toEqual([]);
    expect((await storedEvent()).revealedTables).toEqual({});

    const revealed = await postJson(url, { tableId: 't1' }, auth(privateEvent.facilitatorToken));
    expect(revealed.status).toBe(200);
    expect(revealed.json).toEqual({ revealed: ['t1'], notes: 1 });
    expect(readTable(await storedDoc(server, `table/${privateEvent.eventId}/t1`)).notes.map((note) => note.text)).toEqual([secret]);
    expect(readTable(await storedDoc(server, authorPrivateName)).notes).toEqual([]);
    await waitFor(() => bytesSeen().includes(secret), 'the neighbour to receive the revealed note');
    // Revealing again moves nothing twice.
    expect((await postJson(url, {}, auth(privateEvent.facilitatorToken))).json).toEqual({ revealed: ['t1', 't2'], notes: 0 });
    neighbourTable.ws.close();
    mine.provider.destroy();
    facilitator.provider.destroy();
  });
});
