import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, createTheme, flagNote, initEventDoc, noteRef, readEvent, readSynthesis, readTable, setNoteHidden, setThemeNextSteps } from '@tablemap/model';
import { collectNotes } from './synthesis-data.ts';
import { describeQuotedNote, easyReadPrefill } from './report-composer.ts';

function setup() {
  const eventDoc = new Y.Doc();
  initEventDoc(eventDoc, { eventId: 'ev1', title: 'Test', tableCount: 1 });
  const table = new Y.Doc();
  const carer = { group: 'carer', participantId: 'p1' };
  const kept = addNote(table, { text: 'The peer café keeps me well', kind: 'quote' }, carer);
  const hidden = addNote(table, { text: 'Named a nurse', kind: 'quote' }, carer);
  const synthesis = new Y.Doc();
  flagNote(synthesis, noteRef('t1', kept), { keyMessage: true });
  flagNote(synthesis, noteRef('t1', hidden), { keyMessage: true });
  setNoteHidden(synthesis, noteRef('t1', hidden), true);
  const themeId = createTheme(synthesis, { title: 'Safe spaces matter' });
  setThemeNextSteps(synthesis, themeId, [{ action: 'Fund two more peer cafés', ownerSector: 'commissioner', timescale: '6 months' }]);
  const notes = collectNotes(readEvent(eventDoc), { t1: readTable(table) }, readSynthesis(synthesis));
  return { notes, synthesis: readSynthesis(synthesis), kept: noteRef('t1', kept), hidden: noteRef('t1', hidden) };
}

describe('the report composer', () => {
  it('shows a quoted note with its group, and says plainly when it has been hidden or removed', () => {
    const { notes, kept, hidden } = setup();
    const label = (id: string) => (id === 'carer' ? 'Carers and family' : id);
    expect(describeQuotedNote(notes, label, kept)).toBe('“The peer café keeps me well” — Carers and family (Table 1)');
    expect(describeQuotedNote(notes, label, hidden)).toMatch(/has been hidden: it is left out of the report/);
    expect(describeQuotedNote(notes, label, 't1/gone')).toMatch(/no longer exists/);
  });

  it('prefills easy-read points from key messages and next steps, never from a hidden note', () => {
    const { notes, synthesis } = setup();
    expect(easyReadPrefill(notes, synthesis)).toEqual([
      { part: 'heard', text: 'The peer café keeps me well', icon: 'message' },
      { part: 'next', text: 'Fund two more peer cafés', icon: 'calendar' },
    ]);
  });
});
