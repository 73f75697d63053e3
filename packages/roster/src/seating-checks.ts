import type { VocabularyEntry } from '@tablemap/model';
import { needsScribe, needsStepFree, organisationKey, type SeatableAttendee } from './attendee.ts';

export interface SeatingTable {
  id: string;
  name: string;
  /** A scribe captures for the whole table, so people without a smartphone can take part. */
  hasScribe?: boolean;
  /** The table can be reached without steps. */
  stepFree?: boolean;
}

export type SeatingConstraint =
  | 'group_coverage'
  | 'rare_group_spread'
  | 'organisation_mix'
  | 'table_size'
  | 'step_free'
  | 'scribe'
  | 'unseated';

export interface UnmetConstraint {
  constraint: SeatingConstraint;
  tableId?: string;
  attendeeId?: string;
  /** True when no seating could meet it (say, 13 people from one organisation at 12 tables). */
  unavoidable?: boolean;
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
    });
  }
  const tableCount = tables.length;
  if (tableCount === 0) return unmet;

  const byTable = new Map<string, SeatingAttendee[]>(tables.map((table) => [table.id, []]));
  for (const attendee of seated) byTable.get(assignments[attendee.id]!)!.push(attendee);

  checkGroups(attendees, tables, byTable, options, unmet);
  checkOrganisations(attendees, tables, byTable, options, unmet);
  checkSizes(tables, byTable, unmet);
  checkNeeds(seated, assignments, tables, byTable, options, unmet);
  return unmet;
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
        });
      } else if (total < tables.length && count > 1) {
        unmet.push({
          constraint: 'rare_group_spread',
          tableId: table.id,
          message: `${table.name} has ${count} people ${groupPhrase(groupId, options.groups)}, while only ${total} came for ${tables.length} tables: spread them one per table`,
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
      unmet.push({ constraint: 'organisation_mix', tableId: table.id, message: `${table.name} has ${who} (${why})`, ...(unavoidable ? { unavoidable: true } : {}) });
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
    });
  }
}

function checkNeeds(
  seated: readonly SeatingAttendee[],
  assignments: Readonly<Record<string, string>>,
  tables: readonly SeatingTable[],
  byTable: Map<string, SeatingAttendee[]>,
  options: AssessOptions,
  unmet: UnmetConstraint[],
): void {
  const kinds = [
    { constraint: 'step_free' as const, needs: needsStepFree, fits: (table: SeatingTable) => table.stepFree === true, need: 'step-free access', place: 'step-free table' },
    { constraint: 'scribe' as const, needs: needsScribe, fits: (table: SeatingTable) => table.hasScribe === true, need: 'a scribe (no smartphone)', place: 'table with a scribe' },
  ];
  const tableById = new Map(tables.map((table) => [table.id, table]));
  for (const kind of kinds) {
    const people = seated.filter((attendee) => kind.needs(attendee.needs));
    const fitting = tables.filter(kind.fits);
    const seats = fitting.reduce((sum, table) => sum + byTable.get(table.id)!.length, 0);
    for (const attendee of people) {
      const table = tableById.get(assignments[attendee.id]!)!;
      if (kind.fits(table)) continue;
      let why: string;
      if (fitting.length === 0) why = `no table is marked as a ${kind.place}`;
      else if (people.length > seats) why = `${people.length} people need it but the ${fitting.length === 1 ? kind.place : `${kind.place}s`} seat only ${seats}`;
      else if (options.context === 'plan') why = 'every move to a suitable table would break group coverage or seat colleagues together';
      else why = `move them to ${fitting.map((entry) => entry.name).slice(0, 5).join(', ')}`;
      unmet.push({
        constraint: kind.constraint,
        tableId: table.id,
        attendeeId: attendee.id,
        message: `${attendee.name ?? 'An attendee'} needs ${kind.need} but is at ${table.name}: ${why}`,
        ...(fitting.length === 0 || people.length > seats ? { unavoidable: true } : {}),
      });
    }
  }
}
