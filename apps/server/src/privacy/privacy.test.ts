/**
 * Retention (with an injected clock), roster redaction, a participant's withdrawal (proved on the stored
 * bytes), purging a redacted note, the access log, the roster CSV, subject access and the privacy notice,
 * through the real server and its SQLite file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLOSE_CODES,
  addNote,
  addOrganisation,
  castVote,
  linkOrganisations,
  noteRef,
  readEvent,
  readTable,
  rosterDocName,
  setNoteHidden,
  synthesisDocName,
  tableDocName,
  type Actor,
} from '@tablemap/model';
import { importAttendees, readRoster, seatAttendee, type Attendee } from '@tablemap/roster';
import { pdfText } from '@tablemap/test-support';
import { exportCli } from '../cli/export.ts';
import { reportCli } from '../cli/report.ts';
import { DAY_MS } from './privacy-store.ts';
import { connectProvider, createEvent, joinTable, openRaw, postJson, startServer, storedDoc, tempDir, waitFor, waitForSync } from '../testing.ts';

type Server = Awaited<ReturnType<typeof startServer>>;
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { participantId: string };
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

async function put(url: string, token: string, body: unknown) {
  const response = await fetch(url, { method: 'PUT', headers: { ...auth(token), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** What SQLite holds for a doc (snapshot and every log entry), as latin1 text to search. */
async function storedBytes(server: Server, name: string): Promise<string> {
  await server.store.flush();
  const stored = await server.store.load(name);
  return stored.updates.map((update) => Buffer.from(update).toString('latin1')).join('');
}

function fileBytes(dataDir: string): string {
  return ['', '-wal']
    .map((suffix) => join(dataDir, `tablemap.sqlite${suffix}`))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path).toString('latin1'))
    .join('');
}

