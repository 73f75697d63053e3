/**
 * Merge *suggestions* for organisation names. Nothing here merges anything: the facilitator confirms
 * or rejects each suggestion, and confirmed ones become entries of the alias map (see merge.ts).
 *
 * How a pair is found: names are blocked by shared words, by a word that equals the initials of a run
 * of the other name's words ("PCN" / "Primary Care Network"), by a word that equals adjacent words
 * joined ("MerseyVale" / "Mersey Vale"), and by words spelt alike (fuse.js Bitap score, "Center" /
 * "Centre"). Each candidate pair is then scored by how much of the longer name the shorter one covers.
 */
import Fuse from 'fuse.js';
import * as v from 'valibot';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { nameTokens, normaliseOrganisationName } from './normalise.ts';

export interface NameEntry {
  id: string;
  name: string;
}

export type MergeReason =
  | 'same-name' // identical after normalisation: mergeTableMaps merges these without asking
  | 'same-words' // same words in another order: "Homeless Outreach Northshore"
  | 'joined-words' // "North Shore PCN" / "Northshore PCN"
  | 'abbreviation' // "Northshore PCN" / "Northshore Primary Care Network"
  | 'similar-spelling' // "Carers Center" / "Carers Centre"
  | 'contained'; // "Riverside Housing" / "Riverside Housing Association"

export interface MergeSuggestion {
  /** The two entries' ids, in input order. */
  ids: [string, string];
  names: [string, string];
  /** 0..1; 1 means identical after normalisation. */
  score: number;
  reason: MergeReason;
}

export interface SuggestOptions {
  /** Suggestions scoring below this are dropped. Default 0.6. */
  threshold?: number;
  /** Pairs the facilitator already rejected; never suggested again (order does not matter). */
  rejected?: readonly (readonly [string, string])[];
  /** Fuse.js Bitap score at or under which two words count as the same word misspelt. Default 0.2. */
  spellingThreshold?: number;
}

const NameEntriesSchema = v.array(
  v.object({ id: v.pipe(v.string('id must be text'), v.minLength(1, 'id is required')), name: v.string('name must be text') }),
  'names must be a list of { id, name }',
);

interface Prepared {
  index: number;
  id: string;
  name: string;
  normalised: string;
  tokens: string[];
  compact: string;
  sortedWords: string;
  /** Its words plus the initials and joins of its word runs: what a word of another name may equal. */
  keys: Set<string>;
}

const MIN_FUZZY_WORD = 5;
const MAX_RUN = 6;

function prepare(entry: NameEntry, index: number): Prepared {
  const normalised = normaliseOrganisationName(entry.name);
  const tokens = nameTokens(normalised);
  const runs = runKeys(tokens);
  return {
    index,
    id: entry.id,
    name: entry.name,
    normalised,
    tokens,
    compact: tokens.join(''),
    sortedWords: [...tokens].sort().join(' '),
    keys: new Set([...tokens, ...runs.initials, ...runs.joined]),
  };
}

function initials(words: readonly string[]): string {
  return words.map((word) => word[0]).join('');
}

/** Keys a word of *another* name may equal: initials and concatenations of runs of this name's words. */
function runKeys(tokens: readonly string[]): { initials: string[]; joined: string[] } {
  const result = { initials: [] as string[], joined: [] as string[] };
  for (let start = 0; start < tokens.length; start++) {
    for (let end = start + 2; end <= Math.min(tokens.length, start + MAX_RUN); end++) {
      const run = tokens.slice(start, end);
      result.initials.push(initials(run));
      if (end - start <= 3) result.joined.push(run.join(''));
    }
  }
  return result;
}

function addTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== value) list.push(value);
  } else map.set(key, [value]);
}

