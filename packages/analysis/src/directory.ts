/**
 * The informal directory of services: one row per merged organisation, with the facilitator's edits
 * (fixed spellings, added remits) applied on top. Exports: CSV (formula-safe) and HSDS-like JSON.
 */
import * as v from 'valibot';
import { ORGANISATION_SIZES } from '@tablemap/model';
import type { OrganisationSize } from '@tablemap/model';
import { toSafeCsv } from './csv.ts';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import type { EcosystemAnalysis } from './metrics.ts';

export interface DirectoryRow {
  id: string;
  name: string;
  sector: string;
  sectorLabel: string;
  size: OrganisationSize | '';
  locality: string;
  remit: string;
  /** Names of the tables that mentioned it. */
  tables: string[];
  tableIds: string[];
  /** Merged links of any status touching it. */
  linkCount: number;
  /** Organisations it has an existing tie with. */
  degree: number;
}

/** Facilitator edits, keyed by merged organisation id (read back from Yjs: validated). */
export const DirectoryEditsSchema = v.record(
  v.string(),
  v.partial(
    v.object({
      name: v.pipe(v.string('name must be text'), v.trim(), v.minLength(1, 'name is required'), v.maxLength(120, 'name must be at most 120 characters')),
      sector: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,39}$/, 'sector must be a vocabulary id')),
      size: v.picklist(ORGANISATION_SIZES, 'size must be grassroots, local, regional or national'),
      locality: v.pipe(v.string('locality must be text'), v.trim(), v.maxLength(120)),
      remit: v.pipe(v.string('remit must be text'), v.trim(), v.maxLength(1000)),
    }),
  ),
);
export type DirectoryEdits = v.InferInput<typeof DirectoryEditsSchema>;

export function directoryRows(analysis: EcosystemAnalysis, edits: DirectoryEdits = {}): DirectoryRow[] {
  const parsed = v.safeParse(DirectoryEditsSchema, edits);
  if (!parsed.success) throw new AnalysisError('The directory edits are malformed', describeIssues(parsed.issues));
  const tableName = new Map(analysis.tables.map((table) => [table.id, table.name]));
  const sectorLabel = new Map(analysis.sectors.map((sector) => [sector.id, sector.label]));
  const linkCount = new Map<string, number>();
  for (const link of analysis.links) {
    linkCount.set(link.source, (linkCount.get(link.source) ?? 0) + 1);
    linkCount.set(link.target, (linkCount.get(link.target) ?? 0) + 1);
  }
  return analysis.organisations
    .map((org): DirectoryRow => {
      const edit = parsed.output[org.id] ?? {};
      const sector = edit.sector ?? org.sector;
      return {
        id: org.id,
        name: edit.name ?? org.name,
        sector,
        sectorLabel: sectorLabel.get(sector) ?? sector,
        size: edit.size ?? org.size ?? '',
        locality: edit.locality ?? org.locality,
        remit: edit.remit ?? org.remit,
        tables: org.tableIds.map((id) => tableName.get(id) ?? id),
        tableIds: org.tableIds,
        linkCount: linkCount.get(org.id) ?? 0,
        degree: org.degree,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
}

export const DIRECTORY_CSV_HEADER = ['name', 'sector', 'size', 'locality', 'remit', 'tables', 'links'] as const;

export function directoryToCsv(rows: readonly DirectoryRow[]): string {
  return toSafeCsv(
    DIRECTORY_CSV_HEADER,
    rows.map((row) => [row.name, row.sectorLabel, row.size, row.locality, row.remit, row.tables.join('; '), row.linkCount]),
  );
}

/** HSDS ids must be stable and URL-safe; merged ids contain spaces and colons. */
function hsdsId(kind: string, id: string): string {
  return `${kind}-${encodeURIComponent(id)}`;
}

/**
 * JSON in the spirit of Open Referral HSDS 3: organizations, services and locations arrays linked by
 * ids. We know no addresses, only a locality, which becomes the location's name.
 */
export function directoryToHsds(rows: readonly DirectoryRow[]): {
  organizations: object[];
  services: object[];
  locations: object[];
} {
  const organizations = rows.map((row) => ({
    id: hsdsId('organization', row.id),
    name: row.name,
    description: row.remit,
    x_sector: row.sector,
    x_size: row.size || null,
    x_mentioned_by_tables: row.tables,
  }));
  const services = rows.map((row) => ({
    id: hsdsId('service', row.id),
    organization_id: hsdsId('organization', row.id),
    name: row.name,
    description: row.remit,
    status: 'active',
  }));
  const locations = rows
    .filter((row) => row.locality !== '')
    .map((row) => ({
      id: hsdsId('location', row.id),
      organization_id: hsdsId('organization', row.id),
      location_type: 'physical',
      name: row.locality,
    }));
  return { organizations, services, locations };
}
