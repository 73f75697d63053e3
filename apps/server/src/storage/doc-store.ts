import { ModelError } from '@tablemap/model';

/**
 * Persistence behind the sync server. Async so that a PostgreSQL (or other) store can implement it
 * later; the SQLite store is the reference implementation.
 */
export interface StoredDoc {
  /** The snapshot (if any) followed by the log entries after it, in order. Empty for a new doc. */
  updates: Uint8Array[];
  /** Log entries since the last snapshot: drives compaction. */
  logLength: number;
  /** Stored bytes (snapshot + log): drives the per-doc size limit. */
  bytes: number;
  /** The sequence number of the last log entry, or 0. */
  lastSeq: number;
}

export interface DocStore {
  load(name: string): Promise<StoredDoc>;
  /** Resolves once the update is durable; returns its sequence number. */
  append(name: string, update: Uint8Array): Promise<number>;
  /**
   * Optional: the doc as stored through `throughSeq` (snapshot and log), as one snapshot built off the
   * sockets' thread. Without it, a busy doc's snapshot is encoded from the loaded doc.
   */
  snapshotThrough?(name: string, throughSeq: number): Promise<Uint8Array>;
  /** Replaces every log entry up to `throughSeq` with one snapshot (which already contains them). */
  compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;
  /** Writes anything still buffered. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface EventRecord {
  eventId: string;
  joinCode: string;
  title: string;
  createdAt: number;
}

/** The join code → event index; the event's content itself lives in its Yjs doc. */
export interface EventIndex {
  createEvent(record: EventRecord): Promise<void>;
  findByJoinCode(joinCode: string): Promise<EventRecord | null>;
  findById(eventId: string): Promise<EventRecord | null>;
  /**
   * One consent given at join: the table and the stakeholder group, published only as counts. Written by
   * POST /api/join only. The anonymous `participantId` is kept (never published) so a withdrawal removes it.
   */
  recordConsent(eventId: string, tableId: string, group: string, participantId?: string): Promise<void>;
  /** Removes a withdrawing participant's consent; returns the tables whose counts changed. */
  withdrawConsent(eventId: string, participantId: string): Promise<string[]>;
  /** Consents at one table, by stakeholder group. */
  consentCounts(eventId: string, tableId: string): Promise<Record<string, number>>;
}

/** Revoked token holders, per event (participantId). Kept on disk so a restart does not let them back in. */
export interface RevocationList {
  revoke(eventId: string, participantId: string): Promise<void>;
  isRevoked(eventId: string, participantId: string): Promise<boolean>;
}

export class StorageError extends ModelError<'storage_unavailable'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage_unavailable', message, [], options);
    this.name = 'StorageError';
  }
}
