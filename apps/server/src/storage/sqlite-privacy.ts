import type { DatabaseSync } from 'node:sqlite';
import { StorageError } from './doc-store.ts';
import {
  DEFAULT_RETENTION_DAYS,
  DAY_MS,
  eventDocPrefixes,
  type AccessLogEntry,
  type EventPrivacy,
  type PrivacyNotice,
  type PrivacyStore,
  type RetentionSettings,
  type TableKeying,
} from '../privacy/privacy-store.ts';

export const SQLITE_PRIVACY_SCHEMA = `
CREATE TABLE IF NOT EXISTS deleted_events (
  event_id TEXT PRIMARY KEY,
  requested_at INTEGER NOT NULL,
  purged_at INTEGER
);
CREATE TABLE IF NOT EXISTS event_privacy (
  event_id TEXT PRIMARY KEY,
  delete_after INTEGER NOT NULL,
  roster_redact_after INTEGER,
  roster_redacted_at INTEGER,
  notice TEXT
);
CREATE TABLE IF NOT EXISTS access_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  role TEXT NOT NULL,
  token_id TEXT NOT NULL,
  what TEXT NOT NULL,
  options TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_by_event ON access_log (event_id, id);
CREATE TABLE IF NOT EXISTS pending_withdrawals (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  PRIMARY KEY (event_id, participant_id)
);
`;

/** Tables holding docs by name (`event/<id>`, `table/<id>/<table>`…): an event's rows are found by doc name. */
export const DOC_TABLES = new Set(['doc_snapshots', 'doc_updates']);
/** Tables holding nothing of any one event. */
export const SERVER_WIDE_TABLES = new Set(['server_secrets']);
export const TOMBSTONE_TABLE = 'deleted_events';

/** How a table is tied to events: by an `event_id` column, by doc name, or not at all. Unknown tables are refused. */
export function classifyTable(table: string, columns: readonly string[]): TableKeying | null {
  if (table === TOMBSTONE_TABLE) return 'tombstone';
  if (DOC_TABLES.has(table)) return 'doc_name';
  if (columns.includes('event_id')) return 'event_id';
  if (SERVER_WIDE_TABLES.has(table)) return 'server_wide';
  return null;
}

const DEFAULT_RETENTION_SQL = `${DEFAULT_RETENTION_DAYS} * ${DAY_MS}`;

/**
 * The SQLite side of `PrivacyStore`, on the store's own connection (so a purge and the doc log share
 * transactions). `secure_delete` makes SQLite overwrite deleted content with zeros; a purge then
 * checkpoints the WAL (TRUNCATE) and VACUUMs so no page of the file keeps the event's text.
 */
export class SqlitePrivacyStore implements PrivacyStore {
  private readonly db: DatabaseSync;
  /** Writes every append still queued, so no row of the event is inserted after its purge. */
  private readonly flushAppends: () => Promise<void>;

  constructor(db: DatabaseSync, flushAppends: () => Promise<void>) {
    this.db = db;
    this.flushAppends = flushAppends;
    this.db.exec('PRAGMA secure_delete = ON;');
    this.db.exec(SQLITE_PRIVACY_SCHEMA);
  }

  async markDeleted(eventId: string, at: number): Promise<void> {
    this.run('record the deletion', () =>
      this.db.prepare('INSERT OR IGNORE INTO deleted_events (event_id, requested_at) VALUES (?, ?)').run(eventId, at),
    );
  }

  async isDeleted(eventId: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 AS gone FROM deleted_events WHERE event_id = ?').get(eventId) !== undefined;
  }

  async pendingPurges(): Promise<string[]> {
    const rows = this.db.prepare('SELECT event_id FROM deleted_events WHERE purged_at IS NULL ORDER BY requested_at').all();
    return rows.map((row) => String((row as { event_id: string }).event_id));
  }

  async tableKeying(): Promise<Record<string, TableKeying>> {
    const keying: Record<string, TableKeying> = {};
    for (const table of this.tables()) {
      const kind = classifyTable(table, this.columns(table));
      if (!kind) throw new StorageError(`Table ${table} is not known to event deletion: say how its rows belong to an event`);
      keying[table] = kind;
    }
    return keying;
  }

