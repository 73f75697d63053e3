import type pg from 'pg';
import { StorageError } from './doc-store.ts';
import { classifyTable, toAccessEntry, toPrivacy, type AccessRow, type PrivacyRow } from './sqlite-privacy.ts';
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

export const POSTGRES_PRIVACY_SCHEMA = `
CREATE TABLE IF NOT EXISTS deleted_events (
  event_id TEXT PRIMARY KEY,
  requested_at BIGINT NOT NULL,
  purged_at BIGINT
);
CREATE TABLE IF NOT EXISTS event_privacy (
  event_id TEXT PRIMARY KEY,
  delete_after BIGINT NOT NULL,
  roster_redact_after BIGINT,
  roster_redacted_at BIGINT,
  notice TEXT
);
CREATE TABLE IF NOT EXISTS access_log (
  id BIGSERIAL PRIMARY KEY,
  event_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  role TEXT NOT NULL,
  token_id TEXT NOT NULL,
  what TEXT NOT NULL,
  options TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS access_log_by_event ON access_log (event_id, id);
`;

const DEFAULT_RETENTION_SQL = `${DEFAULT_RETENTION_DAYS}::bigint * ${DAY_MS}`;

/**
 * The PostgreSQL side of `PrivacyStore`. A purge is one transaction over every table; `scrub` then runs
 * VACUUM FULL on the tables that held the event, which rewrites them into new files so dead rows do not
 * stay in the old ones. (PostgreSQL's WAL segments keep old changes until they are recycled; see
 * docs/privacy.md.)
 */
export class PostgresPrivacyStore implements PrivacyStore {
  private readonly pool: pg.Pool;
  private readonly flushAppends: () => Promise<void>;

  constructor(pool: pg.Pool, flushAppends: () => Promise<void>) {
    this.pool = pool;
    this.flushAppends = flushAppends;
  }

  async markDeleted(eventId: string, at: number): Promise<void> {
    await this.query('record the deletion', 'INSERT INTO deleted_events (event_id, requested_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [eventId, at]);
  }

  async isDeleted(eventId: string): Promise<boolean> {
    const result = await this.query('check the event', 'SELECT 1 FROM deleted_events WHERE event_id = $1', [eventId]);
    return result.rows.length > 0;
  }

  async pendingPurges(): Promise<string[]> {
    const result = await this.query('list pending deletions', 'SELECT event_id FROM deleted_events WHERE purged_at IS NULL ORDER BY requested_at', []);
    return result.rows.map((row: { event_id: string }) => row.event_id);
  }

  async tableKeying(): Promise<Record<string, TableKeying>> {
    const result = await this.query(
      'list the tables',
      `SELECT t.table_name, array_agg(c.column_name::text) AS columns
       FROM information_schema.tables t JOIN information_schema.columns c
         ON c.table_schema = t.table_schema AND c.table_name = t.table_name
       WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
       GROUP BY t.table_name ORDER BY t.table_name`,
      [],
    );
    const keying: Record<string, TableKeying> = {};
    for (const row of result.rows as { table_name: string; columns: string[] }[]) {
      const kind = classifyTable(row.table_name, row.columns);
      if (!kind) throw new StorageError(`Table ${row.table_name} is not known to event deletion: say how its rows belong to an event`);
      keying[row.table_name] = kind;
    }
    return keying;
  }

  async purgeEvent(eventId: string): Promise<void> {
    await this.flushAppends();
    const keying = await this.tableKeying();
    const { exact, prefixes } = eventDocPrefixes(eventId);
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      for (const [table, kind] of Object.entries(keying)) {
        if (kind === 'event_id') await client.query(`DELETE FROM "${table}" WHERE event_id = $1`, [eventId]);
        if (kind === 'doc_name') {
          await client.query(`DELETE FROM "${table}" WHERE name = ANY($1::text[]) OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS p WHERE left(name, length(p)) = p)`, [
            exact,
            prefixes,
          ]);
        }
      }
      await client.query('UPDATE deleted_events SET purged_at = $1 WHERE event_id = $2', [Date.now(), eventId]);
      await client.query('COMMIT');
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw new StorageError(`Could not delete event ${eventId}: ${reasonOf(error)}`, { cause: error });
    } finally {
      client.release(broken);
    }
    await this.scrub({ rebuild: true });
  }

