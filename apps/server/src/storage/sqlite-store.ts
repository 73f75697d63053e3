import { ModelError } from '@tablemap/model';
import { DatabaseSync, backup, type StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { OnDemandWorker } from '../on-demand-worker.ts';
import { InlineCommitter, type InlineCommit } from './sqlite-inline-commit.ts';
import { SqlitePrivacyStore } from './sqlite-privacy.ts';
import { StorageError, type DocStore, type EventIndex, type EventRecord, type RevocationList, type StoredDoc } from './doc-store.ts';

interface PendingAppend {
  name: string;
  update: Uint8Array;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS doc_snapshots (
  name TEXT PRIMARY KEY,
  snapshot BLOB NOT NULL,
  through_seq INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS doc_updates_by_name ON doc_updates (name, seq);
CREATE TABLE IF NOT EXISTS events (
  event_id TEXT PRIMARY KEY,
  join_code TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS revocations (
  event_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, participant_id)
);
CREATE TABLE IF NOT EXISTS consents (
  event_id TEXT NOT NULL,
  table_id TEXT NOT NULL,
  stakeholder_group TEXT NOT NULL,
  participant_id TEXT,
  consented_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS consents_by_table ON consents (event_id, table_id);
`;

/**
 * Marks a file as a Tablemap database (SQLite's `application_id` header field, "Tbmp") and says which
 * layout it has (`user_version`). A restore reads both to refuse a wrong file or one from a newer build.
 */
export const TABLEMAP_APPLICATION_ID = 0x54626d70;
export const SQLITE_SCHEMA_VERSION = 1;

/** The file is not one this build may open: another program's database, or one written by a newer Tablemap. */
export class SchemaMismatchError extends ModelError<'not_tablemap' | 'newer_schema'> {
  constructor(code: 'not_tablemap' | 'newer_schema', message: string) {
    super(code, message);
    this.name = 'SchemaMismatchError';
  }
}

/** Reads the header marks of an open database and refuses a wrong file or a newer layout. Empty files pass. */
export function assertKnownSchema(db: DatabaseSync, path: string): void {
  const applicationId = Number((db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id);
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => String(row.name)));
  // Files written before the marks existed carry 0 and hold the doc tables.
  const unmarkedTablemap = applicationId === 0 && tables.has('doc_updates') && tables.has('doc_snapshots');
  if (applicationId !== TABLEMAP_APPLICATION_ID && !unmarkedTablemap && tables.size > 0) {
    throw new SchemaMismatchError('not_tablemap', `${path} is an SQLite database, but not one written by Tablemap`);
  }
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new SchemaMismatchError(
      'newer_schema',
      `${path} was written by a newer Tablemap (database layout ${version}; this build understands up to ${SQLITE_SCHEMA_VERSION}). Update Tablemap first.`,
    );
  }
}

export interface SqliteStoreOptions {
  /**
   * How long a write waits for another process's lock before failing (clients then get 1013 and retry).
   * node:sqlite waits synchronously, so this is kept short: a long wait would stall every other doc.
   */
  busyTimeoutMs?: number;
  /** Past this share of the thread's time spent syncing, inline commits sync on libuv's pool (`InlineCommitter`). */
  offThreadSyncShare?: number;
}

/**
 * A batch of appends in one buffer, moved to the writer rather than copied item by item: `bytes` holds
 * every update back to back, update i ends at `ends[i]` and belongs to doc `docs[docOf[i]]`.
 */
interface PackedBatch {
  docs: string[];
  docOf: Uint32Array<ArrayBuffer>;
  ends: Uint32Array<ArrayBuffer>;
  bytes: ArrayBuffer;
}

function packBatch(items: readonly { name: string; update: Uint8Array }[]): PackedBatch {
  const docIndex = new Map<string, number>();
  const docOf = new Uint32Array(items.length);
  const ends = new Uint32Array(items.length);
  let total = 0;
  items.forEach(({ name, update }, index) => {
    let doc = docIndex.get(name);
    if (doc === undefined) docIndex.set(name, (doc = docIndex.size));
    docOf[index] = doc;
    ends[index] = total += update.byteLength;
  });
  const bytes = new Uint8Array(total);
  items.forEach(({ update }, index) => bytes.set(update, index === 0 ? 0 : ends[index - 1]!));
  return { docs: [...docIndex.keys()], docOf, ends, bytes: bytes.buffer };
}

/** The snapshot thread is stopped after this long with nothing to fold (it holds its own connection and isolate). */
const SNAPSHOT_THREAD_IDLE_MS = 30_000;

/** The writer thread checkpoints the WAL after this many inline commits (which never checkpoint themselves). */
const CHECKPOINT_EVERY_INLINE_COMMITS = 200;

/** What the writer thread (sqlite-writer.js) is asked, and what it answers. */
type WriterRequest =
  | { id: number; kind: 'append'; batch: PackedBatch }
  | { id: number; kind: 'compact'; name: string; snapshot: Uint8Array; throughSeq: number }
  | { id: number; kind: 'checkpoint' }
  | { id: number; kind: 'close' };
type WriterReply = { id: number; seqs?: number[]; error?: string };
type WriterCall = { [K in WriterRequest['kind']]: Omit<Extract<WriterRequest, { kind: K }>, 'id'> }[WriterRequest['kind']];

/**
 * SQLite (node:sqlite, WAL) store. Group commit: the appends made in one tick go together as one batch, and
 * while one batch commits, every append that arrives meanwhile waits for the next. Each append's promise
 * resolves only after its COMMIT returned and the log holding it was synced. A batch is committed on this
 * thread when the writer thread is idle (`InlineCommitter`: no thread hop on a quiet server, and the sync
 * on libuv's pool on a busy one), and by the writer thread (synchronous=FULL)
 * (sqlite-writer.js) when it is busy, the database is locked or the disk is slow, so a stall never freezes
 * the sockets. Compactions and WAL checkpoints always run on the writer thread. Loads, the small event,
 * consent and revocation records and the privacy store (deletion, scrub) use this thread's own connection
 * (WAL lets it read while the writer writes); a purge or scrub first waits for the writer (`flush`).
 */
export class SqliteStore implements DocStore, EventIndex, RevocationList {
  private readonly db: DatabaseSync;
  private readonly statements: Record<string, StatementSync>;
  private queue: PendingAppend[] = [];
  private inFlight: Promise<void> | null = null;
  private closed = false;
  /** Deletion, retention, privacy notice and access log, on this thread's connection (`sqlite-privacy.ts`). */
  readonly privacy: SqlitePrivacyStore;
  private readonly path: string;
  private readonly busyTimeout: number;
  private readonly offThreadSyncShare: number | undefined;
  private writer: Worker | null = null;
  private nextCallId = 0;
  private readonly calls = new Map<number, { resolve: (reply: WriterReply) => void; reject: (error: Error) => void }>();
  /** Builds snapshots from what is stored (`snapshotThrough`), started when first needed. */
  private readonly snapshots: OnDemandWorker<{ name: string; throughSeq: number }, Uint8Array>;
  /** Compactions sent to the writer and not yet committed (a flush waits for them too). */
  private readonly compactions = new Set<Promise<unknown>>();
  /** Commits batches on this thread while the writer is idle; opened with the first append. */
  private inline: InlineCommitter | null = null;
  private checkpoint: Promise<unknown> | null = null;
  /** Appends and compactions committed, on any connection (`changeCount`). */
  private docWrites = 0;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    this.db = new DatabaseSync(path);
    const busyTimeout = Math.max(0, Math.floor(options.busyTimeoutMs ?? 500));
    this.busyTimeout = busyTimeout;
    this.offThreadSyncShare = options.offThreadSyncShare;
    this.db.exec(`PRAGMA busy_timeout = ${busyTimeout};`);
    try {
      assertKnownSchema(this.db, path);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;');
    this.db.exec(SCHEMA);
    this.db.exec(`PRAGMA application_id = ${TABLEMAP_APPLICATION_ID}; PRAGMA user_version = ${SQLITE_SCHEMA_VERSION};`);
    this.privacy = new SqlitePrivacyStore(this.db, () => this.flush());
    this.snapshots = new OnDemandWorker(new URL('./sqlite-snapshot-worker.js', import.meta.url), {
      label: 'the SQLite snapshot thread',
      idleStopMs: SNAPSHOT_THREAD_IDLE_MS,
      workerOptions: { workerData: { path, busyTimeoutMs: busyTimeout } },
    });
    this.statements = {
      snapshot: this.db.prepare('SELECT snapshot, through_seq FROM doc_snapshots WHERE name = ?'),
      updatesAfter: this.db.prepare('SELECT seq, data FROM doc_updates WHERE name = ? AND seq > ? ORDER BY seq'),
      insertEvent: this.db.prepare('INSERT INTO events (event_id, join_code, title, created_at) VALUES (?, ?, ?, ?)'),
      eventByCode: this.db.prepare('SELECT event_id, join_code, title, created_at FROM events WHERE join_code = ?'),
      eventById: this.db.prepare('SELECT event_id, join_code, title, created_at FROM events WHERE event_id = ?'),
      insertConsent: this.db.prepare('INSERT INTO consents (event_id, table_id, stakeholder_group, participant_id, consented_at) VALUES (?, ?, ?, ?, ?)'),
      consentTablesOf: this.db.prepare('SELECT DISTINCT table_id FROM consents WHERE event_id = ? AND participant_id = ?'),
      deleteConsentOf: this.db.prepare('DELETE FROM consents WHERE event_id = ? AND participant_id = ?'),
      consentCounts: this.db.prepare(
        'SELECT stakeholder_group, COUNT(*) AS n FROM consents WHERE event_id = ? AND table_id = ? GROUP BY stakeholder_group',
      ),
      insertRevocation: this.db.prepare('INSERT OR IGNORE INTO revocations (event_id, participant_id, revoked_at) VALUES (?, ?, ?)'),
      revocation: this.db.prepare('SELECT 1 AS revoked FROM revocations WHERE event_id = ? AND participant_id = ?'),
    };
  }

  private statement(key: string): StatementSync {
    const statement = this.statements[key];
    if (!statement) throw new Error(`unknown statement ${key}`);
    return statement;
  }

  async load(name: string): Promise<StoredDoc> {
    this.assertOpen();
    try {
      const updates: Uint8Array[] = [];
      let bytes = 0;
      const snapshot = this.statement('snapshot').get(name) as { snapshot: Uint8Array; through_seq: number } | undefined;
      let lastSeq = 0;
      if (snapshot) {
        updates.push(snapshot.snapshot);
        bytes += snapshot.snapshot.byteLength;
        lastSeq = snapshot.through_seq;
      }
      const rows = this.statement('updatesAfter').all(name, lastSeq) as { seq: number; data: Uint8Array }[];
      for (const row of rows) {
        updates.push(row.data);
        bytes += row.data.byteLength;
        lastSeq = row.seq;
      }
      return { updates, logLength: rows.length, bytes, lastSeq };
    } catch (error) {
      throw new StorageError(`Could not load ${name}: ${reasonOf(error)}`, { cause: error });
    }
  }

  append(name: string, update: Uint8Array): Promise<number> {
    if (this.closed) return Promise.reject(new StorageError('The store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ name, update, resolve, reject });
      // Appends made in this tick go together; later ones wait for the batch in flight.
      if (!this.inFlight) this.inFlight = new Promise((done) => setImmediate(() => void this.writeBatches().then(done)));
    });
  }

  /** Commits the queue batch after batch until it stays empty; a failed batch rejects exactly its appends. */
  private async writeBatches(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const inline = this.commitInline(batch);
        if (inline?.durable) await inline.durable;
        const seqs = inline ? inline.seqs : (await this.call({ kind: 'append', batch: packBatch(batch) })).seqs;
        this.docWrites += batch.length;
        batch.forEach((item, index) => item.resolve(seqs?.[index] ?? 0));
      } catch (error) {
        const failure = new StorageError(`Could not write to the database: ${reasonOf(error)}`, { cause: error });
        for (const item of batch) item.reject(failure);
      }
    }
    this.inFlight = null;
  }

  /**
   * Commits the batch on this thread if the writer is not writing and nothing stands in the way; returns
   * null when the batch must go to the writer thread instead (which waits for a lock, off this thread).
   */
  private commitInline(batch: readonly PendingAppend[]): InlineCommit | null {
    // Anything the writer is doing (append, compaction, checkpoint) holds or races the write lock.
    if (this.calls.size > 0) return null;
    const inline = (this.inline ??= new InlineCommitter(this.path, { offThreadSyncShare: this.offThreadSyncShare }));
    if (!inline.available) return null;
    const committed = inline.commit(batch);
    if (committed && inline.commitsSinceCheckpoint >= CHECKPOINT_EVERY_INLINE_COMMITS && !this.checkpoint) {
      inline.commitsSinceCheckpoint = 0;
      // Batches meanwhile go to the writer, behind it: a checkpoint racing steady commits never copies the
      // last frame, so the log could never start over and would grow without end. A failed one is retried later.
      this.checkpoint = this.call({ kind: 'checkpoint' })
        .catch(() => {})
        .finally(() => (this.checkpoint = null));
    }
    return committed;
  }

  /** Sends one request to the writer thread (started on first use) and waits for its reply. */
  private call(request: WriterCall): Promise<WriterReply> {
    const writer = (this.writer ??= this.startWriter());
    const id = this.nextCallId++;
    if (this.calls.size === 0) writer.ref(); // a write in flight keeps the process alive until it commits
    return new Promise((resolve, reject) => {
      this.calls.set(id, {
        resolve: (reply) => (reply.error === undefined ? resolve(reply) : reject(new Error(reply.error))),
        reject,
      });
      const message = { ...request, id } as WriterRequest;
      writer.postMessage(message, message.kind === 'append' ? [message.batch.bytes, message.batch.docOf.buffer, message.batch.ends.buffer] : []);
    });
  }

  private startWriter(): Worker {
    const writer = new Worker(new URL('./sqlite-writer.js', import.meta.url), { workerData: { path: this.path, busyTimeoutMs: this.busyTimeout } });
    writer.on('message', (reply: WriterReply) => {
      const call = this.calls.get(reply.id);
      this.calls.delete(reply.id);
      if (this.calls.size === 0) writer.unref(); // an idle writer must not keep the process alive
      call?.resolve(reply);
    });
    const failAll = (error: Error) => {
      if (this.writer === writer) this.writer = null;
      for (const call of this.calls.values()) call.reject(error);
      this.calls.clear();
    };
    writer.on('error', failAll);
    writer.on('exit', (code) => failAll(new Error(`the SQLite writer thread exited (${code})`)));
    return writer;
  }

  /** The doc as stored through `throughSeq`, as one snapshot, built on the snapshot thread. */
  async snapshotThrough(name: string, throughSeq: number): Promise<Uint8Array> {
    this.assertOpen();
    try {
      return await this.snapshots.run({ name, throughSeq });
    } catch (error) {
      throw new StorageError(`Could not build a snapshot of ${name}: ${reasonOf(error)}`, { cause: error });
    }
  }

  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.assertOpen();
    const committed = this.call({ kind: 'compact', name, snapshot, throughSeq });
    this.compactions.add(committed);
    try {
      await committed;
      this.docWrites++;
    } catch (error) {
      throw new StorageError(`Could not compact ${name}: ${reasonOf(error)}`, { cause: error });
    } finally {
      this.compactions.delete(committed);
    }
  }

  /**
   * Waits until every append and compaction sent so far is committed, so a purge or a scrub on this thread's
   * connection runs after them and nothing of a deleted event is written back behind it.
   */
  async flush(): Promise<void> {
    while (this.inFlight || this.compactions.size > 0 || this.checkpoint) {
      await Promise.allSettled([this.inFlight, this.checkpoint, ...this.compactions]);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.snapshots.stop();
    this.inline?.close();
    this.inline = null;
    if (this.writer) {
      await this.call({ kind: 'close' }).catch(() => {});
      this.writer = null;
    }
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  async createEvent(record: EventRecord): Promise<void> {
    this.assertOpen();
    this.statement('insertEvent').run(record.eventId, record.joinCode, record.title, record.createdAt);
  }

  async findByJoinCode(joinCode: string): Promise<EventRecord | null> {
    this.assertOpen();
    return toEventRecord(this.statement('eventByCode').get(joinCode));
  }

  async findById(eventId: string): Promise<EventRecord | null> {
    this.assertOpen();
    return toEventRecord(this.statement('eventById').get(eventId));
  }

  async recordConsent(eventId: string, tableId: string, group: string, participantId?: string): Promise<void> {
    this.assertOpen();
    try {
      this.statement('insertConsent').run(eventId, tableId, group, participantId ?? null, Date.now());
    } catch (error) {
      throw new StorageError(`Could not record the consent: ${reasonOf(error)}`, { cause: error });
    }
  }

  async withdrawConsent(eventId: string, participantId: string): Promise<string[]> {
    this.assertOpen();
    const tables = this.statement('consentTablesOf').all(eventId, participantId).map((row) => String(row.table_id));
    this.statement('deleteConsentOf').run(eventId, participantId);
    return tables;
  }

  async consentCounts(eventId: string, tableId: string): Promise<Record<string, number>> {
    this.assertOpen();
    const counts: Record<string, number> = {};
    for (const row of this.statement('consentCounts').all(eventId, tableId)) counts[String(row.stakeholder_group)] = Number(row.n);
    return counts;
  }

  async revoke(eventId: string, participantId: string): Promise<void> {
    this.assertOpen();
    try {
      this.statement('insertRevocation').run(eventId, participantId, Date.now());
    } catch (error) {
      throw new StorageError(`Could not record the revocation: ${reasonOf(error)}`, { cause: error });
    }
  }

  async isRevoked(eventId: string, participantId: string): Promise<boolean> {
    this.assertOpen();
    return this.statement('revocation').get(eventId, participantId) !== undefined;
  }

  /**
   * Rows written, updated or deleted since the store opened: through this connection (SQLite's
   * `total_changes()`) plus the appends and compactions committed on the others. The backup schedule skips
   * a backup when this has not moved.
   */
  changeCount(): number {
    this.assertOpen();
    return Number((this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n) + this.docWrites;
  }

  /** How many batches were synced on the sockets' thread and on libuv's pool (`InlineCommitter`). */
  syncCounts(): { onThread: number; offThread: number } {
    return { ...(this.inline?.syncs ?? { onThread: 0, offThread: 0 }) };
  }

  /**
   * A consistent copy of the whole database at `path`, taken with SQLite's online backup API a few pages
   * at a time off the main thread, so sockets keep being served. Everything committed before the call
   * is in it; appends still queued are committed first.
   */
  async backupTo(path: string): Promise<void> {
    this.assertOpen();
    await this.flush();
    try {
      await backup(this.db, path, { rate: 256 });
    } catch (error) {
      throw new StorageError(`Could not write the backup ${path}: ${reasonOf(error)}`, { cause: error });
    }
  }

  /** For tests and operators: SQLite's own consistency check. */
  integrityCheck(): string {
    const row = this.db.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
    return row.integrity_check;
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('The store is closed');
  }
}

/** The driver's reason (e.g. "database is locked", "database or disk is full"), for a log line that says what happened. */
function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toEventRecord(row: unknown): EventRecord | null {
  if (!row || typeof row !== 'object') return null;
  const value = row as { event_id: string; join_code: string; title: string; created_at: number };
  return { eventId: value.event_id, joinCode: value.join_code, title: value.title, createdAt: Number(value.created_at) };
}
