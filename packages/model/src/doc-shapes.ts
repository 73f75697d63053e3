import * as v from 'valibot';
import type { DocKind } from './doc-names.ts';
import {
  IdSchema,
  LIMITS,
  LinkSchema,
  NoteSchema,
  OrganisationSchema,
  PositionSchema,
  PromptEntrySchema,
  TableEntrySchema,
  VocabularyEntrySchema,
} from './schemas.ts';
import { DoneEntrySchema } from './room-controls.ts';
import { MentionKeySchema, NoteFlagsSchema, NoteRefSchema, ThemeSchema } from './synthesis-doc.ts';
import { TableThemeEntrySchema } from './table-board.ts';
import { InfluenceKeySchema, InfluenceValueSchema } from './influence.ts';
import { EasyReadPointSchema, NARRATIVE_SECTIONS, RECOMMENDATION_ROOT, RecommendationSchema } from './narrative.ts';
import { LINKED_EVENT_ROOT, LinkedEventKeySchema, LinkedEventSchema, MATCH_DECISION_ROOT, MatchDecisionKeySchema, MatchDecisionSchema, PINNED_ROUTE_ROOT, PinnedRouteSchema } from './analysis-choices.ts';

/**
 * The shape of each root of each doc kind, as data: the one description the server walks to refuse an
 * update that writes anything the model does not define, and that exports and imports check entries
 * against. A root not listed here does not exist: writing it is refused.
 *
 * - `entries`: a Y.Map of Y.Maps, one per entry, keyed by the entry's `id` (organisations, notes...);
 * - `values`: a Y.Map of plain values (votes, positions, the event's tables...);
 * - `list`: a Y.Array of plain values (the event's stakeholder groups and sectors);
 * - `meta`: a Y.Map of plain values with free keys, written by the server and facilitators only;
 * - `server`: written by the server itself only (consent counts); every connection's write is refused;
 * - `richText`: a Y.XmlFragment a collaborative editor writes (facilitator-only docs); its content is
 *   filtered to the allowed nodes and marks when read (`readRichText`), so any structure is accepted.
 */
export type RootShape =
  | { kind: 'entries'; entry: v.ObjectSchema<v.ObjectEntries, undefined> }
  | { kind: 'values'; key: v.GenericSchema<string>; value: v.GenericSchema }
  | { kind: 'list'; value: v.GenericSchema }
  | { kind: 'meta' }
  | { kind: 'server' }
  | { kind: 'richText' };

/** Any plain JSON value up to a size, for facilitator-only roots whose schema lives outside the model. */
const MAX_PLAIN_VALUE_CHARS = 64 * 1024;
export const PlainValueSchema = v.custom<unknown>((value) => {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string' && text.length <= MAX_PLAIN_VALUE_CHARS;
  } catch {
    return false;
  }
}, 'must be plain data of at most 64 KB');

/** `group|voterId|targetId`: votes are keyed by who cast them, so the by-group count needs no lookup. */
export const VoteKeySchema = v.pipe(v.string(), v.maxLength(200), v.regex(/^[a-z][a-z0-9_]{0,39}\|[a-z0-9][a-z0-9_-]{0,63}\|[a-z0-9][a-z0-9_-]{0,63}$/, 'vote key is malformed'));
export const VoteCountSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(LIMITS.votesPerParticipant));

const TranslationKeySchema = v.pipe(v.string(), v.maxLength(200), v.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?\/(prompt|group)\/[^/]+$/, 'translation key is malformed'));
const TranslationTextSchema = v.pipe(v.string(), v.maxLength(LIMITS.label));
/** `<tableId>/<participantId>`: who has a private notes doc at which table (ids only). */
const PrivateAuthorKeySchema = v.pipe(v.string(), v.maxLength(129), v.regex(/^[a-z0-9][a-z0-9_-]{0,63}\/[a-z0-9][a-z0-9_-]{0,63}$/, 'private author key is malformed'));

const FreeKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(300));

