import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addNote,
  addPrompt,
  assignNoteToTheme,
  castThemeVote,
  castVote,
  createTheme,
  flagNote,
  initEventDoc,
  noteRef,
  readEvent,
  readSynthesis,
  readTable,
  setNoteHidden,
} from '@tablemap/model';
import { EMPTY_FILTER, collectNotes, favouriteSentence, favouritesByGroup, filterNotes, matchesSearch, themeVoteTotals, type VoteTarget } from './synthesis-data.ts';

const RULES = { votesPerParticipant: 3, allowStackedVotes: false };

function setup() {
  const eventDoc = new Y.Doc();
  initEventDoc(eventDoc, { eventId: 'ev1', title: 'Test', tableCount: 2 });
  addPrompt(eventDoc, 'Use of local services');
  const event = readEvent(eventDoc);
  const promptId = event.prompts.at(-1)!.id;
  const t1 = new Y.Doc();
  const t2 = new Y.Doc();
  const carer = { group: 'carer', participantId: 'p1' };
  const commissioner = { group: 'commissioner', participantId: 'p2' };
  const a = addNote(t1, { text: 'Crisis line never answers', kind: 'gap', promptId }, carer);
  const b = addNote(t1, { text: 'Peer café helps', kind: 'observation' }, carer);
  const c = addNote(t2, { text: 'Fund a crisis café', kind: 'idea' }, commissioner);
  const synthesis = new Y.Doc();
  return { event: readEvent(eventDoc), t1, t2, synthesis, a, b, c, carer, commissioner, promptId };
}

describe('collectNotes and filterNotes', () => {
  it('joins every table’s notes with their theme, flags, redaction and votes', () => {
    const s = setup();
    const theme = createTheme(s.synthesis, { title: 'Night-time crisis' });
    assignNoteToTheme(s.synthesis, noteRef('t1', s.a), theme);
    flagNote(s.synthesis, noteRef('t2', s.c), { keyMessage: true });
    setNoteHidden(s.synthesis, noteRef('t1', s.b), true);
    castVote(s.t2, s.c, s.commissioner, RULES);

    const notes = collectNotes(s.event, { t1: readTable(s.t1), t2: readTable(s.t2) }, readSynthesis(s.synthesis));
    expect(notes.map((note) => note.note.text)).toEqual(['Crisis line never answers', 'Peer café helps', 'Fund a crisis café']);
    expect(notes[0]).toMatchObject({ tableName: 'Table 1', themeId: theme, promptText: 'Use of local services', hidden: false });
    expect(notes[1]?.hidden).toBe(true);
    expect(notes[2]).toMatchObject({ flags: { keyMessage: true }, votes: { total: 1, byGroup: { commissioner: 1 } } });
  });

  it('filters by table, prompt, kind, group and placement, and searches across words ignoring accents', () => {
    const s = setup();
    const theme = createTheme(s.synthesis, { title: 'Cafés' });
    assignNoteToTheme(s.synthesis, noteRef('t2', s.c), theme);
    const notes = collectNotes(s.event, { t1: readTable(s.t1), t2: readTable(s.t2) }, readSynthesis(s.synthesis));
    const texts = (filter: Partial<typeof EMPTY_FILTER>) => filterNotes(notes, { ...EMPTY_FILTER, ...filter }).map((note) => note.note.text);

    expect(texts({ tableId: 't2' })).toEqual(['Fund a crisis café']);
    expect(texts({ promptId: s.promptId })).toEqual(['Crisis line never answers']);
    expect(texts({ promptId: 'none' })).toEqual(['Peer café helps', 'Fund a crisis café']);
    expect(texts({ kind: 'observation' })).toEqual(['Peer café helps']);
    expect(texts({ group: 'carer' })).toEqual(['Crisis line never answers', 'Peer café helps']);
    expect(texts({ placement: 'unsorted' })).toEqual(['Crisis line never answers', 'Peer café helps']);
    expect(texts({ placement: theme })).toEqual(['Fund a crisis café']);
    expect(texts({ search: 'CAFE' })).toEqual(['Peer café helps', 'Fund a crisis café']);
    expect(texts({ search: 'crisis cafe' })).toEqual(['Fund a crisis café']);
    expect(texts({ search: 'table 1 crisis' })).toEqual(['Crisis line never answers']);
    expect(texts({ search: 'nothing like this' })).toEqual([]);
  });

  it('search matches word starts, not the middle of words', () => {
    expect(matchesSearch('Peer support', 'sup')).toBe(true);
    expect(matchesSearch('Peer support', 'port')).toBe(false);
    expect(matchesSearch('anything', '   ')).toBe(true);
  });
});

describe('voting results', () => {
  it('sums theme votes across every table doc, by stakeholder group', () => {
    const s = setup();
    const theme = createTheme(s.synthesis, { title: 'Night-time crisis' });
    castThemeVote(s.t1, theme, s.carer, RULES);
    castThemeVote(s.t2, theme, s.commissioner, RULES);
    castThemeVote(s.t2, theme, { group: 'commissioner', participantId: 'p3' }, RULES);
    expect(themeVoteTotals([readTable(s.t1), readTable(s.t2), undefined])).toEqual({
      [theme]: { total: 3, byGroup: { carer: 1, commissioner: 2 } },
    });
  });

  it('names what each group put most votes on, with ties listed and silent groups left out', () => {
    const targets: VoteTarget[] = [
      { kind: 'theme', id: 'x', label: 'X', tally: { total: 4, byGroup: { carer: 3, commissioner: 1 } } },
      { kind: 'theme', id: 'y', label: 'Y', tally: { total: 2, byGroup: { commissioner: 2 } } },
      { kind: 'note', id: 't1/n', label: 'N', tally: { total: 2, byGroup: { commissioner: 2, housing: 0 } } },
    ];
    const favourites = favouritesByGroup(targets);
    expect(favourites.map((f) => [f.group, f.votes, f.topVotes, f.top.map((t) => t.id)])).toEqual([
      ['commissioner', 5, 2, ['y', 't1/n']],
      ['carer', 3, 3, ['x']],
    ]);
  });
});

describe('votes by group in plain words', () => {
  const tally = (byGroup: Record<string, number>) => ({ total: Object.values(byGroup).reduce((a, b) => a + b, 0), byGroup });
  it('names one favourite with its count', () => {
    const [favourite] = favouritesByGroup([{ kind: 'theme', id: 'a', label: 'Nowhere to go at night', tally: tally({ carer: 1 }) }]);
    expect(favouriteSentence(favourite!)).toBe('cast 1 vote. Their top choice: the theme “Nowhere to go at night” (1 vote).');
  });

  it('lists a tie of notes once, with "and" before the last', () => {
    const targets = ['A', 'B', 'C'].map((label) => ({ kind: 'note' as const, id: label, label, tally: tally({ housing: 1 }) }));
    const [favourite] = favouritesByGroup(targets);
    expect(favouriteSentence(favourite!)).toBe('cast 3 votes. Their top choices, with 1 vote each: the notes “A”, “B” and “C”.');
  });

  it('names each kind when a theme and a note tie', () => {
    const [favourite] = favouritesByGroup([
      { kind: 'theme', id: 't', label: 'Peer support works', tally: tally({ commissioner: 1 }) },
      { kind: 'note', id: 'n', label: 'Fund a peer-led crisis café', tally: tally({ commissioner: 1 }) },
    ]);
    expect(favouriteSentence(favourite!)).toBe(
      'cast 2 votes. Their top choices, with 1 vote each: the theme “Peer support works” and the note “Fund a peer-led crisis café”.',
    );
  });
});
