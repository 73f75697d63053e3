import { describe, expect, it } from 'vitest';
import { describeSince, formatCountdown, isQuiet, missingGroups, vocabularyIdFor } from './table-activity.ts';
import { topVotedNotes } from './top-notes.ts';
import type { Note, TableSnapshot } from '@tablemap/model';

describe('table activity', () => {
  it('flags a table as quiet only during an active round', () => {
    const now = 1_000_000_000;
    expect(isQuiet(now - 10 * 60_000, now, true)).toBe(true);
    expect(isQuiet(now - 60_000, now, true)).toBe(false);
    expect(isQuiet(null, now, false)).toBe(false);
    expect(describeSince(now - 3 * 60_000, now)).toBe('Last activity 3 min ago');
  });

  it('lists seated groups nobody represents right now', () => {
    expect(missingGroups(['carer', 'housing', 'carer', 'vcse'], new Map([['housing', 2]]))).toEqual(['carer', 'vcse']);
  });

  it('formats a countdown, rounding up so 0:00 means time is really up', () => {
    expect(formatCountdown(600_000)).toBe('10:00');
    expect(formatCountdown(59_001)).toBe('01:00');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(null)).toBe('--:--');
  });

  it('makes stable, unique vocabulary ids from labels', () => {
    expect(vocabularyIdFor('Faith groups', [])).toBe('faith_groups');
    expect(vocabularyIdFor('Faith groups', ['faith_groups'])).toBe('faith_groups_2');
    expect(vocabularyIdFor('123 Café!', [])).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(vocabularyIdFor('!!!', [])).toMatch(/^[a-z][a-z0-9_]*$/);
  });
});

describe('top voted notes', () => {
  const note = (id: string, createdAt: number): Note => ({ id, text: id, kind: 'idea', promptId: null, organisationIds: [], group: 'carer', authorId: 'a1', createdAt });
  const table = (notes: Note[], votes: Record<string, number>) =>
    ({ snapshot: { notes, votes: Object.fromEntries(Object.entries(votes).map(([noteId, total]) => [noteId, { noteId, total, byGroup: {} }])) } as unknown as TableSnapshot });

  it('ranks across tables by votes, older first on ties, and leaves out unvoted notes', () => {
    const ranked = topVotedNotes({ t1: table([note('a', 3), note('b', 1)], { a: 2, b: 2 }), t2: table([note('c', 2), note('d', 0)], { c: 5 }) });
    expect(ranked.map((entry) => [entry.note.id, entry.tableId, entry.votes])).toEqual([
      ['c', 't2', 5],
      ['b', 't1', 2],
      ['a', 't1', 2],
    ]);
  });
});
