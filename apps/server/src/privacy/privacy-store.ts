/**
 * What the server keeps to protect people's data, beside the docs: deletion tombstones, retention dates,
 * the privacy notice, and the access log of downloads that can hold personal data. Implemented by the
 * SQLite store and the PostgreSQL store (`storage/sqlite-privacy.ts`, `storage/postgres-privacy.ts`).
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Default retention: the event's data is deleted this long after the event. */
export const DEFAULT_RETENTION_DAYS = 90;

export interface PrivacyNotice {
  /** Who decides what happens to the data (the organisation running the event). */
  controller: string;
  /** How to reach them about it (an email address or a phone number). */
  contact: string;
  /** Why the data is collected. */
  purpose: string;
}

export interface RetentionSettings {
  /** Epoch ms: everything about the event is deleted at this time. */
  deleteAfter: number;
  /** Epoch ms, or null: the roster's names, emails and needs are removed at this time (counts by group stay). */
  rosterRedactAfter: number | null;
  /** Epoch ms when the roster was reduced to counts, or null. */
  rosterRedactedAt: number | null;
}

export interface EventPrivacy extends RetentionSettings {
  /** null until the organiser writes one; the join screen then shows a default built from the event's title. */
  notice: PrivacyNotice | null;
}

export interface AccessLogEntry {
  /** Epoch ms. */
  at: number;
  /** Who: the role of the token (or `organiser` for the organiser key) and the token's anonymous id. */
  role: string;
  tokenId: string;
  /** What was downloaded, e.g. `report.pdf`, `export.json`, `roster.csv`, `subject-access.json`. */
  what: string;
  /** The options that decide what personal data it held, e.g. `{ includeAttendeeList: true }`. */
  options: Record<string, unknown>;
}

/** How a table of the store is tied to events, so that deleting an event can reach every row of it. */
export type TableKeying = 'event_id' | 'doc_name' | 'server_wide' | 'tombstone';

export interface PrivacyStore {
  /** Records the deletion request (a tombstone holding only the id); from then on the event is gone for everyone. */
  markDeleted(eventId: string, at: number): Promise<void>;
  isDeleted(eventId: string): Promise<boolean>;
  /** Tombstones whose purge has not completed (a fault, a crash): retried at start and every hour. */
  pendingPurges(): Promise<string[]>;
  /**
   * Removes every row of the event in every table, in ONE transaction (a failure leaves the event whole),
   * then marks the tombstone purged and scrubs the freed space from the files.
   */
  purgeEvent(eventId: string): Promise<void>;
  /** Every table of the store and how it is keyed (tests: a new table nobody taught deletion fails). */
  tableKeying(): Promise<Record<string, TableKeying>>;
  /**
   * Makes deleted text gone from the files, not only unreachable. `rebuild` also rewrites the whole file
   * (SQLite VACUUM, PostgreSQL VACUUM FULL): thorough but it stalls everything else for seconds on a large
   * database, so it is used for event deletion only; a withdrawal mid-event relies on SQLite's
   * secure_delete and a WAL checkpoint (PostgreSQL: a plain VACUUM).
   */
  scrub(options: { rebuild: boolean }): Promise<void>;

  getPrivacy(eventId: string): Promise<EventPrivacy | null>;
  setRetention(eventId: string, settings: Pick<RetentionSettings, 'deleteAfter' | 'rosterRedactAfter'>): Promise<void>;
  setNotice(eventId: string, notice: PrivacyNotice): Promise<void>;
  markRosterRedacted(eventId: string, at: number): Promise<void>;
  /** Events whose retention date has passed (events without a row fall back to created + 90 days). */
  expiredEvents(now: number): Promise<string[]>;
  /** Events whose roster redaction date has passed and which still hold names. */
  rosterRedactionsDue(now: number): Promise<string[]>;

  /**
   * Withdrawals a restore brought back (the backup predates them), to be done again at start. Only the
   * SQLite store has them: a PostgreSQL restore comes from pg_dump, which knows nothing of the deletion list.
   */
  pendingWithdrawals?(): Promise<{ eventId: string; participantId: string }[]>;
  clearPendingWithdrawal?(eventId: string, participantId: string): Promise<void>;

  recordAccess(eventId: string, entry: AccessLogEntry): Promise<void>;
  accessLog(eventId: string): Promise<AccessLogEntry[]>;
}

/** The doc names of an event all start with one of these (model `formatDocName`). */
/** Every doc an event owns: its single docs (event, synthesis, roster, report) by name, its table docs and its private-round docs by prefix. */
export function eventDocPrefixes(eventId: string): { exact: string[]; prefixes: string[] } {
  return { exact: [`event/${eventId}`, `synthesis/${eventId}`, `roster/${eventId}`, `report/${eventId}`], prefixes: [`table/${eventId}/`, `private/${eventId}/`] };
}

/** Is this doc one of the event's (see eventDocPrefixes)? */
export function isEventDoc(name: string, docs: { exact: string[]; prefixes: string[] }): boolean {
  return docs.exact.includes(name) || docs.prefixes.some((prefix) => name.startsWith(prefix));
}

export function defaultDeleteAfter(eventStart: number): number {
  return eventStart + DEFAULT_RETENTION_DAYS * DAY_MS;
}
