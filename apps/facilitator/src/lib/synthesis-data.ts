import {
  influenceRows,
  noteRef,
  type EventSnapshot,
  type Note,
  type NoteFlags,
  type SynthesisSnapshot,
  type TableSnapshot,
  type VoteTally,
} from '@tablemap/model';
import type { InfluenceRating, TableMapInput } from '@tablemap/analysis';

/** One note as the theme board shows it: where it came from, its votes, and what the synthesis says about it. */
export interface BoardNote {
  ref: string;
  tableId: string;
  tableName: string;
  note: Note;
  promptText: string;
  votes: { total: number; byGroup: Record<string, number> };
  themeId: string | null;
  flags: NoteFlags;
  hidden: boolean;
}

export interface Tally {
  total: number;
  byGroup: Record<string, number>;
}

const NO_FLAGS: NoteFlags = { gap: false, keyMessage: false };

/** Every note of every table, in table order then creation order, joined with the synthesis. */
export function collectNotes(event: EventSnapshot, tables: Record<string, TableSnapshot | undefined>, synthesis: SynthesisSnapshot): BoardNote[] {
  const prompts = new Map(event.prompts.map((prompt) => [prompt.id, prompt.text]));
  const hidden = new Set(synthesis.hiddenNoteRefs);
  const notes: BoardNote[] = [];
  for (const table of event.tables) {
    const snapshot = tables[table.id];
    if (!snapshot) continue;
    for (const note of snapshot.notes) {
      const ref = noteRef(table.id, note.id);
      const tally = snapshot.votes[note.id];
      notes.push({
        ref,
        tableId: table.id,
        tableName: table.name,
        note,
        promptText: note.promptId ? (prompts.get(note.promptId) ?? '') : '',
        votes: { total: tally?.total ?? 0, byGroup: { ...(tally?.byGroup ?? {}) } },
        themeId: synthesis.noteThemes[ref] ?? null,
        flags: synthesis.noteFlags[ref] ?? NO_FLAGS,
        hidden: hidden.has(ref),
      });
    }
  }
  return notes;
}

export interface NoteFilter {
  tableId: string;
  /** A prompt id, `none` for notes without a prompt, or '' for all. */
  promptId: string;
  kind: string;
  group: string;
  /** '' all, `unsorted`, `themed`, or a theme id. */
  placement: string;
  search: string;
}

export const EMPTY_FILTER: NoteFilter = { tableId: '', promptId: '', kind: '', group: '', placement: '', search: '' };

/** Case- and accent-insensitive words, so "cafe" finds "Café". */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** Full-text search: every word typed must start a word of the note, its table, prompt or theme. */
export function matchesSearch(haystack: string, query: string): boolean {
  const wanted = searchWords(query);
  if (wanted.length === 0) return true;
  const words = searchWords(haystack);
  return wanted.every((term) => words.some((word) => word.startsWith(term)));
}

export function filterNotes(notes: readonly BoardNote[], filter: NoteFilter, groupLabel: (id: string) => string = (id) => id): BoardNote[] {
  return notes.filter((item) => {
    if (filter.tableId && item.tableId !== filter.tableId) return false;
    if (filter.promptId === 'none' ? item.note.promptId : filter.promptId && item.note.promptId !== filter.promptId) return false;
    if (filter.kind && item.note.kind !== filter.kind) return false;
    if (filter.group && item.note.group !== filter.group) return false;
    if (filter.placement === 'unsorted' && item.themeId) return false;
    if (filter.placement === 'themed' && !item.themeId) return false;
    if (filter.placement && filter.placement !== 'unsorted' && filter.placement !== 'themed' && item.themeId !== filter.placement) return false;
    return matchesSearch(`${item.note.text} ${item.tableName} ${item.promptText} ${item.note.kind} ${groupLabel(item.note.group)}`, filter.search);
  });
}

function addTally(into: Tally, tally: Pick<VoteTally, 'total' | 'byGroup'>): void {
  into.total += tally.total;
  for (const [group, count] of Object.entries(tally.byGroup)) into.byGroup[group] = (into.byGroup[group] ?? 0) + count;
}

/** Theme votes live in each table doc (participants write only their own); this sums them across tables. */
export function themeVoteTotals(tables: Iterable<TableSnapshot | undefined>): Record<string, Tally> {
  const totals: Record<string, Tally> = {};
  for (const snapshot of tables) {
    if (!snapshot) continue;
    for (const [themeId, tally] of Object.entries(snapshot.themeVotes)) addTally((totals[themeId] ??= { total: 0, byGroup: {} }), tally);
  }
  return totals;
}

