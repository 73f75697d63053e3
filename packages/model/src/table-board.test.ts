import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import {
  createTableTheme,
  mergeTableThemes,
  moveNotesToTableTheme,
  removeTableTheme,
  updateTableTheme,
} from './table-board.ts';
import { addNote, readTable, removeNote, type Actor } from './table-doc.ts';
import { migrate } from './versions.ts';

const carer: Actor = { group: 'carer', participantId: 'p1' };
const housing: Actor = { group: 'housing', participantId: 'p2' };

function tableWithNotes(count = 3): { doc: Y.Doc; noteIds: string[] } {
  const doc = new Y.Doc();
  migrate(doc, 'table');
  const noteIds = Array.from({ length: count }, (_, index) =>
    addNote(doc, { text: `Note ${index + 1}`, kind: 'observation' }, index % 2 === 0 ? carer : housing),
  );
  return { doc, noteIds };
}

function expectRefused(doc: Y.Doc, action: () => unknown, code: string): ModelError {
  const before = Y.encodeStateAsUpdate(doc);
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe(code);
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    return error as ModelError;
  }
  throw new Error(`expected a ModelError with code ${code}`);
}

/** Two replicas of one table that exchange updates only when told to, like two phones with bad Wi-Fi. */
function twoPhones() {
  const { doc: a, noteIds } = tableWithNotes(3);
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const sync = () => {
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  };
  return { a, b, noteIds, sync };
}

describe('table theme board', () => {
  it('makes a theme with notes in it; the theme shows its notes and their groups', () => {
    const { doc, noteIds } = tableWithNotes(3);
    const id = createTableTheme(doc, { title: '  Waiting times ', description: 'Months for a first appointment' }, carer, noteIds);
    const table = readTable(doc);
    expect(table.tableThemes).toEqual([
      expect.objectContaining({ id, title: 'Waiting times', description: 'Months for a first appointment', addedByGroup: 'carer', noteIds, groups: { carer: 2, housing: 1 } }),
    ]);
    expect(table.notePlacements).toEqual(Object.fromEntries(noteIds.map((noteId) => [noteId, id])));
    expect(table.problems).toEqual([]);
  });

  it.each([
    ['an empty title', { title: '   ' }],
    ['an 81-character title', { title: 'x'.repeat(81) }],
    ['a title over two lines', { title: 'Waiting\ntimes' }],
    ['a description over two lines', { title: 'Waiting', description: 'one\ntwo' }],
    ['a 141-character description', { title: 'Waiting', description: 'x'.repeat(141) }],
    ['a title that is not text', { title: 42 }],
  ])('refuses %s with invalid_input and changes nothing', (_label, input) => {
    const { doc } = tableWithNotes(1);
    const error = expectRefused(doc, () => createTableTheme(doc, input as never, carer), 'invalid_input');
    expect(error.message).toMatch(/Theme (title|description)/);
  });

  it('accepts a title of exactly 80 characters in any script', () => {
    const { doc } = tableWithNotes(1);
    const title = 'انتظار '.repeat(11).slice(0, 80);
    createTableTheme(doc, { title }, carer);
    expect(readTable(doc).tableThemes[0]?.title).toBe(title.trim());
  });

  it('refuses a second theme with the same title (ignoring case and spacing), pointing at the first', () => {
    const { doc } = tableWithNotes(1);
    const first = createTableTheme(doc, { title: 'Waiting times' }, carer);
    const error = expectRefused(doc, () => createTableTheme(doc, { title: 'waiting   TIMES' }, housing), 'duplicate');
    expect(error.details).toEqual([first]);
  });

  it('refuses to put a note that does not exist into a theme', () => {
    const { doc, noteIds } = tableWithNotes(1);
    expectRefused(doc, () => createTableTheme(doc, { title: 'Waiting' }, carer, [noteIds[0]!, 'nosuchnote']), 'not_found');
    const theme = createTableTheme(doc, { title: 'Waiting' }, carer);
    expectRefused(doc, () => moveNotesToTableTheme(doc, ['nosuchnote'], theme), 'not_found');
    expectRefused(doc, () => moveNotesToTableTheme(doc, [], theme), 'invalid_input');
    expectRefused(doc, () => moveNotesToTableTheme(doc, ['Not An Id!'], theme), 'invalid_input');
  });

  it('moves notes between themes: a note sits in at most one theme; null takes it out', () => {
    const { doc, noteIds } = tableWithNotes(3);
    const waiting = createTableTheme(doc, { title: 'Waiting' }, carer, noteIds);
    const housingTheme = createTableTheme(doc, { title: 'Housing' }, carer);
    moveNotesToTableTheme(doc, [noteIds[0]!], housingTheme);
    moveNotesToTableTheme(doc, [noteIds[1]!], null);
    const [first, second] = readTable(doc).tableThemes;
    expect(first).toMatchObject({ id: waiting, noteIds: [noteIds[2]] });
    expect(second).toMatchObject({ id: housingTheme, noteIds: [noteIds[0]] });
    expect(readTable(doc).notePlacements).toEqual({ [noteIds[0]!]: housingTheme, [noteIds[2]!]: waiting });
  });

  it('refuses to move notes into a theme that does not exist', () => {
    const { doc, noteIds } = tableWithNotes(1);
    expectRefused(doc, () => moveNotesToTableTheme(doc, noteIds, 'gone'), 'not_found');
  });

  it('renames a theme and changes its description; refuses a bad title or an unknown theme', () => {
    const { doc } = tableWithNotes(1);
    const id = createTableTheme(doc, { title: 'Waiting' }, carer);
    const other = createTableTheme(doc, { title: 'Housing' }, carer);
    updateTableTheme(doc, id, { title: 'Waiting lists', description: 'Too long' });
    expect(readTable(doc).tableThemes[0]).toMatchObject({ title: 'Waiting lists', description: 'Too long' });
    expectRefused(doc, () => updateTableTheme(doc, id, { title: '' }), 'invalid_input');
    expectRefused(doc, () => updateTableTheme(doc, id, { title: 'HOUSING' }), 'duplicate');
    expectRefused(doc, () => updateTableTheme(doc, 'gone', { title: 'New' }), 'not_found');
    updateTableTheme(doc, other, { title: 'housing' });
    expect(readTable(doc).tableThemes[1]?.title).toBe('housing');
  });

  it('merges two themes: every note of one moves into the other, which stays', () => {
    const { doc, noteIds } = tableWithNotes(3);
    const a = createTableTheme(doc, { title: 'Waiting' }, carer, [noteIds[0]!]);
    const b = createTableTheme(doc, { title: 'Waits' }, carer, [noteIds[1]!, noteIds[2]!]);
    mergeTableThemes(doc, b, a);
    expect(readTable(doc).tableThemes).toEqual([expect.objectContaining({ id: a, noteIds })]);
    expectRefused(doc, () => mergeTableThemes(doc, a, a), 'invalid_input');
    expectRefused(doc, () => mergeTableThemes(doc, b, a), 'not_found');
  });

  it('removing a theme sends its notes back to unsorted', () => {
    const { doc, noteIds } = tableWithNotes(2);
    const id = createTableTheme(doc, { title: 'Waiting' }, carer, noteIds);
    removeTableTheme(doc, id);
    expect(readTable(doc)).toMatchObject({ tableThemes: [], notePlacements: {}, notes: [{ id: noteIds[0] }, { id: noteIds[1] }] });
    expectRefused(doc, () => removeTableTheme(doc, id), 'not_found');
  });

  it('deleting a note takes it off the board in the same change', () => {
    const { doc, noteIds } = tableWithNotes(2);
    createTableTheme(doc, { title: 'Waiting' }, carer, noteIds);
    removeNote(doc, noteIds[0]!, carer);
    const table = readTable(doc);
    expect(table.tableThemes[0]?.noteIds).toEqual([noteIds[1]]);
    expect(table.problems).toEqual([]);
    expect(doc.getMap('notePlacements').has(noteIds[0]!)).toBe(false);
  });
});

