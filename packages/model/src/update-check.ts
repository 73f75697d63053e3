import * as v from 'valibot';
import * as Y from 'yjs';
import type { DocKind } from './doc-names.ts';
import { DOC_SHAPES, isValidRootValue, type RootShape } from './doc-shapes.ts';
import type { Role } from './roles.ts';
import { parseVoteKey, type VotingRules } from './table-doc.ts';
import { parseInfluenceKey } from './influence.ts';

/**
 * Who sent an update. Facilitators' updates are checked for shape only; participants' and scribes'
 * also for the table's rules (own notes, own votes within the budget, own influence ratings, board placements
 * within this table, nothing in `meta`).
 */
export interface UpdateAuthor {
  role: Role;
  participantId: string;
  group?: string | undefined;
  /** The event's voting rules, for a participant's vote budget. */
  votingRules?: VotingRules | undefined;
}

export type UpdateRefusalCode =
  | 'unknown_root'
  | 'bad_shape'
  | 'not_author'
  | 'vote_rules'
  | 'rating_rules'
  | 'board_rule'
  | 'server_only'
  | 'missing_dependency';

export interface UpdateRefusal {
  code: UpdateRefusalCode;
  /** A plain sentence an app can show (short: it travels as a WebSocket close reason). */
  reason: string;
}

export interface UpdateFacts {
  /** Clock ticks of new structs (items, deleted items, GC ranges) this update adds to the doc. */
  newItems: number;
  /** Yjs client ids this doc has never seen before. */
  newClients: number;
  /** Items of the doc this update deletes (not counting ones already deleted). */
  deletes: number;
  /** Nothing new is added: the update only deletes (or changes nothing at all). */
  deletesOnly: boolean;
}

export type UpdateCheck = ({ ok: true } | ({ ok: false } & UpdateRefusal)) & UpdateFacts;

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;
type Struct = Y.Item | Y.GC | Y.Skip;
/** Where an item sits: the path of the type holding it (root name, then map keys), and its own key. */
interface Place {
  container: string[];
  sub: string | null;
  /** The item whose content is the holding type; null for a root type. */
  holder: Y.Item | null;
}
type Located = Place | 'gc' | 'missing' | 'bad';

const DELETED = Symbol('deleted');
type FieldValue = unknown | typeof DELETED;

class Refused extends Error {
  readonly refusal: UpdateRefusal;
  constructor(code: UpdateRefusalCode, reason: string) {
    super(reason);
    this.refusal = { code, reason };
  }
}

function refuse(code: UpdateRefusalCode, reason: string): never {
  throw new Refused(code, reason);
}

/** Entry-level work found in an update, gathered before the rules are applied. */
interface EntryChange {
  root: string;
  key: string;
  /** The entry's Y.Map item in the doc, when the entry exists already. */
  existing: Y.Item | null;
  /** A new Y.Map item for this key created by the update. */
  created: Y.Item | null;
  fields: Map<string, FieldValue>;
  deleted: boolean;
}

/**
 * Checks an update against the server's copy of a doc before anything is applied: decodes its structs
 * and delete set, finds where each lands (root, entry, field) and refuses the whole update when it
 * writes a root or an entry shape the model does not define (DOC_SHAPES), or, for participants and
 * scribes, breaks the table's rules. Reads the doc only; never changes it.
 */
export function checkUpdate(doc: Y.Doc, kind: DocKind, update: Uint8Array | DecodedUpdate, author: UpdateAuthor): UpdateCheck {
  const decoded = update instanceof Uint8Array ? Y.decodeUpdate(update) : update;
  const walk = new UpdateWalk(doc, kind, decoded, author);
  try {
    walk.run();
    return { ok: true, ...walk.facts() };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, ...error.refusal, ...walk.facts() };
    if (error instanceof RangeError) return { ok: false, code: 'bad_shape', reason: 'change is nested too deeply', ...walk.facts() };
    throw error;
  }
}

class UpdateWalk {
  private readonly doc: Y.Doc;
  private readonly shapes: Readonly<Record<string, RootShape>>;
  private readonly decoded: DecodedUpdate;
  private readonly author: UpdateAuthor;
  private readonly ruled: boolean;
  /** New structs of the update by client, in clock order (only those past what the doc holds). */
  private readonly fresh = new Map<number, Struct[]>();
  private readonly places = new Map<Struct, Located>();
  private readonly entries = new Map<string, EntryChange>();
  private readonly valueChanges = new Map<string, Map<string, FieldValue>>();
  private newItems = 0;
  private newClients = 0;
  private deletes = 0;

