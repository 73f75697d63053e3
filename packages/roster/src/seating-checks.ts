import { DEFAULT_PRIORITY_GROUPS, type VocabularyEntry } from '@tablemap/model';
import {
  languageKey,
  needsHearingLoop,
  needsNearExit,
  needsScribe,
  needsStepFree,
  organisationKey,
  type SeatableAttendee,
} from './attendee.ts';

export interface SeatingTable {
  id: string;
  name: string;
  /** A scribe captures for the whole table, so people without a smartphone can take part. */
  hasScribe?: boolean;
  /** The table can be reached without steps. */
  stepFree?: boolean;
  /** An induction loop reaches the table. */
  hearingLoop?: boolean;
  /** Near the exit or a quiet room. */
  nearExit?: boolean;
  /** Languages spoken at the table besides English. */
  languages?: readonly string[];
}

/** Constraint kinds, most important first: warnings are listed in this order. */
export const SEATING_CONSTRAINTS = [
  'priority_voice',
  'unseated',
  'step_free',
  'scribe',
  'hearing_loop',
  'near_exit',
  'language',
  'group_coverage',
  'rare_group_spread',
  'organisation_mix',
  'table_size',
] as const;
export type SeatingConstraint = (typeof SEATING_CONSTRAINTS)[number];

export interface UnmetConstraint {
  constraint: SeatingConstraint;
  tableId?: string;
  /** The one attendee it is about, when it is about one. */
  attendeeId?: string;
  /** Everyone an access-need warning is about (one warning per cause, not per person). */
  attendeeIds?: string[];
  /** True when no seating could meet it (say, 13 people from one organisation at 12 tables). */
  unavoidable?: boolean;
  message: string;
  /** What the facilitator can do about it, in plain words. */
  action: string;
}

/**
 * Tables a plan leaves without any priority voice, and the two ways out: seat at fewer tables, or
 * invite more people from the priority groups.
 */
export interface PriorityVoiceGap {
  /** Ids of the tables with no one from a priority group, in table order. */
  tableIds: string[];
  /** How many people from priority groups there are. */
  priorityPeople: number;
  /** Seat at this many tables and every table has a priority voice (0 when there is nobody to spread). */
  fewerTables: number;
  /** Or invite this many more people from the priority groups. */
  inviteMore: number;
  /** One sentence naming the tables and both choices. */
  message: string;
}

/** Attendees as seating sees them; a name, when given, makes messages easier to act on. */
export type SeatingAttendee = SeatableAttendee & { name?: string };

/** Phrases that read naturally in "Table 4 has no one …". */
const GROUP_PHRASES: Record<string, string> = {
  lived_experience: 'with lived experience',
  carer: 'from carers and family',
};

export function groupPhrase(groupId: string, groups: readonly VocabularyEntry[] | undefined): string {
  const phrase = GROUP_PHRASES[groupId];
  if (phrase) return phrase;
  const label = groups?.find((group) => group.id === groupId)?.label ?? groupId;
  return `from ${label}`;
}

export interface AssessOptions {
  groups?: readonly VocabularyEntry[];
  /** Groups spread first; defaults to lived experience and carers. */
  priorityGroups?: readonly string[];
  /** 'plan': explain why the planner could not do better; 'live': say what the facilitator could do. */
  context: 'plan' | 'live';
}

/**
 * Every seating constraint that an assignment does not meet, each with a reason. Used for the
 * planner's report and for live warnings while a facilitator moves people by hand.
 */
export function assessSeating(
  attendees: readonly SeatingAttendee[],
  assignments: Readonly<Record<string, string>>,
  tables: readonly SeatingTable[],
  options: AssessOptions,
): UnmetConstraint[] {
  const unmet: UnmetConstraint[] = [];
  const tableById = new Map(tables.map((table) => [table.id, table]));
  const seated = attendees.filter((attendee) => tableById.has(assignments[attendee.id] ?? ''));
  const unseatedCount = attendees.length - seated.length;
  if (unseatedCount > 0) {
    unmet.push({
      constraint: 'unseated',
      message: unseatedCount === 1 ? '1 attendee has no table yet' : `${unseatedCount} attendees have no table yet`,
      action: 'Seat everyone automatically, or choose a table for each person',
    });
  }
  const tableCount = tables.length;
  if (tableCount === 0) return unmet;

  const byTable = new Map<string, SeatingAttendee[]>(tables.map((table) => [table.id, []]));
  for (const attendee of seated) byTable.get(assignments[attendee.id]!)!.push(attendee);

  checkPriorityVoices(attendees, tables, byTable, options, unmet);
  checkGroups(attendees, tables, byTable, options, unmet);
  checkOrganisations(attendees, tables, byTable, options, unmet);
  checkSizes(tables, byTable, unmet);
  checkNeeds(seated, assignments, tables, byTable, options, unmet);
  const rank = (entry: UnmetConstraint) => SEATING_CONSTRAINTS.indexOf(entry.constraint);
  return unmet.sort((a, b) => rank(a) - rank(b));
}