describe('concurrent edits on two phones', () => {
  it('a note deleted on one phone while another moves it into a theme leaves no dangling reference: readers skip and report it', () => {
    const { a, b, noteIds, sync } = twoPhones();
    removeNote(a, noteIds[0]!, carer);
    const theme = createTableTheme(b, { title: 'Waiting' }, housing, [noteIds[0]!, noteIds[1]!]);
    sync();
    for (const doc of [a, b]) {
      const table = readTable(doc);
      expect(table.notes.map((note) => note.id)).toEqual([noteIds[1], noteIds[2]]);
      expect(table.tableThemes).toEqual([expect.objectContaining({ id: theme, noteIds: [noteIds[1]], groups: { housing: 1 } })]);
      expect(table.notePlacements).toEqual({ [noteIds[1]!]: theme });
      expect(table.problems).toEqual([{ collection: 'notePlacements', key: noteIds[0], reason: 'places a note that was deleted' }]);
    }
  });

  it('a theme merged away on one phone while another moves a note into it: the note shows as unsorted and is reported', () => {
    const { a, b, noteIds, sync } = twoPhones();
    const keep = createTableTheme(a, { title: 'Waiting' }, carer);
    const drop = createTableTheme(a, { title: 'Waits' }, carer);
    sync();
    mergeTableThemes(a, drop, keep);
    moveNotesToTableTheme(b, [noteIds[2]!], drop);
    sync();
    expect(readTable(a)).toEqual(readTable(b));
    expect(readTable(a).tableThemes.map((theme) => theme.id)).toEqual([keep]);
    expect(readTable(a).problems).toEqual([{ collection: 'notePlacements', key: noteIds[2], reason: 'places a note in a theme that was removed' }]);
  });

  it('two phones moving the same note at once settle on one theme', () => {
    const { a, b, noteIds, sync } = twoPhones();
    const x = createTableTheme(a, { title: 'X' }, carer);
    const y = createTableTheme(a, { title: 'Y' }, carer);
    sync();
    moveNotesToTableTheme(a, [noteIds[0]!], x);
    moveNotesToTableTheme(b, [noteIds[0]!], y);
    sync();
    const placed = readTable(a).notePlacements[noteIds[0]!];
    expect([x, y]).toContain(placed);
    expect(readTable(b).notePlacements[noteIds[0]!]).toBe(placed);
    expect(readTable(a).tableThemes.flatMap((theme) => theme.noteIds).filter((id) => id === noteIds[0])).toHaveLength(1);
  });
});
