import type { PrivacyStore } from '../privacy/privacy-store.ts';
import type * as Y from 'yjs';
import type { Access, DocRef, TokenClaims, UpdateFacts } from '@tablemap/model';
import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { DocStore, EventIndex, RevocationList } from '../storage/doc-store.ts';
import type { DocEntry } from '../sync/doc-registry.ts';

/** Everything the server keeps: the doc log, the join-code index, revocations. SQLite, or PostgreSQL when scaled out. */
export type ServerStore = DocStore &
  EventIndex &
  RevocationList & {
    integrityCheck(): string;
    /** Retention dates, deletion records and the access log (src/privacy). */
    privacy: PrivacyStore;
    /** A token-signing key shared by every instance (PostgreSQL); without it the key is a file in the data directory. */
    sharedSecret?(): Promise<Uint8Array>;
  };

/** Who is on the other end of a sync socket, as the hooks see them. */
export interface ConnectionInfo {
  claims: TokenClaims;
  access: Exclude<Access, 'none'>;
  docName: string;
  ref: DocRef;
  /** Participants and scribes: how many tables their event has (sizes the event's socket cap). */
  tableCount?: number;
}

/** A refusal of a socket at the upgrade (HTTP status) or of a change on an open socket (close code). */
export interface Refusal {
  status?: number;
  closeCode: number;
  /** Stable machine-readable code, e.g. `change_refused`. */
  code: string;
  /** A plain sentence an app can show. */
  message: string;
}

/** One incoming update from a connection, before anything is applied, stored or relayed. */
export interface ChangeContext {
  connection: ConnectionInfo;
  entry: DocEntry;
  /** The event doc, when the connection is a participant's or scribe's on a table doc. */
  eventEntry: DocEntry | null;
  update: Uint8Array;
  /** The update's structs and delete set, decoded once. */
  decoded: ReturnType<typeof Y.decodeUpdate>;
  /** What the update adds and deletes, once the model's rules looked at it (set by the model-rules extension). */
  facts?: UpdateFacts;
  /** The transaction that applied the update (set once it is applied, for `afterApply`): what it changed. */
  applied?: Y.Transaction;
}

/** What a started extension may reach: the server's parts, wired. */
export interface ServerParts {
  registry: import('../sync/doc-registry.ts').DocRegistry;
  store: ServerStore;
  docStore: DocStore;
  logger: Logger;
  limits: Limits;
  /** Closes a revoked holder's sockets on this instance; returns how many. */
  closeHolder(eventId: string, participantId: string): number;
}

/**
 * An extension point of the server, in the style of Hocuspocus: every hook is optional, extensions run
 * in the order given, and the first refusal wins. Storage, the Redis relay and the model's rules are
 * extensions; createServer only wires them.
 */
export interface Extension {
  readonly name: string;
  /** Load and store: the storage extension provides the store (exactly one extension does). */
  readonly store?: ServerStore;
  /** Called once every part exists (e.g. start reading other instances' changes). */
  started?(parts: ServerParts): void | Promise<void>;
  /** At the upgrade, after the token and doc access were checked: refuse, or let through. */
  authenticate?(connection: ConnectionInfo): Refusal | null | Promise<Refusal | null>;
  /** A socket is about to be accepted: refuse (e.g. a cap), or let through. */
  connect?(connection: ConnectionInfo): Refusal | null;
  disconnect?(connection: ConnectionInfo): void;
  /** Before an update is applied: refuse the whole update (nothing applied, stored or relayed), or let it through. */
  validateChange?(change: ChangeContext): Refusal | null;
  /** An update from this connection was refused (its socket is being closed). */
  refused?(connection: ConnectionInfo, refusal: Refusal): void;
  /** Right after an update from a connection was applied in memory (before it is durable): e.g. repair what a race left. */
  afterApply?(change: ChangeContext): void;
  /** After an update was applied and is durable, before it is broadcast to this instance's sockets. */
  afterChange?(docName: string, update: Uint8Array): void;
  /** After a presence change from a local socket was applied. */
  awareness?(docName: string, update: Uint8Array): void;
  /** A token holder was revoked on this instance. */
  revoked?(eventId: string, participantId: string): void;
  /** Shutdown, after every doc was flushed. */
  stop?(): Promise<void>;
}
