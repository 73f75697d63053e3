import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { monotonicNow, newId } from './ids.ts';
import {
  LinkInputSchema,
  LinkPatchSchema,
  LinkSchema,
  NoteInputSchema,
  NotePatchSchema,
  NoteSchema,
  OrganisationInputSchema,
  OrganisationPatchSchema,
  OrganisationSchema,
  PositionSchema,
  VocabularyIdSchema,
  IdSchema,
  type Link,
  type LinkInput,
  type LinkPatch,
  type Note,
  type NoteInput,
  type NotePatch,
  type Organisation,
  type OrganisationInput,
  type OrganisationPatch,
  type Position,
} from './schemas.ts';
import { parseInput, readValidEntries, type ReadProblem } from './validate.ts';
import { isMutualByDefault } from './vocabulary.ts';
import { schemaVersionOf } from './versions.ts';
import { forgetPlacement, readTableBoard, type TableTheme } from './table-board.ts';
import { deleteInfluenceRatings, readInfluence, type InfluenceSummary } from './influence.ts';

/** Who is making a change: a stakeholder group and an anonymous per-join id, never a name. */
export interface Actor {
  group: string;
  participantId: string;
  /** Facilitators may edit or delete anyone's notes (moderation). */
  isFacilitator?: boolean;
}

const ActorSchema = v.object({
  group: VocabularyIdSchema,
  participantId: IdSchema,
  isFacilitator: v.optional(v.boolean()),
});

type Entry = Y.Map<unknown>;

const organisations = (doc: Y.Doc) => doc.getMap<Entry>('organisations');
const links = (doc: Y.Doc) => doc.getMap<Entry>('links');
const notes = (doc: Y.Doc) => doc.getMap<Entry>('notes');
const votes = (doc: Y.Doc) => doc.getMap<number>('votes');
/** Dot-votes on synthesis themes; kept here because participants may write only their own table doc. */
const themeVotes = (doc: Y.Doc) => doc.getMap<number>('themeVotes');
const positions = (doc: Y.Doc) => doc.getMap<Position>('positions');

/** Names compare equal at a table when they differ only in case and spacing. */
export function sameNameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

function entryFrom(record: Record<string, unknown>): Entry {
  const entry = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined) entry.set(key, value);
  }
  return entry;
}

function applyPatch(entry: Entry, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) entry.set(key, value);
  }
}

function requireEntry(map: Y.Map<Entry>, id: string, what: string): Entry {
  const entry = map.get(id);
  if (!(entry instanceof Y.Map)) throw new ModelError('not_found', `${what} ${id} does not exist at this table`);
  return entry;
}

function checkActor(actor: Actor): Actor {
  return parseInput(ActorSchema, actor, 'actor');
}

/** Finds an organisation at this table whose name matches, ignoring case and spacing. */
export function findOrganisationByName(doc: Y.Doc, name: string): string | null {
  const key = sameNameKey(name);
  for (const [id, entry] of organisations(doc)) {
    const existing = entry instanceof Y.Map ? entry.get('name') : undefined;
    if (typeof existing === 'string' && sameNameKey(existing) === key) return id;
  }
  return null;
}

/**
 * Adds an organisation. A name already on this table is refused with code `duplicate`
 * and `existingId`, so the UI can offer the existing one instead.
 */
export function addOrganisation(doc: Y.Doc, input: OrganisationInput, actor: Actor): string {
  const valid = parseInput(OrganisationInputSchema, input, 'organisation');
  const by = checkActor(actor);
  const existingId = findOrganisationByName(doc, valid.name);
  if (existingId) {
    throw new ModelError('duplicate', `"${valid.name}" is already on this table's map`, [existingId]);
  }
  const id = newId();
  doc.transact(() => {
    organisations(doc).set(id, entryFrom({ ...valid, id, addedByGroup: by.group, addedBy: by.participantId, createdAt: monotonicNow() }));
  });
  return id;
}

