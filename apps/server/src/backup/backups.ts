import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import type { SqliteStore } from '../storage/sqlite-store.ts';

export const MINUTE_MS = 60_000;

export interface BackupSettings {
  /** Where backups are written; default `<DATA_DIR>/backups`. */
  dir: string;
  /** How often a backup is considered; one is written only if the database changed since the last. */
  intervalMs: number;
  /** How many backups are kept; older ones are deleted after each new one. */
  keep: number;
}

/** `tablemap-20261130T101500123Z.sqlite`: sorts by time as text, and names what it is. */
const BACKUP_NAME = /^tablemap-\d{8}T\d{9}Z\.sqlite$/;

export function backupFileName(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `tablemap-${stamp}.sqlite`;
}

/** The backups in `dir`, oldest first. */
export async function listBackups(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Takes a consistent SQLite backup every `intervalMs` while the database keeps changing, and keeps the
 * last `keep`. A backup is written under a temporary name and renamed once complete, so the folder only
 * ever holds whole backups. A failed backup is logged and tried again at the next interval.
 */
export class BackupScheduler {
  private readonly store: SqliteStore;
  private readonly settings: BackupSettings;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string | null> | null = null;
  /** `changeCount()` when the last backup began; null until the first check. */
  private changesAtLastBackup: number | null = null;

  constructor(options: { store: SqliteStore; settings: BackupSettings; logger: Logger; clock?: () => number }) {
    this.store = options.store;
    this.settings = options.settings;
    this.logger = options.logger;
    this.clock = options.clock ?? Date.now;
  }

  get dir(): string {
    return this.settings.dir;
  }

  /** Starts the schedule. What is already on disk at start counts as backed up by the previous run's schedule. */
  start(): void {
    this.changesAtLastBackup = this.store.changeCount();
    this.timer = setInterval(() => void this.backUpIfChanged().catch(() => {}), this.settings.intervalMs);
    this.timer.unref();
  }

  /** Writes a backup unless nothing changed since the last one; returns its path, or null when skipped. */
  backUpIfChanged(): Promise<string | null> {
    if (this.store.changeCount() === this.changesAtLastBackup) return Promise.resolve(null);
    return this.backUpNow();
  }

  /** Writes a backup now (one at a time: a second call while one runs waits for it and returns its path). */
  backUpNow(): Promise<string | null> {
    this.running ??= this.write().finally(() => (this.running = null));
    return this.running;
  }

  private async write(): Promise<string | null> {
    const changes = this.store.changeCount();
    const name = backupFileName(new Date(this.clock()));
    const path = join(this.settings.dir, name);
    const partial = join(this.settings.dir, `.${name}.partial`);
    const started = performance.now();
    try {
      await mkdir(this.settings.dir, { recursive: true });
      await this.store.backupTo(partial);
      await rename(partial, path);
    } catch (error) {
      await unlink(partial).catch(() => {});
      this.logger.error({ err: error, dir: this.settings.dir }, 'backup failed; the next interval tries again');
      throw error;
    }
    this.changesAtLastBackup = changes;
    const removed = await this.prune();
    this.logger.info({ path, ms: Math.round(performance.now() - started), removed }, 'backup written');
    return path;
  }

  /** Deletes all but the newest `keep` backups; returns how many went. */
  private async prune(): Promise<number> {
    const backups = await listBackups(this.settings.dir);
    const old = backups.slice(0, Math.max(0, backups.length - this.settings.keep));
    for (const file of old)
      await unlink(file).catch((error: unknown) =>
        this.logger.warn({ err: error, file }, 'could not delete an old backup'),
      );
    return old.length;
  }

  /** Stops the schedule and waits for a backup in progress, so the database can be closed after it. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}
