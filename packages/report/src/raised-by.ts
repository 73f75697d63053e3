import type { ThemeProvenance } from '@tablemap/model';
import type { ReportTheme } from './types.ts';

/** A theme's provenance as the report prints it: each raising table with its own themes' titles. */
export function raisedBy(provenance: ThemeProvenance | undefined): ReportTheme['raisedBy'] {
  return (provenance?.tables ?? []).map((table) => ({
    tableId: table.tableId,
    tableThemes: table.tableThemes.map((tableTheme) => tableTheme.title),
    noteCount: table.noteCount,
    groups: table.groups,
  }));
}
