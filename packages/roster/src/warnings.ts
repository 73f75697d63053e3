import type { VocabularyEntry } from '@tablemap/model';
import { assessSeating, type SeatingAttendee, type SeatingTable, type UnmetConstraint } from './seating-checks.ts';

/**
 * Live warnings for the seating screen while a facilitator moves people by hand, most important first
 * (a missing priority voice, then access needs, then organisation clashes), each with the action that
 * fixes it, e.g. "Table 4 has no one with lived experience". Unavoidable organisation clashes are left
 * out: nobody can fix them.
 */
export function seatingWarnings(
  attendees: readonly SeatingAttendee[],
  assignments: Readonly<Record<string, string>>,
  tables: readonly SeatingTable[],
  groups: readonly VocabularyEntry[],
  priorityGroups?: readonly string[],
): UnmetConstraint[] {
  const warnings = assessSeating(attendees, assignments, tables, { context: 'live', groups, ...(priorityGroups ? { priorityGroups } : {}) })
    .filter((entry) => !(entry.constraint === 'organisation_mix' && entry.unavoidable));
  const tableIds = new Set(tables.map((table) => table.id));
  const lost = attendees.filter((attendee) => assignments[attendee.id] !== undefined && !tableIds.has(assignments[attendee.id]!)).length;
  if (lost > 0) {
    const unseatedAt = warnings.findIndex((entry) => entry.constraint === 'unseated');
    warnings.splice(unseatedAt < 0 ? 0 : unseatedAt + 1, 0, {
      constraint: 'unseated',
      message: `${lost} ${lost === 1 ? 'attendee is' : 'attendees are'} seated at a table that no longer exists`,
      action: 'Seat everyone automatically again, or choose a table for each person',
    });
  }
  return warnings;
}
