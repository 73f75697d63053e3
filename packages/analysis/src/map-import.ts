/**
 * Starting a map from what people already have (Kumu, a spreadsheet, GraphML, GEXF). Each format is
 * read into the same raw rows (`RawMap`, see map-import-formats.ts); this module checks every row and
 * builds a preview with per-row problems, like the attendee import. Nothing is written anywhere: the
 * facilitator reads the preview and confirms, and only then does the app add `importedTable(preview)`
 * as a seed map or use it as the earlier event.
 */
import {
  LIMITS,
  OrganisationInputSchema,
  ORGANISATION_SIZES,
  RELATIONSHIP_KINDS,
  type LinkStatus,
  type RelationshipKindId,
} from '@tablemap/model';
import * as v from 'valibot';
import type { MergedOrganisation, TableMapInput } from './merge.ts';
import { normaliseOrganisationName } from './normalise.ts';

/** More elements than this are refused outright: no workshop map is that large, and a preview of it is unreadable. */
export const MAX_IMPORT_ELEMENTS = 10_000;
export const MAX_IMPORT_CONNECTIONS = 50_000;
/** Files larger than this are refused before they are parsed. */
export const MAX_IMPORT_FILE_BYTES = 10 * 1024 * 1024;

export type MapImportFormat = 'kumu' | 'csv' | 'xlsx' | 'graphml' | 'gexf';

export interface RawElement {
  /** 1-based row (spreadsheet line, or position in the file's list of elements). */
  line: number;
  id: string;
  label: string;
  type: string;
  description: string;
  size: string;
  locality: string;
}

export interface RawConnection {
  line: number;
  from: string;
  to: string;
  type: string;
  direction: string;
  status: string;
}

export interface RawMap {
  format: MapImportFormat;
  elements: RawElement[];
  connections: RawConnection[];
}

export type MapImportProblemCode =
  | 'missing_label'
  | 'missing_id'
  | 'duplicate_id'
  | 'duplicate_label'
  | 'unknown_sector'
  | 'unknown_size'
  | 'too_long'
  | 'unknown_end'
  | 'self_link'
  | 'unknown_kind'
  | 'duplicate_connection';

export interface MapImportProblem {
  code: MapImportProblemCode;
  message: string;
  /** A blocking problem leaves the row out of the import. */
  blocking: boolean;
}

/** An organisation as imported: the fields a table's organisation and the merged map share. */
export type ImportedOrganisation = Pick<MergedOrganisation, 'id' | 'name' | 'sector' | 'size' | 'locality' | 'remit'>;

export interface ImportedLink {
  source: string;
  target: string;
  kind: RelationshipKindId;
  mutual: boolean;
  status: LinkStatus;
}

export interface ElementPreview {
  line: number;
  label: string;
  organisation?: ImportedOrganisation;
  problems: MapImportProblem[];
  skip: boolean;
}

export interface ConnectionPreview {
  line: number;
  /** The ends as the file names them (an id or a label). */
  from: string;
  to: string;
  /** The names of the organisations the ends became, when they were found. */
  fromName?: string;
  toName?: string;
  link?: ImportedLink;
  problems: MapImportProblem[];
  skip: boolean;
}

export type MapImportFatalCode = 'too_large' | 'too_many_elements' | 'too_many_connections' | 'unreadable' | 'empty';

export interface MapImportPreview {
  format: MapImportFormat;
  elements: ElementPreview[];
  connections: ConnectionPreview[];
  /** Set when the whole file is refused; the row lists are then empty. */
  fatal?: { code: MapImportFatalCode; message: string };
  counts: { organisations: number; links: number; skipped: number; withProblems: number };
}

export function refusedImport(format: MapImportFormat, code: MapImportFatalCode, message: string): MapImportPreview {
  return { format, elements: [], connections: [], fatal: { code, message }, counts: { organisations: 0, links: 0, skipped: 0, withProblems: 0 } };
}

const simplify = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** A sector from an element type: its id or label, ignoring case and punctuation, or a label that contains it. */
function sectorFor(type: string, sectors: readonly { id: string; label: string }[]): string | null {
  const wanted = simplify(type);
  if (!wanted) return null;
  const exact = sectors.find((sector) => simplify(sector.id) === wanted || simplify(sector.label) === wanted);
  if (exact) return exact.id;
  return sectors.find((sector) => simplify(sector.label).split(' ').includes(wanted) || wanted.includes(simplify(sector.label)))?.id ?? null;
}