export function updateOrganisation(doc: Y.Doc, id: string, patch: OrganisationPatch): void {
  const valid = parseInput(OrganisationPatchSchema, patch, 'organisation change');
  const entry = requireEntry(organisations(doc), id, 'Organisation');
  if (valid.name !== undefined) {
    const clash = findOrganisationByName(doc, valid.name);
    if (clash && clash !== id) throw new ModelError('duplicate', `"${valid.name}" is already on this table's map`, [clash]);
  }
  doc.transact(() => applyPatch(entry, valid));
}

/** Removes an organisation together with its links, position and influence ratings, in one transaction. */
export function removeOrganisation(doc: Y.Doc, id: string): void {
  requireEntry(organisations(doc), id, 'Organisation');
  doc.transact(() => {
    deleteInfluenceRatings(doc, (rating) => rating.organisationId === id);
    for (const [linkId, link] of links(doc)) {
      if (link instanceof Y.Map && (link.get('source') === id || link.get('target') === id)) links(doc).delete(linkId);
    }
    positions(doc).delete(id);
    organisations(doc).delete(id);
  });
}

export function linkOrganisations(doc: Y.Doc, input: LinkInput, actor: Actor): string {
  const valid = parseInput(LinkInputSchema, input, 'link');
  const by = checkActor(actor);
  if (valid.source === valid.target) throw new ModelError('invalid_input', 'An organisation cannot be linked to itself');
  requireEntry(organisations(doc), valid.source, 'Organisation');
  requireEntry(organisations(doc), valid.target, 'Organisation');
  const id = newId();
  const mutual = valid.mutual ?? isMutualByDefault(valid.kind);
  doc.transact(() => {
    links(doc).set(id, entryFrom({ ...valid, mutual, id, addedByGroup: by.group, addedBy: by.participantId, createdAt: monotonicNow() }));
  });
  return id;
}

export function updateLink(doc: Y.Doc, id: string, patch: LinkPatch): void {
  const valid = parseInput(LinkPatchSchema, patch, 'link change');
  const entry = requireEntry(links(doc), id, 'Link');
  doc.transact(() => applyPatch(entry, valid));
}

export function removeLink(doc: Y.Doc, id: string): void {
  requireEntry(links(doc), id, 'Link');
  doc.transact(() => links(doc).delete(id));
}

export function addNote(doc: Y.Doc, input: NoteInput, actor: Actor): string {
  const valid = parseInput(NoteInputSchema, input, 'note');
  const by = checkActor(actor);
  const id = newId();
  doc.transact(() => {
    notes(doc).set(
      id,
      entryFrom({ ...valid, id, group: by.group, authorId: by.participantId, createdAt: monotonicNow() }),
    );
  });
  return id;
}

function requireOwnNote(doc: Y.Doc, id: string, actor: Actor): Entry {
  const entry = requireEntry(notes(doc), id, 'Note');
  if (!actor.isFacilitator && entry.get('authorId') !== actor.participantId) {
    throw new ModelError('not_allowed', 'You can only change notes you wrote');
  }
  return entry;
}

export function updateNote(doc: Y.Doc, id: string, patch: NotePatch, actor: Actor): void {
  const valid = parseInput(NotePatchSchema, patch, 'note change');
  const entry = requireOwnNote(doc, id, checkActor(actor));
  doc.transact(() => applyPatch(entry, valid));
}

/**
 * The reveal of a private round: moves notes from an author's private notes doc into the shared table doc,
 * keeping their ids (so copying twice is harmless). Only valid notes by that author move; the private doc
 * is emptied of what moved. Returns how many moved.
 */
export function moveAuthorNotes(from: Y.Doc, to: Y.Doc, authorId: string): number {
  const moving = readTable(from).notes.filter((note) => note.authorId === authorId);
  to.transact(() => {
    for (const note of moving) if (!notes(to).has(note.id)) notes(to).set(note.id, entryFrom({ ...note }));
  });
  from.transact(() => {
    for (const note of moving) notes(from).delete(note.id);
  });
  return moving.length;
}

export function removeNote(doc: Y.Doc, id: string, actor: Actor): void {
  requireOwnNote(doc, id, checkActor(actor));
  doc.transact(() => {
    notes(doc).delete(id);
    forgetPlacement(doc, id);
    for (const key of [...votes(doc).keys()]) if (parseVoteKey(key)?.noteId === id) votes(doc).delete(key);
  });
}