/** Lists phrases as "a, b or c". */
function either(phrases: readonly string[]): string {
  return phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} or ${phrases.at(-1)}`;
}

function priorityPhrase(options: AssessOptions): string {
  const ids = options.priorityGroups ?? DEFAULT_PRIORITY_GROUPS;
  return either(ids.map((id) => groupPhrase(id, options.groups)));
}

/**
 * Which tables have no one from a priority group, and what would fix it. Null when every table has a
 * priority voice, or when the event has no priority groups.
 */
export function priorityVoiceGap(
  attendees: readonly SeatingAttendee[],
  assignments: Readonly<Record<string, string>>,
  tables: readonly SeatingTable[],
  options: Pick<AssessOptions, 'groups' | 'priorityGroups'> = {},
): PriorityVoiceGap | null {
  const priority = new Set(options.priorityGroups ?? DEFAULT_PRIORITY_GROUPS);
  if (priority.size === 0 || tables.length === 0) return null;
  const voices = attendees.filter((attendee) => priority.has(attendee.group));
  const covered = new Set(voices.map((attendee) => assignments[attendee.id]));
  const without = tables.filter((table) => !covered.has(table.id));
  if (without.length === 0) return null;
  const phrase = priorityPhrase(options as AssessOptions);
  const inviteMore = Math.max(0, tables.length - voices.length);
  const names = without.map((table) => table.name);
  const tablesText = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const choices = voices.length === 0
    ? `Invite people ${phrase}`
    : inviteMore > 0
      ? `Seat people at ${voices.length} ${voices.length === 1 ? 'table' : 'tables'} instead of ${tables.length}, or invite ${inviteMore} more ${inviteMore === 1 ? 'person' : 'people'} ${phrase}`
      : `Move people so each table has one person ${phrase}`;
  return {
    tableIds: without.map((table) => table.id),
    priorityPeople: voices.length,
    fewerTables: voices.length,
    inviteMore: voices.length === 0 ? tables.length : inviteMore,
    message: `${tablesText} ${without.length === 1 ? 'has' : 'have'} no one ${phrase}. ${choices}.`,
  };
}

function checkPriorityVoices(
  attendees: readonly SeatingAttendee[],
  tables: readonly SeatingTable[],
  byTable: Map<string, SeatingAttendee[]>,
  options: AssessOptions,
  unmet: UnmetConstraint[],
): void {
  const assignments: Record<string, string> = {};
  for (const [tableId, people] of byTable) for (const person of people) assignments[person.id] = tableId;
  const gap = priorityVoiceGap(attendees, assignments, tables, options);
  if (!gap) return;
  const priority = new Set(options.priorityGroups ?? DEFAULT_PRIORITY_GROUPS);
  const phrase = priorityPhrase(options);
  const crowded = tables.find((table) => byTable.get(table.id)!.filter((person) => priority.has(person.group)).length > 1);
  const tooFew = gap.priorityPeople < tables.length;
  for (const tableId of gap.tableIds) {
    const table = tables.find((entry) => entry.id === tableId)!;
    const action = tooFew
      ? gap.message.slice(gap.message.indexOf('. ') + 2, -1)
      : crowded
        ? `Move one of the people ${phrase} at ${crowded.name} to ${table.name}`
        : `Seat someone ${phrase} at ${table.name}`;
    unmet.push({
      constraint: 'priority_voice',
      tableId,
      message: `${table.name} has no one ${phrase}`,
      action,
      ...(tooFew ? { unavoidable: true } : {}),
    });
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function checkGroups(
  attendees: readonly SeatingAttendee[],
  tables: readonly SeatingTable[],
  byTable: Map<string, SeatingAttendee[]>,
  options: AssessOptions,
  unmet: UnmetConstraint[],
): void {
  const totals = countBy(attendees, (attendee) => attendee.group);
  const groupIds = [...totals.keys()].sort();
  for (const table of tables) {
    const here = countBy(byTable.get(table.id)!, (attendee) => attendee.group);
    for (const groupId of groupIds) {
      const total = totals.get(groupId)!;
      const count = here.get(groupId) ?? 0;
      if (total >= tables.length && count === 0) {
        unmet.push({
          constraint: 'group_coverage',
          tableId: table.id,
          message: `${table.name} has no one ${groupPhrase(groupId, options.groups)} (there are ${total} for ${tables.length} tables)`,
          action: `Move someone ${groupPhrase(groupId, options.groups)} from a table that has two to ${table.name}`,
        });
      } else if (total < tables.length && count > 1) {
        unmet.push({
          constraint: 'rare_group_spread',
          tableId: table.id,
          message: `${table.name} has ${count} people ${groupPhrase(groupId, options.groups)}, while only ${total} came for ${tables.length} tables`,
          action: `Move ${count - 1 === 1 ? 'one of them' : `${count - 1} of them`} to tables with no one ${groupPhrase(groupId, options.groups)}`,
        });
      }
    }
  }
}

function checkOrganisations(
  attendees: readonly SeatingAttendee[],
  tables: readonly SeatingTable[],
  byTable: Map<string, SeatingAttendee[]>,
  options: AssessOptions,
  unmet: UnmetConstraint[],
): void {
  const totals = countBy(attendees.filter((attendee) => organisationKey(attendee.organisation) !== ''), (attendee) => organisationKey(attendee.organisation));
  for (const table of tables) {
    const byOrganisation = new Map<string, SeatingAttendee[]>();
    for (const attendee of byTable.get(table.id)!) {
      const key = organisationKey(attendee.organisation);
      if (key === '') continue;
      byOrganisation.set(key, [...(byOrganisation.get(key) ?? []), attendee]);
    }
    for (const [key, members] of byOrganisation) {
      if (members.length < 2) continue;
      const total = totals.get(key)!;
      const unavoidable = members.length <= Math.ceil(total / tables.length);
      const who = `${members.length} people from ${members[0]!.organisation}`;
      const why = unavoidable
        ? `unavoidable: ${total} of them came for ${tables.length} tables`
        : options.context === 'plan'
          ? 'separating them would leave a table without a stakeholder group it needs'
          : 'move one to another table';
      unmet.push({
        constraint: 'organisation_mix',
        tableId: table.id,
        message: `${table.name} has ${who} (${why})`,
        action: unavoidable ? `Nothing to do: add tables, or accept it` : `Move one of them to another table`,
        ...(unavoidable ? { unavoidable: true } : {}),
      });
    }
  }
}

function checkSizes(tables: readonly SeatingTable[], byTable: Map<string, SeatingAttendee[]>, unmet: UnmetConstraint[]): void {
  const sizes = tables.map((table) => ({ table, size: byTable.get(table.id)!.length }));
  const largest = sizes.reduce((best, entry) => (entry.size > best.size ? entry : best));
  const smallest = sizes.reduce((best, entry) => (entry.size < best.size ? entry : best));
  if (largest.size - smallest.size > 1) {
    unmet.push({
      constraint: 'table_size',
      tableId: largest.table.id,
      message: `${largest.table.name} has ${largest.size} people but ${smallest.table.name} has ${smallest.size}: table sizes should differ by at most 1`,
      action: `Move someone from ${largest.table.name} to ${smallest.table.name}`,
    });
  }
}

interface NeedKind {
  constraint: 'step_free' | 'scribe' | 'hearing_loop' | 'near_exit';
  needs: (needs: readonly string[] | undefined) => boolean;
  fits: (table: SeatingTable) => boolean;
  need: string;
  place: string;
  /** What to mark on a table (another one when some tables already offer it), as setup names it. */
  mark: (another: boolean) => string;
}

const markTable = (attribute: string) => (another: boolean) => `Mark ${another ? 'another' : 'a'} table "${attribute}"`;

/** Access needs and the table attribute that meets each. */
export const NEED_KINDS: readonly NeedKind[] = [
  { constraint: 'step_free', needs: needsStepFree, fits: (table) => table.stepFree === true, need: 'step-free access', place: 'step-free table', mark: markTable('Step-free') },
  { constraint: 'scribe', needs: needsScribe, fits: (table) => table.hasScribe === true, need: 'a scribe (no smartphone)', place: 'table with a scribe', mark: markTable('Scribe present') },
  { constraint: 'hearing_loop', needs: needsHearingLoop, fits: (table) => table.hearingLoop === true, need: 'a hearing loop', place: 'table with a hearing loop', mark: markTable('Hearing loop') },
  { constraint: 'near_exit', needs: needsNearExit, fits: (table) => table.nearExit === true, need: 'a seat near the exit or a quiet room', place: 'table near the exit', mark: markTable('Near the exit or a quiet room') },
];

/** True when a table lists the language (English fits every table). */
export function speaksLanguage(table: SeatingTable, language: string | undefined): boolean {
  const key = languageKey(language);
  return key === '' || (table.languages ?? []).some((entry) => entry.trim().toLowerCase() === key);
}

function checkNeeds(
  seated: readonly SeatingAttendee[],
  assignments: Readonly<Record<string, string>>,
  tables: readonly SeatingTable[],
  byTable: Map<string, SeatingAttendee[]>,
  options: AssessOptions,
  unmet: UnmetConstraint[],
): void {
  const languageKinds = [...new Set(seated.map((attendee) => languageKey(attendee.language)).filter((key) => key !== ''))].map((key) => {
    const spokenBy = seated.find((attendee) => languageKey(attendee.language) === key)!.language!.trim();
    return {
      constraint: 'language' as const,
      needs: (_needs: readonly string[] | undefined, attendee?: SeatingAttendee) => languageKey(attendee?.language) === key,
      fits: (table: SeatingTable) => speaksLanguage(table, key),
      need: `a table where ${spokenBy} is spoken`,
      place: `table speaking ${spokenBy}`,
      mark: (another: boolean) => `Add ${spokenBy} to the languages spoken at ${another ? 'another' : 'a'} table`,
    };
  });
  const kinds = [...NEED_KINDS, ...languageKinds];
  const tableById = new Map(tables.map((table) => [table.id, table]));
  for (const kind of kinds) {
    const people = seated.filter((attendee) => kind.needs(attendee.needs, attendee));
    const fitting = tables.filter(kind.fits);
    const seats = fitting.reduce((sum, table) => sum + byTable.get(table.id)!.length, 0);
    const missed = people.filter((attendee) => !kind.fits(tableById.get(assignments[attendee.id]!)!));
    if (missed.length === 0) continue;
    if (fitting.length === 0 || people.length > seats) {
      // One cause, one warning: the fix is the same for everyone it affects.
      const names = missed.map((attendee) => attendee.name ?? 'an attendee');
      const listed = missed.length === 1 ? names[0]! : `${missed.length} people (${names.slice(0, 4).join(', ')}${missed.length > 4 ? ', …' : ''})`;
      const who = listed.charAt(0).toUpperCase() + listed.slice(1);
      unmet.push({
        constraint: kind.constraint,
        attendeeIds: missed.map((attendee) => attendee.id),
        ...(missed.length === 1 ? { attendeeId: missed[0]!.id, tableId: assignments[missed[0]!.id]! } : {}),
        message: fitting.length === 0
          ? `${who} ${missed.length === 1 ? 'needs' : 'need'} ${kind.need}, but no table is marked as a ${kind.place}`
          : `${who} ${missed.length === 1 ? 'needs' : 'need'} ${kind.need}, but ${people.length} people need it and the ${fitting.length === 1 ? kind.place : `${kind.place}s`} seat only ${seats}`,
        action: `${kind.mark(fitting.length > 0)} in setup or on the seating page, then plan again`,
        unavoidable: true,
      });
      continue;
    }
    for (const attendee of missed) {
      const table = tableById.get(assignments[attendee.id]!)!;
      const suitable = fitting.map((entry) => entry.name).slice(0, 5).join(', ');
      const why = options.context === 'plan' ? 'every move to a suitable table would break group coverage or seat colleagues together' : `move them to ${suitable}`;
      const action = `Move ${attendee.name ?? 'them'} to ${suitable}`;
      unmet.push({
        constraint: kind.constraint,
        tableId: table.id,
        attendeeId: attendee.id,
        message: `${attendee.name ?? 'An attendee'} needs ${kind.need} but is at ${table.name}: ${why}`,
        action,
        attendeeIds: [attendee.id],
      });
    }
  }
}
