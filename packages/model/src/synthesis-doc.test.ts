import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  assignNoteToTheme,
  confirmOrganisationMerge,
  createTheme,
  flagNote,
  isMergeRejected,
  mergeThemes,
  noteRef,
  readSynthesis,
  rejectOrganisationMerge,
  removeTheme,
  setNoteHidden,
  setThemeNextSteps,
  setThemeQuotes,
  splitOrganisationMerge,
  splitTheme,
  updateTheme,
} from './synthesis-doc.ts';
import { addNote, castThemeVote, castVote, combineVoteTallies, readTable, retractThemeVote } from './table-doc.ts';
import { migrate } from './versions.ts';
import { codeOf } from './test-support.ts';

function freshSynthesis(): Y.Doc {
  const doc = new Y.Doc();
  migrate(doc, 'synthesis');
  return doc;
}


const a = noteRef('t1', 'n1');
const b = noteRef('t2', 'n2');
const c = noteRef('t3', 'n3');

describe('themes', () => {
  it('clusters notes from several tables into themes; a note sits in at most one', () => {
    const doc = freshSynthesis();
    const access = createTheme(doc, { title: 'Access to services', description: 'Long waits' });
    const digital = createTheme(doc, { title: 'Digital exclusion' });
    assignNoteToTheme(doc, a, access);
    assignNoteToTheme(doc, b, access);
    assignNoteToTheme(doc, c, digital);
    assignNoteToTheme(doc, b, digital);
    const snapshot = readSynthesis(doc);
    expect(snapshot.themes.map((theme) => theme.title)).toEqual(['Access to services', 'Digital exclusion']);
    expect(snapshot.noteThemes).toEqual({ [a]: access, [b]: digital, [c]: digital });
    assignNoteToTheme(doc, b, null);
    expect(readSynthesis(doc).noteThemes[b]).toBeUndefined();
  });

  it('refuses bad titles, unknown themes and malformed note references', () => {
    const doc = freshSynthesis();
    expect(codeOf(() => createTheme(doc, { title: '  ' }))).toBe('invalid_input');
    expect(codeOf(() => assignNoteToTheme(doc, a, 'nosuch'))).toBe('not_found');
    expect(codeOf(() => assignNoteToTheme(doc, 'not a ref', null))).toBe('invalid_input');
    expect(readSynthesis(doc).themes).toEqual([]);
  });

  it('merges and splits themes, keeping every note', () => {
    const doc = freshSynthesis();
    const first = createTheme(doc, { title: 'Housing' });
    const second = createTheme(doc, { title: 'Homelessness' });
    assignNoteToTheme(doc, a, first);
    assignNoteToTheme(doc, b, second);
    setThemeQuotes(doc, second, [b]);
    mergeThemes(doc, second, first);
    let snapshot = readSynthesis(doc);
    expect(snapshot.themes.map((theme) => theme.id)).toEqual([first]);
    expect(snapshot.noteThemes).toEqual({ [a]: first, [b]: first });
    expect(snapshot.themes[0]!.quoteNoteRefs).toEqual([b]);
    const split = splitTheme(doc, first, [b], { title: 'Homelessness again' });
    snapshot = readSynthesis(doc);
    expect(snapshot.noteThemes).toEqual({ [a]: first, [b]: split });
    expect(snapshot.themes.find((theme) => theme.id === first)!.quoteNoteRefs).toEqual([]);
    expect(codeOf(() => splitTheme(doc, first, [c], { title: 'x' }))).toBe('invalid_input');
    expect(codeOf(() => mergeThemes(doc, first, first))).toBe('invalid_input');
  });

  it('allows at most three quotes, only from the theme’s own notes', () => {
    const doc = freshSynthesis();
    const theme = createTheme(doc, { title: 'Carers' });
    const refs = ['t1/q1', 't1/q2', 't1/q3', 't1/q4'];
    for (const ref of refs) assignNoteToTheme(doc, ref, theme);
    expect(codeOf(() => setThemeQuotes(doc, theme, refs))).toBe('invalid_input');
    expect(codeOf(() => setThemeQuotes(doc, theme, [c]))).toBe('invalid_input');
    setThemeQuotes(doc, theme, refs.slice(0, 3));
    expect(readSynthesis(doc).themes[0]!.quoteNoteRefs).toEqual(refs.slice(0, 3));
  });

  it('marks gaps and key messages, records next steps, and removes a theme without losing notes', () => {
    const doc = freshSynthesis();
    const theme = createTheme(doc, { title: 'Ethnic-minority groups' });
    updateTheme(doc, theme, { isGap: true, isKeyMessage: true });
    setThemeNextSteps(doc, theme, [{ action: 'Map community groups', ownerSector: 'public_health', timescale: '6 months' }]);
    flagNote(doc, a, { keyMessage: true });
    assignNoteToTheme(doc, a, theme);
    expect(readSynthesis(doc).themes[0]).toMatchObject({ isGap: true, isKeyMessage: true, nextSteps: [{ action: 'Map community groups' }] });
    expect(readSynthesis(doc).noteFlags[a]).toEqual({ gap: false, keyMessage: true });
    expect(codeOf(() => setThemeNextSteps(doc, theme, [{ action: '' }]))).toBe('invalid_input');
    removeTheme(doc, theme);
    expect(readSynthesis(doc)).toMatchObject({ themes: [], noteThemes: {} });
    flagNote(doc, a, { keyMessage: false });
    expect(readSynthesis(doc).noteFlags).toEqual({});
  });

  it('hides notes from the report without deleting them', () => {
    const doc = freshSynthesis();
    setNoteHidden(doc, a, true);
    setNoteHidden(doc, b, true);
    setNoteHidden(doc, b, false);
    expect(readSynthesis(doc).hiddenNoteRefs).toEqual([a]);
  });
});

