import { noteRef, tableThemeRef, type SynthesisSnapshot } from './synthesis-doc.ts';
import type { TableSnapshot } from './table-doc.ts';

/** One table that raised an event theme: its own themes merged into it, and its notes there by group. */
export interface RaisingTable {
  tableId: string;
  tableThemes: { id: string; title: string }[];
  noteCount: number;
  groups: Record<string, number>;
}

/** Where an event theme came from. Hidden notes are never counted. */
export interface ThemeProvenance {
  /** The tables whose own themes were merged into it; one entry means "raised by one table". */
  tables: RaisingTable[];
  /** All visible notes of the theme, from any table, by stakeholder group. */
  groups: Record<string, number>;
  noteCount: number;
}

export interface ThemedSynthesis extends SynthesisSnapshot {
  /** event theme id → provenance */
  provenance: Record<string, ThemeProvenance>;
}

export interface TableBoardSource {
  tableId: string;
  snapshot: Pick<TableSnapshot, 'notes' | 'tableThemes'> | undefined;
}

/**
 * Joins the synthesis with the tables' own boards: a note in a table theme that the facilitator merged
 * into an event theme counts as in that event theme (unless the facilitator placed it elsewhere by hand),
 * and each event theme gets its provenance. Every reader (board, report, exports) uses this one join.
 */
export function withTableThemes(synthesis: SynthesisSnapshot, tables: readonly TableBoardSource[]): ThemedSynthesis {
  const noteThemes = { ...synthesis.noteThemes };
  const hidden = new Set(synthesis.hiddenNoteRefs);
  const provenance: Record<string, ThemeProvenance> = {};
  for (const theme of synthesis.themes) provenance[theme.id] = { tables: [], groups: {}, noteCount: 0 };

  for (const { tableId, snapshot } of tables) {
    if (!snapshot) continue;
    const raised = new Map<string, RaisingTable>();
    for (const tableTheme of snapshot.tableThemes) {
      const eventThemeId = synthesis.themeSources[tableThemeRef(tableId, tableTheme.id)];
      if (!eventThemeId || !provenance[eventThemeId]) continue;
      const entry = raised.get(eventThemeId) ?? { tableId, tableThemes: [], noteCount: 0, groups: {} };
      entry.tableThemes.push({ id: tableTheme.id, title: tableTheme.title });
      raised.set(eventThemeId, entry);
      for (const noteId of tableTheme.noteIds) {
        const ref = noteRef(tableId, noteId);
        if (!(ref in synthesis.noteThemes)) noteThemes[ref] = eventThemeId;
      }
    }
    for (const note of snapshot.notes) {
      const ref = noteRef(tableId, note.id);
      const eventThemeId = noteThemes[ref];
      const target = eventThemeId ? provenance[eventThemeId] : undefined;
      if (!target || hidden.has(ref)) continue;
      target.noteCount += 1;
      target.groups[note.group] = (target.groups[note.group] ?? 0) + 1;
      const table = raised.get(eventThemeId!);
      if (table) {
        table.noteCount += 1;
        table.groups[note.group] = (table.groups[note.group] ?? 0) + 1;
      }
    }
    for (const [eventThemeId, table] of raised) provenance[eventThemeId]!.tables.push(table);
  }
  return { ...synthesis, noteThemes, provenance };
}