  constructor(doc: Y.Doc, kind: DocKind, decoded: DecodedUpdate, author: UpdateAuthor) {
    this.doc = doc;
    this.shapes = DOC_SHAPES[kind];
    this.decoded = decoded;
    this.author = author;
    // A private-round notes doc holds notes under the same rules as the table's: only one's own.
    this.ruled = (kind === 'table' || kind === 'private') && author.role !== 'facilitator';
  }

  facts(): UpdateFacts {
    return { newItems: this.newItems, newClients: this.newClients, deletes: this.deletes, deletesOnly: this.newItems === 0 };
  }

  run(): void {
    this.indexFresh();
    for (const structs of this.fresh.values()) for (const struct of structs) if (struct instanceof Y.Item) this.visitItem(struct);
    this.visitDeletes();
    for (const change of this.entries.values()) this.checkEntry(change);
    if (this.ruled) this.checkValueRules();
  }

  private known(client: number): number {
    return Y.getState(this.doc.store, client);
  }

  /** Keeps the structs the doc does not hold yet; a gap (a change whose predecessors were never sent) is refused for participants. */
  private indexFresh(): void {
    let previous: { client: number; end: number } | null = null;
    for (const struct of this.decoded.structs as Struct[]) {
      const { client, clock } = struct.id;
      const known = this.known(client);
      const end = clock + struct.length;
      const continues = previous?.client === client && previous.end === clock;
      // A Skip is a hole: what follows it does not continue what came before.
      previous = struct instanceof Y.Skip ? null : { client, end };
      if (struct instanceof Y.Skip) continue;
      if (end <= known) continue;
      if (clock > known && !continues && this.ruled) refuse('missing_dependency', 'change depends on data never sent');
      if (clock > known && !continues) {
        // Facilitators: Yjs keeps it pending (capped by the server); nothing to check here yet.
        continue;
      }
      if (known === 0 && !this.fresh.has(client)) this.newClients++;
      let list = this.fresh.get(client);
      if (!list) this.fresh.set(client, (list = []));
      list.push(struct);
      this.newItems += end - Math.max(clock, known);
    }
  }