export const DOC_SHAPES: Record<DocKind, Readonly<Record<string, RootShape>>> = {
  table: {
    meta: { kind: 'meta' },
    organisations: { kind: 'entries', entry: OrganisationSchema },
    links: { kind: 'entries', entry: LinkSchema },
    notes: { kind: 'entries', entry: NoteSchema },
    votes: { kind: 'values', key: VoteKeySchema, value: VoteCountSchema },
    themeVotes: { kind: 'values', key: VoteKeySchema, value: VoteCountSchema },
    positions: { kind: 'values', key: IdSchema, value: PositionSchema },
    // The table's own theme board; its cross-entry rules (a placement names a theme and a note of this table) are checked on apply.
    tableThemes: { kind: 'entries', entry: TableThemeEntrySchema },
    notePlacements: { kind: 'values', key: IdSchema, value: IdSchema },
    // The power round: `<organisationId>:<participantId>` → that participant's influence rating, 0..5.
    influence: { kind: 'values', key: InfluenceKeySchema, value: InfluenceValueSchema },
    // Consent records of builds before consent moved to the server's database: kept, never written.
    consent: { kind: 'server' },
  },
  event: {
    meta: { kind: 'meta' },
    prompts: { kind: 'values', key: IdSchema, value: PromptEntrySchema },
    tables: { kind: 'values', key: IdSchema, value: TableEntrySchema },
    groups: { kind: 'list', value: VocabularyEntrySchema },
    sectors: { kind: 'list', value: VocabularyEntrySchema },
    // `<locale>/<prompt|group>/<id>` → the facilitator's translation of that prompt or group name.
    translations: { kind: 'values', key: TranslationKeySchema, value: TranslationTextSchema },
    consent: { kind: 'server' },
    // The control room (room-controls.ts): tables done for a round, tables revealed, private notes docs opened.
    doneTables: { kind: 'values', key: IdSchema, value: DoneEntrySchema },
    revealedTables: { kind: 'values', key: IdSchema, value: v.literal(true) },
    privateAuthors: { kind: 'values', key: PrivateAuthorKeySchema, value: v.literal(true) },
  },
  synthesis: {
    meta: { kind: 'meta' },
    themes: { kind: 'entries', entry: ThemeSchema },
    noteThemes: { kind: 'values', key: NoteRefSchema, value: IdSchema },
    noteFlags: { kind: 'values', key: NoteRefSchema, value: NoteFlagsSchema },
    hiddenNotes: { kind: 'values', key: NoteRefSchema, value: v.literal(true) },
    aliases: { kind: 'values', key: MentionKeySchema, value: MentionKeySchema },
    // A table's theme (tableId:themeId) → the event theme it was merged into.
    themeSources: { kind: 'values', key: NoteRefSchema, value: IdSchema },
    rejectedMerges: { kind: 'values', key: v.pipe(v.string(), v.maxLength(601)), value: v.literal(true) },
    // Its schema lives in the analysis package (the model imports no other package): plain data, checked there on read.
    directoryEdits: { kind: 'values', key: FreeKeySchema, value: PlainValueSchema },
  },
  // One participant's notes in a private round, copied into the table doc by the server at the reveal.
  private: {
    meta: { kind: 'meta' },
    notes: { kind: 'entries', entry: NoteSchema },
  },
  // Facilitators only; the attendee schema lives in the roster package, which validates on read.
  roster: {
    meta: { kind: 'meta' },
    attendees: { kind: 'values', key: FreeKeySchema, value: PlainValueSchema },
    seating: { kind: 'values', key: FreeKeySchema, value: PlainValueSchema },
    // Counts by group and table kept after names, emails and needs are removed (retention).
    redactedCounts: { kind: 'values', key: FreeKeySchema, value: PlainValueSchema },
  },
  // The organisers' narrative (facilitators only): one rich-text fragment per section, recommendations, easy-read points.
  report: {
    meta: { kind: 'meta' },
    ...Object.fromEntries(NARRATIVE_SECTIONS.map((id) => [id, { kind: 'richText' } as const])),
    [RECOMMENDATION_ROOT]: { kind: 'entries', entry: RecommendationSchema },
    easyRead: { kind: 'entries', entry: EasyReadPointSchema },
    // Read-only share links of the HTML edition (ids, token hashes, dates): written by the server only.
    shares: { kind: 'server' },
    // The organisers' analysis choices (analysis-choices.ts): change-over-time match decisions, pinned route questions,
    // and the earlier event on this server it is linked to (id and title, never a token).
    [MATCH_DECISION_ROOT]: { kind: 'values', key: MatchDecisionKeySchema, value: MatchDecisionSchema },
    [PINNED_ROUTE_ROOT]: { kind: 'values', key: IdSchema, value: PinnedRouteSchema },
    [LINKED_EVENT_ROOT]: { kind: 'values', key: LinkedEventKeySchema, value: LinkedEventSchema },
  },
};

/** Does a plain object carry only the fields its object schema names? (valibot's v.object strips the rest silently.) */
export function hasOnlyKnownFields(schema: v.GenericSchema, value: unknown): boolean {
  const entries = (schema as { entries?: Record<string, unknown> }).entries;
  if (!entries || !value || typeof value !== 'object' || Array.isArray(value)) return true;
  for (const key of Object.keys(value)) if (!(key in entries)) return false;
  return true;
}

/** Is this a value a root of this shape may hold under this key? Objects may carry no unknown fields. */
export function isValidRootValue(shape: RootShape, key: string | null, value: unknown): boolean {
  if (shape.kind === 'server' || shape.kind === 'richText') return false;
  if (shape.kind === 'meta') return v.is(PlainValueSchema, value);
  if (shape.kind === 'list') return key === null && v.is(shape.value, value) && hasOnlyKnownFields(shape.value, value);
  if (shape.kind === 'values') return key !== null && v.is(shape.key, key) && v.is(shape.value, value) && hasOnlyKnownFields(shape.value, value);
  if (key === null || !v.is(shape.entry, value) || !hasOnlyKnownFields(shape.entry, value)) return false;
  return (value as { id?: unknown }).id === key;
}

