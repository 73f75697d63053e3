/**
 * Reads the maps out of an earlier event's JSON export (format "tablemap-event", written by the
 * server's full event export) as plain table inputs, so the earlier event can be merged and compared
 * without being imported as an event. Entries that fail the model's schemas are skipped into `problems`.
 */
import * as v from 'valibot';
import { LinkSchema, OrganisationSchema, readValidEntries, type ReadProblem } from '@tablemap/model';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import type { AliasMap, TableMapInput } from './merge.ts';

export interface EarlierEvent {
  /** The earlier event's id on its server ('' when the file does not say). */
  eventId: string;
  title: string;
  exportedAt: string;
  tables: TableMapInput[];
  aliases: AliasMap;
  sectors: { id: string; label: string }[];
  problems: ReadProblem[];
}

const Entries = v.record(v.string(), v.unknown());
const DocSchema = v.looseObject({ content: v.looseObject({}) });
const ExportSchema = v.looseObject({
  format: v.literal('tablemap-event', 'this is not a Tablemap event export (format must be "tablemap-event")'),
  eventId: v.optional(v.string(), ''),
  title: v.optional(v.string(), ''),
  exportedAt: v.optional(v.string(), ''),
  docs: v.looseObject({
    event: v.looseObject({ content: v.looseObject({ tables: v.optional(Entries, {}), sectors: v.optional(v.array(v.unknown()), []) }) }),
    synthesis: v.optional(v.nullable(v.looseObject({ content: v.looseObject({ aliases: v.optional(v.record(v.string(), v.string()), {}) }) }))),
    tables: v.record(v.string(), v.nullable(DocSchema)),
  }),
});

const TableEntry = v.looseObject({ name: v.string(), order: v.optional(v.number(), 0) });
const SectorEntry = v.looseObject({ id: v.string(), label: v.string() });

export function earlierEventFromExport(json: unknown): EarlierEvent {
  const parsed = v.safeParse(ExportSchema, json);
  if (!parsed.success) throw new AnalysisError('The earlier event file cannot be read', describeIssues(parsed.issues));
  const { docs } = parsed.output;
  const problems: ReadProblem[] = [];
  const tableNames = new Map<string, { name: string; order: number }>();
  for (const [id, raw] of Object.entries(docs.event.content.tables)) {
    const entry = v.safeParse(TableEntry, raw);
    if (entry.success) tableNames.set(id, entry.output);
  }
  const tables: TableMapInput[] = Object.entries(docs.tables)
    .flatMap(([tableId, doc]) => {
      if (!doc) return [];
      const content = doc.content as Record<string, unknown>;
      const entries = (root: string) => Object.entries((content[root] as Record<string, unknown> | undefined) ?? {});
      return [{
        tableId,
        tableName: tableNames.get(tableId)?.name ?? tableId,
        organisations: readValidEntries(entries('organisations'), OrganisationSchema, `${tableId}/organisations`, problems),
        links: readValidEntries(entries('links'), LinkSchema, `${tableId}/links`, problems),
      }];
    })
    .sort((a, b) => (tableNames.get(a.tableId)?.order ?? 0) - (tableNames.get(b.tableId)?.order ?? 0));
  return {
    eventId: parsed.output.eventId,
    title: parsed.output.title,
    exportedAt: parsed.output.exportedAt,
    tables,
    aliases: docs.synthesis?.content.aliases ?? {},
    sectors: docs.event.content.sectors.flatMap((raw) => {
      const entry = v.safeParse(SectorEntry, raw);
      return entry.success ? [{ id: entry.output.id, label: entry.output.label }] : [];
    }),
    problems,
  };
}

/**
 * Names an earlier event so the facilitators' match decisions about it are kept apart from decisions
 * about any other: its event id, or, for an export that does not carry one, its title and export time.
 */
export function earlierEventKey(earlier: Pick<EarlierEvent, 'eventId' | 'title' | 'exportedAt'>): string {
  return earlier.eventId ? `event:${earlier.eventId}` : `export:${earlier.title}@${earlier.exportedAt}`;
}
