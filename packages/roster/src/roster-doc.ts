import * as v from 'valibot';
import * as Y from 'yjs';
import { IdSchema, ModelError, migrate, parseInput, readValidEntries, type ReadProblem } from '@tablemap/model';
import { AttendeeSchema, type Attendee } from './attendee.ts';

/**
 * The roster doc (`roster/<eventId>`) is opened to facilitators only. It holds:
 * - `attendees`: attendee id → attendee (name, organisation, group, email, needs);
 * - `seating`: attendee id → table id.
 * Names and emails live here and nowhere else.
 */
const attendeesMap = (doc: Y.Doc) => doc.getMap<unknown>('attendees');
const seatingMap = (doc: Y.Doc) => doc.getMap<unknown>('seating');
/** After redaction: `<group>|<tableId or ''>` → number of attendees. No names, emails or needs. */
const redactedCountsMap = (doc: Y.Doc) => doc.getMap<unknown>('redactedCounts');

export const MAX_ROSTER_SIZE = 5000;

const AttendeeListSchema = v.pipe(
  v.array(AttendeeSchema),
  v.maxLength(MAX_ROSTER_SIZE, `At most ${MAX_ROSTER_SIZE} attendees can be imported at once`),
);

export interface RosterSnapshot {
  attendees: Attendee[];
  /** attendee id → table id, only for attendees that exist. */
  seating: Record<string, string>;
  /** Stored entries that failed validation; they are skipped, never shown. */
  problems: ReadProblem[];
  /** Set once names, emails and needs were removed: how many attendees each group had, per table. */
  redactedCounts: RedactedCount[] | null;
}

export interface RedactedCount {
  group: string;
  tableId: string | null;
  count: number;
}

/** Adds attendees in one transaction. Any invalid or clashing entry refuses the whole batch. */
export function importAttendees(doc: Y.Doc, attendees: readonly Attendee[]): void {
  const valid = parseInput(AttendeeListSchema, attendees, 'attendee list');
  const ids = new Set<string>();
  for (const attendee of valid) {
    if (ids.has(attendee.id)) throw new ModelError('duplicate', `Attendee id ${attendee.id} appears twice in the list`, [attendee.id]);
    if (attendeesMap(doc).has(attendee.id)) {
      throw new ModelError('duplicate', `Attendee id ${attendee.id} is already in the roster`, [attendee.id]);
    }
    ids.add(attendee.id);
  }
  doc.transact(() => {
    migrate(doc, 'roster');
    for (const attendee of valid) attendeesMap(doc).set(attendee.id, withoutUndefined(attendee));
  });
}

/** Reads the roster back, validating every entry; malformed entries are skipped and reported. */
export function readRoster(doc: Y.Doc): RosterSnapshot {
  const problems: ReadProblem[] = [];
  const attendees: Attendee[] = [];
  for (const [key, raw] of attendeesMap(doc).entries()) {
    const [attendee] = readValidEntries([[key, raw]], AttendeeSchema, 'attendees', problems);
    if (!attendee) continue;
    // Moves and removals address people by key, so a key that disagrees with the id is not trusted.
    if (attendee.id === key) attendees.push(attendee);
    else problems.push({ collection: 'attendees', key: key.slice(0, 80), reason: 'stored under a different key than its id' });
  }
  const known = new Set(attendees.map((attendee) => attendee.id));
  const seating: Record<string, string> = {};
  for (const [attendeeId, tableId] of seatingMap(doc).entries()) {
    if (!known.has(attendeeId)) {
      problems.push({ collection: 'seating', key: attendeeId.slice(0, 80), reason: 'seat for an attendee who is not in the roster' });
    } else if (!v.is(IdSchema, tableId)) {
      problems.push({ collection: 'seating', key: attendeeId, reason: 'table id is malformed' });
    } else {
      seating[attendeeId] = tableId;
    }
  }
  attendees.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { attendees, seating, problems, redactedCounts: readRedactedCounts(doc) };
}