export interface VotingRules {
  votesPerParticipant: number;
  /** Whether one participant may put more than one vote on the same note. */
  allowStackedVotes: boolean;
}

/** Votes are keyed `group|voterId|targetId`, so the by-group breakdown needs no identity lookup. */
function voteKey(actor: Actor, noteId: string): string {
  return `${actor.group}|${actor.participantId}|${noteId}`;
}

export function parseVoteKey(key: string): { group: string; voterId: string; noteId: string } | null {
  const [group, voterId, noteId, ...rest] = key.split('|');
  if (!group || !voterId || !noteId || rest.length > 0) return null;
  return { group, voterId, noteId };
}

/** Votes used by one participant, on notes and themes together: one budget per person. */
export function votesUsedBy(doc: Y.Doc, voterId: string): number {
  let used = 0;
  for (const map of [votes(doc), themeVotes(doc)]) {
    for (const [key, count] of map) {
      if (parseVoteKey(key)?.voterId === voterId && typeof count === 'number') used += count;
    }
  }
  return used;
}

function placeVote(doc: Y.Doc, map: Y.Map<number>, targetId: string, actor: Actor, rules: VotingRules, what: string): void {
  const voter = checkActor(actor);
  const used = votesUsedBy(doc, voter.participantId);
  if (used >= rules.votesPerParticipant) {
    throw new ModelError(
      'vote_limit',
      `You have used all ${rules.votesPerParticipant} of your votes. Take one back to vote again.`,
    );
  }
  const key = voteKey(voter, targetId);
  const current = map.get(key) ?? 0;
  if (current > 0 && !rules.allowStackedVotes) throw new ModelError('vote_limit', `You have already voted for this ${what}.`);
  doc.transact(() => map.set(key, current + 1));
}

function takeBackVote(doc: Y.Doc, map: Y.Map<number>, targetId: string, actor: Actor, what: string): void {
  const key = voteKey(checkActor(actor), targetId);
  const current = map.get(key) ?? 0;
  if (current <= 0) throw new ModelError('not_found', `There is no vote of yours on this ${what} to take back`);
  doc.transact(() => {
    if (current === 1) map.delete(key);
    else map.set(key, current - 1);
  });
}

/** Places one vote on a note. The limit is enforced here, so every app gets the same rule. */
export function castVote(doc: Y.Doc, noteId: string, actor: Actor, rules: VotingRules): void {
  requireEntry(notes(doc), noteId, 'Note');
  placeVote(doc, votes(doc), noteId, actor, rules, 'note');
}

export function retractVote(doc: Y.Doc, noteId: string, actor: Actor): void {
  takeBackVote(doc, votes(doc), noteId, actor, 'note');
}

/** Places one vote on a synthesis theme, from the same per-person budget as note votes. */
export function castThemeVote(doc: Y.Doc, themeId: string, actor: Actor, rules: VotingRules): void {
  parseInput(IdSchema, themeId, 'theme id');
  placeVote(doc, themeVotes(doc), themeId, actor, rules, 'theme');
}

export function retractThemeVote(doc: Y.Doc, themeId: string, actor: Actor): void {
  takeBackVote(doc, themeVotes(doc), themeId, actor, 'theme');
}

/**
 * Removes links whose organisation is gone. Two phones can race (one links an organisation while another
 * removes it); the server runs this after applying a change, so such a link never lingers as junk.
 * Given the transaction that applied the change, it looks only at what that change could have left
 * dangling, rather than walk every link of the table on every keystroke. Returns how many it removed.
 */
export function removeDanglingLinks(doc: Y.Doc, after?: Y.Transaction): number {
  const live = organisations(doc);
  const linkMap = links(doc);
  const suspects = after ? linksTouchedBy(doc, after) : 'all';
  const candidates = suspects === 'all' ? linkMap.keys() : suspects;
  const dangling: string[] = [];
  for (const id of candidates) {
    const link = linkMap.get(id);
    if (!(link instanceof Y.Map)) continue;
    const source = link.get('source');
    const target = link.get('target');
    if (typeof source !== 'string' || typeof target !== 'string' || !live.has(source) || !live.has(target)) dangling.push(id);
  }
  if (dangling.length > 0) doc.transact(() => dangling.forEach((id) => linkMap.delete(id)));
  return dangling.length;
}

