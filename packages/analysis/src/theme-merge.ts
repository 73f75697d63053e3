/**
 * Merge *suggestions* for the tables' own themes. Nothing here merges anything: the facilitator confirms
 * each suggestion, and a confirmed one becomes an event theme with its provenance (see the model's
 * `mergeTableThemesInto` and `withTableThemes`).
 *
 * Two table themes from different tables are suggested together when their titles share enough words,
 * or their notes do. Words match when equal, or spelt alike by fuse.js's Bitap score ("waits" / "waiting",
 * "appointment" / "appointments"). Suggested pairs are joined into groups, so "Waiting times", "waiting
 * lists" and "Long waits for first appointment" from three tables come as one suggestion.
 */
import Fuse from 'fuse.js';
import * as v from 'valibot';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';

export interface TableThemeEntry {
  /** `<tableId>/<tableThemeId>` */
  ref: string;
  tableId: string;
  title: string;
  /** The texts of the theme's notes (hidden notes left out by the caller). */
  noteTexts: string[];
}

export interface ThemeMergeSuggestion {
  /** Table themes to merge into one event theme, in input order; always from two or more tables. */
  refs: string[];
  titles: string[];
  /** 0..1: how alike the closest-linked pair in the group is. */
  score: number;
  /** What made the strongest link: the titles, or the notes. */
  reason: 'similar-titles' | 'similar-notes';
}

export interface ThemeSuggestOptions {
  /** Pairs whose title score reaches this are suggested. Default 0.5. */
  titleThreshold?: number;
  /** Pairs whose note score reaches this are suggested. Default 0.35. */
  noteThreshold?: number;
  /** Fuse.js Bitap score at or under which two words count as the same word. Default 0.25. */
  spellingThreshold?: number;
}

const EntriesSchema = v.array(
  v.object({
    ref: v.pipe(v.string('ref must be text'), v.minLength(1, 'ref is required')),
    tableId: v.pipe(v.string('tableId must be text'), v.minLength(1, 'tableId is required')),
    title: v.string('title must be text'),
    noteTexts: v.array(v.string('note texts must be text')),
  }),
  'table themes must be a list of { ref, tableId, title, noteTexts }',
);

/** Small English words that say nothing about a theme. Themes in other languages simply keep theirs. */
const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have in into is it its no not of on or our so than that the their there they this to too was we were what when where which who with you your'.split(' '),
);

function contentWords(text: string): string[] {
  return [
    ...new Set(
      text
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((word) => word.length >= 3 && !STOP_WORDS.has(word)),
    ),
  ];
}

/** A memo of "are these two words the same word?", answered with fuse.js both ways round. */
function wordMatcher(spellingThreshold: number) {
  const memo = new Map<string, boolean>();
  const bitap = (pattern: string, text: string) =>
    new Fuse([text], { includeScore: true, ignoreLocation: true, threshold: 1, isCaseSensitive: true }).search(pattern)[0]?.score ?? 1;
  return (a: string, b: string): boolean => {
    if (a === b) return true;
    if (a[0] !== b[0] || Math.min(a.length, b.length) < 4) return false;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let same = memo.get(key);
    if (same === undefined) {
      same = Math.min(bitap(a, b), bitap(b, a)) <= spellingThreshold;
      memo.set(key, same);
    }
    return same;
  };
}

/** The share of the smaller word set that finds a match in the other (0..1). */
function overlap(a: readonly string[], b: readonly string[], same: (x: string, y: string) => boolean): number {
  if (a.length === 0 || b.length === 0) return 0;
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const matched = small.filter((word) => large.some((other) => same(word, other))).length;
  return matched / small.length;
}

/** Union-find over indexes, for joining suggested pairs into groups. */
function groupsOf(count: number, pairs: readonly [number, number][]): number[][] {
  const parent = Array.from({ length: count }, (_, index) => index);
  const find = (index: number): number => (parent[index] === index ? index : (parent[index] = find(parent[index]!)));
  for (const [a, b] of pairs) parent[find(a)] = find(b);
  const groups = new Map<number, number[]>();
  for (let index = 0; index < count; index++) {
    const root = find(index);
    groups.set(root, [...(groups.get(root) ?? []), index]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

export function suggestThemeMerges(entries: readonly TableThemeEntry[], options: ThemeSuggestOptions = {}): ThemeMergeSuggestion[] {
  const parsed = v.safeParse(EntriesSchema, entries);
  if (!parsed.success) throw new AnalysisError('The table themes are malformed', describeIssues(parsed.issues));
  const themes = parsed.output;
  const titleThreshold = options.titleThreshold ?? 0.5;
  const noteThreshold = options.noteThreshold ?? 0.35;
  const same = wordMatcher(options.spellingThreshold ?? 0.25);
  const titleWords = themes.map((theme) => contentWords(theme.title));
  const noteWords = themes.map((theme) => contentWords(theme.noteTexts.join(' ')));

  const pairs: [number, number][] = [];
  const best = new Map<string, { score: number; reason: ThemeMergeSuggestion['reason'] }>();
  for (let a = 0; a < themes.length; a++) {
    for (let b = a + 1; b < themes.length; b++) {
      if (themes[a]!.tableId === themes[b]!.tableId) continue;
      const byTitle = overlap(titleWords[a]!, titleWords[b]!, same);
      const byNotes = noteWords[a]!.length >= 3 && noteWords[b]!.length >= 3 ? overlap(noteWords[a]!, noteWords[b]!, same) : 0;
      if (byTitle < titleThreshold && byNotes < noteThreshold) continue;
      pairs.push([a, b]);
      const link = byTitle >= titleThreshold ? { score: byTitle, reason: 'similar-titles' as const } : { score: byNotes, reason: 'similar-notes' as const };
      best.set(`${a}|${b}`, link);
    }
  }
  return groupsOf(themes.length, pairs)
    .map((group) => {
      const links = pairs.filter(([a, b]) => group.includes(a) && group.includes(b)).map(([a, b]) => best.get(`${a}|${b}`)!);
      const strongest = links.reduce((top, link) => (link.score > top.score ? link : top), links[0]!);
      return {
        refs: group.map((index) => themes[index]!.ref),
        titles: group.map((index) => themes[index]!.title),
        score: Math.round(strongest.score * 100) / 100,
        reason: strongest.reason,
      };
    })
    .sort((x, y) => y.refs.length - x.refs.length || y.score - x.score);
}
