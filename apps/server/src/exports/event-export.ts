import * as v from 'valibot';
import * as Y from 'yjs';
import {
  CURRENT_SCHEMA_VERSION,
  DOC_SHAPES,
  MAX_TABLES,
  isValidRootValue,
  removeDanglingLinks,
  type RootShape,
  eventDocName,
  migrate,
  readEvent,
  readReportNarrative,
  readSynthesis,
  reportDocName,
  NARRATIVE_SECTIONS,
  ReportNarrativeSchema,
  setEasyReadPoint,
  setRecommendation,
  writeRichText,
  type ReportNarrative,
  readTable,
  rosterDocName,
  schemaVersionOf,
  synthesisDocName,
  tableDocName,
  type DocKind,
  type DocRef,
  type ReadProblem,
} from '@tablemap/model';
import { DirectoryEditsSchema } from '@tablemap/analysis';
import { readRoster } from '@tablemap/roster';
import type { DocSource } from '../reports/doc-source.ts';
import { EventNotFoundError } from '../reports/event-snapshot.ts';

/**
 * The full event export: every doc of an event as plain data plus its schema version, so an event can be
 * archived, moved to another server, or re-imported as a new event.
 *
 * ```json
 * { "format": "tablemap-event", "version": 1, "exportedAt": "…", "eventId": "…", "title": "…",
 *   "docs": { "event": Doc, "synthesis": Doc | null, "roster": Doc | null, "tables": { "<tableId>": Doc | null } } }
 * Doc = { "kind": "table", "schemaVersion": 2, "nested": ["organisations", …], "content": { "<root>": {…} | […] } }
 * ```
 *
 * `content` holds each root map (as an object with sorted keys) or root array of the Yjs doc; `nested`
 * names the root maps whose entries are themselves Y.Maps (so two people can edit different fields of
 * one entry), which the import recreates as Y.Maps. A doc nobody ever wrote is `null`.
 * The roster holds attendee names and emails: the export is for facilitators only.
 */
export const EXPORT_FORMAT = 'tablemap-event';
export const EXPORT_VERSION = 1;
/** Imports larger than this are refused before they are parsed. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** Is this entry one the model defines? `server` roots (consent counts) are kept as the server wrote them. */
function entryIsValid(shape: RootShape, key: string | null, value: unknown): boolean {
  return shape.kind === 'server' || isValidRootValue(shape, key, value);
}

export interface DocExport {
  kind: DocKind;
  schemaVersion: number;
  nested: string[];
  content: Record<string, unknown>;
}

export interface EventExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  /** The schema version of the server that wrote the file. */
  schemaVersion: number;
  exportedAt: string;
  /** Entries left out because the model does not define them (junk from an old or hostile client), with why. */
  skipped: string[];
  eventId: string;
  title: string;
  docs: {
    event: DocExport;
    synthesis: DocExport | null;
    roster: DocExport | null;
    tables: Record<string, DocExport | null>;
    /** The organisers' narrative as plain data (rich text as JSON trees); share links are not exported. */
    report?: ReportNarrative | null;
  };
  /**
   * When the data is deleted, the notice people were shown, and who downloaded personal data: an
   * organiser's records of processing go with the data. Not restored on import (a new event starts its own).
   */
  privacy?: {
    deleteAfter: string;
    rosterRedactAfter: string | null;
    rosterRedactedAt: string | null;
    notice: { controller: string; contact: string; purpose: string } | null;
    accessLog: { at: string; role: string; tokenId: string; what: string; options: Record<string, unknown> }[];
  };
}

// ---------------------------------------------------------------------------------------------- export

