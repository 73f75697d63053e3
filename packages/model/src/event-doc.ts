import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { newId } from './ids.ts';
import {
  EventDetailsSchema,
  LIMITS,
  PhaseSchema,
  PromptEntrySchema,
  TableEntrySchema,
  TableFeaturesSchema,
  TimerSchema,
  VocabularyIdSchema,
  VocabularyEntrySchema,
  IdSchema,
  type EventDetails,
  type PromptEntry,
  type TableEntry,
  type TableFeatures,
  type Timer,
} from './schemas.ts';
import { parseInput, readValidEntries, type ReadProblem } from './validate.ts';
import { DEFAULT_PRIORITY_GROUPS, DEFAULT_PROMPTS, DEFAULT_SECTORS, DEFAULT_STAKEHOLDER_GROUPS, type Phase, type VocabularyEntry } from './vocabulary.ts';
import { migrate, schemaVersionOf } from './versions.ts';
import { readRoomControls, type RoomControls } from './room-controls.ts';

const meta = (doc: Y.Doc) => doc.getMap<unknown>('meta');
const prompts = (doc: Y.Doc) => doc.getMap<PromptEntry>('prompts');
const tables = (doc: Y.Doc) => doc.getMap<TableEntry>('tables');
const groups = (doc: Y.Doc) => doc.getArray<VocabularyEntry>('groups');
const sectors = (doc: Y.Doc) => doc.getArray<VocabularyEntry>('sectors');
/** `<locale>/<prompt|group>/<id>` → the facilitator's translation of that prompt or group name. */
const translations = (doc: Y.Doc) => doc.getMap<unknown>('translations');
/** Consents at join, counted by the server per table and stakeholder group (the records live in its database). */
const consent = (doc: Y.Doc) => doc.getMap<unknown>('consent');

/** Per table: stakeholder group → how many people consented at join. Never who. */
export const ConsentCountsSchema = v.record(VocabularyIdSchema, v.pipe(v.number(), v.integer(), v.minValue(0)));

/**
 * Publishes one table's consent counts into the event doc. Only the server calls this (after POST
 * /api/join recorded a consent in its database); no connection may write this root.
 */
export function publishConsentCounts(doc: Y.Doc, tableId: string, counts: Record<string, number>): void {
  const valid = parseInput(ConsentCountsSchema, counts, 'consent counts');
  doc.transact(() => consent(doc).set(tableId, valid));
}

export const MAX_TABLES = 60;

/** A new table offers nothing special until the facilitator says so. */
const NEW_TABLE_FEATURES = { locked: false, stepFree: false, hasScribe: false, hearingLoop: false, nearExit: false, languages: [] as string[] };

const TableNameSchema = v.pipe(
  v.string('Table name must be text'),
  v.trim(),
  v.minLength(1, 'Table name is required'),
  v.maxLength(LIMITS.label, `Table name must be at most ${LIMITS.label} characters`),
);

export interface NewEventInput {
  eventId: string;
  title: string;
  tableCount: number;
}

const NewEventSchema = v.object({
  eventId: IdSchema,
  title: v.pipe(v.string(), v.trim(), v.minLength(1, 'Title is required'), v.maxLength(LIMITS.title)),
  tableCount: v.pipe(
    v.number('tableCount must be a number'),
    v.integer('tableCount must be a whole number'),
    v.minValue(1, 'An event needs at least one table'),
    v.maxValue(MAX_TABLES, `An event can have at most ${MAX_TABLES} tables`),
  ),
});

