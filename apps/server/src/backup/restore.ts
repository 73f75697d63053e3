import { ModelError } from '@tablemap/model';
import { copyFile, mkdir, rm, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync, backup } from 'node:sqlite';
import { SchemaMismatchError, SqliteStore, assertKnownSchema } from '../storage/sqlite-store.ts';
import { DeletionLog, DeletionLogError } from './deletion-log.ts';
import { backupFileName } from './backups.ts';
import { runningServerPid } from './server-pid.ts';

export const DATABASE_FILE = 'tablemap.sqlite';

export type RestoreErrorCode =
  'not_found' | 'not_sqlite' | 'not_tablemap' | 'newer_schema' | 'corrupt' | 'server_running' | 'deletion_log';

/** Why a file cannot be restored; nothing in the data directory has changed when this is thrown. */
export class RestoreError extends ModelError<RestoreErrorCode> {
  constructor(code: RestoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, [], options);
    this.name = 'RestoreError';
  }
}

export interface RestoreOutcome {
  /** The database as it was before the restore, kept beside it (null when there was none). */
  previous: string | null;
  events: number;
  /** Deleted events the backup still held, removed again. */
  deletionsReapplied: number;
  /** Rosters the backup held with names, scheduled to be reduced to counts again at the next start. */
  rosterReductionsReapplied: number;
  /** Participants who withdrew after the backup: signed out now, their contributions removed again at the next start. */
  withdrawalsReapplied: number;
}

/** The tables every Tablemap database has; a file without them is something else. */
const REQUIRED_TABLES = ['doc_snapshots', 'doc_updates', 'events'];

/**
 * Checks that `path` is a whole Tablemap database this build understands: an SQLite file, marked (or
 * shaped) as Tablemap's, not from a newer build, and passing SQLite's integrity check. Returns its event count.
 */
export function checkBackupFile(path: string): { events: number } {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw new RestoreError(
      'not_sqlite',
      `${path} could not be opened as an SQLite database: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    assertKnownSchema(db, path);
    const tables = new Set(
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .all()
        .map((row) => String(row.name)),
    );
    const missing = REQUIRED_TABLES.filter((table) => !tables.has(table));
    if (missing.length > 0)
      throw new RestoreError(
        'not_tablemap',
        `${path} is not a Tablemap database (it has no ${missing.join(', ')} table)`,
      );
    const check = db
      .prepare('PRAGMA integrity_check')
      .all()
      .map((row) => String(row.integrity_check));
    if (check.join() !== 'ok')
      throw new RestoreError('corrupt', `${path} is damaged (SQLite integrity check: ${check.slice(0, 3).join('; ')})`);
    return { events: Number((db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n) };
  } catch (error) {
    throw asRestoreError(error, path);
  } finally {
    db.close();
  }
}

function asRestoreError(error: unknown, path: string): RestoreError {
  if (error instanceof RestoreError) return error;
  if (error instanceof SchemaMismatchError) return new RestoreError(error.code, error.message, { cause: error });
  const message = (error as Error).message ?? String(error);
  if (/not a database/i.test(message))
    return new RestoreError('not_sqlite', `${path} is not an SQLite database (is it the right file?)`, {
      cause: error,
    });
  return new RestoreError('corrupt', `${path} is damaged and cannot be read: ${message}`, { cause: error });
}

/**
 * Replaces the data directory's database with a backup, with the server stopped:
 * 1. the backup is copied into the data directory and checked (`checkBackupFile`) — the live database is untouched so far;
 * 2. every removal recorded in `deletions.json` since is applied to the copy: deleted events are purged
 *    from it, reduced rosters and withdrawals are scheduled to be done again at start (withdrawn
 *    participants are signed out at once);
 * 3. the current database (with its WAL) is saved beside it as `tablemap.before-restore-<time>.sqlite`;
 * 4. the copy takes its place.
 */
export async function restoreBackup(options: { file: string; dataDir: string; now?: number }): Promise<RestoreOutcome> {
  const { file, dataDir } = options;
  const now = options.now ?? Date.now();
  const pid = await runningServerPid(dataDir);
  if (pid !== null)
    throw new RestoreError(
      'server_running',
      `A Tablemap server (process ${pid}) is using ${dataDir}; stop it first, then restore`,
    );
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new RestoreError('not_found', `There is no backup file at ${file}`);
  }
  let removals;
  try {
    removals = await new DeletionLog(dataDir).read();
  } catch (error) {
    if (error instanceof DeletionLogError) throw new RestoreError('deletion_log', error.message, { cause: error });
    throw error;
  }

  // A fresh machine: the data directory may not exist yet.
  await mkdir(dataDir, { recursive: true });
  const staged = join(dataDir, `.restore-${process.pid}.sqlite`);
  let deletionsReapplied = 0;
  let rosterReductionsReapplied = 0;
  let withdrawalsReapplied = 0;
  let events: number;
  try {
    await copyFile(file, staged);
    checkBackupFile(staged);
    const store = new SqliteStore(staged);
    try {
      for (const eventId of Object.keys(removals.deletedEvents)) {
        if (!(await store.findById(eventId)) && !(await store.privacy.isDeleted(eventId))) continue;
        await store.privacy.markDeleted(eventId, removals.deletedEvents[eventId] ?? now);
        await store.privacy.purgeEvent(eventId);
        deletionsReapplied++;
      }
      for (const [eventId, at] of Object.entries(removals.rosterRedactions)) {
        if (!(await store.findById(eventId))) continue;
        await store.privacy.redoRosterRedaction(eventId, at);
        rosterReductionsReapplied++;
      }
      for (const key of Object.keys(removals.withdrawals)) {
        const [eventId = '', participantId = ''] = key.split('/');
        if (!(await store.findById(eventId))) continue;
        await store.revoke(eventId, participantId);
        await store.privacy.addPendingWithdrawal(eventId, participantId);
        withdrawalsReapplied++;
      }
    } finally {
      await store.close();
    }
    events = checkBackupFile(staged).events;
  } catch (error) {
    await removeDatabaseFiles(staged);
    throw error instanceof RestoreError ? error : asRestoreError(error, file);
  }

  const live = join(dataDir, DATABASE_FILE);
  const previous = await saveCurrent(
    live,
    join(dataDir, backupFileName(new Date(now)).replace('tablemap-', 'tablemap.before-restore-')),
  );
  await removeDatabaseFiles(live);
  await rm(`${staged}-wal`, { force: true });
  await rm(`${staged}-shm`, { force: true });
  await rename(staged, live);
  return { previous, events, deletionsReapplied, rosterReductionsReapplied, withdrawalsReapplied };
}

/** Copies the current database, including changes still in its WAL, to `target`; null when there is none. */
async function saveCurrent(live: string, target: string): Promise<string | null> {
  try {
    await stat(live);
  } catch {
    return null;
  }
  const db = new DatabaseSync(live);
  try {
    await backup(db, target);
  } finally {
    db.close();
  }
  return target;
}

async function removeDatabaseFiles(path: string): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
}