  async purgeEvent(eventId: string): Promise<void> {
    await this.flushAppends();
    const keying = await this.tableKeying();
    const { exact, prefixes } = eventDocPrefixes(eventId);
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const [table, kind] of Object.entries(keying)) {
        if (kind === 'event_id') this.db.prepare(`DELETE FROM "${table}" WHERE event_id = ?`).run(eventId);
        if (kind === 'doc_name') {
          // substr, not LIKE: `_` is a LIKE wildcard and may appear in ids.
          const byPrefix = prefixes.map(() => 'substr(name, 1, ?) = ?').join(' OR ');
          this.db
            .prepare(`DELETE FROM "${table}" WHERE name IN (${exact.map(() => '?').join(', ')}) OR ${byPrefix}`)
            .run(...exact, ...prefixes.flatMap((prefix) => [prefix.length, prefix]));
        }
      }
      this.db.prepare('UPDATE deleted_events SET purged_at = ? WHERE event_id = ?').run(Date.now(), eventId);
      this.db.exec('COMMIT');
    } catch (error) {
      this.rollback();
      throw new StorageError(`Could not delete event ${eventId}: ${reasonOf(error)}`, { cause: error });
    }
    await this.scrub({ rebuild: true });
  }

  async scrub(options: { rebuild: boolean }): Promise<void> {
    await this.flushAppends();
    try {
      // secure_delete has already overwritten the deleted records; the WAL still holds older page images.
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE);');
      // VACUUM rebuilds the file (and shrinks it); it writes through the WAL, so that is emptied again below.
      if (options.rebuild) this.db.exec('VACUUM;');
      const result = this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number } | undefined;
      if (result?.busy) throw new Error('another process is reading the database; the WAL could not be emptied');
    } catch (error) {
      throw new StorageError(`Could not scrub the database file: ${reasonOf(error)}`, { cause: error });
    }
  }

  async getPrivacy(eventId: string): Promise<EventPrivacy | null> {
    const row = this.db
      .prepare(
        `SELECT COALESCE(p.delete_after, e.created_at + ${DEFAULT_RETENTION_SQL}) AS delete_after,
                p.roster_redact_after, p.roster_redacted_at, p.notice
         FROM events e LEFT JOIN event_privacy p ON p.event_id = e.event_id WHERE e.event_id = ?`,
      )
      .get(eventId) as PrivacyRow | undefined;
    return row ? toPrivacy(row) : null;
  }

  async setRetention(eventId: string, settings: Pick<RetentionSettings, 'deleteAfter' | 'rosterRedactAfter'>): Promise<void> {
    this.run('save the retention dates', () =>
      this.db
        .prepare(
          `INSERT INTO event_privacy (event_id, delete_after, roster_redact_after) VALUES (?, ?, ?)
           ON CONFLICT(event_id) DO UPDATE SET delete_after = excluded.delete_after, roster_redact_after = excluded.roster_redact_after`,
        )
        .run(eventId, settings.deleteAfter, settings.rosterRedactAfter),
    );
  }

  async setNotice(eventId: string, notice: PrivacyNotice): Promise<void> {
    const current = await this.getPrivacy(eventId);
    if (!current) throw new StorageError(`No event ${eventId}`);
    this.run('save the privacy notice', () =>
      this.db
        .prepare(
          `INSERT INTO event_privacy (event_id, delete_after, notice) VALUES (?, ?, ?)
           ON CONFLICT(event_id) DO UPDATE SET notice = excluded.notice`,
        )
        .run(eventId, current.deleteAfter, JSON.stringify(notice)),
    );
  }

  async markRosterRedacted(eventId: string, at: number): Promise<void> {
    const current = await this.getPrivacy(eventId);
    if (!current) return;
    this.run('record the roster redaction', () =>
      this.db
        .prepare(
          `INSERT INTO event_privacy (event_id, delete_after, roster_redacted_at) VALUES (?, ?, ?)
           ON CONFLICT(event_id) DO UPDATE SET roster_redacted_at = excluded.roster_redacted_at`,
        )
        .run(eventId, current.deleteAfter, at),
    );
  }

  /**
   * A restore brought back a roster that had been reduced to counts after the backup: its reduction date
   * becomes `at` again and it counts as not done, so the server's start reduces it again before anyone connects.
   */
  async redoRosterRedaction(eventId: string, at: number): Promise<void> {
    this.run('schedule the roster reduction again', () =>
      this.db
        .prepare(
          `INSERT INTO event_privacy (event_id, delete_after, roster_redact_after)
             SELECT event_id, created_at + ${DEFAULT_RETENTION_SQL}, ? FROM events WHERE event_id = ?
           ON CONFLICT(event_id) DO UPDATE SET roster_redact_after = MIN(COALESCE(roster_redact_after, excluded.roster_redact_after), excluded.roster_redact_after)
           WHERE roster_redacted_at IS NULL`,
        )
        .run(at, eventId),
    );
  }

  /** A restore found a withdrawal made after its backup: the server's start does it again (`pendingWithdrawals`). */
  async addPendingWithdrawal(eventId: string, participantId: string): Promise<void> {
    this.run('schedule the withdrawal again', () =>
      this.db.prepare('INSERT OR IGNORE INTO pending_withdrawals (event_id, participant_id) VALUES (?, ?)').run(eventId, participantId),
    );
  }

  async pendingWithdrawals(): Promise<{ eventId: string; participantId: string }[]> {
    const rows = this.db.prepare('SELECT event_id, participant_id FROM pending_withdrawals ORDER BY event_id, participant_id').all();
    return rows.map((row) => ({ eventId: String(row.event_id), participantId: String(row.participant_id) }));
  }

  async clearPendingWithdrawal(eventId: string, participantId: string): Promise<void> {
    this.run('clear the withdrawal', () => this.db.prepare('DELETE FROM pending_withdrawals WHERE event_id = ? AND participant_id = ?').run(eventId, participantId));
  }

  async expiredEvents(now: number): Promise<string[]> {
    const rows = this.db
      .prepare(
        `SELECT e.event_id FROM events e LEFT JOIN event_privacy p ON p.event_id = e.event_id
         WHERE COALESCE(p.delete_after, e.created_at + ${DEFAULT_RETENTION_SQL}) <= ? ORDER BY e.event_id`,
      )
      .all(now);
    return rows.map((row) => String((row as { event_id: string }).event_id));
  }

  async rosterRedactionsDue(now: number): Promise<string[]> {
    const rows = this.db
      .prepare('SELECT event_id FROM event_privacy WHERE roster_redact_after <= ? AND roster_redacted_at IS NULL ORDER BY event_id')
      .all(now);
    return rows.map((row) => String((row as { event_id: string }).event_id));
  }

  async recordAccess(eventId: string, entry: AccessLogEntry): Promise<void> {
    this.run('record the download in the access log', () =>
      this.db
        .prepare('INSERT INTO access_log (event_id, at, role, token_id, what, options) VALUES (?, ?, ?, ?, ?, ?)')
        .run(eventId, entry.at, entry.role, entry.tokenId, entry.what, JSON.stringify(entry.options)),
    );
  }

  async accessLog(eventId: string): Promise<AccessLogEntry[]> {
    const rows = this.db.prepare('SELECT at, role, token_id, what, options FROM access_log WHERE event_id = ? ORDER BY id').all(eventId);
    return rows.map((row) => toAccessEntry(row as unknown as AccessRow));
  }

  private tables(): string[] {
    const rows = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    return rows.map((row) => String((row as { name: string }).name));
  }

  private columns(table: string): string[] {
    return this.db.prepare(`PRAGMA table_info("${table}")`).all().map((row) => String((row as { name: string }).name));
  }

  private run(what: string, work: () => unknown): void {
    try {
      work();
    } catch (error) {
      throw new StorageError(`Could not ${what}: ${reasonOf(error)}`, { cause: error });
    }
  }

  private rollback(): void {
    try {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
    } catch {
      // Nothing more to undo; the original error is reported.
    }
  }
}

export interface PrivacyRow {
  delete_after: number | string;
  roster_redact_after: number | string | null;
  roster_redacted_at: number | string | null;
  notice: string | null;
}

export interface AccessRow {
  at: number | string;
  role: string;
  token_id: string;
  what: string;
  options: string;
}

const numberOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));

export function toPrivacy(row: PrivacyRow): EventPrivacy {
  const notice = parseJson<PrivacyNotice | null>(row.notice, null); // a damaged value falls back to the default notice
  return {
    deleteAfter: Number(row.delete_after),
    rosterRedactAfter: numberOrNull(row.roster_redact_after),
    rosterRedactedAt: numberOrNull(row.roster_redacted_at),
    notice,
  };
}

export function toAccessEntry(row: AccessRow): AccessLogEntry {
  const options = parseJson<Record<string, unknown>>(row.options, {});
  return { at: Number(row.at), role: row.role, tokenId: row.token_id, what: row.what, options };
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
