import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync, statSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** An inline commit slower than this (a stalled disk) sends the next batches to the writer thread for a while. */
const SLOW_COMMIT_MS = 20;
const STAND_DOWN_MS = 10_000;

/**
 * Once waiting for the disk takes more than this share of the thread's time (measured over about
 * SYNC_SHARE_WINDOW_MS), the sync leaves the thread. Below it, a thread hop each way costs an edit more
 * than the sync blocks anyone else.
 */
export const OFF_THREAD_SYNC_SHARE = 0.1;
const SYNC_SHARE_WINDOW_MS = 100;

/** SQLite's result code for a database another connection has locked. */
const SQLITE_BUSY = 5;

/** A committed batch: its sequence numbers, and (when the sync left the thread) when it is on disk. */
export interface InlineCommit {
  seqs: number[];
  /** Null when the batch was already synced on this thread. */
  durable: Promise<void> | null;
}

/**
 * Commits a batch of appends on the main thread, on a connection of its own, when the writer thread is
 * idle. On a quiet server a thread hop each way costs more than the fsync itself (ARCHITECTURE.md,
 * "Storage"), so an edit waits less before it is relayed. It never waits: a lock held elsewhere (busy
 * timeout 0) returns `null`, and after a slow commit it stands down for a while, so a stalled disk or
 * another process's lock cannot freeze the sockets; the store then hands the batch to its writer thread.
 *
 * The sync is its own step: COMMIT writes the log (synchronous = NORMAL, which WAL keeps consistent
 * through a crash), then the log file is fdatasynced, here while the server is quiet and on libuv's pool
 * once the syncs would take more than a tenth of the thread: on a busy server the sockets are served
 * while the disk answers, and the edits that arrive meanwhile go together in the next batch. Either way
 * nothing is reported committed before its sync returned.
 *
 * It never checkpoints (the writer thread does, off this thread): a checkpoint copies pages into the
 * database file and syncs it, which would stall every socket.
 */
export class InlineCommitter {
  private readonly db: DatabaseSync;
  private readonly insert: StatementSync;
  private readonly walPath: string;
  private wal: { fd: number; inode: number } | null = null;
  private standDownUntil = 0;
  private readonly syncShare = new SyncShare();
  private readonly offThreadShare: number;
  /** Commits since the writer last checkpointed the WAL (the store asks it to, every so often). */
  commitsSinceCheckpoint = 0;
  /** Where each batch's sync ran (`SqliteStore.syncCounts`). */
  readonly syncs = { onThread: 0, offThread: 0 };

  /** `offThreadSyncShare` 0 sends every sync off the thread (tests); the default is OFF_THREAD_SYNC_SHARE. */
  constructor(path: string, options: { offThreadSyncShare?: number } = {}) {
    this.offThreadShare = options.offThreadSyncShare ?? OFF_THREAD_SYNC_SHARE;
    this.db = new DatabaseSync(path);
    this.walPath = `${path}-wal`;
    // NORMAL: COMMIT writes the log without syncing it; `syncLog` does, before anything is reported committed.
    this.db.exec('PRAGMA busy_timeout = 0; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; PRAGMA wal_autocheckpoint = 0;');
    this.insert = this.db.prepare('INSERT INTO doc_updates (name, data, created_at) VALUES (?, ?, ?)');
  }

  /** False for a while after a slow or failed commit. */
  get available(): boolean {
    return performance.now() >= this.standDownUntil;
  }

  /**
   * Commits every append of the batch in one transaction and returns their sequence numbers, with when they
   * are on disk; or null if another connection holds the write lock (nothing was written). A failure to
   * write is thrown, with nothing written; a failed sync rejects (or throws) and stands this path down, so
   * the writer thread, which syncs everything in the log before its own commit returns, takes over.
   */
  commit(items: readonly { name: string; update: Uint8Array }[]): InlineCommit | null {
    const started = performance.now();
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if (isBusy(error)) return null;
      throw error;
    }
    let seqs: number[];
    try {
      const now = Date.now();
      seqs = items.map(({ name, update }) => Number(this.insert.run(name, update, now).lastInsertRowid));
      this.db.exec('COMMIT');
      this.commitsSinceCheckpoint++;
    } catch (error) {
      rollBack(this.db);
      this.standDownIfSlow(started);
      throw error;
    }
    return { seqs, durable: this.syncLog(started) };
  }

  /** Makes the log durable: at once on this thread (returns null), or on libuv's pool (returns when done). */
  private syncLog(started: number): Promise<void> | null {
    const syncStarted = performance.now();
    const synced = (error: unknown) => {
      const now = performance.now();
      this.syncShare.add(now - syncStarted, now);
      if (error) this.standDownUntil = now + STAND_DOWN_MS;
      else this.standDownIfSlow(started);
    };
    let fd: number;
    try {
      fd = this.walFd();
      if (this.syncShare.at(syncStarted) < this.offThreadShare) {
        this.syncs.onThread++;
        fdatasyncSync(fd);
        synced(null);
        return null;
      }
    } catch (error) {
      synced(error);
      throw error;
    }
    this.syncs.offThread++;
    return new Promise((resolve, reject) => {
      fdatasync(fd, (error) => {
        synced(error);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /**
   * The log file's descriptor, opened again if the file was replaced: a sync must reach the file SQLite
   * wrote, whatever happened to the path since.
   */
  private walFd(): number {
    const inode = statSync(this.walPath).ino;
    if (this.wal?.inode === inode) return this.wal.fd;
    if (this.wal) closeSync(this.wal.fd);
    this.wal = null;
    const fd = openSync(this.walPath, 'r+');
    this.wal = { fd, inode: fstatSync(fd).ino };
    return fd;
  }

  private standDownIfSlow(started: number): void {
    if (performance.now() - started > SLOW_COMMIT_MS) this.standDownUntil = performance.now() + STAND_DOWN_MS;
  }

  close(): void {
    if (this.wal) closeSync(this.wal.fd);
    this.wal = null;
    this.db.close();
  }
}

/**
 * The share of a thread's time spent waiting for the disk lately: the sync times, decayed exponentially
 * over SYNC_SHARE_WINDOW_MS, so a burst counts at once and a quiet spell soon forgets it.
 */
export class SyncShare {
  private decayedMs = 0;
  private lastAt = 0;

  /** The share at `now` (performance.now() milliseconds), 0 to 1 for syncs that did not overlap. */
  at(now: number): number {
    return this.decayedAt(now) / SYNC_SHARE_WINDOW_MS;
  }

  add(ms: number, now: number): void {
    this.decayedMs = this.decayedAt(now) + ms;
    this.lastAt = now;
  }

  private decayedAt(now: number): number {
    return this.decayedMs * Math.exp(-Math.max(0, now - this.lastAt) / SYNC_SHARE_WINDOW_MS);
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