function readRedactedCounts(doc: Y.Doc): RedactedCount[] | null {
  const map = redactedCountsMap(doc);
  if (map.size === 0) return null;
  const counts: RedactedCount[] = [];
  for (const [key, count] of map.entries()) {
    const [group, tableId = ''] = key.split('|');
    if (!group || !v.is(IdSchema, group) || (tableId && !v.is(IdSchema, tableId)) || typeof count !== 'number' || !Number.isInteger(count) || count < 1) continue;
    counts.push({ group, tableId: tableId || null, count });
  }
  return counts.sort((a, b) => a.group.localeCompare(b.group) || (a.tableId ?? '').localeCompare(b.tableId ?? ''));
}

/**
 * Removes every attendee's name, organisation, email and needs, and their seats, keeping only how many
 * people of each stakeholder group sat at each table (for the report's counts). One transaction; the
 * removed text leaves storage once the doc is compacted (the server does that straight after).
 */
export function redactRoster(doc: Y.Doc): RedactedCount[] {
  const { attendees, seating } = readRoster(doc);
  const counts = new Map<string, number>();
  for (const existing of readRedactedCounts(doc) ?? []) counts.set(`${existing.group}|${existing.tableId ?? ''}`, existing.count);
  for (const attendee of attendees) {
    const key = `${attendee.group}|${seating[attendee.id] ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  doc.transact(() => {
    migrate(doc, 'roster');
    for (const key of [...attendeesMap(doc).keys()]) attendeesMap(doc).delete(key);
    for (const key of [...seatingMap(doc).keys()]) seatingMap(doc).delete(key);
    for (const [key, count] of counts) redactedCountsMap(doc).set(key, count);
  });
  return readRedactedCounts(doc) ?? [];
}

/** Seats one attendee at a table, or unseats them with `null`. */
export function seatAttendee(doc: Y.Doc, attendeeId: string, tableId: string | null): void {
  requireAttendee(doc, attendeeId);
  if (tableId === null) {
    doc.transact(() => seatingMap(doc).delete(attendeeId));
    return;
  }
  const validTable = parseInput(IdSchema, tableId, 'table id');
  doc.transact(() => seatingMap(doc).set(attendeeId, validTable));
}

/**
 * Replaces the whole seating with a plan's assignments, in one transaction. Attendees the plan leaves
 * out become unseated. Refuses (changing nothing) if the plan names someone not in the roster.
 */
export function applySeating(doc: Y.Doc, plan: { assignments: Readonly<Record<string, string>> }): void {
  const entries = Object.entries(plan.assignments);
  for (const [attendeeId, tableId] of entries) {
    requireAttendee(doc, attendeeId);
    parseInput(IdSchema, tableId, 'table id');
  }
  doc.transact(() => {
    const seating = seatingMap(doc);
    for (const attendeeId of [...seating.keys()]) if (!(attendeeId in plan.assignments)) seating.delete(attendeeId);
    for (const [attendeeId, tableId] of entries) if (seating.get(attendeeId) !== tableId) seating.set(attendeeId, tableId);
  });
}

/** Removes an attendee and their seat, in one transaction. */
export function removeAttendee(doc: Y.Doc, attendeeId: string): void {
  requireAttendee(doc, attendeeId);
  doc.transact(() => {
    attendeesMap(doc).delete(attendeeId);
    seatingMap(doc).delete(attendeeId);
  });
}

/** Calls back with a fresh snapshot after every change to the roster; returns an unsubscribe function. */
export function observeRoster(doc: Y.Doc, callback: (snapshot: RosterSnapshot) => void): () => void {
  const handler = () => callback(readRoster(doc));
  const maps = [attendeesMap(doc), seatingMap(doc), redactedCountsMap(doc)];
  for (const map of maps) map.observe(handler);
  return () => {
    for (const map of maps) map.unobserve(handler);
  };
}

function requireAttendee(doc: Y.Doc, attendeeId: string): void {
  if (typeof attendeeId !== 'string' || !attendeesMap(doc).has(attendeeId)) {
    throw new ModelError('not_found', `Attendee ${String(attendeeId).slice(0, 40)} is not in the roster`);
  }
}

/** Yjs stores `undefined` as a value; leave optional fields out instead. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
