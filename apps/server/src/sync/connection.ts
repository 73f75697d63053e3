import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebSocket, type RawData } from 'ws';
import { CLOSE_CODES, mayShareAwareness, type Access, type TokenClaims } from '@tablemap/model';
import type { Limits } from '../config.ts';
import type { ChangeContext, ConnectionInfo } from '../extensions/extension.ts';
import type { Hooks } from '../extensions/hooks.ts';
import type { Logger } from '../logger.ts';
import { TokenBucket } from '../rate-limit.ts';
import type { DocEntry, DocPeer } from './doc-registry.ts';
import {
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
  awarenessMessage,
  syncStep1Message,
  syncStep2Message,
} from './messages.ts';

/** A slow reader holding more than this in its send buffer is dropped with 1013 rather than eating memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface ConnectionContext {
  ws: WebSocket;
  entry: DocEntry;
  /** The event doc, for lock and phase checks on a participant's or scribe's table doc. */
  eventEntry: DocEntry | null;
  claims: TokenClaims;
  access: Exclude<Access, 'none'>;
  exp: number;
  limits: Limits;
  logger: Logger;
  hooks: Hooks;
  info?: ConnectionInfo;
  onClose: (connection: SyncConnection) => void;
}

/** One WebSocket on one doc: enforces role, lock, size and rate rules on every frame it receives. */
export class SyncConnection implements DocPeer {
  readonly ws: WebSocket;
  readonly entry: DocEntry;
  readonly eventEntry: DocEntry | null;
  readonly claims: TokenClaims;
  readonly access: Exclude<Access, 'none'>;
  readonly exp: number;
  readonly info: ConnectionInfo;
  private readonly limits: Limits;
  private readonly logger: Logger;
  private readonly hooks: Hooks;
  private readonly onClosed: (connection: SyncConnection) => void;
  private readonly awarenessIds = new Set<number>();
  private readonly messageBucket: TokenBucket;
  private readonly awarenessBucket: TokenBucket;
  private resumeTimer: NodeJS.Timeout | null = null;
  /** Frames received over the rate limit, waiting their turn (bounded; see holdBack). */
  private backlog: Uint8Array[] = [];
  private backlogBytes = 0;
  private closed = false;

  constructor(context: ConnectionContext) {
    this.ws = context.ws;
    this.entry = context.entry;
    this.eventEntry = context.eventEntry;
    this.claims = context.claims;
    this.access = context.access;
    this.exp = context.exp;
    this.limits = context.limits;
    this.hooks = context.hooks;
    this.info = context.info ?? { claims: context.claims, access: context.access, docName: context.entry.name, ref: context.entry.ref };
    this.logger = context.logger.child({ doc: context.entry.name, role: context.claims.role });
    this.onClosed = context.onClose;
    this.messageBucket = new TokenBucket(context.limits.messagesPerSecond * 2, context.limits.messagesPerSecond);
    this.awarenessBucket = new TokenBucket(context.limits.awarenessPerSecond * 2, context.limits.awarenessPerSecond);
  }

