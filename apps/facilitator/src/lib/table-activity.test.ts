import { describe, expect, it } from 'vitest';
import { describeSince, formatCountdown, isQuiet, missingGroups, tableFlags, vocabularyIdFor } from './table-activity.ts';
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

describe('table flags', () => {
  const now = 5_000_000;
  const base = {
    now,
    lastActivity: now - 1000,
    roundActive: true,
    present: new Map([['carer', 1], ['housing', 2]]),
    organisationCount: 3,
    round: { elapsedMs: 60_000, durationMs: 20 * 60_000 },
  };
  const ids = (input: Parameters<typeof tableFlags>[0]) => tableFlags(input).map((flag) => flag.id);

  it('raises nothing for a busy table with a carer present', () => {
    expect(ids(base)).toEqual([]);
  });

  it('flags a table quiet for over 5 minutes in a round, and not between rounds', () => {
    expect(ids({ ...base, lastActivity: now - 6 * 60_000 })).toEqual(['quiet']);
    expect(ids({ ...base, lastActivity: now - 6 * 60_000, roundActive: false })).toEqual([]);
  });

  it('flags a table with people present but no lived-experience or carer voice', () => {
    expect(ids({ ...base, present: new Map([['housing', 2], ['carer', 0]]) })).toEqual(['no_lived_voice']);
    expect(ids({ ...base, present: new Map([['lived_experience', 1]]) })).toEqual([]);
    // Nobody connected at all is shown as such, not as a missing voice.
    expect(ids({ ...base, present: new Map() })).toEqual([]);
  });

  it('flags an empty map only from halfway through the round', () => {
    expect(ids({ ...base, organisationCount: 0, round: { elapsedMs: 9 * 60_000, durationMs: 20 * 60_000 } })).toEqual([]);
    expect(ids({ ...base, organisationCount: 0, round: { elapsedMs: 10 * 60_000, durationMs: 20 * 60_000 } })).toEqual(['empty_halfway']);
    expect(ids({ ...base, organisationCount: 0, round: null })).toEqual([]);
  });
});
