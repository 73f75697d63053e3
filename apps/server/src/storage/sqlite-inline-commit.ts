import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** An inline commit slower than this (a stalled disk) sends the next batches to the writer thread for a while. */
const SLOW_COMMIT_MS = 20;
const STAND_DOWN_MS = 10_000;

/** SQLite's result code for a database another connection has locked. */
const SQLITE_BUSY = 5;

/**
 * Commits a batch of appends on the main thread, on a connection of its own, when the writer thread is
 * idle. On a quiet server a thread hop each way costs more than the fsync itself (ARCHITECTURE.md,
 * "Storage"), so an edit waits less before it is relayed. It never waits: a lock held elsewhere (busy
 * timeout 0) returns `null`, and after a slow commit it stands down for a while, so a stalled disk or
 * another process's lock cannot freeze the sockets; the store then hands the batch to its writer thread.
 *
 * It never checkpoints (the writer thread does, off this thread): a checkpoint copies pages into the
 * database file and syncs it, which would stall every socket.
 */
export class InlineCommitter {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private standDownUntil = 0;
  /** Commits since the writer last checkpointed the WAL (the store asks it to, every so often). */
  commitsSinceCheckpoint = 0;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    // The same durability as the writer thread: the WAL is synced before COMMIT returns.
    this.db.exec('PRAGMA busy_timeout = 0; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 0;');
    this.insert = this.db.prepare('INSERT INTO doc_updates (name, data, created_at) VALUES (?, ?, ?)');
  }

  /** False for a while after a slow commit. */
  get available(): boolean {
    return performance.now() >= this.standDownUntil;
  }

  /**
   * Commits every append of the batch in one transaction and returns their sequence numbers, or null if
   * another connection holds the write lock (nothing was written). Any other failure is thrown, with
   * nothing written.
   */
  commit(items: readonly { name: string; update: Uint8Array }[]): number[] | null {
    const started = performance.now();
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if (isBusy(error)) return null;
      throw error;
    }
    try {
      const now = Date.now();
      const seqs = items.map(({ name, update }) => Number(this.insert.run(name, update, now).lastInsertRowid));
      this.db.exec('COMMIT');
      this.commitsSinceCheckpoint++;
      return seqs;
    } catch (error) {
      rollBack(this.db);
      throw error;
    } finally {
      if (performance.now() - started > SLOW_COMMIT_MS) this.standDownUntil = performance.now() + STAND_DOWN_MS;
    }
  }

  close(): void {
    this.db.close();
  }
}

function rollBack(db: DatabaseSync): void {
  try {
    if (db.isTransaction) db.exec('ROLLBACK');
  } catch {
    // The rollback failing leaves nothing more to undo; the original error is what matters.
  }
}

function isBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errcode?: unknown }).errcode === SQLITE_BUSY;
}