/**
 * The links a transaction could have left dangling: those it added or whose ends it changed, or every
 * link when it removed an organisation (rare, and a link's far end is not indexed).
 */
function linksTouchedBy(doc: Y.Doc, transaction: Y.Transaction): Set<string> | 'all' {
  const organisationMap = organisations(doc);
  const linkMap = links(doc);
  const touched = new Set<string>();
  for (const [changedType, keys] of transaction.changed) {
    const type: unknown = changedType;
    if (type === organisationMap) {
      for (const key of keys) if (key !== null && !organisationMap.has(key)) return 'all';
    } else if (type === linkMap) {
      for (const key of keys) if (key !== null) touched.add(key);
    } else if (changedType._item?.parent === linkMap && changedType._item.parentSub !== null) {
      touched.add(changedType._item.parentSub);
    }
  }
  return touched;
}

export interface RemovedContent {
  notes: number;
  votes: number;
  organisations: number;
  links: number;
  positions: number;
  /** Influence ratings. */
  ratings: number;
}

/**
 * Moderation: removes everything one participant wrote at this table: their notes (with every vote on
 * them), their votes, and the organisations, links and positions created from their app sessions
 * (`clientIds`, the Yjs client ids the server saw them write with). One transaction.
 */
export function removeParticipantContent(doc: Y.Doc, participantId: string, clientIds: ReadonlySet<number> = new Set()): RemovedContent {
  const removed: RemovedContent = { notes: 0, votes: 0, organisations: 0, links: 0, positions: 0, ratings: 0 };
  const createdByThem = (map: Y.Map<unknown>, key: string) => {
    const item = map._map.get(key);
    return item !== undefined && !item.deleted && clientIds.has(item.id.client);
  };
  doc.transact(() => {
    for (const [id, note] of [...notes(doc).entries()]) {
      if ((note instanceof Y.Map && note.get('authorId') === participantId) || createdByThem(notes(doc) as Y.Map<unknown>, id)) {
        notes(doc).delete(id);
        removed.notes++;
      }
    }
    const liveNotes = new Set(notes(doc).keys());
    for (const map of [votes(doc), themeVotes(doc)]) {
      for (const key of [...map.keys()]) {
        const parsed = parseVoteKey(key);
        if (parsed?.voterId === participantId || (map === votes(doc) && parsed && !liveNotes.has(parsed.noteId))) {
          map.delete(key);
          removed.votes++;
        }
      }
    }
    for (const [name, count] of [[links(doc), 'links'], [organisations(doc), 'organisations'], [positions(doc), 'positions']] as const) {
      for (const key of [...name.keys()]) {
        if (createdByThem(name as Y.Map<unknown>, key)) {
          name.delete(key);
          removed[count]++;
        }
      }
    }
    const liveOrganisations = new Set(organisations(doc).keys());
    removed.ratings = deleteInfluenceRatings(doc, (rating) => rating.participantId === participantId || !liveOrganisations.has(rating.organisationId));
  });
  removed.links += removeDanglingLinks(doc);
  return removed;
}

/** Stores a node position dragged by a user, shared so the whole table sees one picture. */
export function setPosition(doc: Y.Doc, organisationId: string, position: Position): void {
  const valid = parseInput(PositionSchema, position, 'position');
  requireEntry(organisations(doc), organisationId, 'Organisation');
  doc.transact(() => positions(doc).set(organisationId, { x: Math.round(valid.x), y: Math.round(valid.y) }));
}

/**
 * Shares where a map's layout placed several organisations, in one transaction; `origin` lets an undo
 * manager leave it out (placing a node is not an edit to undo). Organisations deleted meanwhile and
 * positions that are not finite are skipped. Returns how many positions were set.
 */
