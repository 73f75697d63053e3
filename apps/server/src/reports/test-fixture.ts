/** Fills an event through a real server and real y-websocket clients, for the report and export tests. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import {
  addNote,
  addOrganisation,
  assignNoteToTheme,
  castThemeVote,
  createTableTheme,
  createTheme,
  eventDocName,
  flagNote,
  linkOrganisations,
  mergeTableThemesInto,
  noteRef,
  rateInfluence,
  readSynthesis,
  readTable,
  rosterDocName,
  setEventDetails,
  setNoteHidden,
  setThemeQuotes,
  synthesisDocName,
  tableDocName,
  tableThemeRef,
} from '@tablemap/model';
import { importAttendees, readRoster, seatAttendee } from '@tablemap/roster';
import { claimsOf, connectProvider, joinTable, postJson, storedDoc, waitFor, waitForSync, type CreatedEvent } from '../testing.ts';
import type { TablemapServer } from '../index.ts';

export const FIXTURE = {
  title: 'Riverside Learning Exchange',
  venue: 'Riverside Community Hall',
  themeTitle: 'Access to talking therapies',
  visibleNote: 'Waiting lists for talking therapies are far too long',
  otherNote: 'Carers are not told when someone is discharged',
  hiddenNote: 'REDACTED-SENTINEL the duty worker named Bob was rude',
  attendeeName: 'Zebedee Quartermaine',
  organisations: ['Riverside Mind', 'Riverside Housing', 'Northshore PCN'],
  /** Each table's own theme, both merged into the event theme above. */
  tableThemes: ['Long waits', 'waiting lists'],
};

export interface FilledEvent extends CreatedEvent {
  themeId: string;
  hiddenRef: string;
  visibleRef: string;
}

/** Waits until the server has stored what `check` looks for (nothing is acknowledged to clients explicitly). */
async function waitForStored(server: TablemapServer, name: string, check: (doc: Y.Doc) => boolean): Promise<void> {
  let done = false;
  const started = Date.now();
  while (!done) {
    const doc = await storedDoc(server, name);
    done = check(doc);
    doc.destroy();
    if (!done && Date.now() - started > 8000) throw new Error(`timed out waiting for ${name} to be stored`);
    if (!done) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function fillEvent(server: TablemapServer & { wsBase: string }): Promise<FilledEvent> {
  const created = await postJson(`${server.url}/api/events`, { title: FIXTURE.title, tableCount: 2 });
  if (created.status !== 201) throw new Error(`create failed: ${created.text}`);
  const event = created.json as unknown as CreatedEvent;
  const { eventId, facilitatorToken } = event;
  const providers: { provider: { destroy(): void } }[] = [];
  const open = async (name: string, token: string) => {
    const connection = connectProvider(server.wsBase, name, token);
    providers.push(connection);
    await waitForSync(connection.provider);
    return connection.doc;
  };
  try {
    const eventDoc = await open(eventDocName(eventId), facilitatorToken);
    setEventDetails(eventDoc, { venue: FIXTURE.venue, date: '2026-03-14' });

    // The server checks that notes and votes carry their sender's own id, so the actors are the tokens' holders.
    const t1Token = await joinTable(server.url, event.joinCode, 't1', 'carer');
    const carer = { group: 'carer', participantId: claimsOf(t1Token).participantId };
    const t1 = await open(tableDocName(eventId, 't1'), t1Token);
    const mind = addOrganisation(t1, { name: FIXTURE.organisations[0]!, sector: 'vcse', size: 'local' }, carer);
    const housing = addOrganisation(t1, { name: FIXTURE.organisations[1]!, sector: 'housing' }, carer);
    linkOrganisations(t1, { source: mind, target: housing, kind: 'refers_to' }, carer);
    const visible = addNote(t1, { text: FIXTURE.visibleNote, kind: 'observation' }, carer);
    const hidden = addNote(t1, { text: FIXTURE.hiddenNote, kind: 'quote' }, carer);

    const t2Token = await joinTable(server.url, event.joinCode, 't2', 'primary_care');
    const gp = { group: 'primary_care', participantId: claimsOf(t2Token).participantId };
    const t2 = await open(tableDocName(eventId, 't2'), t2Token);
    const mind2 = addOrganisation(t2, { name: 'riverside MIND', sector: 'vcse' }, gp);
    const pcn = addOrganisation(t2, { name: FIXTURE.organisations[2]!, sector: 'primary_care' }, gp);
    linkOrganisations(t2, { source: pcn, target: mind2, kind: 'collaborates', status: 'wanted' }, gp);
    const other = addNote(t2, { text: FIXTURE.otherNote, kind: 'gap' }, gp);
    // The power round: Riverside Mind is rated at both tables (merged median 2.5).
    rateInfluence(t1, mind, 4, carer);
    rateInfluence(t1, housing, 2, carer);
    rateInfluence(t2, mind2, 1, gp);
    const t1Theme = createTableTheme(t1, { title: FIXTURE.tableThemes[0]! }, carer, [visible, hidden]);
    const t2Theme = createTableTheme(t2, { title: FIXTURE.tableThemes[1]! }, gp, [other]);

    const synthesis = await open(synthesisDocName(eventId), facilitatorToken);
    const themeId = createTheme(synthesis, { title: FIXTURE.themeTitle, description: 'People wait months for help.' });
    const visibleRef = noteRef('t1', visible);
    const hiddenRef = noteRef('t1', hidden);
    assignNoteToTheme(synthesis, visibleRef, themeId);
    assignNoteToTheme(synthesis, hiddenRef, themeId);
    assignNoteToTheme(synthesis, noteRef('t2', other), themeId);
    mergeTableThemesInto(synthesis, [tableThemeRef('t1', t1Theme), tableThemeRef('t2', t2Theme)], themeId);
    setThemeQuotes(synthesis, themeId, [visibleRef, hiddenRef]);
    flagNote(synthesis, hiddenRef, { gap: true });
    setNoteHidden(synthesis, hiddenRef, true);
    castThemeVote(t2, themeId, gp, { votesPerParticipant: 3, allowStackedVotes: false });

    const roster = await open(rosterDocName(eventId), facilitatorToken);
    importAttendees(roster, [{ id: 'a1', name: FIXTURE.attendeeName, group: 'carer', organisation: '', needs: [] }]);
    seatAttendee(roster, 'a1', 't1');

    await waitForStored(server, tableDocName(eventId, 't1'), (doc) => readTable(doc).notes.length === 2 && readTable(doc).tableThemes.length === 1 && Object.keys(readTable(doc).influence).length === 2);
    await waitForStored(server, tableDocName(eventId, 't2'), (doc) => Object.keys(readTable(doc).themeVotes).length === 1 && Object.keys(readTable(doc).influence).length === 1);
    await waitForStored(server, synthesisDocName(eventId), (doc) => readSynthesis(doc).hiddenNoteRefs.length === 1 && Object.keys(readSynthesis(doc).themeSources).length === 2);
    await waitForStored(server, rosterDocName(eventId), (doc) => Object.keys(readRoster(doc).seating).length === 1);
    await waitForStored(server, eventDocName(eventId), (doc) => doc.getMap('meta').get('venue') === FIXTURE.venue);
    return { ...event, themeId, hiddenRef, visibleRef };
  } finally {
    for (const { provider } of providers) provider.destroy();
  }
}

/** Runs a CLI script as a real child process, the way `pnpm report` does. */
export function runScript(script: 'report.ts' | 'export.ts', args: string[], env: Record<string, string> = {}) {
  const path = fileURLToPath(new URL(`../cli/${script}`, import.meta.url));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export { waitFor };
