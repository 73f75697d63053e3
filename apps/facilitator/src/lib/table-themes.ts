import { noteRef, tableThemeRef, type EventSnapshot, type SynthesisSnapshot, type TableSnapshot, type TableTheme } from '@tablemap/model';
import { suggestThemeMerges, type ThemeMergeSuggestion } from '@tablemap/analysis';

/** One table's own theme, as the facilitator's merge view shows it. Hidden notes are left out. */
export interface TableThemeItem {
  /** `<tableId>/<tableThemeId>`, the key the synthesis doc uses. */
  ref: string;
  tableId: string;
  tableName: string;
  theme: TableTheme;
  noteTexts: string[];
  /** Visible notes by stakeholder group. */
  groups: Record<string, number>;
  /** The event theme it was merged into, or null while it waits. */
  eventThemeId: string | null;
}

/** Every table's own themes, in table order, joined with where the facilitator merged them. */
export function collectTableThemes(event: EventSnapshot, tables: Record<string, TableSnapshot | undefined>, synthesis: SynthesisSnapshot): TableThemeItem[] {
  const hidden = new Set(synthesis.hiddenNoteRefs);
  return event.tables.flatMap((table) => {
    const snapshot = tables[table.id];
    if (!snapshot) return [];
    const noteById = new Map(snapshot.notes.map((note) => [note.id, note]));
    return snapshot.tableThemes.map((theme) => {
      const visible = theme.noteIds.flatMap((id) => (hidden.has(noteRef(table.id, id)) ? [] : (noteById.get(id) ?? [])));
      const groups: Record<string, number> = {};
      for (const note of visible) groups[note.group] = (groups[note.group] ?? 0) + 1;
      const ref = tableThemeRef(table.id, theme.id);
      return { ref, tableId: table.id, tableName: table.name, theme, noteTexts: visible.map((note) => note.text), groups, eventThemeId: synthesis.themeSources[ref] ?? null };
    });
  });
}

/** Merge suggestions among the table themes not merged yet; `dismissed` holds suggestion keys set aside. */
export function mergeSuggestionsFor(items: readonly TableThemeItem[], dismissed: ReadonlySet<string> = new Set()): ThemeMergeSuggestion[] {
  const waiting = items.filter((item) => !item.eventThemeId);
  return suggestThemeMerges(waiting.map(({ ref, tableId, theme, noteTexts }) => ({ ref, tableId, title: theme.title, noteTexts }))).filter(
    (suggestion) => !dismissed.has(suggestionKey(suggestion)),
  );
}

export function suggestionKey(suggestion: Pick<ThemeMergeSuggestion, 'refs'>): string {
  return [...suggestion.refs].sort().join(' ');
}

/** "Carers and family 3 · Housing 1": groups, most notes first. */
export function groupLine(groups: Record<string, number>, groupLabel: (id: string) => string): string {
  return Object.entries(groups)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([group, count]) => `${groupLabel(group)} ${count}`)
    .join(' · ');
}
