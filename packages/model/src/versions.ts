import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import type { DocKind } from './doc-names.ts';
import { DEFAULT_PRIORITY_GROUPS } from './vocabulary.ts';

/** The schema version this build of the model writes. */
export const CURRENT_SCHEMA_VERSION = 3;

export interface Migration {
  /** The version a doc has after this migration. */
  version: number;
  name: string;
  up(doc: Y.Doc, kind: DocKind): void;
}

/** Root types each doc kind holds; creating them is idempotent in Yjs. */
export const ROOT_MAPS: Record<DocKind, readonly string[]> = {
  event: ['meta', 'prompts', 'tables', 'translations'],
  table: ['meta', 'organisations', 'links', 'notes', 'votes', 'themeVotes', 'positions', 'consent', 'tableThemes', 'notePlacements'],
  roster: ['meta', 'attendees', 'seating', 'redactedCounts'],
  synthesis: ['meta', 'themes', 'noteThemes', 'noteFlags', 'hiddenNotes', 'aliases', 'rejectedMerges', 'directoryEdits', 'themeSources'],
  private: ['meta', 'notes'],
  // The narrative sections are Y.XmlFragments (collaborative rich text), created by the editor.
  report: ['meta', 'recommendationItems', 'easyRead', 'shares'],
};
export const ROOT_ARRAYS: Record<DocKind, readonly string[]> = {
  event: ['groups', 'sectors'],
  table: [],
  roster: [],
  synthesis: [],
  private: [],
  report: [],
};

/** Named, ordered migrations. Each is applied once, in order, inside one transaction. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'v1-initial-layout',
    up(doc, kind) {
      for (const name of ROOT_MAPS[kind]) doc.getMap(name);
      for (const name of ROOT_ARRAYS[kind]) doc.getArray(name);
      doc.getMap('meta').set('kind', kind);
    },
  },
  {
    version: 2,
    name: 'v2-table-theme-boards',
    up(doc, kind) {
      // Each table's own theme board, and the synthesis map from table themes to event themes.
      if (kind === 'table') for (const name of ['tableThemes', 'notePlacements']) doc.getMap(name);
      if (kind === 'synthesis') doc.getMap('themeSources');
    },
  },
  {
    version: 3,
    name: 'v3-priority-voices-and-table-attributes',
    up(doc, kind) {
      if (kind !== 'event') return;
      doc.getMap('translations');
      const meta = doc.getMap('meta');
      // Docs made before priority voices existed get the default; a facilitator's later choice is kept.
      if (!meta.has('priorityGroups')) meta.set('priorityGroups', [...DEFAULT_PRIORITY_GROUPS]);
      const tables = doc.getMap<Record<string, unknown>>('tables');
      for (const [id, table] of [...tables.entries()]) {
        if (typeof table !== 'object' || table === null || 'hearingLoop' in table) continue;
        tables.set(id, { ...table, hearingLoop: false, nearExit: false, languages: [] });
      }
    },
  },
];

export function schemaVersionOf(doc: Y.Doc): number {
  const version = doc.getMap('meta').get('schemaVersion');
  return typeof version === 'number' && Number.isInteger(version) && version >= 0 ? version : 0;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings a doc up to CURRENT_SCHEMA_VERSION. A doc written by a newer build is refused
 * rather than silently downgraded.
 */
export function migrate(doc: Y.Doc, kind: DocKind, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  const from = schemaVersionOf(doc);
  const target = migrations.at(-1)?.version ?? 0;
  if (from > target) {
    throw new ModelError(
      'wrong_doc',
      `This ${kind} document has schema version ${from}, newer than this app understands (${target}). Please update Tablemap.`,
    );
  }
  const pending = migrations.filter((migration) => migration.version > from);
  if (pending.length === 0) return { from, to: from, applied: [] };
  doc.transact(() => {
    for (const migration of pending) {
      migration.up(doc, kind);
      doc.getMap('meta').set('schemaVersion', migration.version);
    }
  });
  return { from, to: target, applied: pending.map((migration) => migration.name) };
}
