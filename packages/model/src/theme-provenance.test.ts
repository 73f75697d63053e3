import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { codeOf } from './test-support.ts';
import {
  createTheme,
  detachTableTheme,
  mergeTableThemesInto,
  mergeThemes,
  noteRef,
  readSynthesis,
  removeTheme,
  setNoteHidden,
  setThemeQuotes,
  assignNoteToTheme,
  tableThemeRef,
} from './synthesis-doc.ts';
import { createTableTheme } from './table-board.ts';
import { addNote, readTable, type Actor } from './table-doc.ts';
import { withTableThemes } from './theme-provenance.ts';
import { migrate } from './versions.ts';

const groups: Actor[] = [
  { group: 'carer', participantId: 'p1' },
  { group: 'lived_experience', participantId: 'p2' },
  { group: 'commissioner', participantId: 'p3' },
];

function fresh(kind: 'table' | 'synthesis'): Y.Doc {
  const doc = new Y.Doc();
  migrate(doc, kind);
  return doc;
}

/** A table with one theme holding `noteCount` notes written by the groups above in turn. */
function tableWithTheme(title: string, noteCount: number) {
  const doc = fresh('table');
  const noteIds = Array.from({ length: noteCount }, (_, index) => addNote(doc, { text: `${title} ${index}`, kind: 'observation' }, groups[index % 3]!));
  const themeId = createTableTheme(doc, { title }, groups[0]!, noteIds);
  return { doc, noteIds, themeId };
}


