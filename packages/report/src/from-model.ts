import { combineVoteTallies, noteRef, withTableThemes, type EventSnapshot, type SynthesisSnapshot, type TableSnapshot, type ThemeProvenance } from '@tablemap/model';
import type { DirectoryRow, ReportAnalysis, ReportSnapshot, ReportTable, ReportTheme } from './types.ts';

export interface ModelReportSources {
  event: EventSnapshot;
  /** `readTable` of each table doc, keyed by table id. Tables without a doc print as empty. */
  tables: Readonly<Record<string, TableSnapshot>>;
  synthesis?: SynthesisSnapshot;
  analysis?: ReportAnalysis;
  attendees?: { name: string; group: string; tableId?: string | null }[];
  directory?: DirectoryRow[];
}

/**
 * Turns what the model reads back from the Yjs docs into a ReportSnapshot. Notes are renamed to
 * their synthesis references (`<tableId>/<noteId>`), so note ids never clash across tables and
 * hidden notes, theme membership and quotes match exactly.
 */
export function reportSnapshotFromModel(sources: ModelReportSources): ReportSnapshot {
  const { event } = sources;
  // Notes in the tables' own themes follow them into the event themes they were merged into.
  const synthesis = sources.synthesis && withTableThemes(sources.synthesis, event.tables.map((entry) => ({ tableId: entry.id, snapshot: sources.tables[entry.id] })));
  const tables: ReportTable[] = event.tables.map((entry) => {
    const table = sources.tables[entry.id];
    const ref = (noteId: string) => noteRef(entry.id, noteId);
    return {
      id: entry.id,
      name: entry.name,
      // Only the fields a report may print: the anonymous ids of whoever added things are dropped here.
      organisations: (table?.organisations ?? []).map(({ addedBy: _addedBy, ...organisation }) => organisation),
      links: (table?.links ?? []).map(({ addedBy: _addedBy, ...link }) => link),
      notes: (table?.notes ?? []).map((note) => ({ id: ref(note.id), text: note.text, kind: note.kind, promptId: note.promptId ?? null, group: note.group })),
      positions: table?.positions ?? {},
      // Consent is counted by the server and published in the event doc, per table.
      consentByGroup: event.consentByTable?.[entry.id] ?? {},
      votes: Object.fromEntries(Object.entries(table?.votes ?? {}).map(([noteId, tally]) => [ref(noteId), { total: tally.total, byGroup: tally.byGroup }])),
    };
  });

  const hidden = new Set(synthesis?.hiddenNoteRefs ?? []);
  const noteText = new Map(tables.flatMap((table) => table.notes.map((note) => [note.id, note.text] as const)));
  const flagged = (flag: 'gap' | 'keyMessage') =>
    Object.entries(synthesis?.noteFlags ?? {})
      .filter(([ref, flags]) => flags[flag] && !hidden.has(ref) && noteText.has(ref))
      .map(([ref]) => noteText.get(ref) as string);

  const themes = (synthesis?.themes ?? []).map((theme) => {
    const votes = combineVoteTallies(Object.values(sources.tables).map((table) => table.themeVotes?.[theme.id]));
    return {
      id: theme.id,
      title: theme.title,
      description: theme.description,
      noteIds: Object.entries(synthesis?.noteThemes ?? {}).filter(([, themeId]) => themeId === theme.id).map(([ref]) => ref),
      quoteNoteIds: theme.quoteNoteRefs,
      isGap: theme.isGap,
      isKeyMessage: theme.isKeyMessage,
      nextSteps: theme.nextSteps.map((step) => ({ action: step.action, ownerSector: step.ownerSector ?? '', timescale: step.timescale })),
      votes,
      raisedBy: raisedBy(synthesis?.provenance[theme.id]),
    };
  });

  return {
    event: {
      title: event.title,
      date: event.date,
      venue: event.venue,
      description: event.description,
      groups: event.groups,
      sectors: event.sectors,
      prompts: event.prompts.map((prompt) => ({ id: prompt.id, text: prompt.text, order: prompt.order })),
      tables: event.tables.map((table) => ({ id: table.id, name: table.name, order: table.order })),
    },
    tables,
    synthesis: { themes, hiddenNoteIds: [...hidden], gaps: flagged('gap'), keyMessages: flagged('keyMessage') },
    ...(sources.analysis ? { analysis: sources.analysis } : {}),
    ...(sources.attendees ? { attendees: sources.attendees } : {}),
    ...(sources.directory ? { directory: sources.directory } : {}),
  };
}

/** A theme's provenance as the report prints it: each raising table with its own themes' titles. */
export function raisedBy(provenance: ThemeProvenance | undefined): ReportTheme['raisedBy'] {
  return (provenance?.tables ?? []).map((table) => ({
    tableId: table.tableId,
    tableThemes: table.tableThemes.map((tableTheme) => tableTheme.title),
    noteCount: table.noteCount,
    groups: table.groups,
  }));
}