export function setPositions(doc: Y.Doc, placed: Readonly<Record<string, Position>>, origin: unknown = null): number {
  let count = 0;
  doc.transact(() => {
    for (const [organisationId, position] of Object.entries(placed)) {
      const valid = v.safeParse(PositionSchema, position);
      if (!valid.success || !organisations(doc).has(organisationId)) continue;
      positions(doc).set(organisationId, { x: Math.round(valid.output.x), y: Math.round(valid.output.y) });
      count++;
    }
  }, origin);
  return count;
}

export interface Withdrawal {
  notes: number;
  organisations: number;
  links: number;
  votes: number;
  consent: number;
  /** Influence ratings. */
  ratings: number;
}

/**
 * A participant withdraws: removes, in one transaction, their notes (and every vote on them), the links
 * they added, the organisations they added that nobody else linked to, and their votes. (Consent is a server record, removed by the server.)
 * Organisations others have linked stay (their links depend on them); they hold no one's words.
 */
export function withdrawParticipant(doc: Y.Doc, participantId: string): Withdrawal {
  const id = parseInput(IdSchema, participantId, 'participant id');
  const removed: Withdrawal = { notes: 0, organisations: 0, links: 0, votes: 0, consent: 0, ratings: 0 };
  doc.transact(() => {
    const ownNotes = new Set<string>();
    for (const [noteId, note] of notes(doc)) if (note instanceof Y.Map && note.get('authorId') === id) ownNotes.add(noteId);
    for (const noteId of ownNotes) notes(doc).delete(noteId);
    removed.notes = ownNotes.size;
    for (const map of [votes(doc), themeVotes(doc)]) {
      for (const key of [...map.keys()]) {
        const vote = parseVoteKey(key);
        if (vote && (vote.voterId === id || ownNotes.has(vote.noteId))) {
          map.delete(key);
          removed.votes++;
        }
      }
    }
    const linkedByOthers = new Set<string>();
    for (const [linkId, link] of [...links(doc)]) {
      if (!(link instanceof Y.Map)) continue;
      if (link.get('addedBy') === id) {
        links(doc).delete(linkId);
        removed.links++;
      } else {
        linkedByOthers.add(String(link.get('source')));
        linkedByOthers.add(String(link.get('target')));
      }
    }
    for (const [orgId, org] of [...organisations(doc)]) {
      if (org instanceof Y.Map && org.get('addedBy') === id && !linkedByOthers.has(orgId)) {
        organisations(doc).delete(orgId);
        positions(doc).delete(orgId);
        removed.organisations++;
      }
    }
    const liveOrganisations = new Set(organisations(doc).keys());
    removed.ratings = deleteInfluenceRatings(doc, (rating) => rating.participantId === id || !liveOrganisations.has(rating.organisationId));
  });
  return removed;
}

/** Removes one note for good (a redacted note the facilitator purges), with the votes on it. */
export function purgeNote(doc: Y.Doc, noteId: string): boolean {
  if (!notes(doc).has(noteId)) return false;
  doc.transact(() => {
    notes(doc).delete(noteId);
    for (const map of [votes(doc)]) for (const key of [...map.keys()]) if (parseVoteKey(key)?.noteId === noteId) map.delete(key);
  });
  return true;
}

export interface VoteTally {
  noteId: string;
  total: number;
  byGroup: Record<string, number>;
}

/** Adds up vote tallies, for example one theme's votes across every table doc. */
export function combineVoteTallies(tallies: Iterable<Pick<VoteTally, 'total' | 'byGroup'> | undefined>): Pick<VoteTally, 'total' | 'byGroup'> {
  const combined = { total: 0, byGroup: {} as Record<string, number> };
  for (const tally of tallies) {
    if (!tally) continue;
    combined.total += tally.total;
    for (const [group, count] of Object.entries(tally.byGroup)) combined.byGroup[group] = (combined.byGroup[group] ?? 0) + count;
  }
  return combined;
}