/** Fills a fresh event doc with its title, the default vocabularies and prompts, and N tables. */
export function initEventDoc(doc: Y.Doc, input: NewEventInput): TableEntry[] {
  const valid = parseInput(NewEventSchema, input, 'event');
  migrate(doc, 'event');
  const created: TableEntry[] = [];
  doc.transact(() => {
    const info = meta(doc);
    info.set('eventId', valid.eventId);
    info.set('title', valid.title);
    info.set('phase', 'setup');
    info.set('votesPerParticipant', 3);
    info.set('allowStackedVotes', false);
    info.set('priorityGroups', [...DEFAULT_PRIORITY_GROUPS]);
    info.set('createdAt', Date.now());
    groups(doc).push([...DEFAULT_STAKEHOLDER_GROUPS]);
    sectors(doc).push([...DEFAULT_SECTORS]);
    DEFAULT_PROMPTS.forEach((text, order) => {
      const id = newId(8);
      prompts(doc).set(id, { id, text, order, durationMinutes: 20 });
    });
    for (let index = 0; index < valid.tableCount; index++) {
      const table = { ...NEW_TABLE_FEATURES, id: `t${index + 1}`, name: `Table ${index + 1}`, order: index };
      tables(doc).set(table.id, table);
      created.push(table);
    }
  });
  return created;
}

export function setEventDetails(doc: Y.Doc, patch: EventDetails): void {
  const valid = parseInput(EventDetailsSchema, patch, 'event details');
  doc.transact(() => {
    for (const [key, value] of Object.entries(valid)) if (value !== undefined) meta(doc).set(key, value);
  });
}

/** Marks an event as a demo with made-up data (the server does this when it creates one; it is never undone). */
export function markDemoEvent(doc: Y.Doc): void {
  meta(doc).set('demo', true);
}

export function setPhase(doc: Y.Doc, phase: Phase): void {
  const valid = parseInput(PhaseSchema, phase, 'phase');
  doc.transact(() => meta(doc).set('phase', valid));
}

export function setCurrentPrompt(doc: Y.Doc, promptId: string | null): void {
  if (promptId !== null && !prompts(doc).has(promptId)) throw new ModelError('not_found', 'That prompt does not exist');
  doc.transact(() => meta(doc).set('currentPromptId', promptId));
}

export function setSpotlight(doc: Y.Doc, tableId: string | null): void {
  if (tableId !== null && !tables(doc).has(tableId)) throw new ModelError('not_found', 'That table does not exist');
  doc.transact(() => meta(doc).set('spotlightTableId', tableId));
}

/** Starts a round timer. `serverNow` comes from the server's clock, never the device's. */
export function startTimer(doc: Y.Doc, durationMs: number, serverNow: number): void {
  const timer = parseInput(TimerSchema, { startedAt: serverNow, durationMs, pausedRemainingMs: null }, 'timer');
  doc.transact(() => meta(doc).set('timer', timer));
}

export function stopTimer(doc: Y.Doc): void {
  doc.transact(() => meta(doc).delete('timer'));
}

/** Milliseconds left on a timer at server time `serverNow`; never negative. */
export function timerRemainingMs(timer: Timer | null, serverNow: number): number | null {
  if (!timer) return null;
  if (typeof timer.pausedRemainingMs === 'number') return timer.pausedRemainingMs;
  return Math.max(0, timer.startedAt + timer.durationMs - serverNow);
}

export function addPrompt(doc: Y.Doc, text: string, durationMinutes = 20): string {
  const id = newId(8);
  const entry = parseInput(PromptEntrySchema, { id, text, order: prompts(doc).size, durationMinutes }, 'prompt');
  doc.transact(() => prompts(doc).set(id, entry));
  return id;
}

export function updatePrompt(doc: Y.Doc, id: string, patch: { text?: string; durationMinutes?: number; order?: number }): void {
  const current = prompts(doc).get(id);
  if (!current) throw new ModelError('not_found', 'That prompt does not exist');
  const entry = parseInput(PromptEntrySchema, { ...current, ...patch }, 'prompt');
  doc.transact(() => prompts(doc).set(id, entry));
}

export function removePrompt(doc: Y.Doc, id: string): void {
  if (!prompts(doc).has(id)) throw new ModelError('not_found', 'That prompt does not exist');
  doc.transact(() => {
    prompts(doc).delete(id);
    if (meta(doc).get('currentPromptId') === id) meta(doc).set('currentPromptId', null);
  });
}

function assertUniqueTableName(doc: Y.Doc, name: string, exceptId?: string): void {
  const key = name.toLowerCase();
  for (const table of tables(doc).values()) {
    if (table.id !== exceptId && table.name.toLowerCase() === key) {
      throw new ModelError('duplicate', `There is already a table called "${name}"`);
    }
  }
}

