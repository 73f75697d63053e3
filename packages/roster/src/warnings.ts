import type { VocabularyEntry } from '@tablemap/model';
import { assessSeating, type SeatingAttendee, type SeatingTable } from './seating-checks.ts';

/**
 * Live warnings for the seating screen while a facilitator moves people by hand, e.g.
 * "Table 4 has no one with lived experience". Unavoidable clashes are left out: nobody can fix them.
 */
export function seatingWarnings(
  attendees: readonly SeatingAttendee[],
  assignments: Readonly<Record<string, string>>,
  tables: readonly SeatingTable[],
  groups: readonly VocabularyEntry[],
): string[] {
  const warnings = assessSeating(attendees, assignments, tables, { context: 'live', groups })
    .filter((entry) => !(entry.constraint === 'organisation_mix' && entry.unavoidable))
    .map((entry) => entry.message);
  const tableIds = new Set(tables.map((table) => table.id));
  const lost = attendees.filter((attendee) => assignments[attendee.id] !== undefined && !tableIds.has(assignments[attendee.id]!)).length;
  if (lost > 0) warnings.push(`${lost} ${lost === 1 ? 'attendee is' : 'attendees are'} seated at a table that no longer exists`);
  return warnings;
}