  /** The struct holding `id`, from the doc or from this update; null when neither has it. */
  private find(id: Y.ID): Struct | null {
    if (id.clock < this.known(id.client)) return Y.getItem(this.doc.store, id) as Struct;
    const list = this.fresh.get(id.client);
    if (!list) return null;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const struct = list[middle]!;
      if (id.clock < struct.id.clock) high = middle - 1;
      else if (id.clock >= struct.id.clock + struct.length) low = middle + 1;
      else return struct;
    }
    return null;
  }

  private locate(struct: Struct): Located {
    const cached = this.places.get(struct);
    if (cached) return cached;
    const located = this.locateUncached(struct);
    this.places.set(struct, located);
    return located;
  }

  private locateUncached(struct: Struct): Located {
    if (!(struct instanceof Y.Item)) return 'gc';
    const parent = struct.parent as unknown;
    if (typeof parent === 'string') return { container: [parent], sub: struct.parentSub, holder: null };
    if (parent instanceof Y.AbstractType) return this.placeInType(parent, struct.parentSub);
    if (parent && typeof parent === 'object' && 'client' in parent) {
      const holder = this.find(parent as Y.ID);
      return this.placeInHolder(holder, struct.parentSub);
    }
    // No parent written: it is the parent (and key) of the item it was inserted next to.
    const neighbourId = struct.origin ?? struct.rightOrigin;
    if (!neighbourId) return 'bad';
    const neighbour = this.find(neighbourId);
    if (!neighbour) return 'missing';
    return this.locate(neighbour);
  }

  private placeInType(type: Y.AbstractType<unknown>, sub: string | null): Located {
    const holder = type._item;
    if (!holder) {
      const root = Y.findRootTypeKey(type);
      return { container: [root], sub, holder: null };
    }
    return this.placeInHolder(holder, sub);
  }

  private placeInHolder(holder: Struct | null, sub: string | null): Located {
    if (!holder) return 'missing';
    if (!(holder instanceof Y.Item)) return 'gc';
    if (!(holder.content instanceof Y.ContentType)) return holder.content instanceof Y.ContentDeleted ? 'gc' : 'bad';
    const above = this.locate(holder);
    if (typeof above === 'string') return above;
    return { container: [...above.container, above.sub ?? '#'], sub, holder };
  }

  private shapeOf(root: string): RootShape {
    const shape = this.shapes[root];
    if (!shape) refuse('unknown_root', `"${root.slice(0, 40)}" is not part of this document`);
    return shape;
  }

  private visitItem(item: Y.Item): void {
    const place = this.locate(item);
    if (place === 'gc') return;
    if (place === 'missing') {
      if (this.ruled) refuse('missing_dependency', 'change depends on data never sent');
      return;
    }
    if (place === 'bad') refuse('bad_shape', 'change has no place in the document');
    const root = place.container[0]!;
    const shape = this.shapeOf(root);
    if (shape.kind === 'server' || (this.ruled && shape.kind === 'meta')) refuse('server_only', `"${root}" is written by the server only`);
    // Rich text lives only in facilitator-only docs and is filtered to the allowed schema when read.
    if (shape.kind === 'richText') return;
    const content = item.content;
    const deleted = content instanceof Y.ContentDeleted;
    if (place.container.length === 1) {
      if (shape.kind === 'list') {
        if (place.sub !== null) refuse('bad_shape', `"${root}" is a list`);
        if (!deleted && !(content instanceof Y.ContentAny)) refuse('bad_shape', `"${root}" holds plain values`);
        if (content instanceof Y.ContentAny) for (const value of content.arr) this.requireValid(shape, null, value, root);
        return;
      }
      if (place.sub === null) refuse('bad_shape', `"${root}" is a map`);
      if (shape.kind === 'entries') {
        if (!deleted && !(content instanceof Y.ContentType && content.type instanceof Y.Map)) refuse('bad_shape', `each "${root}" entry is a map`);
        if (!deleted) this.entryChange(root, place.sub, null).created = item;
        return;
      }
      if (deleted) return;
      if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) refuse('bad_shape', `"${root}" holds plain values`);
      this.requireValid(shape, place.sub, content.arr[0], root);
      this.valueChange(root).set(place.sub, content.arr[0]);
      return;
    }
    if (place.container.length === 2 && shape.kind === 'entries' && place.holder && place.sub !== null) {
      if (!deleted && (!(content instanceof Y.ContentAny) || content.arr.length !== 1)) refuse('bad_shape', `"${root}" fields hold plain values`);
      const field = shape.entry.entries[place.sub];
      if (!field) refuse('bad_shape', `"${place.sub.slice(0, 40)}" is not a field of ${root}`);
      if (deleted) return;
      const value = (content as Y.ContentAny).arr[0];
      if (!v.is(field, value)) refuse('bad_shape', `invalid ${place.sub} in ${root}`);
      const change = this.entryChangeFor(root, place.container[1]!, place.holder);
      change.fields.set(place.sub, value);
      return;
    }
    refuse('bad_shape', `"${root}" does not nest that deep`);
  }

  private requireValid(shape: RootShape, key: string | null, value: unknown, root: string): void {
    if (!isValidRootValue(shape, key, value)) refuse('bad_shape', `invalid entry in ${root}`);
  }

  private entryChange(root: string, key: string, existing: Y.Item | null): EntryChange {
    const id = `${root}\u0000${key}`;
    let change = this.entries.get(id);
    if (!change) {
      const current = existing ?? this.currentEntryItem(root, key);
      change = { root, key, existing: current, created: null, fields: new Map(), deleted: false };
      this.entries.set(id, change);
    }
    return change;
  }

  /** The field belongs to an entry map created by this update or already in the doc. */
  private entryChangeFor(root: string, key: string, holder: Y.Item): EntryChange {
    const change = this.entryChange(root, key, null);
    if (change.created === holder || change.existing === holder) return change;
    // A field of an older, already replaced map, or of a new map under the same key: keyed by its holder.
    const id = `${root}\u0000${key}\u0000${holder.id.client}:${holder.id.clock}`;
    let other = this.entries.get(id);
    if (!other) {
      const isNew = holder.id.clock >= this.known(holder.id.client);
      other = { root, key, existing: isNew ? null : holder, created: isNew ? holder : null, fields: new Map(), deleted: false };
      this.entries.set(id, other);
    }
    return other;
  }

  private currentEntryItem(root: string, key: string): Y.Item | null {
    const type = this.doc.share.get(root);
    const item = type?._map.get(key) ?? null;
    return item && !item.deleted ? item : null;
  }

  private valueChange(root: string): Map<string, FieldValue> {
    let changes = this.valueChanges.get(root);
    if (!changes) this.valueChanges.set(root, (changes = new Map()));
    return changes;
  }

  private visitDeletes(): void {
    for (const [client, ranges] of this.decoded.ds.clients) {
      const structs = this.doc.store.clients.get(client);
      const known = this.known(client);
      if (!structs) continue;
      for (const range of ranges) {
        const end = Math.min(range.clock + range.len, known);
        if (range.clock >= end) continue;
        for (let index = Y.findIndexSS(structs, range.clock); index < structs.length; index++) {
          const struct = structs[index]!;
          if (struct.id.clock >= end) break;
          if (struct instanceof Y.Item && !struct.deleted) this.visitDelete(struct);
        }
      }
    }
  }

  private visitDelete(item: Y.Item): void {
    this.deletes++;
    const place = this.locate(item);
    if (typeof place === 'string') return;
    const root = place.container[0]!;
    const shape = this.shapes[root];
    // Deleting what the model does not define is always allowed: it is how junk is cleaned up.
    if (!shape) return;
    if (shape.kind === 'server' || (this.ruled && shape.kind === 'meta')) refuse('server_only', `"${root}" is written by the server only`);
    // Rich text lives only in facilitator-only docs and is filtered to the allowed schema when read.
    if (shape.kind === 'richText') return;
    if (place.container.length === 1 && place.sub !== null) {
      if (shape.kind === 'entries') {
        if (this.currentEntryItem(root, place.sub) === item) this.entryChange(root, place.sub, item).deleted = true;
      } else if (shape.kind === 'values' && !this.valueChange(root).has(place.sub)) {
        this.valueChange(root).set(place.sub, DELETED);
      }
      return;
    }
    if (place.container.length === 2 && shape.kind === 'entries' && place.holder && place.sub !== null) {
      const change = this.entryChangeFor(root, place.container[1]!, place.holder);
      if (!change.fields.has(place.sub)) change.fields.set(place.sub, DELETED);
    }
  }

  /** The entry as it will read after the update, or null when it is gone. */
  private resultOf(change: EntryChange): Record<string, unknown> | null {
    if (change.created) {
      const fields: Record<string, unknown> = {};
      for (const [field, value] of change.fields) if (value !== DELETED) fields[field] = value;
      return fields;
    }
    if (change.deleted || !change.existing) return null;
    const type = (change.existing.content as Y.ContentType).type as Y.Map<unknown>;
    const fields = type.toJSON() as Record<string, unknown>;
    for (const [field, value] of change.fields) {
      if (value === DELETED) delete fields[field];
      else fields[field] = value;
    }
    return fields;
  }

  private before(change: EntryChange): Record<string, unknown> | null {
    if (!change.existing || change.existing.deleted) return null;
    return ((change.existing.content as Y.ContentType).type as Y.Map<unknown>).toJSON() as Record<string, unknown>;
  }

  private checkEntry(change: EntryChange): void {
    const shape = this.shapeOf(change.root);
    if (shape.kind !== 'entries') return;
    const existingIsCurrent = change.existing !== null && this.currentEntryItem(change.root, change.key) === change.existing;
    const after = this.resultOf(change);
    const touched = change.created !== null || change.deleted || change.fields.size > 0;
    if (!touched) return;
    // An older value of a key (already replaced) changes nothing anyone reads.
    if (!change.created && !existingIsCurrent) return;
    if (after && !isValidRootValue(shape, change.key, after)) refuse('bad_shape', `invalid ${singular(change.root)}`);
    if (!this.ruled) return;
    const before = existingIsCurrent || change.created ? this.before(this.entryChange(change.root, change.key, null)) : null;
    this.checkEntryRules(change.root, before, after);
  }

  private checkEntryRules(root: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null): void {
    const me = this.author.participantId;
    if (root === 'notes') {
      if (before && before.authorId !== me) refuse('not_author', 'you can only change notes you wrote');
      // A scribe writes for the whole table, choosing each note's group; everyone else writes as their own group.
      const groupOk = this.author.role === 'scribe' || after?.group === this.author.group;
      if (after && (after.authorId !== me || !groupOk)) refuse('not_author', 'a note must carry your own id');
      return;
    }
    if (after && before && after.addedByGroup !== before.addedByGroup) refuse('not_author', 'who added an entry cannot be changed');
    if (after && !before && after.addedByGroup !== this.author.group) refuse('not_author', 'an entry must carry your own group');
  }

  /** Votes: only one's own, whole numbers, one per target unless stacking is on, within the budget. */
  private checkValueRules(): void {
    let votesChanged = false;
    for (const root of ['votes', 'themeVotes']) {
      for (const [key, value] of this.valueChanges.get(root) ?? []) {
        const parsed = parseVoteKey(key);
        // Removing one's own note takes every vote on it along (removeNote): that is the one way to remove others' votes.
        if (value === DELETED && parsed && root === 'votes' && !this.entryLivesAfter('notes', parsed.noteId)) continue;
        if (!parsed || parsed.voterId !== this.author.participantId || parsed.group !== this.author.group) {
          refuse('vote_rules', 'you can only cast your own votes');
        }
        if (value === DELETED) continue;
        votesChanged = true;
        if (this.author.votingRules && !this.author.votingRules.allowStackedVotes && value !== 1) {
          refuse('vote_rules', 'one vote per note');
        }
      }
    }
    this.checkRatingRules();
    this.checkPlacementRules();
    if (!votesChanged || !this.author.votingRules) return;
    const [before, after] = this.myVoteTotals();
    if (after > this.author.votingRules.votesPerParticipant && after > before) refuse('vote_rules', 'no votes left');
  }

  /** Influence ratings: only one's own, of an organisation on this table (the shape already holds values to 0..5). */
  private checkRatingRules(): void {
    for (const [key, value] of this.valueChanges.get('influence') ?? []) {
      const parsed = parseInfluenceKey(key);
      // Removing an organisation takes every rating of it along (removeOrganisation).
      if (value === DELETED && parsed && !this.entryLivesAfter('organisations', parsed.organisationId)) continue;
      if (!parsed || parsed.participantId !== this.author.participantId) refuse('not_author', 'you can only give your own ratings');
      if (value !== DELETED && !this.entryLivesAfter('organisations', parsed.organisationId)) {
        refuse('rating_rules', 'that organisation is not on this table');
      }
    }
  }

  /**
   * The theme board: a note is placed only in a theme of this table, and only a note of this table is placed.
   * "Of this table" means held by this doc now or once (a note deleted on one phone while another moved it is
   * a race, not an attack), or created by this change. Only the placements the change writes are judged, so
   * junk already on the board (a facilitator's, an older build's) never locks it.
   */
  private checkPlacementRules(): void {
    for (const [noteId, themeId] of this.valueChanges.get('notePlacements') ?? []) {
      if (themeId === DELETED) continue;
      if (!this.everHeld('notes', noteId)) refuse('board_rule', 'that note is not at this table');
      if (typeof themeId !== 'string' || !this.everHeld('tableThemes', themeId)) refuse('board_rule', 'that theme is not at this table');
    }
  }

  /** The doc's map holds `key` or once did (a deleted key keeps its tombstone), or this change creates it. */
  private everHeld(root: string, key: string): boolean {
    if (this.doc.share.get(root)?._map.has(key)) return true;
    return this.entries.get(`${root}\u0000${key}`)?.created != null;
  }

  private entryLivesAfter(root: string, id: string): boolean {
    const change = this.entries.get(`${root}\u0000${id}`);
    if (change) return this.resultOf(change) !== null;
    return this.currentEntryItem(root, id) !== null;
  }

  private myVoteTotals(): [number, number] {
    let before = 0;
    let after = 0;
    for (const root of ['votes', 'themeVotes']) {
      const map = this.doc.share.get(root);
      const changes = this.valueChanges.get(root) ?? new Map<string, FieldValue>();
      const keys = new Set<string>(changes.keys());
      if (map) for (const [key, item] of map._map) if (!item.deleted) keys.add(key);
      for (const key of keys) {
        if (parseVoteKey(key)?.voterId !== this.author.participantId) continue;
        const item = map?._map.get(key);
        const current = item && !item.deleted && item.content instanceof Y.ContentAny ? item.content.arr[0] : 0;
        const old = typeof current === 'number' ? current : 0;
        const next = changes.has(key) ? changes.get(key) : old;
        before += old;
        after += typeof next === 'number' ? next : 0;
      }
    }
    return [before, after];
  }
}

function singular(root: string): string {
  return root.endsWith('s') ? root.slice(0, -1) : root;
}