export interface TableSnapshot {
  schemaVersion: number;
  organisations: Organisation[];
  links: Link[];
  notes: Note[];
  positions: Record<string, Position>;
  /** Votes per note, with the breakdown by the voters' stakeholder groups. */
  votes: Record<string, VoteTally>;
  /** Votes per synthesis theme (keyed by theme id; `noteId` holds the theme id). */
  themeVotes: Record<string, VoteTally>;
  /** Each voter's used votes on notes and themes, keyed by anonymous voter id. */
  votesByVoter: Record<string, number>;
  /** The table's own theme board: its themes (with their notes and groups) and note → theme. */
  tableThemes: TableTheme[];
  notePlacements: Record<string, string>;
  /** Influence ratings (0..5) per organisation on the map: the median, how many rated, and each anonymous rater's value. */
  influence: Record<string, InfluenceSummary>;
  problems: ReadProblem[];
}

function tallyVoteMap(
  map: Y.Map<number>,
  collection: string,
  isLiveTarget: (id: string) => boolean,
  byVoter: Record<string, number>,
  problems: ReadProblem[],
): Record<string, VoteTally> {
  const byTarget: Record<string, VoteTally> = {};
  for (const [key, count] of map) {
    const parsed = parseVoteKey(key);
    if (!parsed || typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      problems.push({ collection, key: key.slice(0, 80), reason: 'malformed vote' });
      continue;
    }
    if (!isLiveTarget(parsed.noteId)) continue;
    const tally = (byTarget[parsed.noteId] ??= { noteId: parsed.noteId, total: 0, byGroup: {} });
    tally.total += count;
    tally.byGroup[parsed.group] = (tally.byGroup[parsed.group] ?? 0) + count;
    byVoter[parsed.voterId] = (byVoter[parsed.voterId] ?? 0) + count;
  }
  return byTarget;
}

/** Reads the table as plain, validated data. Malformed entries are skipped and listed in `problems`. */
const byCreation = <T extends { createdAt: number; id: string }>(a: T, b: T) => a.createdAt - b.createdAt || a.id.localeCompare(b.id);

export function readTable(doc: Y.Doc): TableSnapshot {
  const problems: ReadProblem[] = [];
  const orgs = readValidEntries(organisations(doc).entries(), OrganisationSchema, 'organisations', problems);
  const orgIds = new Set(orgs.map((org) => org.id));
  const allLinks = readValidEntries(links(doc).entries(), LinkSchema, 'links', problems);
  const liveLinks = allLinks.filter((link) => {
    const dangling = !orgIds.has(link.source) || !orgIds.has(link.target);
    if (dangling) problems.push({ collection: 'links', key: link.id, reason: 'links to an organisation that was removed' });
    return !dangling;
  });
  const allNotes = readValidEntries(notes(doc).entries(), NoteSchema, 'notes', problems);
  const noteIds = new Set(allNotes.map((note) => note.id));
  const board = readTableBoard(doc, allNotes.sort(byCreation), problems);
  const positionMap: Record<string, Position> = {};
  for (const [id, raw] of positions(doc)) {
    const parsed = v.safeParse(PositionSchema, raw);
    if (parsed.success && orgIds.has(id)) positionMap[id] = parsed.output;
  }
  const votesByVoter: Record<string, number> = {};
  const noteVotes = tallyVoteMap(votes(doc), 'votes', (id) => noteIds.has(id), votesByVoter, problems);
  const themeVoteTallies = tallyVoteMap(themeVotes(doc), 'themeVotes', () => true, votesByVoter, problems);
  return {
    schemaVersion: schemaVersionOf(doc),
    organisations: orgs.sort(byCreation),
    links: liveLinks.sort(byCreation),
    notes: allNotes,
    positions: positionMap,
    votes: noteVotes,
    themeVotes: themeVoteTallies,
    votesByVoter,
    tableThemes: board.themes,
    notePlacements: board.placements,
    influence: readInfluence(doc, orgIds, problems),
    problems: problems.sort((a, b) => a.collection.localeCompare(b.collection) || a.key.localeCompare(b.key)),
  };
}

/** Calls back with a fresh snapshot now and after every change; returns an unsubscribe function. */
export function observeTable(doc: Y.Doc, callback: (snapshot: TableSnapshot) => void): () => void {
  const handler = () => callback(readTable(doc));
  doc.on('update', handler);
  handler();
  return () => doc.off('update', handler);
}