describe('organisation merges', () => {
  it('stores confirmed merges as an alias map, remembers rejections, and can split again', () => {
    const doc = freshSynthesis();
    confirmOrganisationMerge(doc, 't2:o9', 't1:o1');
    rejectOrganisationMerge(doc, 't1:o4', 't3:o2');
    let snapshot = readSynthesis(doc);
    expect(snapshot.aliases).toEqual({ 't2:o9': 't1:o1' });
    expect(isMergeRejected(snapshot, 't3:o2', 't1:o4')).toBe(true);
    splitOrganisationMerge(doc, 't2:o9');
    snapshot = readSynthesis(doc);
    expect(snapshot.aliases).toEqual({});
    expect(codeOf(() => confirmOrganisationMerge(doc, 'x', 'x'))).toBe('invalid_input');
    expect(codeOf(() => splitOrganisationMerge(doc, 'nothing'))).toBe('not_found');
  });
});

describe('theme votes', () => {
  it('share one per-person budget with note votes and break down by group', () => {
    const table = new Y.Doc();
    migrate(table, 'table');
    const carer = { group: 'carer', participantId: 'p1' };
    const commissioner = { group: 'commissioner', participantId: 'p2' };
    const rules = { votesPerParticipant: 2, allowStackedVotes: false };
    const note = addNote(table, { text: 'Peer support works', kind: 'observation' }, carer);
    castVote(table, note, carer, rules);
    castThemeVote(table, 'theme1', carer, rules);
    expect(codeOf(() => castThemeVote(table, 'theme2', carer, rules))).toBe('vote_limit');
    castThemeVote(table, 'theme1', commissioner, rules);
    expect(readTable(table).themeVotes.theme1).toEqual({ noteId: 'theme1', total: 2, byGroup: { carer: 1, commissioner: 1 } });
    retractThemeVote(table, 'theme1', carer);
    castThemeVote(table, 'theme2', carer, rules);
    expect(readTable(table).votesByVoter).toEqual({ p1: 2, p2: 1 });
  });

  it('add up across tables, keeping the breakdown by group', () => {
    const combined = combineVoteTallies([
      { total: 2, byGroup: { carer: 1, housing: 1 } },
      undefined,
      { total: 3, byGroup: { carer: 3 } },
    ]);
    expect(combined).toEqual({ total: 5, byGroup: { carer: 4, housing: 1 } });
  });
});
