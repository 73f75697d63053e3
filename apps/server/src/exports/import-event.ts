import * as v from 'valibot';
import * as Y from 'yjs';
import {
  CURRENT_SCHEMA_VERSION,
  DOC_SHAPES,
  MAX_TABLES,
  ModelError,
  describeIssues,
  newId,
  removeDanglingLinks,
  type RootShape,
  eventDocName,
  migrate,
  readEvent,
  readSynthesis,
  readTable,
  reportDocName,
  NARRATIVE_SECTIONS,
  ReportNarrativeSchema,
  setEasyReadPoint,
  setRecommendation,
  writeRichText,
  type ReportNarrative,
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
import type { TokenSigner } from '../auth.ts';
import { newJoinCode } from '../join-codes.ts';
import type { EventIndex } from '../storage/doc-store.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, entryIsValid } from './event-export.ts';

/** Imports larger than this are refused before they are parsed. */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** No table seats more than this: a larger count in a file is not taken as it is. */
const MAX_CONSENTS_PER_GROUP = 1000;

export interface ImportedEvent {
  eventId: string;
  joinCode: string;
  facilitatorToken: string;
  observerToken: string;
  tables: { id: string; name: string }[];
  /** Entries of the file that were dropped (not defined by the model); everything else was imported. */
  warnings: string[];
}

export interface ImportDeps {
  registry: DocRegistry;
  events: EventIndex;
  signer: TokenSigner;
  maxDocBytes: number;
}

/**
 * Creates a NEW event (new id, join code and tokens) from a parsed export. Everything is validated in
 * memory first; the docs are then written through the registry (so they are durable like any edit) and
 * the event is entered in the join-code index last, so a failure part-way leaves nothing reachable.
 */
export async function importEvent(raw: unknown, deps: ImportDeps): Promise<ImportedEvent> {
  const eventId = newId();
  const prepared = prepareImport(raw, eventId, deps.maxDocBytes);
  try {
    for (const { name, ref, doc } of prepared.docs) {
      await deps.registry.withDoc(name, ref, (entry) => {
        if (entry.doc.store.clients.size > 0) throw new ImportError('conflict', `${name} already exists`);
        Y.applyUpdate(entry.doc, Y.encodeStateAsUpdate(doc), 'import');
      });
    }
  } finally {
    for (const { doc } of prepared.docs) doc.destroy();
  }
  // The consent counts the file carried become the new event's records (group and table only, as at join).
  for (const [tableId, counts] of Object.entries(prepared.consentByTable)) {
    for (const [group, count] of Object.entries(counts)) {
      for (let index = 0; index < Math.min(count, MAX_CONSENTS_PER_GROUP); index++) await deps.events.recordConsent(eventId, tableId, group, newId());
    }
  }
  const joinCode = await uniqueJoinCode(deps.events);
  await deps.events.createEvent({ eventId, joinCode, title: prepared.title, createdAt: Date.now() });
  const facilitatorToken = await deps.signer.sign({ eventId, role: 'facilitator', participantId: newId() });
  const observerToken = await deps.signer.sign({ eventId, role: 'observer', participantId: newId() });
  return { eventId, joinCode, facilitatorToken, observerToken, tables: prepared.tables, warnings: prepared.warnings };
}

async function uniqueJoinCode(events: EventIndex): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = newJoinCode();
    if (!(await events.findByJoinCode(code))) return code;
  }
  throw new Error('Could not find a free join code');
}

/** Why an import was refused; the message is for the person who chose the file. */
export class ImportError extends ModelError<string> {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'ImportError';
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
  if (!parsed.success) throw new ImportError('invalid_export', `The export is incomplete or malformed: ${describeIssues(parsed.issues.slice(0, 8)).join('; ')}`);
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
        warnings.push(`docs.synthesis.directoryEdits.${id.slice(0, 64)}: ${describeIssues(valid.issues.slice(0, 8)).join('; ')}; left out`);
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
      warnings.push(`docs.report: ${describeIssues(narrative.issues).join('; ')}; the report's narrative was left out`);
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
