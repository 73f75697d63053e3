import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { CURRENT_SCHEMA_VERSION, ModelError, migrate, schemaVersionOf, type DocRef } from '@tablemap/model';
import type { DocStore, EventIndex, EventRecord } from '../storage/doc-store.ts';
import { SqliteStore } from '../storage/sqlite-store.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import type { AccessLogEntry, EventPrivacy, PrivacyStore } from '../privacy/privacy-store.ts';

/**
 * Where the report and export code gets an event's docs from: the live server's registry, or the
 * SQLite file directly (CLI). Readers get a Y.Doc only for the length of the call and must return
 * plain data; nothing they do is ever written back.
 */
export interface DocSource {
  findEvent(eventId: string): Promise<EventRecord | null>;
  read<T>(name: string, ref: DocRef, reader: (doc: Y.Doc) => T): Promise<T>;
  /** Retention dates, privacy notice and access log (they travel with the JSON export and the report). */
  privacy?(eventId: string): Promise<(EventPrivacy & { accessLog: AccessLogEntry[] }) | null>;
  /** Records a download that can hold personal data in the event's access log. */
  recordAccess?(eventId: string, entry: AccessLogEntry): Promise<void>;
}

function privacyReader(privacy: PrivacyStore | undefined): Pick<DocSource, 'privacy' | 'recordAccess'> {
  if (!privacy) return {};
  return {
    async privacy(eventId) {
      const settings = await privacy.getPrivacy(eventId);
      return settings ? { ...settings, accessLog: await privacy.accessLog(eventId) } : null;
    },
    recordAccess: (eventId, entry) => privacy.recordAccess(eventId, entry),
  };
}

/** Reads the docs the server holds in memory (loading them if needed), so a report sees live edits. */
export function registrySource(registry: DocRegistry, events: EventIndex, privacy?: PrivacyStore): DocSource {
  return {
    ...privacyReader(privacy),
    findEvent: (eventId) => events.findById(eventId),
    read: (name, ref, reader) => registry.withDoc(name, ref, (entry) => reader(entry.doc)),
  };
}

/**
 * Reads docs straight from a store (the CLI's SQLite file) into throwaway Y.Docs. Safe while the server runs: every
 * change the server accepted is committed before it is broadcast, and WAL lets us read alongside it.
 * Docs written by an older build are migrated in memory only.
 */
export function storeSource(store: DocStore & EventIndex & { privacy?: PrivacyStore }): DocSource {
  return {
    ...privacyReader(store.privacy),
    findEvent: (eventId) => store.findById(eventId),
    async read(name, ref, reader) {
      const stored = await store.load(name);
      const doc = new Y.Doc();
      try {
        for (const update of stored.updates) Y.applyUpdate(doc, update);
        // A newer build's doc is refused (migrate throws), never read as it is.
        if (stored.updates.length > 0 && schemaVersionOf(doc) !== CURRENT_SCHEMA_VERSION) migrate(doc, ref.kind);
        return reader(doc);
      } finally {
        doc.destroy();
      }
    },
  };
}

/** No database in the directory the command was given. */
export class DataDirError extends ModelError<'no_database'> {
  constructor(message: string) {
    super('no_database', message);
    this.name = 'DataDirError';
  }
}

/**
 * Opens `DATA_DIR/tablemap.sqlite` for the CLI. Refuses a directory without a database rather than
 * creating an empty one (a mistyped --data-dir should say so, not report "no such event").
 */
export function openDataDir(dataDir: string): SqliteStore {
  const path = join(dataDir, 'tablemap.sqlite');
  if (!existsSync(path)) throw new DataDirError(`There is no Tablemap database at ${path}; check --data-dir or DATA_DIR`);
  return new SqliteStore(path);
}