describe('data protection', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function serverIn(dir: string, clock?: () => number): Promise<Server> {
    const server = await startServer(dir, clock ? { clock } : {});
    cleanups.push(() => server.close());
    return server;
  }

  async function newDir() {
    const dir = await tempDir();
    cleanups.push(() => dir.remove());
    return dir;
  }

  function client(server: Server, docName: string, token: string) {
    const connected = connectProvider(server.wsBase, docName, token);
    cleanups.push(() => connected.provider.destroy());
    return connected;
  }

  /** A server with an event whose roster holds these attendees, the first seated at table 2 (synced to the server). */
  async function eventWithRoster(attendees: Attendee[]) {
    const dir = await newDir();
    const server = await serverIn(dir.path);
    const event = await createEvent(server.url, 2);
    const roster = client(server, rosterDocName(event.eventId), event.facilitatorToken);
    await waitForSync(roster.provider);
    importAttendees(roster.doc, attendees);
    seatAttendee(roster.doc, attendees[0]!.id, 't2');
    await waitFor(() => readRoster(roster.doc).seating[attendees[0]!.id] === 't2', 'seat');
    await expect.poll(async () => readRoster(await storedDoc(server, rosterDocName(event.eventId))).seating[attendees[0]!.id]).toBe('t2');
    return { dir, server, event, roster };
  }

  describe('retention', () => {
    it('sets a default of 90 days, lets the facilitator change it, and refuses bad dates changing nothing', async () => {
      const dir = await newDir();
      const server = await serverIn(dir.path);
      const event = await createEvent(server.url, 1);
      const url = `${server.url}/api/events/${event.eventId}/privacy`;
      const initial = (await (await fetch(url, { headers: auth(event.facilitatorToken) })).json()) as Record<string, unknown>;
      expect(initial.deleteAfter).toBe(day(Date.now() + 90 * DAY_MS));
      expect(initial.noticeIsDefault).toBe(true);

      const later = day(Date.now() + 30 * DAY_MS);
      const earlier = day(Date.now() + 10 * DAY_MS);
      const changed = await put(url, event.facilitatorToken, { deleteAfter: later, rosterRedactAfter: earlier });
      expect(changed.status).toBe(200);
      expect(changed.json).toMatchObject({ deleteAfter: later, rosterRedactAfter: earlier });

      for (const [body, code] of [
        [{ deleteAfter: '2020-01-01' }, 'date_in_past'],
        [{ deleteAfter: '2026-02-30' }, 'invalid_input'],
        [{ deleteAfter: 'tomorrow' }, 'invalid_input'],
        [{ deleteAfter: day(Date.now() + 5000 * DAY_MS) }, 'retention_too_long'],
        [{ rosterRedactAfter: day(Date.now() + 60 * DAY_MS) }, 'redaction_after_deletion'],
      ] as const) {
        const refused = await put(url, event.facilitatorToken, body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.json.error).toBe(code);
      }
      const participant = await joinTable(server.url, event.joinCode, 't1');
      expect((await put(url, participant, { deleteAfter: later })).status).toBe(403);
      expect((await (await fetch(url, { headers: auth(event.facilitatorToken) })).json()) as Record<string, unknown>).toMatchObject({
        deleteAfter: later,
        rosterRedactAfter: earlier,
      });
    });

    it('purges an expired event at start (injected clock); an event that has not expired is untouched', async () => {
      const dir = await newDir();
      const first = await serverIn(dir.path);
      const expiring = await createEvent(first.url, 1);
      const keeping = await createEvent(first.url, 1);
      await put(`${first.url}/api/events/${expiring.eventId}/privacy`, expiring.facilitatorToken, { deleteAfter: day(Date.now() + 2 * DAY_MS) });
      for (const event of [expiring, keeping]) {
        const token = await joinTable(first.url, event.joinCode, 't1');
        const phone = client(first, tableDocName(event.eventId, 't1'), token);
        await waitForSync(phone.provider);
        addNote(phone.doc, { text: `Retention note of ${event.eventId}`, kind: 'idea' }, { group: 'carer', participantId: claimsOf(token).participantId });
        await expect.poll(async () => readTable(await storedDoc(first, tableDocName(event.eventId, 't1'))).notes.length).toBe(1);
        phone.provider.destroy();
      }
      await first.close();

      // Three days on: past the first event's date, well inside the other's 90 days.
      const restarted = await serverIn(dir.path, () => Date.now() + 3 * DAY_MS);
      expect(await restarted.store.findById(expiring.eventId)).toBeNull();
      expect((await restarted.store.load(tableDocName(expiring.eventId, 't1'))).updates).toEqual([]);
      expect((await fetch(`${restarted.url}/api/join/${expiring.joinCode}`)).status).toBe(404);
      expect((await fetch(`${restarted.url}/api/events/${expiring.eventId}/privacy`, { headers: auth(expiring.facilitatorToken) })).status).toBe(410);
      expect(fileBytes(dir.path)).not.toContain(`Retention note of ${expiring.eventId}`);

      expect(await restarted.store.findById(keeping.eventId)).not.toBeNull();
      expect(readTable(await storedDoc(restarted, tableDocName(keeping.eventId, 't1'))).notes.map((note) => note.text)).toEqual([
        `Retention note of ${keeping.eventId}`,
      ]);
    });

    it('reduces the roster to counts by group when its date passes, and at once from the button', async () => {
      const { dir, server: first, event, roster } = await eventWithRoster([
        { id: 'a1', name: 'Wilhelmina Ashdown', organisation: 'Ashdown Trust', group: 'carer', email: 'w.ashdown@example.org', needs: ['quiet room'] },
        { id: 'a2', name: 'Tobias Renshaw', organisation: '', group: 'carer', needs: [] },
        { id: 'a3', name: 'Ngozi Eze', organisation: '', group: 'vcse', needs: [] },
      ]);
      await put(`${first.url}/api/events/${event.eventId}/privacy`, event.facilitatorToken, { rosterRedactAfter: day(Date.now() + DAY_MS) });
      roster.provider.destroy();
      await first.close();

      const restarted = await serverIn(dir.path, () => Date.now() + 2 * DAY_MS);
      const after = readRoster(await storedDoc(restarted, rosterDocName(event.eventId)));
      expect(after.attendees).toEqual([]);
      expect(after.redactedCounts).toEqual([
        { group: 'carer', tableId: null, count: 1 },
        { group: 'carer', tableId: 't2', count: 1 },
        { group: 'vcse', tableId: null, count: 1 },
      ]);
      const bytes = fileBytes(dir.path);
      for (const text of ['Wilhelmina Ashdown', 'w.ashdown@example.org', 'quiet room', 'Tobias Renshaw']) expect(bytes).not.toContain(text);
      const settings = (await (await fetch(`${restarted.url}/api/events/${event.eventId}/privacy`, { headers: auth(event.facilitatorToken) })).json()) as Record<string, unknown>;
      expect(settings.rosterRedactedAt).toEqual(expect.any(String));

      // The button does the same at once (here on a fresh roster), and participants cannot press it.
      const other = await createEvent(restarted.url, 1);
      const otherRoster = client(restarted, rosterDocName(other.eventId), other.facilitatorToken);
      await waitForSync(otherRoster.provider);
      importAttendees(otherRoster.doc, [{ id: 'b1', name: 'Immediate Person', organisation: '', group: 'vcse', needs: [] }]);
      await waitFor(() => readRoster(otherRoster.doc).attendees.length === 1, 'roster synced');
      const participant = await joinTable(restarted.url, other.joinCode, 't1');
      expect((await postJson(`${restarted.url}/api/events/${other.eventId}/roster/redact`, {}, auth(participant))).status).toBe(403);
      const redacted = await postJson(`${restarted.url}/api/events/${other.eventId}/roster/redact`, {}, auth(other.facilitatorToken));
      expect(redacted.status).toBe(200);
      expect(redacted.json.counts).toEqual([{ group: 'vcse', tableId: null, count: 1 }]);
      await waitFor(() => readRoster(otherRoster.doc).attendees.length === 0, 'the facilitator app sees the names go');
      expect(fileBytes(dir.path)).not.toContain('Immediate Person');
    });
  });

  describe('withdrawal', () => {
    async function tableWithTwoWriters() {
      const dir = await newDir();
      const server = await serverIn(dir.path);
      const event = await createEvent(server.url, 2);
      const leaverToken = await joinTable(server.url, event.joinCode, 't1');
      const stayerToken = await joinTable(server.url, event.joinCode, 't1', 'vcse');
      const leaver: Actor = { group: 'carer', participantId: claimsOf(leaverToken).participantId };
      const stayer: Actor = { group: 'vcse', participantId: claimsOf(stayerToken).participantId };
      const docName = tableDocName(event.eventId, 't1');
      const phone = client(server, docName, leaverToken);
      const other = client(server, docName, stayerToken);
      await Promise.all([waitForSync(phone.provider), waitForSync(other.provider)]);
      const own = addOrganisation(phone.doc, { name: 'Hollowbrook Sanctuary', sector: 'peer_led' }, leaver);
      const shared = addOrganisation(other.doc, { name: 'Riverside Mind', sector: 'vcse' }, stayer);
      await waitFor(() => readTable(phone.doc).organisations.length === 2, 'orgs synced');
      linkOrganisations(phone.doc, { source: own, target: shared, kind: 'refers_to', note: 'Hollowbrook refers people on' }, leaver);
      const leaverNote = addNote(phone.doc, { text: 'My brother was sectioned twice at Hollowbrook', kind: 'observation' }, leaver);
      // Several edits, so the text sits in more than one log entry.
      addNote(phone.doc, { text: 'Second private thought about Hollowbrook', kind: 'quote' }, leaver);
      const stayerNote = addNote(other.doc, { text: 'Riverside Mind runs a Tuesday drop-in', kind: 'idea' }, stayer);
      await waitFor(() => readTable(phone.doc).notes.length === 3 && readTable(other.doc).notes.length === 3, 'notes synced');
      castVote(other.doc, leaverNote, stayer, { votesPerParticipant: 3, allowStackedVotes: false });
      castVote(phone.doc, stayerNote, leaver, { votesPerParticipant: 3, allowStackedVotes: false });
      await waitFor(() => Object.keys(readTable(other.doc).votes).length === 2, 'votes synced');
      return { dir, server, event, docName, phone, other, leaverToken, stayerToken, leaver, stayer, stayerNote };
    }

    it('"Remove what I wrote" removes their notes, organisation, link, votes and consent from the stored snapshot and log; others\' notes survive', async () => {
      const { dir, server, event, docName, other, leaverToken, stayerNote } = await tableWithTwoWriters();
      const before = await storedBytes(server, docName);
      expect(before).toContain('My brother was sectioned twice at Hollowbrook');
      const tableId = docName.split('/')[2]!;
      expect(await server.store.consentCounts(event.eventId, tableId)).toEqual({ carer: 1, vcse: 1 });
      const watcher = await openRaw(server.wsBase, docName, leaverToken);

      const answer = await postJson(`${server.url}/api/events/${event.eventId}/withdraw`, {}, auth(leaverToken));
      expect(answer.status).toBe(200);
      expect(answer.json.removed).toEqual({ notes: 2, organisations: 1, links: 1, votes: 2, consent: 1, ratings: 0 });

      // The stored bytes (snapshot and every log entry) and the files on disk no longer hold their text.
      const after = await storedBytes(server, docName);
      for (const text of ['My brother was sectioned twice', 'Second private thought', 'Hollowbrook Sanctuary', 'Hollowbrook refers people on']) {
        expect(after, text).not.toContain(text);
        expect(fileBytes(dir.path), text).not.toContain(text);
      }
      expect(after).toContain('Riverside Mind runs a Tuesday drop-in');
      const stored = readTable(await storedDoc(server, docName));
      expect(stored.notes.map((note) => note.id)).toEqual([stayerNote]);
      expect(stored.organisations.map((org) => org.name)).toEqual(['Riverside Mind']);
      // Their consent left the server's database, and the published count followed.
      expect(await server.store.consentCounts(event.eventId, tableId)).toEqual({ vcse: 1 });
      expect(readEvent(await storedDoc(server, `event/${event.eventId}`)).consentByTable[tableId]).toEqual({ vcse: 1 });
      expect(stored.votes).toEqual({});
      // Others see it go live; the leaver is signed out for good.
      await waitFor(() => readTable(other.doc).notes.length === 1, 'the other phone sees the notes go');
      expect((await watcher.closed).code).toBe(CLOSE_CODES.tokenExpired);
      expect((await postJson(`${server.url}/api/events/${event.eventId}/withdraw`, {}, auth(leaverToken))).status).toBe(401);
    });

    it('lets the facilitator withdraw a participant by anonymous id; refuses others, changing nothing', async () => {
      const { server, event, docName, leaver, stayerToken } = await tableWithTwoWriters();
      const url = `${server.url}/api/events/${event.eventId}/withdraw`;
      const before = await storedBytes(server, docName);
      const refusals = [
        [auth(stayerToken), { participantId: leaver.participantId }, 403],
        [auth(event.observerToken), {}, 403],
        [auth(event.facilitatorToken), {}, 400],
        [auth(event.facilitatorToken), { participantId: 'NOT VALID' }, 400],
        [{}, {}, 401],
      ] as const;
      for (const [headers, body, status] of refusals) expect((await postJson(url, body, headers)).status, JSON.stringify(body)).toBe(status);
      const otherEvent = await createEvent(server.url, 1);
      expect((await postJson(url, { participantId: leaver.participantId }, auth(otherEvent.facilitatorToken))).status).toBe(403);
      expect(await storedBytes(server, docName)).toBe(before);

      const answer = await postJson(url, { participantId: leaver.participantId }, auth(event.facilitatorToken));
      expect(answer.status).toBe(200);
      expect(answer.json.removed).toMatchObject({ notes: 2, organisations: 1 });
      expect(await storedBytes(server, docName)).not.toContain('Hollowbrook');
    });

    it('purges a hidden note from storage for good; a note that is not hidden is refused', async () => {
      const { dir, server, event, docName, stayerNote } = await tableWithTwoWriters();
      const url = `${server.url}/api/events/${event.eventId}/notes/purge`;
      const visible = await postJson(url, { tableId: 't1', noteId: stayerNote }, auth(event.facilitatorToken));
      expect(visible.status).toBe(409);
      expect(visible.json.error).toBe('not_hidden');
      const synthesis = client(server, synthesisDocName(event.eventId), event.facilitatorToken);
      await waitForSync(synthesis.provider);
      setNoteHidden(synthesis.doc, noteRef('t1', stayerNote), true);
      await waitFor(() => synthesis.provider.synced, 'synced');
      await expect.poll(async () => (await postJson(url, { tableId: 't1', noteId: stayerNote }, auth(event.facilitatorToken))).status).toBe(200);
      expect(await storedBytes(server, docName)).not.toContain('Tuesday drop-in');
      expect(fileBytes(dir.path)).not.toContain('Tuesday drop-in');
      expect((await postJson(url, { tableId: 't1', noteId: stayerNote }, auth(event.facilitatorToken))).status).toBe(404);
      expect((await postJson(url, { tableId: 'nosuchtable', noteId: stayerNote }, auth(event.facilitatorToken))).status).toBe(404);
    });
  });

  describe('access log, roster CSV, subject access and the notice', () => {
    const withTwoAttendees = () =>
      eventWithRoster([
        { id: 'a1', name: 'Oluwaseun Adeyemi', organisation: 'Northshore Mind', group: 'vcse', email: 'seun@example.org', needs: ['step-free access'] },
        { id: 'a2', name: '=HYPERLINK("x")', organisation: '', group: 'carer', needs: [] },
      ]);

    it('records a report download with the attendee list (not one without), and refuses the log to participants', async () => {
      const { server, event } = await withTwoAttendees();
      const participant = await joinTable(server.url, event.joinCode, 't1');
      const facilitatorId = claimsOf(event.facilitatorToken).participantId;
      const report = (query: string) => fetch(`${server.url}/api/events/${event.eventId}/report.pdf?${query}`, { headers: auth(event.facilitatorToken) });
      expect((await report('sections=cover')).status).toBe(200);
      const withNames = await report('sections=cover&attendees=1');
      expect(withNames.status).toBe(200);
      // Every page's footer says when the event's data is deleted.
      const text = await pdfText(new Uint8Array(await withNames.arrayBuffer()));
      expect(text).toContain(`Event data is deleted on ${day(Date.now() + 90 * DAY_MS)}`);
      expect((await fetch(`${server.url}/api/events/${event.eventId}/report.pdf?attendees=1`, { headers: auth(participant) })).status).toBe(403);

      const log = await fetch(`${server.url}/api/events/${event.eventId}/access-log`, { headers: auth(event.facilitatorToken) });
      expect(log.status).toBe(200);
      const { entries } = (await log.json()) as { entries: Record<string, unknown>[] };
      expect(entries).toEqual([
        { at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), role: 'facilitator', tokenId: facilitatorId, what: 'report.pdf', options: { includeAttendeeList: true, sections: ['cover'] } },
      ]);
      for (const token of [participant, event.observerToken]) {
        const refused = await fetch(`${server.url}/api/events/${event.eventId}/access-log`, { headers: auth(token) });
        expect(refused.status).toBe(403);
      }
    });

    it('downloads the roster CSV (formula-safe) and one attendee\'s subject-access JSON, each logged', async () => {
      const { server, event } = await withTwoAttendees();
      const csv = await fetch(`${server.url}/api/events/${event.eventId}/roster.csv`, { headers: auth(event.facilitatorToken) });
      expect(csv.status).toBe(200);
      const text = await csv.text();
      expect(text.split('\r\n')[0]).toBe('name,organisation,stakeholder_group,email,needs,table');
      expect(text).toContain('Oluwaseun Adeyemi,Northshore Mind,vcse,seun@example.org,step-free access,Table 2');
      expect(text).toContain(`"'=HYPERLINK(""x"")"`);

      const subject = await fetch(`${server.url}/api/events/${event.eventId}/attendees/a1/export`, { headers: auth(event.facilitatorToken) });
      expect(subject.status).toBe(200);
      expect(subject.headers.get('content-disposition')).toContain('subject-access-a1.json');
      const body = (await subject.json()) as Record<string, unknown>;
      expect(body.attendee).toEqual({ id: 'a1', name: 'Oluwaseun Adeyemi', organisation: 'Northshore Mind', stakeholderGroup: 'vcse', email: 'seun@example.org', needs: ['step-free access'] });
      expect(body.seat).toEqual({ tableId: 't2', tableName: 'Table 2' });
      expect((await fetch(`${server.url}/api/events/${event.eventId}/attendees/nobody/export`, { headers: auth(event.facilitatorToken) })).status).toBe(404);
      const participant = await joinTable(server.url, event.joinCode, 't1');
      expect((await fetch(`${server.url}/api/events/${event.eventId}/attendees/a1/export`, { headers: auth(participant) })).status).toBe(403);
      expect((await fetch(`${server.url}/api/events/${event.eventId}/roster.csv`, { headers: auth(participant) })).status).toBe(403);

      const { entries } = (await (await fetch(`${server.url}/api/events/${event.eventId}/access-log`, { headers: auth(event.facilitatorToken) })).json()) as {
        entries: { what: string; options: unknown }[];
      };
      expect(entries.map(({ what, options }) => ({ what, options }))).toEqual([
        { what: 'roster.csv', options: {} },
        { what: 'subject-access.json', options: { attendeeId: 'a1' } },
      ]);
    });

    it('records the command line\'s JSON export and report with names as the operator\'s', async () => {
      const { dir, server, event } = await withTwoAttendees();
      const io = { stdout: () => {}, stderr: () => {} };
      expect(await exportCli([event.eventId, '--format', 'json', '--out', join(dir.path, 'backup.json'), '--data-dir', dir.path], {}, io)).toBe(0);
      expect(await exportCli([event.eventId, '--format', 'gexf', '--out', join(dir.path, 'map.gexf'), '--data-dir', dir.path], {}, io)).toBe(0);
      expect(await reportCli([event.eventId, '--out', join(dir.path, 'report.pdf'), '--sections', 'cover', '--include-attendees', '--data-dir', dir.path], {}, io)).toBe(0);
      const backup = JSON.parse(readFileSync(join(dir.path, 'backup.json'), 'utf8')) as { privacy: { accessLog: { what: string }[] } };
      expect(backup.privacy.accessLog.map((entry) => entry.what)).toEqual(['export.json']);
      const { entries } = (await (await fetch(`${server.url}/api/events/${event.eventId}/access-log`, { headers: auth(event.facilitatorToken) })).json()) as {
        entries: { role: string; tokenId: string; what: string }[];
      };
      expect(entries.map(({ role, tokenId, what }) => ({ role, tokenId, what }))).toEqual([
        { role: 'operator', tokenId: 'command-line', what: 'export.json' },
        { role: 'operator', tokenId: 'command-line', what: 'report.pdf' },
      ]);
    });

    it('shows the join screen the privacy notice with the deletion date; bad notices are refused', async () => {
      const { server, event } = await withTwoAttendees();
      const lookup = async () => ((await (await fetch(`${server.url}/api/join/${event.joinCode}`)).json()) as { privacyNotice: Record<string, string> }).privacyNotice;
      expect(await lookup()).toMatchObject({ controller: 'The organisers of “Learning exchange”', deleteAfter: day(Date.now() + 90 * DAY_MS) });
      const url = `${server.url}/api/events/${event.eventId}/privacy`;
      const notice = { controller: 'Northshore ICB', contact: 'dpo@northshore.example', purpose: 'To map local mental health services and report themes.' };
      expect((await put(url, event.facilitatorToken, { notice })).status).toBe(200);
      expect(await lookup()).toEqual({ ...notice, deleteAfter: day(Date.now() + 90 * DAY_MS) });
      const refused = await put(url, event.facilitatorToken, { notice: { ...notice, contact: '' } });
      expect(refused.status).toBe(400);
      expect(await lookup()).toMatchObject(notice);
    });
  });
});

