import { printable } from './fonts.ts';
import { svgLabel } from './scripts.ts';
import type { LabelPlacement } from './map-svg.ts';
import type { ReportNote, ReportTable, ValidReportOptions, ValidReportSnapshot } from './types.ts';

export interface VisibleNote extends ReportNote {
  tableId: string;
}

/** Everything the section builders need, derived once; hidden notes are removed here and only here. */
export interface ReportContext {
  snapshot: ValidReportSnapshot;
  options: ValidReportOptions;
  tables: ReportTable[];
  visibleNotes: VisibleNote[];
  noteById: Map<string, VisibleNote>;
  hiddenNoteIds: Set<string>;
  prompts: ValidReportSnapshot['event']['prompts'];
  groupLabel(id: string): string;
  sectorLabel(id: string): string;
  tableName(id: string): string;
  /** Every user-supplied string goes through this before it reaches the PDF. */
  t(text: string): string;
  /** The same for map labels: an SVG element, shaped scripts drawn as outlines. */
  svgLabel(text: string, at: LabelPlacement): string;
}

const emptyTable = (id: string, name: string): ReportTable => ({
  id,
  name,
  organisations: [],
  links: [],
  notes: [],
  positions: {},
  consentByGroup: {},
  votes: {},
});

function labeller(entries: { id: string; label: string }[]) {
  const labels = new Map(entries.map((entry) => [entry.id, entry.label]));
  return (id: string) => labels.get(id) ?? id;
}

/** Tables in the event's order; snapshot tables the event list lacks still appear, after the rest. */
function orderedTables(snapshot: ValidReportSnapshot): ReportTable[] {
  const byId = new Map(snapshot.tables.map((table) => [table.id, table]));
  const listed = [...snapshot.event.tables]
    .sort((a, b) => a.order - b.order)
    .map((entry) => {
      const table = byId.get(entry.id);
      return table ? { ...table, name: entry.name || table.name } : emptyTable(entry.id, entry.name);
    });
  const listedIds = new Set(listed.map((table) => table.id));
  return [...listed, ...snapshot.tables.filter((table) => !listedIds.has(table.id))];
}

export function buildContext(snapshot: ValidReportSnapshot, options: ValidReportOptions): ReportContext {
  const hiddenNoteIds = new Set(snapshot.synthesis.hiddenNoteIds);
  const tables = orderedTables(snapshot);
  const visibleNotes = tables.flatMap((table) =>
    table.notes.filter((note) => !hiddenNoteIds.has(note.id)).map((note) => ({ ...note, tableId: table.id })),
  );
  const tableNames = new Map(tables.map((table) => [table.id, table.name]));
  return {
    snapshot,
    options,
    tables,
    visibleNotes,
    noteById: new Map(visibleNotes.map((note) => [note.id, note])),
    hiddenNoteIds,
    prompts: [...snapshot.event.prompts].sort((a, b) => a.order - b.order),
    groupLabel: labeller(snapshot.event.groups),
    sectorLabel: labeller([...snapshot.event.sectors, ...snapshot.event.groups.filter((g) => !snapshot.event.sectors.some((s) => s.id === g.id))]),
    tableName: (id) => tableNames.get(id) ?? id,
    t: printable,
    svgLabel: (text, at) => svgLabel(printable(text), at),
  };
}

/** Participants per stakeholder group: the attendee list when there is one, else consent records. */
export function participantsByGroup(ctx: ReportContext): { counts: Map<string, number>; source: 'attendees' | 'consent' } {
  const counts = new Map<string, number>();
  const add = (group: string, n: number) => counts.set(group, (counts.get(group) ?? 0) + n);
  if (ctx.snapshot.attendees.length > 0) {
    for (const attendee of ctx.snapshot.attendees) add(attendee.group, 1);
    return { counts, source: 'attendees' };
  }
  for (const table of ctx.tables) for (const [group, n] of Object.entries(table.consentByGroup)) add(group, n);
  return { counts, source: 'consent' };
}

/** People per group at each table: seated attendees when known, else consent records. */
export function seatingMatrix(ctx: ReportContext): Map<string, Map<string, number>> {
  const matrix = new Map(ctx.tables.map((table) => [table.id, new Map<string, number>()]));
  const add = (tableId: string, group: string, n: number) => {
    const row = matrix.get(tableId);
    if (row) row.set(group, (row.get(group) ?? 0) + n);
  };
  if (ctx.snapshot.attendees.length > 0) {
    for (const attendee of ctx.snapshot.attendees) if (attendee.tableId) add(attendee.tableId, attendee.group, 1);
  } else {
    for (const table of ctx.tables) for (const [group, n] of Object.entries(table.consentByGroup)) add(table.id, group, n);
  }
  return matrix;
}

export function votesOnVisibleNotes(ctx: ReportContext): number {
  let total = 0;
  for (const table of ctx.tables) {
    for (const [noteId, tally] of Object.entries(table.votes)) if (ctx.noteById.has(noteId)) total += tally.total;
  }
  return total;
}
