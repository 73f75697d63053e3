import { randomBytes } from 'node:crypto';
import pg from 'pg';
import * as Y from 'yjs';
import { POSTGRES_PRIVACY_SCHEMA, PostgresPrivacyStore } from './postgres-privacy.ts';
import { StorageError, type DocStore, type EventIndex, type EventRecord, type RevocationList, type StoredDoc } from './doc-store.ts';

interface PendingAppend {
  name: string;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

/** First key of every advisory lock this store takes, so they cannot collide with another application's. */
const LOCK_NAMESPACE = 0x7461_626c; // "tabl"
const SCHEMA_LOCK = 0;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS doc_snapshots (
  name TEXT PRIMARY KEY,
  snapshot BYTEA NOT NULL,
  through_seq BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_updates (
  seq BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  data BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS doc_updates_by_name ON doc_updates (name, seq);
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY,
  join_code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS revocations (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  revoked_at BIGINT NOT NULL,
  PRIMARY KEY (event_id, participant_id)
);
CREATE TABLE IF NOT EXISTS consents (
  event_id TEXT NOT NULL,
  table_id TEXT NOT NULL,
  stakeholder_group TEXT NOT NULL,
  participant_id TEXT,
  consented_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS consents_by_table ON consents (event_id, table_id);
CREATE TABLE IF NOT EXISTS server_secrets (
  id TEXT PRIMARY KEY,
  secret BYTEA NOT NULL
);
`;

export interface PostgresStoreOptions {
  /** Connections in the pool; appends of one tick share one transaction, so a few are enough. */
  poolSize?: number;
  /** A query that has not answered by then fails (clients get 1013 and retry). */
  statementTimeoutMs?: number;
}

/**
 * PostgreSQL store for multi-instance mode: the same update log + snapshot semantics as `SqliteStore`,
 * safe when several server processes write the same doc.
 *
 * - Appends of one tick are inserted in one statement (group commit); each promise resolves after COMMIT.
 * - `load` reads the snapshot and every log row of the doc in ONE statement (one MVCC snapshot), so a
 *   compaction committing meanwhile cannot hide rows from it. It reads all rows, not only those after the
 *   snapshot: a row whose sequence number is below the snapshot's but whose transaction committed after
 *   the compaction read the log is still in the table and must still be applied (Yjs updates are idempotent).
 * - `compact` takes a per-doc advisory lock, merges the stored snapshot with the log rows it can see
 *   (up to `throughSeq`) and deletes exactly those rows. It never trusts the caller's snapshot to contain
 *   rows appended by another instance, so two instances compacting at once cannot lose anything.
 */
export class PostgresStore implements DocStore, EventIndex, RevocationList {
  readonly pool: pg.Pool;
  private queue: PendingAppend[] = [];
  private flushScheduled: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** Deletion, retention, privacy notice and access log (`postgres-privacy.ts`). */
  readonly privacy: PostgresPrivacyStore;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
    this.privacy = new PostgresPrivacyStore(pool, () => this.flush());
  }

  /** Connects, creates the tables if needed (under a lock, so instances starting together do not race). */
  static async connect(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString,
      max: options.poolSize ?? 8,
      statement_timeout: options.statementTimeoutMs ?? 10_000,
      connectionTimeoutMillis: 5_000,
    });
    // An idle client losing its connection (database restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    try {
      await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, SCHEMA_LOCK]);
        await client.query(SCHEMA);
        await client.query(POSTGRES_PRIVACY_SCHEMA);
      });
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StorageError(`Could not open the PostgreSQL database: ${reasonOf(error)}`, { cause: error });
    }
    return new PostgresStore(pool);
  }

  async load(name: string): Promise<StoredDoc> {
    this.assertOpen();
    try {
      // One statement = one consistent view of snapshot and log.
      const result = await this.pool.query<{ kind: number; seq: string; data: Buffer }>(
        `SELECT 0 AS kind, through_seq AS seq, snapshot AS data FROM doc_snapshots WHERE name = $1
         UNION ALL
         SELECT 1 AS kind, seq, data FROM doc_updates WHERE name = $1
         ORDER BY kind, seq`,
        [name],
      );
      const updates: Uint8Array[] = [];
      let bytes = 0;
      let lastSeq = 0;
      let logLength = 0;
      for (const row of result.rows) {
        updates.push(toBytes(row.data));
        bytes += row.data.byteLength;
        lastSeq = Math.max(lastSeq, Number(row.seq));
        if (row.kind === 1) logLength++;
      }
      return { updates, logLength, bytes, lastSeq };
    } catch (error) {
      throw new StorageError(`Could not load ${name}: ${reasonOf(error)}`, { cause: error });
    }
  }

  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new StorageError('The store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ name, update, resolve, reject });
      this.flushScheduled ??= new Promise((done) =>
        setImmediate(() => {
          this.flushScheduled = null;
          this.track(this.writeQueue());
          done();
        }),
      );
    });
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Inserts every queued append in one statement; on failure every one of them is rejected. */
  private async writeQueue(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    try {
      // Rows are inserted in ordinality order, so their sequence numbers ascend in the batch's order.
      const result = await this.pool.query<{ seq: string }>(
        `INSERT INTO doc_updates (name, data, created_at)
         SELECT name, data, $3 FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS batch(name, data, position)
         ORDER BY position
         RETURNING seq`,
        [batch.map((item) => item.name), batch.map((item) => Buffer.from(item.update.buffer, item.update.byteOffset, item.update.byteLength)), Date.now()],
      );
      const seqs = result.rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
      if (seqs.length !== batch.length) throw new Error(`expected ${batch.length} rows, got ${seqs.length}`);
      batch.forEach((item, index) => item.resolve(seqs[index] ?? 0));
    } catch (error) {
      const failure = new StorageError(`Could not write to the database: ${reasonOf(error)}`, { cause: error });
      for (const item of batch) item.reject(failure);
    }
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.assertOpen();
    try {
      await inTransaction(this.pool, async (client) => {
        // One compaction per doc at a time, across every instance.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_NAMESPACE, name]);
        const stored = await client.query<{ snapshot: Buffer; through_seq: string }>(
          'SELECT snapshot, through_seq FROM doc_snapshots WHERE name = $1',
          [name],
        );
        const rows = await client.query<{ seq: string; data: Buffer }>(
          'SELECT seq, data FROM doc_updates WHERE name = $1 AND seq <= $2 ORDER BY seq',
          [name, throughSeq],
        );
        const previous = stored.rows[0];
        if (rows.rows.length === 0 && previous) return; // nothing to fold in
        const merged = mergeUpdates([
          ...(previous ? [toBytes(previous.snapshot)] : []),
          ...rows.rows.map((row) => toBytes(row.data)),
          snapshot,
        ]);
        const newThrough = Math.max(throughSeq, previous ? Number(previous.through_seq) : 0);
        await client.query(
          `INSERT INTO doc_snapshots (name, snapshot, through_seq, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET snapshot = excluded.snapshot, through_seq = excluded.through_seq, updated_at = excluded.updated_at`,
          [name, Buffer.from(merged), newThrough, Date.now()],
        );
        // Exactly the rows merged above: a row committed after that SELECT stays in the log.
        await client.query('DELETE FROM doc_updates WHERE name = $1 AND seq = ANY($2::bigint[])', [name, rows.rows.map((row) => row.seq)]);
      });
    } catch (error) {
      throw new StorageError(`Could not compact ${name}: ${reasonOf(error)}`, { cause: error });
    }
  }

  async flush(): Promise<void> {
    if (this.flushScheduled) await this.flushScheduled;
    this.track(this.writeQueue());
    await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.pool.end();
  }

  /** The token signing key shared by every instance: created once, by whichever instance starts first. */
  async sharedSecret(): Promise<Uint8Array> {
    this.assertOpen();
    await this.pool.query('INSERT INTO server_secrets (id, secret) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', ['token', randomBytes(32)]);
    const result = await this.pool.query<{ secret: Buffer }>('SELECT secret FROM server_secrets WHERE id = $1', ['token']);
    const secret = result.rows[0]?.secret;
    if (!secret || secret.byteLength < 32) throw new StorageError('The shared token key in server_secrets is missing or too short');
    return toBytes(secret);
  }

  async createEvent(record: EventRecord): Promise<void> {
    this.assertOpen();
    await this.pool.query('INSERT INTO events (event_id, join_code, title, created_at) VALUES ($1, $2, $3, $4)', [
      record.eventId,
      record.joinCode,
      record.title,
      record.createdAt,
    ]);
  }

  async findByJoinCode(joinCode: string): Promise<EventRecord | null> {
    this.assertOpen();
    const result = await this.pool.query('SELECT event_id, join_code, title, created_at FROM events WHERE join_code = $1', [joinCode]);
    return toEventRecord(result.rows[0]);
  }

  async findById(eventId: string): Promise<EventRecord | null> {
    this.assertOpen();
    const result = await this.pool.query('SELECT event_id, join_code, title, created_at FROM events WHERE event_id = $1', [eventId]);
    return toEventRecord(result.rows[0]);
  }

  async recordConsent(eventId: string, tableId: string, group: string, participantId?: string): Promise<void> {
    this.assertOpen();
    try {
      await this.pool.query('INSERT INTO consents (event_id, table_id, stakeholder_group, participant_id, consented_at) VALUES ($1, $2, $3, $4, $5)', [
        eventId,
        tableId,
        group,
        participantId ?? null,
        Date.now(),
      ]);
    } catch (error) {
      throw new StorageError(`Could not record the consent: ${reasonOf(error)}`, { cause: error });
    }
  }

  async withdrawConsent(eventId: string, participantId: string): Promise<string[]> {
    this.assertOpen();
    const result = await this.pool.query<{ table_id: string }>('DELETE FROM consents WHERE event_id = $1 AND participant_id = $2 RETURNING table_id', [eventId, participantId]);
    return [...new Set(result.rows.map((row) => row.table_id))];
  }

  async consentCounts(eventId: string, tableId: string): Promise<Record<string, number>> {
    this.assertOpen();
    const result = await this.pool.query<{ stakeholder_group: string; n: string }>(
      'SELECT stakeholder_group, COUNT(*) AS n FROM consents WHERE event_id = $1 AND table_id = $2 GROUP BY stakeholder_group',
      [eventId, tableId],
    );
    return Object.fromEntries(result.rows.map((row) => [row.stakeholder_group, Number(row.n)]));
  }

  async revoke(eventId: string, participantId: string): Promise<void> {
    this.assertOpen();
    try {
      await this.pool.query(
        'INSERT INTO revocations (event_id, participant_id, revoked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [eventId, participantId, Date.now()],
      );
    } catch (error) {
      throw new StorageError(`Could not record the revocation: ${reasonOf(error)}`, { cause: error });
    }
  }

  async isRevoked(eventId: string, participantId: string): Promise<boolean> {
    this.assertOpen();
    const result = await this.pool.query('SELECT 1 FROM revocations WHERE event_id = $1 AND participant_id = $2', [eventId, participantId]);
    return result.rows.length > 0;
  }

  /** `SqliteStore.integrityCheck`'s counterpart does not exist synchronously here; PostgreSQL has `pg_amcheck`. */
  integrityCheck(): string {
    throw new Error('integrityCheck is a SQLite check; run pg_amcheck against the PostgreSQL database instead');
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('The store is closed');
  }
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself failed: do not return it to the pool
    }
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Folds updates into one, through a Y.Doc so deleted content is garbage-collected as in a live doc. */
function mergeUpdates(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  doc.transact(() => {
    for (const update of updates) Y.applyUpdate(doc, update);
  });
  const merged = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return merged;
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toEventRecord(row: unknown): EventRecord | null {
  if (!row || typeof row !== 'object') return null;
  const value = row as { event_id: string; join_code: string; title: string; created_at: string | number };
  return { eventId: value.event_id, joinCode: value.join_code, title: value.title, createdAt: Number(value.created_at) };
}
