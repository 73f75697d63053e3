import { m } from '#lib/paraglide/messages.js';
import type { Note, TableSnapshot, TableTheme } from '@tablemap/model';

/**
 * Pure helpers for the table's own theme board (the notes a table groups into themes it names).
 */

/** The notes not in any of the table's themes, oldest first. */
export function unsortedNotes(snapshot: Pick<TableSnapshot, 'notes' | 'notePlacements'>): Note[] {
  return snapshot.notes.filter((note) => !snapshot.notePlacements[note.id]);
}

/** A theme's notes, in the table's order. */
export function notesOf(theme: TableTheme, snapshot: Pick<TableSnapshot, 'notes'>): Note[] {
  const wanted = new Set(theme.noteIds);
  return snapshot.notes.filter((note) => wanted.has(note.id));
}

/** "People with lived experience / service users" → "People with lived experience": short enough for a badge. */
export function shortGroupLabel(label: string): string {
  return label.split(/ \/ | \(/)[0]!.trim() || label;
}

/** Groups of a theme's notes, most notes first, as [group id, count]. */
export function groupBadges(theme: Pick<TableTheme, 'groups'>): [string, number][] {
  return Object.entries(theme.groups).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/** "1 note", "3 notes" in the phone's language. */
export const noteCount = (count: number) => m.board_notes({ count });