export interface VoteTarget {
  kind: 'theme' | 'note';
  id: string;
  label: string;
  tally: Tally;
}

export interface GroupFavourite {
  group: string;
  /** All votes this group cast (on themes and notes). */
  votes: number;
  /** The targets that got the most of this group's votes (several on a tie). */
  top: VoteTarget[];
  topVotes: number;
}

/**
 * "Carers put most votes on X, commissioners on Y": per stakeholder group, what got most of its votes.
 * Groups that cast no votes are left out.
 */
export function favouritesByGroup(targets: readonly VoteTarget[]): GroupFavourite[] {
  const groups = new Set(targets.flatMap((target) => Object.keys(target.tally.byGroup)));
  const favourites: GroupFavourite[] = [];
  for (const group of groups) {
    let topVotes = 0;
    let votes = 0;
    for (const target of targets) {
      const count = target.tally.byGroup[group] ?? 0;
      votes += count;
      topVotes = Math.max(topVotes, count);
    }
    if (topVotes === 0) continue;
    favourites.push({ group, votes, topVotes, top: targets.filter((target) => (target.tally.byGroup[group] ?? 0) === topVotes) });
  }
  return favourites.sort((a, b) => b.votes - a.votes || a.group.localeCompare(b.group));
}

/** Groups in descending vote order, for a breakdown line such as "Carers 3 · Commissioners 1". */
export function breakdown(tally: Tally): [string, number][] {
  return Object.entries(tally.byGroup)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/** The tables' maps as the analysis package wants them. */
export function tableMapInputs(event: EventSnapshot, tables: Record<string, TableSnapshot | undefined>): TableMapInput[] {
  return event.tables.flatMap((table) => {
    const snapshot = tables[table.id];
    return snapshot ? [{ tableId: table.id, tableName: table.name, organisations: snapshot.organisations, links: snapshot.links }] : [];
  });
}

/** Every table's influence ratings from the power round, per table mention, for the analysis's influenceLayer. */
export function influenceRatings(event: EventSnapshot, tables: Record<string, TableSnapshot | undefined>): InfluenceRating[] {
  return event.tables.flatMap((table) => {
    const snapshot = tables[table.id];
    return snapshot ? influenceRows(table.id, snapshot.influence).map(({ tableId, organisationId, value }) => ({ tableId, organisationId, value })) : [];
  });
}

/** Rejected suggestion pairs are stored as `a~b` (sorted); suggestMerges wants them as pairs. */
export function rejectedPairs(synthesis: SynthesisSnapshot): [string, string][] {
  return synthesis.rejectedMerges.map((key) => key.split('~')).filter((pair): pair is [string, string] => pair.length === 2);
}

const countOf = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
const listOf = (items: string[]) => new Intl.ListFormat('en-GB', { style: 'long', type: 'conjunction' }).format(items);

/** "the theme “A”", or for several of one kind "the notes “A”, “B” and “C”", mixed kinds listed one by one. */
function describeTargets(targets: readonly VoteTarget[], shorten: (text: string) => string): string {
  const kinds = new Set(targets.map((target) => target.kind));
  if (kinds.size === 1 && targets.length > 1) {
    const kind = targets[0]!.kind;
    return `the ${kind}s ${listOf(targets.map((target) => `“${shorten(target.label)}”`))}`;
  }
  return listOf(targets.map((target) => `the ${target.kind} “${shorten(target.label)}”`));
}

/**
 * One group's voting in plain words, without the group's name (the screen puts it first in bold), e.g.
 * "cast 3 votes. Their top choices, with 1 vote each: the notes “A”, “B” and “C”."
 */
export function favouriteSentence(favourite: GroupFavourite, shorten: (text: string) => string = (text) => text): string {
  const cast = `cast ${countOf(favourite.votes, 'vote', 'votes')}.`;
  if (favourite.top.length === 1) {
    return `${cast} Their top choice: ${describeTargets(favourite.top, shorten)} (${countOf(favourite.topVotes, 'vote', 'votes')}).`;
  }
  return `${cast} Their top choices, with ${countOf(favourite.topVotes, 'vote', 'votes')} each: ${describeTargets(favourite.top, shorten)}.`;
}
