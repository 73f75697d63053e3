import { ModelError } from '@tablemap/model';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';
import { writeFileAtomic } from '../files.ts';

/** Kept beside the database, never inside it, so restoring an older database cannot roll it back. */
export const DELETION_LOG_FILE = 'deletions.json';

const TimesById = v.record(v.string(), v.number());
const DeletionLogSchema = v.object({
  version: v.literal(1),
  /** Event id → when it was deleted (by a facilitator or by retention). */
  deletedEvents: TimesById,
  /** Event id → when its roster was reduced to counts. */
  rosterRedactions: TimesById,
  /** `<eventId>/<participantId>` → when that participant withdrew (ids only; files of earlier builds have none). */
  withdrawals: v.optional(TimesById, {}),
});
export type DeletionRecord = v.InferOutput<typeof DeletionLogSchema>;

export class DeletionLogError extends ModelError<'deletion_log'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('deletion_log', message, [], options);
    this.name = 'DeletionLogError';
  }
}

const empty = (): DeletionRecord => ({ version: 1, deletedEvents: {}, rosterRedactions: {}, withdrawals: {} });

/**
 * The list of removals a restore must re-apply (`DATA_DIR/deletions.json`): deleted events, reduced
 * rosters and participants' withdrawals, by random id and time, nothing else. Every change is written atomically (temporary file, fsync,
 * rename) before the removal itself runs, and writes are queued so two deletions never lose each other.
 */
export class DeletionLog {
  readonly path: string;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, DELETION_LOG_FILE);
  }

  /** The recorded removals; a missing file is an empty list, a damaged one an error (never silently empty). */
  async read(): Promise<DeletionRecord> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty();
      throw new DeletionLogError(`Could not read ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      return v.parse(DeletionLogSchema, JSON.parse(text));
    } catch (error) {
      throw new DeletionLogError(
        `${this.path} is damaged; it lists deleted events and must be repaired by hand before a restore`,
        { cause: error },
      );
    }
  }

  recordDeletedEvent(eventId: string, at: number): Promise<void> {
    return this.update((log) => void (log.deletedEvents[eventId] ??= at));
  }

  recordRosterRedaction(eventId: string, at: number): Promise<void> {
    return this.update((log) => void (log.rosterRedactions[eventId] ??= at));
  }

  recordWithdrawal(eventId: string, participantId: string, at: number): Promise<void> {
    return this.update((log) => void (log.withdrawals[`${eventId}/${participantId}`] ??= at));
  }

  private update(change: (log: DeletionRecord) => void): Promise<void> {
    const next = this.writing.then(async () => {
      const log = await this.read();
      change(log);
      await writeFileAtomic(this.path, `${JSON.stringify(log, null, 2)}\n`);
    });
    this.writing = next.catch(() => {});
    return next;
  }
}