export async function exportEvent(eventId: string, docs: DocSource): Promise<EventExport> {
  const record = await docs.findEvent(eventId);
  if (!record) throw new EventNotFoundError(eventId);
  const skipped: string[] = [];
  const read = (name: string, ref: DocRef) => docs.read(name, ref, (doc) => docToPlain(doc, ref.kind, name, skipped));
  const event = await read(eventDocName(eventId), { kind: 'event', eventId });
  if (!event) throw new EventNotFoundError(eventId);
  const tableIds = await docs.read(eventDocName(eventId), { kind: 'event', eventId }, (doc) => readEvent(doc).tables.map((table) => table.id));
  const tables: Record<string, DocExport | null> = {};
  for (const tableId of tableIds) tables[tableId] = await read(tableDocName(eventId, tableId), { kind: 'table', eventId, tableId });
  const synthesis = await read(synthesisDocName(eventId), { kind: 'synthesis', eventId });
  const roster = await read(rosterDocName(eventId), { kind: 'roster', eventId });
  const narrative = await docs.read(reportDocName(eventId), { kind: 'report', eventId }, readReportNarrative);
  const written = Object.keys(narrative.sections).length + narrative.recommendations.length + narrative.easyRead.length > 0;
  const privacy = await docs.privacy?.(eventId);
  const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    skipped,
    eventId,
    title: record.title,
    docs: { event, synthesis, roster, tables, report: written ? narrative : null },
    ...(privacy
      ? {
          privacy: {
            deleteAfter: new Date(privacy.deleteAfter).toISOString(),
            rosterRedactAfter: iso(privacy.rosterRedactAfter),
            rosterRedactedAt: iso(privacy.rosterRedactedAt),
            notice: privacy.notice,
            accessLog: privacy.accessLog.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })),
          },
        }
      : {}),
  };
}

/**
 * A doc as plain data; `null` for a doc that has never been written. A doc still at an older schema
 * version (e.g. a synthesis doc a client created before anyone migrated it) is exported as its migrated
 * copy, so every export carries the current layout; the live doc is not touched.
 */
export function docToPlain(doc: Y.Doc, kind: DocKind, label: string = kind, skipped: string[] = []): DocExport | null {
  if (schemaVersionOf(doc) < CURRENT_SCHEMA_VERSION && doc.store.clients.size > 0) {
    const copy = new Y.Doc();
    try {
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
      migrate(copy, kind);
      return plainOf(copy, kind, label, skipped);
    } finally {
      copy.destroy();
    }
  }
  return plainOf(doc, kind, label, skipped);
}

/** The doc's roots as plain data; entries the model does not define are left out and listed in `skipped`. */
function plainOf(doc: Y.Doc, kind: DocKind, label: string, skipped: string[]): DocExport | null {
  const content: Record<string, unknown> = {};
  const nested: string[] = [];
  let empty = true;
  for (const [root, shape] of Object.entries(DOC_SHAPES[kind])) {
    if (shape.kind === 'list') {
      const array = doc.getArray<unknown>(root);
      if (array.length > 0) empty = false;
      content[root] = array.toJSON().filter((value, index) => keep(entryIsValid(shape, null, value), `${label}.${root}.${index}`, skipped)).map(sortKeys);
      continue;
    }
    const map = doc.getMap<unknown>(root);
    if (map.size > 0) empty = false;
    if (shape.kind === 'entries' && [...map.values()].some((value) => value instanceof Y.Map)) nested.push(root);
    const plain = map.toJSON() as Record<string, unknown>;
    for (const key of Object.keys(plain)) {
      const valid = entryIsValid(shape, key, plain[key]) && (shape.kind !== 'entries' || map.get(key) instanceof Y.Map);
      if (!keep(valid, `${label}.${root}.${key.slice(0, 64)}`, skipped)) delete plain[key];
    }
    content[root] = sortKeys(plain);
  }
  for (const root of doc.share.keys()) if (!(root in DOC_SHAPES[kind])) skipped.push(`${label}.${root.slice(0, 40)}: not part of a ${kind} document`);
  if (empty) return null;
  return { kind, schemaVersion: schemaVersionOf(doc), nested, content };
}

function keep(valid: boolean, where: string, skipped: string[]): boolean {
  if (!valid) skipped.push(`${where}: not an entry the model defines`);
  return valid;
}

/** Objects with sorted keys, so two exports of equal docs are equal text whatever order edits arrived in. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------------- import

/** Why an import was refused; the message is for the person who chose the file. */
export class ImportError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
  }
}