describe('merging table themes into event themes', () => {
  it('three tables\' themes merged into one event theme: raised by 3 tables, with notes by group per table', () => {
    const t1 = tableWithTheme('Waiting times', 2);
    const t2 = tableWithTheme('waiting lists', 1);
    const t3 = tableWithTheme('Long waits for first appointment', 3);
    const synthesis = fresh('synthesis');
    const themeId = mergeTableThemesInto(
      synthesis,
      [tableThemeRef('t1', t1.themeId), tableThemeRef('t2', t2.themeId), tableThemeRef('t3', t3.themeId)],
      { title: 'Waiting times' },
    );
    const joined = withTableThemes(readSynthesis(synthesis), [
      { tableId: 't1', snapshot: readTable(t1.doc) },
      { tableId: 't2', snapshot: readTable(t2.doc) },
      { tableId: 't3', snapshot: readTable(t3.doc) },
    ]);
    expect(joined.themes.map((theme) => theme.title)).toEqual(['Waiting times']);
    const provenance = joined.provenance[themeId]!;
    expect(provenance.tables.map((table) => [table.tableId, table.tableThemes[0]?.title, table.noteCount, table.groups])).toEqual([
      ['t1', 'Waiting times', 2, { carer: 1, lived_experience: 1 }],
      ['t2', 'waiting lists', 1, { carer: 1 }],
      ['t3', 'Long waits for first appointment', 3, { carer: 1, lived_experience: 1, commissioner: 1 }],
    ]);
    expect(provenance).toMatchObject({ noteCount: 6, groups: { carer: 3, lived_experience: 2, commissioner: 1 } });
    // The notes follow their table themes, so the board, quotes and the report see them in the event theme.
    expect(Object.keys(joined.noteThemes)).toHaveLength(6);
    expect(joined.noteThemes[noteRef('t3', t3.noteIds[2]!)]).toBe(themeId);
  });

  it('a note placed elsewhere by the facilitator stays there; a hidden note is never counted', () => {
    const t1 = tableWithTheme('Waiting times', 3);
    const synthesis = fresh('synthesis');
    const waiting = mergeTableThemesInto(synthesis, [tableThemeRef('t1', t1.themeId)], { title: 'Waiting' });
    const other = createTheme(synthesis, { title: 'Other' });
    assignNoteToTheme(synthesis, noteRef('t1', t1.noteIds[0]!), other);
    setNoteHidden(synthesis, noteRef('t1', t1.noteIds[1]!), true);
    const joined = withTableThemes(readSynthesis(synthesis), [{ tableId: 't1', snapshot: readTable(t1.doc) }]);
    expect(joined.noteThemes[noteRef('t1', t1.noteIds[0]!)]).toBe(other);
    expect(joined.provenance[waiting]).toMatchObject({ noteCount: 1, groups: { commissioner: 1 }, tables: [{ tableId: 't1', noteCount: 1 }] });
    expect(joined.provenance[other]).toMatchObject({ noteCount: 1, tables: [] });
  });

  it('a theme raised by one table stays a theme of its own', () => {
    const t1 = tableWithTheme('Peer support works', 1);
    const synthesis = fresh('synthesis');
    const id = mergeTableThemesInto(synthesis, [tableThemeRef('t1', t1.themeId)], { title: 'Peer support works' });
    const joined = withTableThemes(readSynthesis(synthesis), [{ tableId: 't1', snapshot: readTable(t1.doc) }]);
    expect(joined.provenance[id]?.tables).toHaveLength(1);
  });

  it('adds a table theme to an existing event theme, detaches it again, and refuses bad input unchanged', () => {
    const synthesis = fresh('synthesis');
    const id = createTheme(synthesis, { title: 'Waiting' });
    expect(mergeTableThemesInto(synthesis, ['t1/abc'], id)).toBe(id);
    expect(readSynthesis(synthesis).themeSources).toEqual({ 't1/abc': id });
    const before = Y.encodeStateAsUpdate(synthesis);
    expect(codeOf(() => mergeTableThemesInto(synthesis, [], id))).toBe('invalid_input');
    expect(codeOf(() => mergeTableThemesInto(synthesis, ['no slash'], id))).toBe('invalid_input');
    expect(codeOf(() => mergeTableThemesInto(synthesis, ['t1/abc'], 'gone'))).toBe('not_found');
    expect(codeOf(() => mergeTableThemesInto(synthesis, ['t1/abc'], { title: '' }))).toBe('invalid_input');
    expect(codeOf(() => detachTableTheme(synthesis, 't1/other'))).toBe('not_found');
    expect(Y.encodeStateAsUpdate(synthesis)).toEqual(before);
    detachTableTheme(synthesis, 't1/abc');
    expect(readSynthesis(synthesis).themeSources).toEqual({});
  });

  it('merging or removing event themes carries or drops their table themes', () => {
    const synthesis = fresh('synthesis');
    const a = mergeTableThemesInto(synthesis, ['t1/a'], { title: 'A' });
    const b = mergeTableThemesInto(synthesis, ['t2/b'], { title: 'B' });
    mergeThemes(synthesis, b, a);
    expect(readSynthesis(synthesis).themeSources).toEqual({ 't1/a': a, 't2/b': a });
    removeTheme(synthesis, a);
    expect(readSynthesis(synthesis).themeSources).toEqual({});
  });

  it('a quote may come from a note that reached the theme through a table theme', () => {
    const t1 = tableWithTheme('Waiting', 1);
    const synthesis = fresh('synthesis');
    const id = mergeTableThemesInto(synthesis, [tableThemeRef('t1', t1.themeId)], { title: 'Waiting' });
    const ref = noteRef('t1', t1.noteIds[0]!);
    expect(codeOf(() => setThemeQuotes(synthesis, id, [ref]))).toBe('invalid_input');
    const members = Object.entries(withTableThemes(readSynthesis(synthesis), [{ tableId: 't1', snapshot: readTable(t1.doc) }]).noteThemes)
      .filter(([, themeId]) => themeId === id)
      .map(([noteRefKey]) => noteRefKey);
    setThemeQuotes(synthesis, id, [ref], members);
    expect(readSynthesis(synthesis).themes[0]?.quoteNoteRefs).toEqual([ref]);
  });
});
