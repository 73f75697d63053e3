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
  TimerSchema,
  VocabularyEntrySchema,
  IdSchema,
  VocabularyIdSchema,
  type EventDetails,
  type PromptEntry,
  type TableEntry,
  type Timer,
} from './schemas.ts';
import { parseInput, readValidEntries, type ReadProblem } from './validate.ts';
import { DEFAULT_PROMPTS, DEFAULT_SECTORS, DEFAULT_STAKEHOLDER_GROUPS, type Phase, type VocabularyEntry } from './vocabulary.ts';
import { migrate, schemaVersionOf } from './versions.ts';
import { readRoomControls, type RoomControls } from './room-controls.ts';

const meta = (doc: Y.Doc) => doc.getMap<unknown>('meta');
const prompts = (doc: Y.Doc) => doc.getMap<PromptEntry>('prompts');
const tables = (doc: Y.Doc) => doc.getMap<TableEntry>('tables');
const groups = (doc: Y.Doc) => doc.getArray<VocabularyEntry>('groups');
const sectors = (doc: Y.Doc) => doc.getArray<VocabularyEntry>('sectors');
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
    info.set('createdAt', Date.now());
    groups(doc).push([...DEFAULT_STAKEHOLDER_GROUPS]);
    sectors(doc).push([...DEFAULT_SECTORS]);
    DEFAULT_PROMPTS.forEach((text, order) => {
      const id = newId(8);
      prompts(doc).set(id, { id, text, order, durationMinutes: 20 });
    });
    for (let index = 0; index < valid.tableCount; index++) {
      const table = { id: `t${index + 1}`, name: `Table ${index + 1}`, order: index, locked: false, stepFree: false, hasScribe: false };
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
  const table = { id, name: validName, order, locked: false, stepFree: false, hasScribe: false };
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

/** Marks a table as step-free and/or as having a scribe, for seating. */
export function setTableFeatures(doc: Y.Doc, tableId: string, features: { stepFree?: boolean; hasScribe?: boolean }): void {
  const current = tables(doc).get(tableId);
  if (!current) throw new ModelError('not_found', 'That table does not exist');
  const valid = parseInput(v.object({ stepFree: v.optional(v.boolean()), hasScribe: v.optional(v.boolean()) }), features, 'table features');
  doc.transact(() => tables(doc).set(tableId, { ...current, ...valid }));
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

export interface EventSnapshot extends RoomControls {
  schemaVersion: number;
  eventId: string;
  title: string;
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
  sectors: VocabularyEntry[];
  prompts: PromptEntry[];
  tables: TableEntry[];
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
  const controls = readRoomControls(doc, problems);
  return {
    ...controls,
    schemaVersion: schemaVersionOf(doc),
    eventId: readString(info.get('eventId')),
    title: readString(info.get('title'), 'Untitled event'),
    date: readString(info.get('date')),
    venue: readString(info.get('venue')),
    description: readString(info.get('description')),
    phase: phase.success ? phase.output : 'setup',
    currentPromptId,
    spotlightTableId,
    votesPerParticipant: typeof votesPer === 'number' && votesPer >= 1 ? Math.floor(votesPer) : 3,
    allowStackedVotes: info.get('allowStackedVotes') === true,
    timer: timer.success ? timer.output : null,
    groups: uniqueById(readValidEntries(groups(doc).toArray().map((g, i) => [String(i), g]), VocabularyEntrySchema, 'groups', problems)),
    sectors: uniqueById(readValidEntries(sectors(doc).toArray().map((s, i) => [String(i), s]), VocabularyEntrySchema, 'sectors', problems)),
    prompts: readValidEntries(prompts(doc).entries(), PromptEntrySchema, 'prompts', problems).sort(byOrder),
    tables: readValidEntries(tables(doc).entries(), TableEntrySchema, 'tables', problems).sort(byOrder),
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

/** Why a participant cannot edit a table right now, or null when they can. Used by apps and the server alike. */
export function tableEditBlockedReason(event: EventSnapshot, tableId: string): string | null {
  if (event.phase === 'closed') return 'The event is closed, so the maps and notes are now read-only.';
  if (event.pause) return event.pause.message;
  const table = event.tables.find((entry) => entry.id === tableId);
  if (!table) return 'This table no longer exists.';
  if (table.locked) return 'The facilitator has locked this table for now.';
  return null;
}
