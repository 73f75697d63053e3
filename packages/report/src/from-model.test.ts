import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  addNote,
  addOrganisation,
  assignNoteToTheme,
  castThemeVote,
  castVote,
  createTheme,
  flagNote,
  initEventDoc,
  linkOrganisations,
  noteRef,
  readEvent,
  readSynthesis,
  readTable,
  publishConsentCounts,
  setEventDetails,
  setNoteHidden,
  setThemeNextSteps,
  setThemeQuotes,
  createTableTheme,
  mergeTableThemesInto,
  tableThemeRef,
  type TableSnapshot,
} from '@tablemap/model';
import { renderReport, reportSnapshotFromModel } from './index.ts';
import { pdfText } from '@tablemap/test-support';

const rules = { votesPerParticipant: 5, allowStackedVotes: false };
const carer = { group: 'carer', participantId: 'voterone' };
const housing = { group: 'housing', participantId: 'votertwo' };

/** A real event written through the model's own mutations into Yjs docs, then read back. */
function modelEvent() {
  const eventDoc = new Y.Doc();
  const [first, second] = initEventDoc(eventDoc, { eventId: 'leeds', title: 'Leeds Exchange', tableCount: 2 });
  setEventDetails(eventDoc, { venue: 'Civic Hall', date: '12 March 2026' });
  // Consent is counted by the server at join and published in the event doc.
  publishConsentCounts(eventDoc, first!.id, { carer: 1, housing: 1 });
  publishConsentCounts(eventDoc, second!.id, { housing: 1 });
  const event = readEvent(eventDoc);
  const prompt = event.prompts[0]!.id;

  const tableA = new Y.Doc();
  const mind = addOrganisation(tableA, { name: 'Riverside Mind', sector: 'vcse' }, carer);
  const cmht = addOrganisation(tableA, { name: 'North CMHT', sector: 'nhs_secondary' }, carer);
  linkOrganisations(tableA, { source: mind, target: cmht, kind: 'refers_to' }, carer);
  const quote = addNote(tableA, { text: 'Nobody tells you where to go next.', kind: 'quote', promptId: prompt }, carer);
  const secret = addNote(tableA, { text: 'Remark naming a particular nurse', kind: 'observation', promptId: prompt }, housing);
  castVote(tableA, quote, housing, rules);

  const tableB = new Y.Doc();
  const gap = addNote(tableB, { text: 'No crisis support after 5pm', kind: 'gap' }, housing);

  const synthesisDoc = new Y.Doc();
  const theme = createTheme(synthesisDoc, { title: 'Finding the way in', description: 'Routes into care are unclear.' });
  for (const [table, note] of [[first!.id, quote], [first!.id, secret], [second!.id, gap]] as const) assignNoteToTheme(synthesisDoc, noteRef(table, note), theme);
  setThemeQuotes(synthesisDoc, theme, [noteRef(first!.id, quote)]);
  setThemeNextSteps(synthesisDoc, theme, [{ action: 'Publish a single front door', ownerSector: 'commissioner', timescale: '6 months' }]);
  setNoteHidden(synthesisDoc, noteRef(first!.id, secret), true);
  flagNote(synthesisDoc, noteRef(second!.id, gap), { gap: true });
  castThemeVote(tableA, theme, carer, rules);
  castThemeVote(tableB, theme, housing, rules);

  return reportSnapshotFromModel({
    event,
    tables: { [first!.id]: readTable(tableA), [second!.id]: readTable(tableB) },
    synthesis: readSynthesis(synthesisDoc),
  });
}

describe('reportSnapshotFromModel', () => {
  it('turns real model docs into a report with themes, votes, gaps and hidden notes removed', async () => {
    const snapshot = modelEvent();
    const text = (await pdfText(await renderReport(snapshot), false)).replace(/\s+/g, ' ');
    expect(text).toContain('Finding the way in');
    expect(text).toContain('“Nobody tells you where to go next.” — Carers and family');
    expect(text).toContain('Drew on 2 notes from 2 tables. 2 votes (Carers and family 1, Housing 1).');
    expect(text).toContain('No crisis support after 5pm');
    expect(text).toContain('Publish a single front door');
    expect(text).not.toContain('particular nurse');
    expect(text).toMatch(/Votes on notes 1 /);
    expect(text).toMatch(/Votes on themes 2 /);
  });

  it('keeps anonymous author ids out of the snapshot', () => {
    const snapshot = modelEvent();
    expect(JSON.stringify(snapshot)).not.toMatch(/voterone|votertwo|authorId/);
  });
});

describe('theme provenance in the report', () => {
  it('prints how many tables raised each theme, under which titles, and the groups behind it; a hidden note is not counted', async () => {
    const eventDoc = new Y.Doc();
    const tables = initEventDoc(eventDoc, { eventId: 'prov', title: 'Provenance', tableCount: 4 });
    const synthesisDoc = new Y.Doc();
    const snapshots: Record<string, TableSnapshot> = {};
    const titles = ['Waiting times', 'waiting lists', 'Long waits for first appointment', 'Peer support works'];
    const refs: string[] = [];
    let hiddenRef = '';
    tables.forEach((table, index) => {
      const doc = new Y.Doc();
      const notes = [addNote(doc, { text: `Months on a list at ${table.name}`, kind: 'observation' }, carer)];
      if (index === 0) notes.push(addNote(doc, { text: 'A remark to hide', kind: 'observation' }, housing));
      const themeId = createTableTheme(doc, { title: titles[index]! }, carer, notes);
      if (index === 0) hiddenRef = noteRef(table.id, notes[1]!);
      refs.push(tableThemeRef(table.id, themeId));
      snapshots[table.id] = readTable(doc);
    });
    mergeTableThemesInto(synthesisDoc, refs.slice(0, 3), { title: 'Waiting for help' });
    mergeTableThemesInto(synthesisDoc, refs.slice(3), { title: 'Peer support works' });
    setNoteHidden(synthesisDoc, hiddenRef, true);
    const snapshot = reportSnapshotFromModel({ event: readEvent(eventDoc), tables: snapshots, synthesis: readSynthesis(synthesisDoc) });
    const text = (await pdfText(await renderReport(snapshot), false)).replace(/\s+/g, ' ');
    expect(text).toContain('Raised by 3 tables: Table 1 (“Waiting times”); Table 2 (“waiting lists”); Table 3 (“Long waits for first appointment”).');
    expect(text).toContain('Groups behind it: Carers and family 3.');
    expect(text).toContain('Raised by one table: Table 4 (“Peer support works”).');
    expect(text).not.toContain('A remark to hide');
    expect(text).not.toContain('Housing 1');
  });
});