const PlainObjectSchema = v.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be an object',
);

const DocExportSchema = v.object({
  kind: v.picklist(['event', 'table', 'synthesis', 'roster'], 'kind must be event, table, synthesis or roster'),
  schemaVersion: v.pipe(
    v.number('schemaVersion must be a number'),
    v.integer('schemaVersion must be a whole number'),
    v.minValue(1, 'schemaVersion must be at least 1'),
    v.maxValue(CURRENT_SCHEMA_VERSION, `schemaVersion is newer than this server understands (${CURRENT_SCHEMA_VERSION}); update Tablemap`),
  ),
  nested: v.array(v.string('nested must list root names')),
  content: v.record(v.string(), v.union([PlainObjectSchema, v.array(v.unknown())], 'each root must be an object or a list')),
});

const EventExportSchema = v.object({
  format: v.literal(EXPORT_FORMAT, 'format must be "tablemap-event"'),
  version: v.literal(EXPORT_VERSION),
  // Files written before the export carried it have none; a newer one is refused.
  schemaVersion: v.optional(
    v.pipe(v.number(), v.maxValue(CURRENT_SCHEMA_VERSION, `the export's schemaVersion is newer than this server understands (${CURRENT_SCHEMA_VERSION}); update Tablemap`)),
  ),
  skipped: v.optional(v.array(v.string())),
  exportedAt: v.optional(v.string()),
  eventId: v.pipe(v.string('eventId is required'), v.minLength(1, 'eventId is required')),
  title: v.optional(v.string()),
  docs: v.object({
    event: DocExportSchema,
    synthesis: v.nullable(DocExportSchema),
    roster: v.nullable(DocExportSchema),
    report: v.optional(v.nullable(v.unknown())),
    tables: v.pipe(
      v.record(v.string(), v.nullable(DocExportSchema)),
      v.check((tables) => Object.keys(tables).length <= MAX_TABLES, `an event can have at most ${MAX_TABLES} tables`),
    ),
  }),
});

/** Every doc of an import, rebuilt in memory and validated; nothing is stored yet. */
export interface PreparedImport {
  title: string;
  /** Entries dropped because the model does not define them; the rest was imported. */
  warnings: string[];
  /** Consent counts the export carried, per table, so the new event's database counts match them. */
  consentByTable: Record<string, Record<string, number>>;
  tables: { id: string; name: string }[];
  /** In write order: the event doc last, so a half-written import is never reachable. */
  docs: { ref: DocRef; name: string; doc: Y.Doc }[];
}

/** Parses the raw bytes of an export file: size and JSON are checked before anything else. */
export function parseImportText(text: string | Uint8Array): unknown {
  const size = typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength;
  if (size > MAX_IMPORT_BYTES) throw new ImportError('too_large', `The file is ${(size / 1024 / 1024).toFixed(1)} MB; an event export can be at most 50 MB`);
  const source = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  try {
    return JSON.parse(source) as unknown;
  } catch {
    throw new ImportError('invalid_json', 'The file is not JSON; choose a Tablemap event export (.json)');
  }
}

/**
 * Validates an export completely and rebuilds its docs in memory under `newEventId`. Throws ImportError
 * with every problem found; the caller stores nothing unless this returns.
 */