/** Words spelt alike, found with fuse.js among words sharing a first letter and a similar length. */
function similarWords(words: Iterable<string>, spellingThreshold: number): Map<string, string[]> {
  const byFirstLetter = new Map<string, string[]>();
  for (const word of words) {
    if (word.length < MIN_FUZZY_WORD) continue;
    const bucket = byFirstLetter.get(word[0]!) ?? [];
    bucket.push(word);
    byFirstLetter.set(word[0]!, bucket);
  }
  const similar = new Map<string, string[]>();
  for (const bucket of byFirstLetter.values()) {
    if (bucket.length < 2) continue;
    const fuse = new Fuse(bucket, {
      threshold: spellingThreshold,
      ignoreLocation: true,
      includeScore: true,
      isCaseSensitive: true,
    });
    for (const word of bucket) {
      for (const hit of fuse.search(word)) {
        if (hit.item !== word && Math.abs(hit.item.length - word.length) <= 2) {
          similar.set(word, [...(similar.get(word) ?? []), hit.item]);
        }
      }
    }
  }
  return similar;
}

type Cover = 'exact' | 'joined' | 'initials' | 'spelling';

/**
 * Can every word of `short` be matched to its own run of words in `long`? Returns which kinds of match
 * were needed and the share of `long`'s words covered, or null when some word of `short` has no match.
 */
function cover(
  short: readonly string[],
  long: readonly string[],
  alike: (a: string, b: string) => boolean,
): { kinds: Set<Cover>; covered: number } | null {
  const used = new Array<boolean>(long.length).fill(false);
  const kinds = new Set<Cover>();
  const free = (from: number, to: number) => used.slice(from, to).every((taken) => !taken);
  const take = (from: number, to: number, kind: Cover) => {
    for (let i = from; i < to; i++) used[i] = true;
    kinds.add(kind);
  };
  // Exact words first, so a later abbreviation cannot steal a word that matches outright.
  const pending: string[] = [];
  for (const word of short) {
    const at = long.findIndex((other, i) => !used[i] && other === word);
    if (at >= 0) take(at, at + 1, 'exact');
    else pending.push(word);
  }
  outer: for (const word of pending) {
    for (let start = 0; start < long.length; start++) {
      for (let end = start + 2; end <= Math.min(long.length, start + MAX_RUN); end++) {
        if (!free(start, end)) break;
        const run = long.slice(start, end);
        if (end - start <= 3 && run.join('') === word) {
          take(start, end, 'joined');
          continue outer;
        }
        if (word.length === end - start && initials(run) === word) {
          take(start, end, 'initials');
          continue outer;
        }
      }
    }
    const at = long.findIndex((other, i) => !used[i] && alike(word, other));
    if (at >= 0) {
      take(at, at + 1, 'spelling');
      continue;
    }
    return null;
  }
  return { kinds, covered: used.filter(Boolean).length / long.length };
}

/** "north shore pcn" against "northshore primary care network" becomes "northshore pcn". */
function joinWordsFoundIn(words: readonly string[], other: readonly string[]): string[] {
  const result: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const pair = words[i]! + (words[i + 1] ?? '');
    if (i + 1 < words.length && !other.includes(words[i]!) && other.includes(pair)) {
      result.push(pair);
      i++;
    } else result.push(words[i]!);
  }
  return result;
}