export function addTable(doc: Y.Doc, name?: string): TableEntry {
  if (tables(doc).size >= MAX_TABLES) throw new ModelError('invalid_input', `An event can have at most ${MAX_TABLES} tables`);
  let order = 0;
  for (const table of tables(doc).values()) order = Math.max(order, table.order + 1);
  let id = `t${order + 1}`;
  while (tables(doc).has(id)) id = `t${newId(6)}`;
  const validName = parseInput(TableNameSchema, name ?? `Table ${order + 1}`, 'table name');
  assertUniqueTableName(doc, validName);
  const table = { ...NEW_TABLE_FEATURES, id, name: validName, order };
  doc.transact(() => tables(doc).set(id, table));
  return table;
}

export function renameTable(doc: Y.Doc, tableId: string, name: string): void {
  const current = tables(doc).get(tableId);
  if (!current) throw new ModelError('not_found', 'That table does not exist');
  const validName = parseInput(TableNameSchema, name, 'table name');
  assertUniqueTableName(doc, validName, tableId);
  doc.transact(() => tables(doc).set(tableId, { ...current, name: validName }));
}

export function removeTable(doc: Y.Doc, tableId: string): void {
  if (!tables(doc).has(tableId)) throw new ModelError('not_found', 'That table does not exist');
  doc.transact(() => tables(doc).delete(tableId));
}

/** Locks or unlocks one table, or every table when `tableId` is `'all'`. */
export function setTableLocked(doc: Y.Doc, tableId: string | 'all', locked: boolean): void {
  const targets = tableId === 'all' ? [...tables(doc).keys()] : [tableId];
  doc.transact(() => {
    for (const id of targets) {
      const current = tables(doc).get(id);
      if (!current) throw new ModelError('not_found', 'That table does not exist');
      tables(doc).set(id, { ...current, locked });
    }
  });
}

/** Sets what a table offers (step-free, scribe, hearing loop, near the exit, languages), for seating. */
export function setTableFeatures(doc: Y.Doc, tableId: string, features: TableFeatures): void {
  const current = tables(doc).get(tableId);
  if (!current) throw new ModelError('not_found', 'That table does not exist');
  const valid = parseInput(TableFeaturesSchema, features, 'table features');
  const languages = valid.languages ? uniqueLanguages(valid.languages) : undefined;
  doc.transact(() => tables(doc).set(tableId, { ...current, ...valid, ...(languages ? { languages } : {}) }));
}

function uniqueLanguages(languages: readonly string[]): string[] {
  const seen = new Set<string>();
  return languages.filter((language) => !seen.has(language.toLowerCase()) && seen.add(language.toLowerCase()));
}

/**
 * The stakeholder groups seating spreads first, so scarce voices reach as many tables as possible.
 * Every id must be one of the event's groups; an empty list turns the rule off.
 */
export function setPriorityGroups(doc: Y.Doc, groupIds: readonly string[]): void {
  const valid = parseInput(v.array(VocabularyIdSchema), groupIds, 'priority groups');
  const known = new Set(groups(doc).toArray().map((group) => group.id));
  const unknown = valid.find((id) => !known.has(id));
  if (unknown !== undefined) throw new ModelError('invalid_input', `"${unknown}" is not one of this event's stakeholder groups`);
  doc.transact(() => meta(doc).set('priorityGroups', [...new Set(valid)]));
}

function readPriorityGroups(value: unknown, known: readonly VocabularyEntry[]): string[] {
  const ids = Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : DEFAULT_PRIORITY_GROUPS;
  return ids.filter((id) => known.some((group) => group.id === id));
}

