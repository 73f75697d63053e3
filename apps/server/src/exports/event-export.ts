import * as Y from 'yjs';
import {
  CURRENT_SCHEMA_VERSION,
  DOC_SHAPES,
  isValidRootValue,
  type RootShape,
  eventDocName,
  migrate,
  readEvent,
  readReportNarrative,
  reportDocName,
  type ReportNarrative,
  rosterDocName,
  schemaVersionOf,
  synthesisDocName,
  tableDocName,
  type DocKind,
  type DocRef,
} from '@tablemap/model';
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

/** Is this entry one the model defines? `server` roots (consent counts) are kept as the server wrote them. */
export function entryIsValid(shape: RootShape, key: string | null, value: unknown): boolean {
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
