import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addNote,
  assignNoteToTheme,
  createTheme,
  noteRef,
  readSynthesis,
  readTable,
  removeTheme,
} from '@tablemap/model';
import { filterNotesByPrompt, tableNotesByTheme, themeOfNote } from './themes.ts';

const actor = { group: 'carer', participantId: 'p1abc' };

function tableWithNotes() {
  const doc = new Y.Doc();
  const waiting = addNote(
    doc,
    { text: 'Waiting lists are long', kind: 'observation', promptId: 'p1', organisationIds: [] },
    actor,
  );
  const housing = addNote(doc, { text: 'No housing link', kind: 'gap', promptId: 'p2', organisationIds: [] }, actor);
  const loose = addNote(doc, { text: 'Peer support helps', kind: 'idea', promptId: null, organisationIds: [] }, actor);
  return { doc, ids: { waiting, housing, loose } };
}

describe('tableNotesByTheme', () => {
  it("counts only this table's notes in each theme", () => {
    const { doc, ids } = tableWithNotes();
    const synthesis = new Y.Doc();
    const access = createTheme(synthesis, { title: 'Access' });
    const gaps = createTheme(synthesis, { title: 'Gaps' });
    assignNoteToTheme(synthesis, noteRef('t1', ids.waiting), access);
    assignNoteToTheme(synthesis, noteRef('t1', ids.housing), access);
    // The same note id at another table belongs to that table, not this one.
    assignNoteToTheme(synthesis, noteRef('t2', ids.loose), gaps);

    const byTheme = tableNotesByTheme(readSynthesis(synthesis), 't1', readTable(doc).notes);
    expect(byTheme[access]?.map((note) => note.text).sort()).toEqual(['No housing link', 'Waiting lists are long']);
    expect(byTheme[gaps]).toBeUndefined();
    expect(themeOfNote(readSynthesis(synthesis), 't1', ids.waiting)).toBe('Access');
    expect(themeOfNote(readSynthesis(synthesis), 't1', ids.loose)).toBeNull();
  });

  it('forgets notes whose theme was removed', () => {
    const { doc, ids } = tableWithNotes();
    const synthesis = new Y.Doc();
    const access = createTheme(synthesis, { title: 'Access' });
    assignNoteToTheme(synthesis, noteRef('t1', ids.waiting), access);
    removeTheme(synthesis, access);
    expect(tableNotesByTheme(readSynthesis(synthesis), 't1', readTable(doc).notes)).toEqual({});
    expect(themeOfNote(readSynthesis(synthesis), 't1', ids.waiting)).toBeNull();
  });
});

describe('filterNotesByPrompt', () => {
  it('shows the current prompt only, or everything', () => {
    const { doc } = tableWithNotes();
    const notes = readTable(doc).notes;
    expect(filterNotesByPrompt(notes, 'current', 'p1').map((note) => note.text)).toEqual(['Waiting lists are long']);
    expect(filterNotesByPrompt(notes, 'all', 'p1')).toHaveLength(3);
    // With no current prompt there is nothing to filter by.
    expect(filterNotesByPrompt(notes, 'current', null)).toHaveLength(3);
    expect(filterNotesByPrompt(notes, 'current', 'p9')).toEqual([]);
  });
});