const KIND_WORDS: readonly [RegExp, RelationshipKindId][] = [
  [/refer/, 'refers_to'],
  [/fund|commission|grant/, 'funds'],
  [/co ?produc/, 'co_produces'],
  [/collaborat|partner|joint/, 'collaborates'],
  [/shar|inform|data/, 'shares_information'],
  [/host|co ?locat/, 'hosts'],
  [/compet/, 'competes'],
  [/lead|conven|chair/, 'leads'],
  [/informal|contact|know/, 'informal'],
];

function kindFor(type: string): RelationshipKindId | null {
  const wanted = simplify(type);
  const exact = RELATIONSHIP_KINDS.find((kind) => simplify(kind.id) === wanted || simplify(kind.label) === wanted);
  if (exact) return exact.id;
  return KIND_WORDS.find(([pattern]) => pattern.test(wanted))?.[1] ?? null;
}

function statusFor(status: string): LinkStatus {
  const wanted = simplify(status);
  if (/broken|lost|ended|closed/.test(wanted)) return 'broken';
  if (/wanted|needed|missing|desired|wish/.test(wanted)) return 'wanted';
  return 'existing';
}

const problem = (code: MapImportProblemCode, message: string, blocking: boolean): MapImportProblem => ({ code, message, blocking });

function previewElements(elements: readonly RawElement[], sectors: readonly { id: string; label: string }[], idsExpected: boolean) {
  const byRef = new Map<string, string>();
  const seenIds = new Set<string>();
  const seenNames = new Map<string, number>();
  const importedIdAtLine = new Map<number, string>();
  const previews = elements.map((raw, index): ElementPreview => {
    const problems: MapImportProblem[] = [];
    const label = raw.label.trim();
    if (!label) problems.push(problem('missing_label', 'This element has no label (name)', true));
    if (label.length > LIMITS.organisationName) problems.push(problem('too_long', `The name is longer than ${LIMITS.organisationName} characters`, true));
    const fileId = raw.id.trim();
    if (idsExpected && !fileId && label) problems.push(problem('missing_id', 'No id: connections can find it by its label only', false));
    if (fileId && seenIds.has(fileId)) problems.push(problem('duplicate_id', `The id "${fileId}" is used by an earlier element`, true));
    const key = normaliseOrganisationName(label);
    const firstLine = seenNames.get(key);
    if (label && firstLine !== undefined) problems.push(problem('duplicate_label', `Same name as element ${firstLine}: the two are imported as one organisation`, true));
    let sector = sectorFor(raw.type, sectors);
    if (!sector) {
      problems.push(problem('unknown_sector', raw.type.trim() ? `"${raw.type.trim()}" is not one of this event's sectors: imported as Other` : 'No sector given: imported as Other', false));
      sector = sectors.some((entry) => entry.id === 'other') ? 'other' : (sectors[0]?.id ?? 'other');
    }
    const sizeText = simplify(raw.size);
    const size = ORGANISATION_SIZES.find((entry) => entry === sizeText);
    if (sizeText && !size) problems.push(problem('unknown_size', `"${raw.size}" is not a size Tablemap knows (grassroots, local, regional, national): left empty`, false));
    const skip = problems.some((entry) => entry.blocking);
    const preview: ElementPreview = { line: raw.line, label, problems, skip };
    if (!skip) {
      const id = `i${index + 1}`;
      const candidate = { name: label, sector, ...(size ? { size } : {}), locality: raw.locality.slice(0, LIMITS.locality), remit: raw.description.slice(0, LIMITS.remit) };
      const checked = v.safeParse(OrganisationInputSchema, candidate);
      preview.organisation = { id, ...(checked.success ? checked.output : candidate) } as ImportedOrganisation;
      importedIdAtLine.set(raw.line, id);
      if (fileId) byRef.set(fileId, id);
      if (!byRef.has(label)) byRef.set(label, id);
    }
    if (fileId) seenIds.add(fileId);
    if (label && firstLine === undefined) seenNames.set(key, raw.line);
    // A duplicate label still lets connections reach the first organisation of that name.
    if (label && firstLine !== undefined && fileId && !byRef.has(fileId)) {
      const first = importedIdAtLine.get(firstLine);
      if (first) byRef.set(fileId, first);
    }
    return preview;
  });
  return { previews, byRef };
}