  start(): void {
    this.entry.peers.add(this);
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.cleanup());
    this.ws.on('error', (error) => {
      // ws closes with 1009 itself on an oversized frame; this only records why.
      this.logger.info({ reason: error.message }, 'socket error');
    });
    this.send(syncStep1Message(this.entry.doc));
    const states = [...this.entry.awareness.getStates().keys()];
    if (states.length > 0) this.send(awarenessMessage(this.entry.awareness, states));
  }

  send(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CLOSE_CODES.tryAgainLater, 'too slow to keep up');
      return;
    }
    this.ws.send(message);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.logger.info({ code, reason }, 'closing socket');
    this.closed = true;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.backlog = [];
    if (this.ws.isPaused) this.ws.resume();
    this.ws.close(code, reason);
    // A peer that never answers the close handshake is cut off; the timer goes as soon as the socket does.
    const cutOff = setTimeout(() => this.ws.terminate(), 2000);
    cutOff.unref();
    this.ws.once('close', () => clearTimeout(cutOff));
    this.cleanup();
  }

  noteAwareness(added: number[], removed: number[]): void {
    for (const id of added) this.awarenessIds.add(id);
    for (const id of removed) this.awarenessIds.delete(id);
  }

  private cleanup(): void {
    this.closed = true;
    if (!this.entry.peers.delete(this)) return;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    if (this.awarenessIds.size > 0 && !this.entry.unloaded) {
      awarenessProtocol.removeAwarenessStates(this.entry.awareness, [...this.awarenessIds], null);
    }
    for (const [id, owner] of this.entry.awarenessOwners) if (owner === this) this.entry.awarenessOwners.delete(id);
    this.onClosed(this);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) return this.close(CLOSE_CODES.malformed, 'binary frames only');
    const bytes = toBytes(data);
    if (this.backlog.length === 0 && this.messageBucket.tryTake()) return this.process(bytes);
    this.holdBack(bytes);
  }

  /**
   * Over its message rate a socket stops being read (TCP back-pressure) and what its receiver had already
   * buffered waits here, processed at the allowed rate. A client that keeps pushing past a bounded
   * backlog is flooding: it is closed with 4429 (final for y-websocket, so it does not come straight back).
   */
  private holdBack(bytes: Uint8Array): void {
    this.backlog.push(bytes);
    this.backlogBytes += bytes.byteLength;
    if (this.backlog.length > this.limits.messagesPerSecond * 4 || this.backlogBytes > this.limits.maxFrameBytes * 2) {
      this.logger.warn({ queued: this.backlog.length, bytes: this.backlogBytes }, 'message flood; closing the socket');
      this.backlog = [];
      this.backlogBytes = 0;
      return this.close(CLOSE_CODES.tooManyMessages, 'too many messages');
    }
    if (!this.ws.isPaused) this.ws.pause();
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.resumeTimer) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = null;
      this.drain();
    }, Math.max(5, this.messageBucket.msUntilNext()));
  }

  private drain(): void {
    while (!this.closed && this.backlog.length > 0 && this.messageBucket.tryTake()) {
      const next = this.backlog.shift()!;
      this.backlogBytes -= next.byteLength;
      this.process(next);
    }
    if (this.closed) return;
    if (this.backlog.length > 0) this.scheduleDrain();
    else this.ws.resume();
  }

  private process(bytes: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(bytes);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) this.onSync(decoder);
      else if (type === MESSAGE_AWARENESS) this.onAwareness(decoding.readVarUint8Array(decoder));
      else if (type === MESSAGE_QUERY_AWARENESS) {
        this.send(awarenessMessage(this.entry.awareness, [...this.entry.awareness.getStates().keys()]));
      } else this.close(CLOSE_CODES.malformed, 'unknown message type');
    } catch (error) {
      this.logger.info({ reason: (error as Error).message }, 'malformed frame');
      this.close(CLOSE_CODES.malformed, 'malformed message');
    }
  }

  private onSync(decoder: decoding.Decoder): void {
    const subtype = decoding.readVarUint(decoder);
    if (subtype === SYNC_STEP1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      Y.decodeStateVector(stateVector); // throws on garbage
      // Reply only once everything the doc holds is durable, so nothing unsaved is ever served.
      this.entry.settled().then(
        () => this.send(isEmptyStateVector(stateVector) ? this.entry.fullStateMessage() : syncStep2Message(this.entry.doc, stateVector)),
        () => this.close(CLOSE_CODES.tryAgainLater, 'storage unavailable, retry'),
      );
    } else if (subtype === SYNC_STEP2 || subtype === SYNC_UPDATE) {
      this.onUpdate(decoding.readVarUint8Array(decoder));
    } else {
      this.close(CLOSE_CODES.malformed, 'unknown sync message');
    }
  }

  private onUpdate(update: Uint8Array): void {
    const decoded = Y.decodeUpdate(update); // validates the whole update before anything is applied; throws on garbage
    if (this.entry.failed || this.entry.unloaded) return this.close(CLOSE_CODES.tryAgainLater, 'storage unavailable, retry');
    const change: ChangeContext = { connection: this.info, entry: this.entry, eventEntry: this.eventEntry, update, decoded };
    const refusal = this.hooks.validateChange(change);
    if (refusal) {
      this.hooks.refused(this.info, refusal);
      return this.close(refusal.closeCode, refusal.message);
    }
    change.applied = applyUpdateInTransaction(this.entry.doc, update, this);
    this.hooks.afterApply(change);
    this.capPendingStructs();
  }

  /**
   * Yjs keeps changes whose dependencies have not arrived in memory (pendingStructs) without storing or
   * relaying them. A sender that never sends the dependencies could grow that without bound, so past the
   * cap it is dropped: its client still holds the changes and resends them, complete, when it resyncs.
   */
  private capPendingStructs(): void {
    const store = this.entry.doc.store;
    const pending = (store.pendingStructs?.update.byteLength ?? 0) + (store.pendingDs?.byteLength ?? 0);
    if (pending <= this.limits.maxPendingUpdateBytes) return;
    store.pendingStructs = null;
    store.pendingDs = null;
    this.logger.warn({ pendingBytes: pending, limit: this.limits.maxPendingUpdateBytes }, 'unresolved changes over the cap; dropped');
    this.close(CLOSE_CODES.malformed, 'changes depend on data never sent');
  }

  private onAwareness(update: Uint8Array): void {
    // Read-only viewers stay invisible (y-sweet's lesson): their presence is dropped, not relayed.
    if (!mayShareAwareness(this.access)) return;
    if (update.byteLength > this.limits.maxAwarenessBytes || !this.awarenessBucket.tryTake()) return;
    const ids = awarenessClientIds(update);
    const newIds = ids.filter((id) => !this.awarenessIds.has(id));
    if (ids.length > this.limits.maxAwarenessClientsPerConnection) return;
    if (this.awarenessIds.size + newIds.length > this.limits.maxAwarenessClientsPerConnection) return;
    // Only ids this connection introduced: another phone's presence cannot be overwritten with a higher clock.
    const owners = this.entry.awarenessOwners;
    if (ids.some((id) => (owners.get(id) ?? this) !== this || (!owners.has(id) && this.entry.awareness.getStates().has(id)))) {
      this.logger.info({ ids }, 'presence for a client id this connection did not introduce; dropped');
      return;
    }
    for (const id of ids) owners.set(id, this);
    awarenessProtocol.applyAwarenessUpdate(this.entry.awareness, update, this);
  }
}

/** Applies an update in one transaction of its own and returns it, so later hooks can see what it changed. */
function applyUpdateInTransaction(doc: Y.Doc, update: Uint8Array, origin: unknown): Y.Transaction {
  let applied: Y.Transaction | null = null;
  // local = false, as Y.applyUpdate marks a remote change; the update joins this transaction.
  Y.transact(
    doc,
    (transaction) => {
      applied = transaction;
      Y.applyUpdate(doc, update, origin);
    },
    origin,
    false,
  );
  return applied!;
}

/** Reads (and so validates) an awareness update's client ids and JSON states; throws on garbage. */
function awarenessClientIds(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const ids: number[] = [];
  for (let index = 0; index < count; index++) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    JSON.parse(decoding.readVarString(decoder));
  }
  return ids;
}

/** A client that holds nothing yet (a first join): a state vector with no clients. */
function isEmptyStateVector(stateVector: Uint8Array): boolean {
  return stateVector.byteLength === 1 && stateVector[0] === 0;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