/** Scores one candidate pair, or returns null when the names are not plausibly the same organisation. */
function comparePair(
  a: Prepared,
  b: Prepared,
  alike: (x: string, y: string) => boolean,
): { score: number; reason: MergeReason } | null {
  if (a.normalised === b.normalised) return { score: 1, reason: 'same-name' };
  if (a.tokens.length === 0 || b.tokens.length === 0) return null;
  if (a.compact === b.compact) return { score: 0.97, reason: 'joined-words' };
  if (a.sortedWords === b.sortedWords) return { score: 0.95, reason: 'same-words' };
  const [short, long] = a.tokens.length <= b.tokens.length ? [a, b] : [b, a];
  const shortWords = joinWordsFoundIn(short.tokens, long.tokens);
  // Cheap necessary condition first: most candidate pairs share only a place name and fail here.
  const mayCover = (words: readonly string[], other: Prepared) =>
    words.every((word) => other.keys.has(word) || other.tokens.some((otherWord) => alike(word, otherWord)));
  const found =
    (mayCover(shortWords, long) ? cover(shortWords, long.tokens, alike) : null) ??
    (shortWords.length === long.tokens.length && mayCover(long.tokens, short) ? cover(long.tokens, shortWords, alike) : null);
  if (!found) return null;
  const reason: MergeReason = found.kinds.has('initials')
    ? 'abbreviation'
    : found.covered < 1
      ? 'contained'
      : found.kinds.has('spelling')
        ? 'similar-spelling'
        : found.kinds.has('joined')
          ? 'joined-words'
          : 'same-words';
  // Full coverage is strong evidence; partial coverage ("Crisis team") is weaker the less is covered.
  const score = found.covered === 1 ? (reason === 'similar-spelling' ? 0.85 : 0.9) : 0.5 + 0.4 * found.covered;
  return { score: Math.round(score * 1000) / 1000, reason };
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * Suggests pairs of names that may be the same organisation, best first. Pairs are never merged here.
 * Entries with the same id are never paired with each other, so pass every variant of a merged
 * organisation under its id to match on any spelling; each pair of ids is suggested once, with its
 * best evidence. Rejected pairs are left out.
 */
export function suggestMerges(names: readonly NameEntry[], options: SuggestOptions = {}): MergeSuggestion[] {
  const parsed = v.safeParse(NameEntriesSchema, names);
  if (!parsed.success) throw new AnalysisError('Cannot suggest merges', describeIssues(parsed.issues));
  const threshold = options.threshold ?? 0.6;
  const rejected = new Set((options.rejected ?? []).map(([a, b]) => pairKey(a, b)));
  const entries = names.map(prepare);

  const byWord = new Map<string, number[]>();
  const byRunKey = new Map<string, number[]>();
  const byNormalised = new Map<string, number[]>();
  for (const entry of entries) {
    for (const word of entry.tokens) addTo(byWord, word, entry.index);
    for (const key of entry.keys) addTo(byRunKey, key, entry.index);
    addTo(byRunKey, entry.compact, entry.index);
    addTo(byNormalised, entry.normalised, entry.index);
  }
  const similar = similarWords(byWord.keys(), options.spellingThreshold ?? 0.2);
  const alike = (x: string, y: string) => similar.get(x)?.includes(y) ?? false;

  const suggestions: MergeSuggestion[] = [];
  // Candidates are found from either side (an abbreviation only finds its long form), so remember pairs seen.
  const seen = new Set<number>();
  for (const entry of entries) {
    const candidates: number[] = [...(byNormalised.get(entry.normalised) ?? []), ...(byRunKey.get(entry.compact) ?? [])];
    for (const word of entry.tokens) {
      candidates.push(...(byRunKey.get(word) ?? [])); // the same words, and runs it abbreviates or joins
      for (const alikeWord of similar.get(word) ?? []) candidates.push(...(byWord.get(alikeWord) ?? []));
    }
    for (const otherIndex of candidates) {
      if (otherIndex === entry.index) continue;
      const [low, high] = otherIndex < entry.index ? [otherIndex, entry.index] : [entry.index, otherIndex];
      const seenKey = low * entries.length + high;
      if (seen.has(seenKey)) continue;
      seen.add(seenKey);
      const first = entries[low]!;
      const other = entries[high]!;
      if (other.id === first.id || rejected.has(pairKey(first.id, other.id))) continue;
      const match = comparePair(first, other, alike);
      if (match && match.score >= threshold) {
        suggestions.push({ ids: [first.id, other.id], names: [first.name, other.name], ...match });
      }
    }
  }
  suggestions.sort((x, y) => y.score - x.score || x.names[0].localeCompare(y.names[0]));
  // Several entries may share an id (every spelling of one merged organisation): keep the best pair per ids.
  const best = new Set<string>();
  return suggestions.filter((suggestion) => {
    const key = pairKey(suggestion.ids[0], suggestion.ids[1]);
    if (best.has(key)) return false;
    best.add(key);
    return true;
  });
}
