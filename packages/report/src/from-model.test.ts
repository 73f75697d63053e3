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
  recordConsent,
  setEventDetails,
  setNoteHidden,
  setThemeNextSteps,
  setThemeQuotes,
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
  const event = readEvent(eventDoc);
  const prompt = event.prompts[0]!.id;

  const tableA = new Y.Doc();
  const mind = addOrganisation(tableA, { name: 'Riverside Mind', sector: 'vcse' }, carer);
  const cmht = addOrganisation(tableA, { name: 'North CMHT', sector: 'nhs_secondary' }, carer);
  linkOrganisations(tableA, { source: mind, target: cmht, kind: 'refers_to' }, carer);
  const quote = addNote(tableA, { text: 'Nobody tells you where to go next.', kind: 'quote', promptId: prompt }, carer);
  const secret = addNote(tableA, { text: 'Remark naming a particular nurse', kind: 'observation', promptId: prompt }, housing);
  recordConsent(tableA, 'carer');
  recordConsent(tableA, 'housing');
  castVote(tableA, quote, housing, rules);

  const tableB = new Y.Doc();
  const gap = addNote(tableB, { text: 'No crisis support after 5pm', kind: 'gap' }, housing);
  recordConsent(tableB, 'housing');

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