  async scrub(options: { rebuild: boolean }): Promise<void> {
    const keying = await this.tableKeying();
    const tables = Object.entries(keying)
      .filter(([, kind]) => kind === 'event_id' || kind === 'doc_name')
      .map(([table]) => `"${table}"`);
    // VACUUM FULL rewrites each table into new files and unlinks the old ones (with the dead rows), under an
    // exclusive lock; a plain VACUUM only marks dead rows' space for reuse, without blocking writers.
    await this.query('scrub the database files', `VACUUM ${options.rebuild ? 'FULL ' : ''}${tables.join(', ')}`, []);
  }

  async getPrivacy(eventId: string): Promise<EventPrivacy | null> {
    const result = await this.query(
      'read the privacy settings',
      `SELECT COALESCE(p.delete_after, e.created_at + ${DEFAULT_RETENTION_SQL}) AS delete_after,
              p.roster_redact_after, p.roster_redacted_at, p.notice
       FROM events e LEFT JOIN event_privacy p ON p.event_id = e.event_id WHERE e.event_id = $1`,
      [eventId],
    );
    const row = result.rows[0] as PrivacyRow | undefined;
    return row ? toPrivacy(row) : null;
  }

  async setRetention(eventId: string, settings: Pick<RetentionSettings, 'deleteAfter' | 'rosterRedactAfter'>): Promise<void> {
    await this.query(
      'save the retention dates',
      `INSERT INTO event_privacy (event_id, delete_after, roster_redact_after) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO UPDATE SET delete_after = excluded.delete_after, roster_redact_after = excluded.roster_redact_after`,
      [eventId, settings.deleteAfter, settings.rosterRedactAfter],
    );
  }

  async setNotice(eventId: string, notice: PrivacyNotice): Promise<void> {
    const current = await this.getPrivacy(eventId);
    if (!current) throw new StorageError(`No event ${eventId}`);
    await this.query(
      'save the privacy notice',
      `INSERT INTO event_privacy (event_id, delete_after, notice) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO UPDATE SET notice = excluded.notice`,
      [eventId, current.deleteAfter, JSON.stringify(notice)],
    );
  }

  async markRosterRedacted(eventId: string, at: number): Promise<void> {
    const current = await this.getPrivacy(eventId);
    if (!current) return;
    await this.query(
      'record the roster redaction',
      `INSERT INTO event_privacy (event_id, delete_after, roster_redacted_at) VALUES ($1, $2, $3)
       ON CONFLICT (event_id) DO UPDATE SET roster_redacted_at = excluded.roster_redacted_at`,
      [eventId, current.deleteAfter, at],
    );
  }

  async expiredEvents(now: number): Promise<string[]> {
    const result = await this.query(
      'list expired events',
      `SELECT e.event_id FROM events e LEFT JOIN event_privacy p ON p.event_id = e.event_id
       WHERE COALESCE(p.delete_after, e.created_at + ${DEFAULT_RETENTION_SQL}) <= $1 ORDER BY e.event_id`,
      [now],
    );
    return result.rows.map((row: { event_id: string }) => row.event_id);
  }

  async rosterRedactionsDue(now: number): Promise<string[]> {
    const result = await this.query(
      'list roster redactions due',
      'SELECT event_id FROM event_privacy WHERE roster_redact_after <= $1 AND roster_redacted_at IS NULL ORDER BY event_id',
      [now],
    );
    return result.rows.map((row: { event_id: string }) => row.event_id);
  }

  async recordAccess(eventId: string, entry: AccessLogEntry): Promise<void> {
    await this.query(
      'record the download in the access log',
      'INSERT INTO access_log (event_id, at, role, token_id, what, options) VALUES ($1, $2, $3, $4, $5, $6)',
      [eventId, entry.at, entry.role, entry.tokenId, entry.what, JSON.stringify(entry.options)],
    );
  }

  async accessLog(eventId: string): Promise<AccessLogEntry[]> {
    const result = await this.query('read the access log', 'SELECT at, role, token_id, what, options FROM access_log WHERE event_id = $1 ORDER BY id', [eventId]);
    return result.rows.map((row) => toAccessEntry(row as AccessRow));
  }

  private async query(what: string, sql: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, values);
    } catch (error) {
      throw new StorageError(`Could not ${what}: ${reasonOf(error)}`, { cause: error });
    }
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
