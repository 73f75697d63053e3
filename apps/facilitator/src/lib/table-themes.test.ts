import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addNote,
  createTableTheme,
  initEventDoc,
  mergeTableThemesInto,
  migrate,
  noteRef,
  readEvent,
  readSynthesis,
  readTable,
  setNoteHidden,
  tableThemeRef,
  type TableSnapshot,
} from '@tablemap/model';
import { collectTableThemes, groupLine, mergeSuggestionsFor, suggestionKey } from './table-themes.ts';

function threeTables() {
  const eventDoc = new Y.Doc();
  const tables = initEventDoc(eventDoc, { eventId: 'ev', title: 'Merge', tableCount: 3 });
  const titles = ['Waiting times', 'waiting lists', 'Long waits for first appointment'];
  const snapshots: Record<string, TableSnapshot> = {};
  const refs: string[] = [];
  const notes: string[] = [];
  tables.forEach((table, index) => {
    const doc = new Y.Doc();
    migrate(doc, 'table');
    const note = addNote(doc, { text: `Months at ${table.name}`, kind: 'observation' }, { group: index === 1 ? 'housing' : 'carer', participantId: 'p' });
    notes.push(note);
    refs.push(tableThemeRef(table.id, createTableTheme(doc, { title: titles[index]! }, { group: 'carer' }, [note])));
    snapshots[table.id] = readTable(doc);
  });
  const synthesis = new Y.Doc();
  migrate(synthesis, 'synthesis');
  return { event: readEvent(eventDoc), snapshots, refs, notes, synthesis, tables };
}

describe('table themes in the merge view', () => {
  it('lists every table theme with its table, visible notes and groups; suggests merging the three waiting themes', () => {
    const { event, snapshots, synthesis, refs, notes, tables } = threeTables();
    setNoteHidden(synthesis, noteRef(tables[2]!.id, notes[2]!), true);
    const items = collectTableThemes(event, snapshots, readSynthesis(synthesis));
    expect(items.map((item) => [item.tableName, item.theme.title, item.noteTexts.length, item.groups, item.eventThemeId])).toEqual([
      ['Table 1', 'Waiting times', 1, { carer: 1 }, null],
      ['Table 2', 'waiting lists', 1, { housing: 1 }, null],
      ['Table 3', 'Long waits for first appointment', 0, {}, null],
    ]);
    const [suggestion] = mergeSuggestionsFor(items);
    expect(suggestion?.refs).toEqual(refs);
    expect(mergeSuggestionsFor(items, new Set([suggestionKey(suggestion!)]))).toEqual([]);
  });

  it('a confirmed merge takes its table themes out of the suggestions', () => {
    const { event, snapshots, synthesis, refs } = threeTables();
    const themeId = mergeTableThemesInto(synthesis, refs, { title: 'Waiting' });
    const items = collectTableThemes(event, snapshots, readSynthesis(synthesis));
    expect(items.map((item) => item.eventThemeId)).toEqual([themeId, themeId, themeId]);
    expect(mergeSuggestionsFor(items)).toEqual([]);
  });

  it('writes groups most notes first', () => {
    expect(groupLine({ carer: 1, housing: 3 }, (id) => id.toUpperCase())).toBe('HOUSING 3 · CARER 1');
  });
});