/** Replaces an editable vocabulary (stakeholder groups or sectors). Ids must be unique. */
export function setVocabulary(doc: Y.Doc, list: 'groups' | 'sectors', entries: VocabularyEntry[]): void {
  const valid = parseInput(v.array(VocabularyEntrySchema), entries, list);
  const ids = new Set(valid.map((entry) => entry.id));
  if (ids.size !== valid.length) throw new ModelError('duplicate', `Each entry in ${list} needs its own id`);
  if (valid.length === 0) throw new ModelError('invalid_input', `The ${list} list cannot be empty`);
  const target = list === 'groups' ? groups(doc) : sectors(doc);
  doc.transact(() => {
    target.delete(0, target.length);
    target.push(valid);
  });
}

const TranslationSchema = v.object({
  locale: v.pipe(v.string('language must be text'), v.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'language must be a code like "ur" or "cy"')),
  kind: v.picklist(['prompt', 'group'], 'kind must be prompt or group'),
  id: v.string('id must be text'),
  text: v.pipe(v.string('Translation must be text'), v.trim(), v.maxLength(LIMITS.label, `Translation must be at most ${LIMITS.label} characters`)),
});
export type TranslationInput = v.InferInput<typeof TranslationSchema>;

/** What the facilitator has translated, by language: prompt id → text, group id → label. */
export type EventTranslations = Record<string, { prompts: Record<string, string>; groups: Record<string, string> }>;

/**
 * Sets the facilitator's translation of a prompt or a stakeholder group's name into one language, so
 * phones in that language show it. Empty text removes the translation.
 */
export function setTranslation(doc: Y.Doc, input: TranslationInput): void {
  const valid = parseInput(TranslationSchema, input, 'translation');
  const exists = valid.kind === 'prompt' ? prompts(doc).has(valid.id) : groups(doc).toArray().some((group) => group.id === valid.id);
  if (!exists) throw new ModelError('not_found', valid.kind === 'prompt' ? 'That prompt does not exist' : 'That stakeholder group does not exist');
  const key = `${valid.locale}/${valid.kind}/${valid.id}`;
  doc.transact(() => {
    if (valid.text === '') translations(doc).delete(key);
    else translations(doc).set(key, valid.text);
  });
}

function readTranslations(doc: Y.Doc, problems: ReadProblem[]): EventTranslations {
  const result: EventTranslations = {};
  for (const [key, text] of translations(doc).entries()) {
    const [locale, kind, id, ...rest] = key.split('/');
    if (!locale || !id || rest.length > 0 || (kind !== 'prompt' && kind !== 'group') || typeof text !== 'string' || text.length > LIMITS.label) {
      problems.push({ collection: 'translations', key: key.slice(0, 80), reason: 'malformed translation' });
      continue;
    }
    const entry = (result[locale] ??= { prompts: {}, groups: {} });
    entry[kind === 'prompt' ? 'prompts' : 'groups'][id] = text;
  }
  return result;
}

/** A prompt's or group's text in the given language when the facilitator translated it, else as written. */
export function translatedText(event: Pick<EventSnapshot, 'translations'>, locale: string, kind: 'prompt' | 'group', id: string, original: string): string {
  const entry = event.translations[locale];
  return (kind === 'prompt' ? entry?.prompts[id] : entry?.groups[id]) ?? original;
}

export interface EventSnapshot extends RoomControls {
  schemaVersion: number;
  eventId: string;
  title: string;
  /** A demo event with made-up data (written by the server): every screen and the report say so. */
  demo: boolean;
  date: string;
  venue: string;
  description: string;
  phase: Phase;
  currentPromptId: string | null;
  spotlightTableId: string | null;
  votesPerParticipant: number;
  allowStackedVotes: boolean;
  timer: Timer | null;
  groups: VocabularyEntry[];
  /** Stakeholder groups seating spreads first (default: lived experience and carers). */
  priorityGroups: string[];
  sectors: VocabularyEntry[];
  prompts: PromptEntry[];
  tables: TableEntry[];
  /** The facilitator's translations of prompts and group names, by language. */
  translations: EventTranslations;
  /** table id → stakeholder group → consents at join (published by the server). */
  consentByTable: Record<string, Record<string, number>>;
  problems: ReadProblem[];
}

function readString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function uniqueById<T extends { id: string }>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => !seen.has(entry.id) && seen.add(entry.id));
}