export function prepareImport(raw: unknown, newEventId: string, maxDocBytes = Number.POSITIVE_INFINITY): PreparedImport {
  checkEnvelope(raw);
  const parsed = v.safeParse(EventExportSchema, raw);
  if (!parsed.success) throw new ImportError('invalid_export', `The export is incomplete or malformed: ${describeIssues(parsed.issues)}`);
  const data = parsed.output;
  /** Problems that refuse the whole file; `warnings` are entries dropped while the rest is imported. */
  const problems: string[] = [];
  const warnings: string[] = [];
  const build = (label: string, exported: v.InferOutput<typeof DocExportSchema>, kind: DocKind) => {
    if (exported.kind !== kind) problems.push(`${label}: is a ${exported.kind} doc, expected ${kind}`);
    return buildDoc(label, exported, kind, problems, warnings);
  };

  const eventDoc = build('docs.event', data.docs.event, 'event');
  const meta = eventDoc.getMap<unknown>('meta');
  if (meta.get('eventId') !== data.eventId) problems.push('docs.event: its eventId does not match the export’s eventId');
  const event = readEvent(eventDoc);
  addReadProblems('docs.event', event.problems, warnings);
  if (typeof meta.get('title') !== 'string' || event.title.trim() === '') problems.push('docs.event: the event has no title');
  if (event.tables.length === 0) problems.push('docs.event: the event has no tables');
  if (event.tables.length > MAX_TABLES) problems.push(`docs.event: an event can have at most ${MAX_TABLES} tables`);
  const knownTables = new Set(event.tables.map((table) => table.id));

  const docs: PreparedImport['docs'] = [];
  for (const [tableId, exported] of Object.entries(data.docs.tables)) {
    if (!knownTables.has(tableId)) {
      warnings.push(`docs.tables.${tableId.slice(0, 64)}: the event has no such table; left out`);
      continue;
    }
    if (!exported) continue;
    const doc = build(`docs.tables.${tableId}`, exported, 'table');
    const dangling = removeDanglingLinks(doc);
    if (dangling > 0) warnings.push(`docs.tables.${tableId}.links: ${dangling} links to organisations that are not there; left out`);
    addReadProblems(`docs.tables.${tableId}`, readTable(doc).problems, warnings);
    docs.push({ ref: { kind: 'table', eventId: newEventId, tableId }, name: tableDocName(newEventId, tableId), doc });
  }
  if (data.docs.synthesis) {
    const doc = build('docs.synthesis', data.docs.synthesis, 'synthesis');
    addReadProblems('docs.synthesis', readSynthesis(doc).problems, warnings);
    const edits = doc.getMap<unknown>('directoryEdits');
    for (const [id, edit] of [...edits.entries()]) {
      const valid = v.safeParse(DirectoryEditsSchema, { [id]: edit });
      if (!valid.success) {
        warnings.push(`docs.synthesis.directoryEdits.${id.slice(0, 64)}: ${describeIssues(valid.issues)}; left out`);
        edits.delete(id);
      }
    }
    docs.push({ ref: { kind: 'synthesis', eventId: newEventId }, name: synthesisDocName(newEventId), doc });
  }
  if (data.docs.roster) {
    const doc = build('docs.roster', data.docs.roster, 'roster');
    addReadProblems('docs.roster', readRoster(doc).problems, warnings);
    docs.push({ ref: { kind: 'roster', eventId: newEventId }, name: rosterDocName(newEventId), doc });
  }
  if (data.docs.report) {
    const narrative = v.safeParse(ReportNarrativeSchema, data.docs.report);
    if (narrative.success) {
      const doc = narrativeDoc(narrative.output);
      docs.push({ ref: { kind: 'report', eventId: newEventId }, name: reportDocName(newEventId), doc });
    } else {
      warnings.push(`docs.report: ${describeIssues(narrative.issues)}; the report's narrative was left out`);
    }
  }
  for (const { name, doc } of docs) checkSize(name, doc, maxDocBytes, problems);
  checkSize('docs.event', eventDoc, maxDocBytes, problems);

  if (problems.length > 0) {
    for (const { doc } of docs) doc.destroy();
    eventDoc.destroy();
    const shown = problems.slice(0, 10).join('; ');
    throw new ImportError('invalid_export', `The export was refused, nothing was created: ${shown}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`);
  }
  eventDoc.transact(() => meta.set('eventId', newEventId));
  docs.push({ ref: { kind: 'event', eventId: newEventId }, name: eventDocName(newEventId), doc: eventDoc });
  return { title: event.title, tables: event.tables.map(({ id, name }) => ({ id, name })), docs, warnings, consentByTable: event.consentByTable };
}

