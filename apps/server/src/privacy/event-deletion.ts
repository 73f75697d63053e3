import type { Logger } from '../logger.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import { CLOSE_CODES } from '@tablemap/model';
import { eventDocPrefixes, isEventDoc, type PrivacyStore } from './privacy-store.ts';

/** What deletion needs from the Redis relay in multi-instance mode. */
export interface DeletionRelay {
  publishEventDeleted(eventId: string): void;
  forgetDocs(matches: (docName: string) => boolean): Promise<number>;
}

/** Where removals are recorded outside the database, so a restore re-applies them (`backup/deletion-log.ts`). */
export interface RemovalRecorder {
  recordDeletedEvent(eventId: string, at: number): Promise<void>;
  recordRosterRedaction(eventId: string, at: number): Promise<void>;
  recordWithdrawal(eventId: string, participantId: string, at: number): Promise<void>;
}

export interface EventDeletionOptions {
  privacy: PrivacyStore;
  removals?: RemovalRecorder | null;
  registry: DocRegistry;
  logger: Logger;
  relay?: DeletionRelay | null;
}

export type DeletionOutcome = { purged: true } | { purged: false; reason: string };

/**
 * Deletes an event for good. In order:
 * 1. a tombstone (the id only) is committed: from then on every token of the event is refused and its
 *    docs answer 410, on every instance;
 * 2. every socket on its docs is closed with 4410 and the docs are dropped from memory unwritten;
 * 3. one transaction removes every row of the event from every table, then the files are scrubbed;
 * 4. the Redis stream forgets the event's changes.
 * If step 3 fails (a storage fault) nothing of it is applied: the event stays whole on disk, closed to
 * everyone, and the purge is retried at the next start and every hour.
 */
export class EventDeletion {
  private readonly options: EventDeletionOptions;
  /** Tombstones seen by this process, so the hot path (every token check) rarely asks the database. */
  private readonly known = new Set<string>();

  constructor(options: EventDeletionOptions) {
    this.options = options;
  }

  async isDeleted(eventId: string): Promise<boolean> {
    if (this.known.has(eventId)) return true;
    const deleted = await this.options.privacy.isDeleted(eventId);
    if (deleted) this.known.add(eventId);
    return deleted;
  }

  async delete(eventId: string): Promise<DeletionOutcome> {
    const at = Date.now();
    await this.options.privacy.markDeleted(eventId, at);
    this.known.add(eventId);
    await this.recordOutside(eventId, at);
    this.options.relay?.publishEventDeleted(eventId);
    await this.closeLocally(eventId);
    return this.purge(eventId);
  }

  /**
   * The deletion also goes into the list a restore re-applies. A failure to write it must not stop the
   * deletion itself (the tombstone is committed); it is logged, and the pending-purge retry records it again.
   */
  private async recordOutside(eventId: string, at: number): Promise<void> {
    try {
      await this.options.removals?.recordDeletedEvent(eventId, at);
    } catch (error) {
      this.options.logger.error({ eventId, err: error }, 'could not add the deletion to the deletion list; a restore could bring the event back');
    }
  }

  /** Another instance deleted the event: close its sockets and drop its docs here. */
  async closeLocally(eventId: string): Promise<void> {
    this.known.add(eventId);
    await this.options.registry.evictEvent(eventId, CLOSE_CODES.eventDeleted, 'event deleted');
  }

  async purge(eventId: string): Promise<DeletionOutcome> {
    const { privacy, relay, logger } = this.options;
    try {
      await privacy.purgeEvent(eventId);
      if (relay) {
        const docs = eventDocPrefixes(eventId);
        const removed = await relay.forgetDocs((name) => isEventDoc(name, docs));
        logger.info({ eventId, streamEntries: removed }, 'deleted event removed from the relay stream');
      }
      logger.info({ eventId }, 'event deleted and purged from storage');
      return { purged: true };
    } catch (error) {
      logger.error({ eventId, err: error }, 'event deleted but its data could not be purged yet; retried at the next start and hourly');
      return { purged: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Purges every deletion a fault or crash left unfinished. */
  async retryPending(): Promise<number> {
    let done = 0;
    for (const eventId of await this.options.privacy.pendingPurges()) {
      this.known.add(eventId);
      await this.recordOutside(eventId, Date.now());
      await this.closeLocally(eventId);
      if ((await this.purge(eventId)).purged) done++;
    }
    return done;
  }
}