/** Reads the event doc as plain, validated data; malformed entries are skipped and reported. */
export function readEvent(doc: Y.Doc): EventSnapshot {
  const problems: ReadProblem[] = [];
  const info = meta(doc);
  const phase = v.safeParse(PhaseSchema, info.get('phase'));
  const timer = v.safeParse(TimerSchema, info.get('timer'));
  const votesPer = info.get('votesPerParticipant');
  const byOrder = <T extends { order: number }>(a: T, b: T) => a.order - b.order;
  const currentPromptId = readString(info.get('currentPromptId')) || null;
  const spotlightTableId = readString(info.get('spotlightTableId')) || null;
  const groupList = uniqueById(readValidEntries(groups(doc).toArray().map((g, i) => [String(i), g]), VocabularyEntrySchema, 'groups', problems));
  const controls = readRoomControls(doc, problems);
  return {
    ...controls,
    schemaVersion: schemaVersionOf(doc),
    eventId: readString(info.get('eventId')),
    title: readString(info.get('title'), 'Untitled event'),
    demo: info.get('demo') === true,
    date: readString(info.get('date')),
    venue: readString(info.get('venue')),
    description: readString(info.get('description')),
    phase: phase.success ? phase.output : 'setup',
    currentPromptId,
    spotlightTableId,
    votesPerParticipant: typeof votesPer === 'number' && votesPer >= 1 ? Math.floor(votesPer) : 3,
    allowStackedVotes: info.get('allowStackedVotes') === true,
    timer: timer.success ? timer.output : null,
    groups: groupList,
    priorityGroups: readPriorityGroups(info.get('priorityGroups'), groupList),
    sectors: uniqueById(readValidEntries(sectors(doc).toArray().map((s, i) => [String(i), s]), VocabularyEntrySchema, 'sectors', problems)),
    prompts: readValidEntries(prompts(doc).entries(), PromptEntrySchema, 'prompts', problems).sort(byOrder),
    tables: readValidEntries(tables(doc).entries(), TableEntrySchema, 'tables', problems).sort(byOrder),
    translations: readTranslations(doc, problems),
    consentByTable: Object.fromEntries(
      [...consent(doc).entries()].flatMap(([tableId, raw]) => {
        const counts = v.safeParse(ConsentCountsSchema, raw);
        return counts.success ? [[tableId, counts.output]] : [];
      }),
    ),
    problems,
  };
}

export function observeEvent(doc: Y.Doc, callback: (snapshot: EventSnapshot) => void): () => void {
  const handler = () => callback(readEvent(doc));
  doc.on('update', handler);
  handler();
  return () => doc.off('update', handler);
}

/**
 * Why editing a table is off, as a stable code a screen turns into words in its own language:
 * `event_closed`, `paused` (the facilitator's pause; its message is theirs), `table_removed`, `table_locked`.
 */
export type EditBlockedCode = 'event_closed' | 'paused' | 'table_removed' | 'table_locked';

/** Why a participant cannot edit a table right now, as a code, or null when they can. */
export function tableEditBlockedCode(event: EventSnapshot, tableId: string): EditBlockedCode | null {
  if (event.phase === 'closed') return 'event_closed';
  if (event.pause) return 'paused';
  const table = event.tables.find((entry) => entry.id === tableId);
  if (!table) return 'table_removed';
  if (table.locked) return 'table_locked';
  return null;
}

/** The English words for each blocked code (a pause shows the facilitator's own message instead). */
export const EDIT_BLOCKED_REASONS: Readonly<Record<Exclude<EditBlockedCode, 'paused'>, string>> = {
  event_closed: 'The event is closed, so the maps and notes are now read-only.',
  table_removed: 'This table no longer exists.',
  table_locked: 'The facilitator has locked this table for now.',
};

/** Why a participant cannot edit a table right now, in English, or null when they can. Used by apps and the server alike. */
export function tableEditBlockedReason(event: EventSnapshot, tableId: string): string | null {
  const code = tableEditBlockedCode(event, tableId);
  if (code === null) return null;
  return code === 'paused' ? (event.pause?.message ?? '') : EDIT_BLOCKED_REASONS[code];
}
