import {
  eventDocName,
  publishConsentCounts,
  noteRef,
  purgeNote,
  readEvent,
  readSynthesis,
  rosterDocName,
  synthesisDocName,
  tableDocName,
  withdrawParticipant,
  ModelError,
  type Withdrawal,
} from '@tablemap/model';
import { redactRoster, type RedactedCount } from '@tablemap/roster';
import type { Logger } from '../logger.ts';
import type { EventIndex } from '../storage/doc-store.ts';
import type { DocEntry, DocRegistry } from '../sync/doc-registry.ts';
import { EventDeletion, type DeletionRelay, type RemovalRecorder } from './event-deletion.ts';
import type { PrivacyStore } from './privacy-store.ts';

export interface PrivacyServiceOptions {
  privacy: PrivacyStore;
  registry: DocRegistry;
  events: EventIndex;
  logger: Logger;
  relay?: DeletionRelay | null;
  /** Records deletions and roster reductions outside the database, for restores (SQLite only). */
  removals?: RemovalRecorder | null;
  /** Revokes a token holder (recorded on disk, sockets closed): a participant who withdrew is signed out. */
  revokeHolder: (eventId: string, participantId: string) => Promise<void>;
  /** The time retention is judged by; injectable for tests. */
  clock?: () => number;
  /** How often expired events are looked for after the sweep at start. */
  sweepIntervalMs?: number;
}

export const HOUR_MS = 60 * 60 * 1000;

export class PrivacyError extends ModelError<'not_found' | 'not_hidden'> {
  constructor(code: PrivacyError['code'], message: string) {
    super(code, message);
    this.name = 'PrivacyError';
  }
}

/**
 * Everything that removes personal data once it is no longer wanted: event deletion, retention (expired
 * events purged at start and hourly, rosters reduced to counts), a participant's withdrawal, and the
 * purge of a redacted note. Every removal from a doc is followed by rewriting the doc's stored bytes
 * (one garbage-collected snapshot replaces the log) and scrubbing the database files.
 */
export class PrivacyService {
  readonly deletion: EventDeletion;
  private readonly options: PrivacyServiceOptions;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;

  constructor(options: PrivacyServiceOptions) {
    this.options = options;
    this.deletion = new EventDeletion({
      privacy: options.privacy,
      registry: options.registry,
      logger: options.logger,
      relay: options.relay ?? null,
      removals: options.removals ?? null,
    });
  }

  now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Sweeps once now (retrying unfinished deletions, purging expired events), then every hour. */
  async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs ?? HOUR_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One retention pass; never throws (a failure is logged and the next pass retries). */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    const { privacy, logger } = this.options;
    try {
      await this.deletion.retryPending();
      const now = this.now();
      for (const eventId of await privacy.expiredEvents(now)) {
        logger.info({ eventId }, 'retention date passed: deleting the event');
        await this.deletion.delete(eventId);
      }
      for (const eventId of await privacy.rosterRedactionsDue(now)) {
        logger.info({ eventId }, 'roster redaction date passed: keeping only counts by group');
        await this.redactRoster(eventId);
      }
      for (const { eventId, participantId } of (await privacy.pendingWithdrawals?.()) ?? []) {
        logger.info({ eventId, participantId }, 'a restored backup predates this withdrawal: withdrawing again');
        if (await this.options.events.findById(eventId)) await this.withdraw(eventId, participantId);
        await privacy.clearPendingWithdrawal?.(eventId, participantId);
      }
    } catch (error) {
      logger.error({ err: error }, 'retention sweep failed; the next sweep retries');
    }
  }

  /** Removes the roster's names, emails and needs now, keeping counts by group and table. */
  async redactRoster(eventId: string): Promise<RedactedCount[]> {
    // Idempotent: a second run finds no attendees and keeps the counts it made before.
    const at = this.now();
    // Listed first: a restore of an older backup then reduces the roster again.
    await this.options.removals?.recordRosterRedaction(eventId, at);
    const counts = await this.rewrite(rosterDocName(eventId), { kind: 'roster', eventId }, (entry) => redactRoster(entry.doc));
    await this.options.privacy.markRosterRedacted(eventId, at);
    await this.options.privacy.scrub({ rebuild: false });
    return counts;
  }

  /**
   * A participant withdraws (on their phone, or the facilitator on their behalf by anonymous id): their
   * notes, votes, consent and what they added alone are removed from every table of the event, the
   * stored bytes are rewritten without them, and their token is revoked.
   */
  async withdraw(eventId: string, participantId: string): Promise<Withdrawal> {
    const total: Withdrawal = { notes: 0, organisations: 0, links: 0, votes: 0, consent: 0, ratings: 0 };
    // Listed first: a restore of an older backup then withdraws them again.
    await this.options.removals?.recordWithdrawal(eventId, participantId, this.now());
    // Signed out first, so nothing new of theirs arrives while their contributions are removed.
    await this.options.revokeHolder(eventId, participantId);
    for (const tableId of await this.tableIds(eventId)) {
      const removed = await this.rewrite(tableDocName(eventId, tableId), { kind: 'table', eventId, tableId }, (entry) =>
        withdrawParticipant(entry.doc, participantId),
      );
      for (const key of Object.keys(total) as (keyof Withdrawal)[]) total[key] += removed[key];
    }
    // Their consent record leaves the server's database, and the published counts follow.
    const consentTables = await this.options.events.withdrawConsent(eventId, participantId);
    for (const tableId of consentTables) {
      const counts = await this.options.events.consentCounts(eventId, tableId);
      await this.options.registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => publishConsentCounts(entry.doc, tableId, counts));
    }
    total.consent += consentTables.length;
    await this.options.privacy.scrub({ rebuild: false });
    this.options.logger.info({ eventId, participantId, ...total }, 'participant withdrew; their contributions were removed');
    return total;
  }

  /** Removes a note the facilitator hid from the report, for good. Only hidden notes: hiding is the first, reversible step. */
  async purgeHiddenNote(eventId: string, tableId: string, noteId: string): Promise<void> {
    const ref = noteRef(tableId, noteId);
    const hidden = await this.options.registry.withDoc(synthesisDocName(eventId), { kind: 'synthesis', eventId }, (entry) =>
      readSynthesis(entry.doc).hiddenNoteRefs.includes(ref),
    );
    if (!(await this.tableIds(eventId)).includes(tableId)) throw new PrivacyError('not_found', 'That table is not part of this event');
    if (!hidden) throw new PrivacyError('not_hidden', 'Hide the note from the report first; only hidden notes can be purged');
    const purged = await this.rewrite(tableDocName(eventId, tableId), { kind: 'table', eventId, tableId }, (entry) => purgeNote(entry.doc, noteId));
    if (!purged) throw new PrivacyError('not_found', 'That note does not exist (it may already have been purged)');
    await this.options.privacy.scrub({ rebuild: false });
  }

  private async tableIds(eventId: string): Promise<string[]> {
    return this.options.registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => readEvent(entry.doc).tables.map((table) => table.id));
  }

  /**
   * Changes a doc, then replaces its stored snapshot and log with one garbage-collected snapshot (also
   * dropping text deleted earlier but still in the log). A doc that was never stored stays unstored.
   */
  private async rewrite<T>(name: string, ref: DocEntry['ref'], change: (entry: DocEntry) => T): Promise<T> {
    const { registry } = this.options;
    const entry = await registry.acquire(name, ref);
    try {
      await registry.refreshFromStore(entry);
      const result = change(entry);
      if (entry.bytes > 0) await registry.rewriteStored(entry);
      return result;
    } finally {
      registry.release(entry);
    }
  }
}