function previewConnections(connections: readonly RawConnection[], byRef: ReadonlyMap<string, string>) {
  const seen = new Set<string>();
  return connections.map((raw): ConnectionPreview => {
    const problems: MapImportProblem[] = [];
    const from = raw.from.trim();
    const to = raw.to.trim();
    const source = byRef.get(from);
    const target = byRef.get(to);
    if (!source) problems.push(problem('unknown_end', `"${from || '(empty)'}" is not an element that is being imported`, true));
    if (!target) problems.push(problem('unknown_end', `"${to || '(empty)'}" is not an element that is being imported`, true));
    if (source && source === target) problems.push(problem('self_link', 'Both ends are the same organisation', true));
    let kind = kindFor(raw.type);
    if (!kind) {
      problems.push(problem('unknown_kind', raw.type.trim() ? `"${raw.type.trim()}" is not a relationship kind Tablemap knows: imported as informal contact` : 'No relationship kind: imported as informal contact', false));
      kind = 'informal';
    }
    const status = statusFor(raw.status);
    const direction = simplify(raw.direction);
    const mutual = direction ? /mutual|undirected|both/.test(direction) : (RELATIONSHIP_KINDS.find((entry) => entry.id === kind)?.mutual ?? false);
    // A referral each way is two connections; a mutual one is the same whichever end comes first.
    const ends = source && target ? (mutual ? [source, target].sort().join('|') : `${source}>${target}`) : '';
    const pair = ends ? `${ends}|${kind}|${status}` : '';
    if (pair && seen.has(pair)) problems.push(problem('duplicate_connection', 'The same connection appears earlier in the file', true));
    if (pair) seen.add(pair);
    const skip = problems.some((entry) => entry.blocking);
    return { line: raw.line, from, to, problems, skip, ...(skip ? {} : { link: { source: source!, target: target!, kind, mutual, status } }) };
  });
}

/** Checks every row of a raw map against the event's sectors; refuses a map over the size limits. */
export function previewMapImport(raw: RawMap, sectors: readonly { id: string; label: string }[], limits = { elements: MAX_IMPORT_ELEMENTS, connections: MAX_IMPORT_CONNECTIONS }): MapImportPreview {
  if (raw.elements.length > limits.elements) {
    return refusedImport(raw.format, 'too_many_elements', `The file has ${raw.elements.length.toLocaleString('en-GB')} elements; at most ${limits.elements.toLocaleString('en-GB')} can be imported. Split the map or remove elements first.`);
  }
  if (raw.connections.length > limits.connections) {
    return refusedImport(raw.format, 'too_many_connections', `The file has ${raw.connections.length.toLocaleString('en-GB')} connections; at most ${limits.connections.toLocaleString('en-GB')} can be imported.`);
  }
  if (raw.elements.length === 0) return refusedImport(raw.format, 'empty', 'The file has no elements (organisations) to import.');
  // Only Kumu files give elements ids that people may have left out; spreadsheets name ends by label.
  const { previews, byRef } = previewElements(raw.elements, sectors, raw.format === 'kumu');
  const nameOf = new Map(previews.flatMap((row) => (row.organisation ? [[row.organisation.id, row.organisation.name] as const] : [])));
  const connections = previewConnections(raw.connections, byRef).map((row) => {
    const fromName = row.link ? nameOf.get(row.link.source) : nameOf.get(byRef.get(row.from) ?? '');
    const toName = row.link ? nameOf.get(row.link.target) : nameOf.get(byRef.get(row.to) ?? '');
    return { ...row, ...(fromName ? { fromName } : {}), ...(toName ? { toName } : {}) };
  });
  const rows = [...previews, ...connections];
  return {
    format: raw.format,
    elements: previews,
    connections,
    counts: {
      organisations: previews.filter((row) => !row.skip).length,
      links: connections.filter((row) => !row.skip).length,
      skipped: rows.filter((row) => row.skip).length,
      withProblems: rows.filter((row) => row.problems.length > 0).length,
    },
  };
}

/**
 * What a confirmed preview imports, as one table's map: a seed map for the tables, or (merged on its
 * own) the earlier event for change over time. `group` is recorded as who added it.
 */
export function importedTable(preview: MapImportPreview, group = 'other', tableName = 'Imported map'): TableMapInput {
  const organisations = preview.elements.flatMap((row) => (row.organisation ? [{ ...row.organisation, addedByGroup: group, createdAt: 0 }] : []));
  const links = preview.connections.flatMap((row, index) =>
    row.link ? [{ id: `c${index + 1}`, ...row.link, strength: 2, note: '', addedByGroup: group, createdAt: 0 }] : [],
  );
  return { tableId: 'import', tableName, organisations, links };
}
