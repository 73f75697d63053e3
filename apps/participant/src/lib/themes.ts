import { noteRef, type Note, type SynthesisSnapshot } from '@tablemap/model';

/**
 * Pure helpers for the participant's read-only view of the synthesis. Participants can read only their
 * own table doc, so everything here is about *this* table's notes.
 */

/** Theme id → this table's notes in that theme (in the table's order). */
export function tableNotesByTheme(
  synthesis: SynthesisSnapshot,
  tableId: string,
  notes: Note[],
): Record<string, Note[]> {
  const byTheme: Record<string, Note[]> = {};
  for (const note of notes) {
    const themeId = synthesis.noteThemes[noteRef(tableId, note.id)];
    if (themeId) (byTheme[themeId] ??= []).push(note);
  }
  return byTheme;
}

/** The theme a note of this table sits in, if any. */
export function themeOfNote(synthesis: SynthesisSnapshot, tableId: string, noteId: string): string | null {
  const themeId = synthesis.noteThemes[noteRef(tableId, noteId)];
  return synthesis.themes.find((theme) => theme.id === themeId)?.title ?? null;
}

export type PromptFilter = 'current' | 'all';

/** The notes shown for a prompt filter; with no current prompt "current" shows everything. */
export function filterNotesByPrompt(notes: Note[], filter: PromptFilter, currentPromptId: string | null): Note[] {
  if (filter === 'all' || !currentPromptId) return notes;
  return notes.filter((note) => note.promptId === currentPromptId);
}