/** A report doc holding an exported narrative (validated already). */
function narrativeDoc(narrative: ReportNarrative): Y.Doc {
  const doc = new Y.Doc();
  migrate(doc, 'report');
  for (const section of NARRATIVE_SECTIONS) {
    const content = narrative.sections[section];
    if (content) writeRichText(doc, section, content);
  }
  for (const recommendation of narrative.recommendations) setRecommendation(doc, recommendation);
  for (const point of narrative.easyRead) setEasyReadPoint(doc, point);
  return doc;
}

/** The two mistakes people make most (another file, another version) get their own message. */
function checkEnvelope(raw: unknown): void {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ImportError('invalid_export', 'The file is not a Tablemap event export');
  const { format, version } = raw as { format?: unknown; version?: unknown };
  if (format !== EXPORT_FORMAT) throw new ImportError('invalid_export', 'The file is not a Tablemap event export (its "format" is not "tablemap-event")');
  if (version !== EXPORT_VERSION) {
    throw new ImportError(
      'wrong_version',
      `The export has version ${JSON.stringify(version ?? null)}; this server imports version ${EXPORT_VERSION} only`,
    );
  }
}

function buildDoc(label: string, exported: v.InferOutput<typeof DocExportSchema>, kind: DocKind, problems: string[], warnings: string[]): Y.Doc {
  const shapes = DOC_SHAPES[kind];
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const [root, value] of Object.entries(exported.content)) {
      const shape = shapes[root];
      const where = `${label}.content.${root.slice(0, 40)}`;
      if (!shape) {
        warnings.push(`${label}.content: unknown part "${root.slice(0, 40)}" for a ${kind} doc; left out`);
      } else if (shape.kind === 'list') {
        if (!Array.isArray(value)) warnings.push(`${where}: must be a list; left out`);
        else doc.getArray(root).push(value.filter((entry, index) => keepImported(entryIsValid(shape, null, entry), `${where}.${index}`, warnings)));
      } else if (Array.isArray(value)) {
        warnings.push(`${where}: must be an object; left out`);
      } else {
        fillMap(doc.getMap(root), shape, value, where, warnings);
      }
    }
  });
  if (schemaVersionOf(doc) !== exported.schemaVersion) problems.push(`${label}: meta.schemaVersion does not match schemaVersion`);
  if (doc.getMap('meta').get('kind') !== kind) problems.push(`${label}: meta.kind is not "${kind}"`);
  return doc;
}

function keepImported(valid: boolean, where: string, warnings: string[]): boolean {
  if (!valid) warnings.push(`${where.slice(0, 160)}: not an entry the model defines; left out`);
  return valid;
}

/** Fills a root map with the entries the model defines; `entries` roots get one Y.Map per entry. */
function fillMap(map: Y.Map<unknown>, shape: RootShape, entries: Record<string, unknown>, label: string, warnings: string[]): void {
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined || !keepImported(entryIsValid(shape, key, value), `${label}.${key.slice(0, 64)}`, warnings)) continue;
    if (shape.kind !== 'entries') {
      map.set(key, value);
      continue;
    }
    const entry = new Y.Map<unknown>();
    for (const [field, fieldValue] of Object.entries(value as Record<string, unknown>)) if (fieldValue !== undefined) entry.set(field, fieldValue);
    map.set(key, entry);
  }
}

function checkSize(label: string, doc: Y.Doc, maxDocBytes: number, problems: string[]): void {
  const bytes = Y.encodeStateAsUpdate(doc).byteLength;
  if (bytes > maxDocBytes) problems.push(`${label}: ${(bytes / 1024 / 1024).toFixed(1)} MB is over the ${(maxDocBytes / 1024 / 1024).toFixed(1)} MB limit per document`);
}

function addReadProblems(label: string, found: ReadProblem[], warnings: string[]): void {
  for (const problem of found.slice(0, 5)) warnings.push(`${label}.${problem.collection}.${problem.key}: ${problem.reason}`);
  if (found.length > 5) warnings.push(`${label}: ${found.length - 5} more malformed entries`);
}

function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 8)
    .map((issue) => {
      const path = issue.path?.map((item) => String(item.key)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
