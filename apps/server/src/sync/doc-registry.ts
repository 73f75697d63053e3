import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CLOSE_CODES, ModelError, migrate, readEvent, schemaVersionOf, CURRENT_SCHEMA_VERSION, type DocRef, type EventSnapshot } from '@tablemap/model';
import type { Logger } from '../logger.ts';
import { StorageError, type DocStore } from '../storage/doc-store.ts';
import { awarenessMessage, syncStep2Message, syncStep2FromUpdate, syncUpdateMessage } from './messages.ts';

/** What a doc needs from a live connection: somewhere to send, a way to close, presence bookkeeping. */
export interface DocPeer {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
  noteAwareness(added: number[], removed: number[]): void;
}

/** One loaded doc: the Yjs doc, its presence, its live peers and its persistence bookkeeping. */
export class DocEntry {
  readonly name: string;
  readonly ref: DocRef;
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<DocPeer>();
  /** Presence client id → the connection that introduced it: only that connection may set it. */
  readonly awarenessOwners = new Map<number, DocPeer>();
  users = 0;
  /** Stored bytes (snapshot + log) for the size limit. */
  bytes = 0;
  logLength = 0;
  /** Bytes of this instance's log entries since the last snapshot. */
  logBytes = 0;
  /** Bytes of the last snapshot: a busy doc folds its log once the log is half this (`dueForCompaction`). */
  snapshotBytes = 0;
  lastSeq = 0;
  failed = false;
  unloaded = false;
  idleTimer: NodeJS.Timeout | null = null;
  /** Resolves when every update applied so far is durable and broadcast, in order. */
  writes: Promise<void> = Promise.resolve();
  /** The compaction in flight, if any: compactions of one doc run one after another, beside its writes. */
  compaction: Promise<void> | null = null;
  /** Waits for the doc's edits to pause before folding its log (see `DocRegistry.foldWhenQuiet`). */
  foldTimer: NodeJS.Timeout | null = null;
  lastChangeAt = 0;
  private eventSnapshot: EventSnapshot | null = null;
  /** Sync step 2 for a client that holds nothing yet, encoded once per change rather than once per joiner. */
  private fullState: Uint8Array | null = null;

  constructor(name: string, ref: DocRef) {
    this.name = name;
    this.ref = ref;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
  }

  /** Waits for pending writes; throws if storage failed for this doc. */
  async settled(): Promise<void> {
    await this.writes;
    if (this.failed) throw new StorageError(`Storage failed for ${this.name}`);
  }

  /** The event doc read as plain data, cached until the next change (lock checks run per update). */
  readEventCached(): EventSnapshot {
    this.eventSnapshot ??= readEvent(this.doc);
    return this.eventSnapshot;
  }

  invalidateCache(): void {
    this.eventSnapshot = null;
    this.fullState = null;
  }

  /** What a joining client with an empty doc is sent: the whole doc. Shared by every joiner until the next change. */
  fullStateMessage(): Uint8Array {
    this.fullState ??= syncStep2Message(this.doc, EMPTY_STATE_VECTOR);
    return this.fullState;
  }

  /** A doc loaded from one stored snapshot already has its full state encoded: the snapshot itself. */
  seedFullState(snapshot: Uint8Array): void {
    this.fullState = syncStep2FromUpdate(snapshot);
  }

  broadcast(message: Uint8Array, except: unknown): void {
    for (const peer of this.peers) if (peer !== except) peer.send(message);
  }
}

const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** A log this long is folded whatever the doc's size (see `dueForCompaction`). */
const MAX_LOG_BYTES = 1024 * 1024;
/**
 * A doc this large has its busy fold built by the store off this thread (encoding grows with the doc).
 * Smaller ones encode here quickly, after a pause: not worth the thread's own memory (ARCHITECTURE.md).
 */
const OFF_THREAD_FOLD_BYTES = 1024 * 1024;
/** A busy table's due log waits for a pause this long, until it is this many times due. */
const FOLD_PAUSE_MS = 500;
const OVERDUE_STRETCH = 4;

/**
 * After each busy fold the queue rests this many times as long as the fold took. Tables that grow together
 * fall due together; folded back to back, each compaction held the write lock right after the last, so the
 * edits of every table waited behind one after another (ARCHITECTURE.md, "Persistence"). With the rest,
 * folding takes at most a quarter of the time.
 */
const FOLD_REST_RATIO = 3;
const FOLD_REST_MAX_MS = 5000;
/** With a queued log this long, the next fold does not wait (`maxDocBytes` counts the log). */
const URGENT_LOG_BYTES = 2 * MAX_LOG_BYTES;

/** Changes applied with this origin came from another instance (already durable): broadcast, never re-appended. */
export const REMOTE_ORIGIN = 'remote-instance';

/** The hooks the registry calls once a local change is durable, and for each local presence change. */
export interface ChangeListener {
  afterChange(docName: string, update: Uint8Array): void;
  awareness(docName: string, update: Uint8Array): void;
}

/** Past the server's memory budget no further doc is loaded: the caller answers 503 with Retry-After. */
export class OverMemoryBudgetError extends ModelError<'over_budget'> {
  readonly retryAfterSeconds = 10;
  constructor(usedBytes: number, budgetBytes: number) {
    super('over_budget', `The server is at its memory budget (${Math.round(usedBytes / 1048576)} of ${Math.round(budgetBytes / 1048576)} MiB); try again shortly`);
    this.name = 'OverMemoryBudgetError';
  }
}

export interface DocRegistryOptions {
  listener?: ChangeListener | undefined;
  /** Server-wide memory budget (bytes of heap): past it, idle docs are unloaded and no new doc is loaded. */
  memoryBudgetBytes?: number | undefined;
  /** Measures memory in use (default: the V8 heap); injectable for tests. */
  memoryUsed?: () => number;
  store: DocStore;
  logger: Logger;
  compactAfterUpdates: number;
  idleUnloadMs: number;
}

/**
 * Loads each doc once (load-before-serve), persists every change before broadcasting it,
 * compacts long logs, and unloads docs nobody has used for a while.
 */
export class DocRegistry {
  private readonly entries = new Map<string, Promise<DocEntry>>();
  private readonly options: DocRegistryOptions;
  private closing = false;
  /** Busy docs waiting to fold their logs, one at a time (`foldBeside`). */
  private readonly foldQueue = new Set<DocEntry>();
  private folding = false;
  /** Deleted events: their docs are never loaded again by this process. */
  private readonly goneEvents = new Set<string>();

  private readonly budgetTimer: NodeJS.Timeout | null = null;

  constructor(options: DocRegistryOptions) {
    this.options = options;
    if (options.memoryBudgetBytes) {
      // Unload idle docs while over budget, rather than wait for their idle timers.
      this.budgetTimer = setInterval(() => void this.shedIfOverBudget(), 5000);
      this.budgetTimer.unref();
    }
  }

  private memoryUsed(): number {
    return this.options.memoryUsed?.() ?? process.memoryUsage().heapUsed;
  }

  private overBudget(): boolean {
    return this.options.memoryBudgetBytes !== undefined && this.memoryUsed() > this.options.memoryBudgetBytes;
  }

  /** Unloads every doc nobody holds (compacting each), while the server is over its memory budget. */
  async shedIfOverBudget(): Promise<number> {
    if (!this.overBudget()) return 0;
    let unloaded = 0;
    for (const loading of [...this.entries.values()]) {
      const entry = await loading.catch(() => null);
      if (!entry || entry.users > 0 || entry.unloaded) continue;
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      await this.unload(entry);
      unloaded++;
    }
    if (unloaded > 0) this.options.logger.warn({ unloaded, usedBytes: this.memoryUsed(), budgetBytes: this.options.memoryBudgetBytes }, 'over the memory budget: idle docs unloaded');
    return unloaded;
  }

  get loadedCount(): number {
    return this.entries.size;
  }

  isLoaded(name: string): boolean {
    return this.entries.has(name);
  }

  /** The doc if it is loaded or loading (the relay applies remote changes once the load finished). */
  loadedOrLoading(name: string): Promise<DocEntry> | undefined {
    return this.entries.get(name);
  }

  loadedNames(): string[] {
    return [...this.entries.keys()];
  }

  /** Loads (or reuses) a doc and counts one user; pair with `release`. */
  async acquire(name: string, ref: DocRef): Promise<DocEntry> {
    if (this.closing) throw new StorageError('The server is shutting down');
    if (this.goneEvents.has(ref.eventId)) throw new StorageError(`The event of ${name} has been deleted`);
    let loading = this.entries.get(name);
    if (!loading && this.overBudget()) {
      await this.shedIfOverBudget();
      if (this.overBudget()) throw new OverMemoryBudgetError(this.memoryUsed(), this.options.memoryBudgetBytes!);
      loading = this.entries.get(name);
    }
    if (!loading) {
      loading = this.load(name, ref);
      this.entries.set(name, loading);
      loading.catch(() => this.entries.delete(name));
    }
    const entry = await loading;
    if (entry.unloaded) return this.acquire(name, ref);
    entry.users++;
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    return entry;
  }

  release(entry: DocEntry): void {
    entry.users = Math.max(0, entry.users - 1);
    if (entry.users > 0 || entry.unloaded) return;
    entry.idleTimer = setTimeout(() => void this.unload(entry), this.options.idleUnloadMs);
    entry.idleTimer.unref();
  }

  /** Runs `work` on a loaded doc and waits until whatever it changed is durable. */
  async withDoc<T>(name: string, ref: DocRef, work: (entry: DocEntry) => T): Promise<T> {
    const entry = await this.acquire(name, ref);
    try {
      const result = work(entry);
      await entry.settled();
      return result;
    } finally {
      this.release(entry);
    }
  }

  private async load(name: string, ref: DocRef): Promise<DocEntry> {
    const stored = await this.options.store.load(name);
    const entry = new DocEntry(name, ref);
    entry.doc.transact(() => {
      for (const update of stored.updates) Y.applyUpdate(entry.doc, update);
    }, 'storage');
    entry.bytes = stored.bytes;
    entry.logLength = stored.logLength;
    entry.logBytes = stored.updates.slice(stored.updates.length - stored.logLength).reduce((sum, update) => sum + update.byteLength, 0);
    entry.snapshotBytes = stored.updates.length > stored.logLength ? stored.updates[0]!.byteLength : 0;
    entry.lastSeq = stored.lastSeq;
    if (stored.updates.length === 1) entry.seedFullState(stored.updates[0]!);
    entry.doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocUpdate(entry, update, origin));
    entry.awareness.on('update', (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) =>
      this.onAwarenessUpdate(entry, changes, origin),
    );
    // Docs written by an older build are brought up to date; empty docs stay empty (nothing created).
    // A doc written by a newer build is refused (migrate throws ModelError 'wrong_doc'), never served as it is.
    if (stored.updates.length > 0 && schemaVersionOf(entry.doc) !== CURRENT_SCHEMA_VERSION) {
      try {
        migrate(entry.doc, ref.kind);
      } catch (error) {
        entry.awareness.destroy();
        entry.doc.destroy();
        throw error;
      }
      await entry.settled();
    }
    this.options.logger.debug({ doc: name, bytes: stored.bytes, log: stored.logLength }, 'doc loaded');
    return entry;
  }

  /** Append first, broadcast after: nothing is relayed that is not on disk. */
  private onDocUpdate(entry: DocEntry, update: Uint8Array, origin: unknown): void {
    entry.invalidateCache();
    entry.bytes += update.byteLength;
    if (origin === REMOTE_ORIGIN) {
      entry.broadcast(syncUpdateMessage(update), null);
      return;
    }
    const appended = this.options.store.append(entry.name, update);
    appended.catch(() => {}); // handled in the chain below, in order
    entry.writes = entry.writes
      .then(async () => {
        if (entry.failed) return;
        entry.lastSeq = await appended;
        entry.logLength++;
        entry.logBytes += update.byteLength;
        this.options.listener?.afterChange(entry.name, update);
        entry.broadcast(syncUpdateMessage(update), origin);
        entry.lastChangeAt = performance.now();
        if (this.dueForCompaction(entry, OVERDUE_STRETCH)) this.foldBeside(entry);
        else if (!entry.foldTimer && this.dueForCompaction(entry)) this.foldWhenQuiet(entry);
      })
      .catch((error: unknown) => this.fail(entry, error));
  }

  /**
   * After `compactAfterUpdates` log entries, and for a large doc not before its log is half the snapshot's
   * size: encoding a snapshot blocks this thread in proportion to the doc, so a
   * busy large table folds less often and the cost per edit stays flat. `stretch` scales the count and the
   * share (overdue = 4×). A log past MAX_LOG_BYTES is due whatever the doc's size, so the log never eats much
   * of the doc's size limit (`maxDocBytes` counts snapshot and log); it is not lowered for a pause, since a
   * smaller fixed cap would re-encode a large table for every few hundred KiB of edits.
   */
  private dueForCompaction(entry: DocEntry, stretch = 1): boolean {
    if (entry.logLength < this.options.compactAfterUpdates * stretch) return false;
    return entry.logBytes * 2 >= entry.snapshotBytes * stretch || entry.logBytes >= MAX_LOG_BYTES;
  }

  /**
   * A due log is folded once the table pauses (no change for FOLD_PAUSE_MS), so the snapshot's encoding does
   * not land between the edits of a busy table; a table that never pauses is folded once it is overdue.
   */
  private foldWhenQuiet(entry: DocEntry): void {
    const quietFor = performance.now() - entry.lastChangeAt;
    entry.foldTimer = setTimeout(
      () => {
        entry.foldTimer = null;
        if (entry.unloaded) return;
        if (performance.now() - entry.lastChangeAt < FOLD_PAUSE_MS) this.foldWhenQuiet(entry);
        else this.foldBeside(entry);
      },
      Math.max(1, FOLD_PAUSE_MS - quietFor),
    );
    entry.foldTimer.unref();
  }

  /**
   * Folded beside the writes, not in their chain: the doc's next edits are relayed meanwhile. One doc at a
   * time across the server, so tables that grew together do not all encode their snapshots in one block.
   */
  private foldBeside(entry: DocEntry): void {
    if (entry.foldTimer) clearTimeout(entry.foldTimer);
    entry.foldTimer = null;
    if (entry.compaction || !this.dueForCompaction(entry)) return;
    this.foldQueue.add(entry);
    this.foldNext();
  }

  private foldNext(): void {
    const next = this.foldQueue.values().next().value;
    if (this.folding || !next) return;
    this.foldQueue.delete(next);
    this.folding = true;
    setImmediate(() => {
      const due = !next.unloaded && !next.compaction && this.dueForCompaction(next);
      const started = performance.now();
      const folded = due ? this.compact(next, next.bytes >= OFF_THREAD_FOLD_BYTES) : Promise.resolve();
      folded
        .catch((error: unknown) => this.options.logger.warn({ doc: next.name, err: error }, 'compaction failed; the log is kept'))
        .finally(() => {
          const rest = due && !this.foldIsUrgent() ? Math.min(FOLD_REST_MAX_MS, (performance.now() - started) * FOLD_REST_RATIO) : 0;
          const resume = setTimeout(() => {
            this.folding = false;
            this.foldNext();
          }, rest);
          resume.unref();
        });
    });
  }

  /** A queued log past URGENT_LOG_BYTES folds without the rest: it is eating into its doc's size limit. */
  private foldIsUrgent(): boolean {
    for (const entry of this.foldQueue) if (entry.logBytes >= URGENT_LOG_BYTES) return true;
    return false;
  }

  private onAwarenessUpdate(
    entry: DocEntry,
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void {
    const changed = [...changes.added, ...changes.updated, ...changes.removed];
    if (origin && typeof origin === 'object' && 'noteAwareness' in origin) {
      (origin as DocPeer).noteAwareness([...changes.added, ...changes.updated], changes.removed);
    }
    if (changed.length > 0 && this.options.listener && origin !== REMOTE_ORIGIN && origin !== 'timeout') {
      this.options.listener.awareness(entry.name, awarenessProtocol.encodeAwarenessUpdate(entry.awareness, changed));
    }
    if (changed.length === 0 || entry.peers.size === 0) return;
    entry.broadcast(awarenessMessage(entry.awareness, changed), null);
  }

  /** Folds a loaded doc's log into one snapshot now (after a purge, so deleted content stops taking space). */
  async compactNow(entry: DocEntry): Promise<void> {
    await entry.settled();
    await this.compact(entry);
  }

  /**
   * Folds the log into a snapshot, after any compaction of this doc still in flight. A busy doc's fold
   * (`fromStore`) has the store build the snapshot from what it holds, where the store can, off this thread.
   */
  private compact(entry: DocEntry, fromStore = false): Promise<void> {
    const run = (entry.compaction ?? Promise.resolve()).catch(() => {}).then(() => this.foldLog(entry, fromStore));
    const tracked: Promise<void> = run
      .catch(() => {})
      .finally(() => {
        if (entry.compaction === tracked) entry.compaction = null;
      });
    entry.compaction = tracked;
    return run;
  }

  /**
   * The snapshot holds everything applied so far; it replaces the log entries committed by now (through
   * `lastSeq`). Entries committed while it is written stay in the log, so only what was folded is counted off.
   */
  private async foldLog(entry: DocEntry, fromStore: boolean): Promise<void> {
    const folded = { entries: entry.logLength, bytes: entry.logBytes, throughSeq: entry.lastSeq };
    const { store } = this.options;
    const snapshot = fromStore && store.snapshotThrough ? await store.snapshotThrough(entry.name, folded.throughSeq) : Y.encodeStateAsUpdate(entry.doc);
    if (entry.unloaded) return;
    await store.compact(entry.name, snapshot, folded.throughSeq);
    this.options.logger.debug({ doc: entry.name, entries: folded.entries, bytes: snapshot.byteLength }, 'doc compacted');
    entry.logLength -= folded.entries;
    entry.logBytes -= folded.bytes;
    entry.snapshotBytes = snapshot.byteLength;
    entry.bytes = snapshot.byteLength + entry.logBytes;
  }

  /**
   * Storage failed: the doc is dropped from memory (so the next load reads what is really on disk),
   * its peers are told to retry (1013) and keep their local state to resend.
   */
  private fail(entry: DocEntry, error: unknown): void {
    if (entry.failed) return;
    entry.failed = true;
    this.options.logger.error({ doc: entry.name, err: error }, 'storage failed; closing the doc so clients retry');
    for (const peer of [...entry.peers]) peer.close(CLOSE_CODES.tryAgainLater, 'storage unavailable, retry');
    this.drop(entry);
  }

  private drop(entry: DocEntry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    if (entry.foldTimer) clearTimeout(entry.foldTimer);
    entry.foldTimer = null;
    this.foldQueue.delete(entry);
    entry.unloaded = true;
    entry.peers.clear();
    this.entries.delete(entry.name);
    entry.awareness.destroy();
    entry.doc.destroy();
  }

  /** Unloads an idle doc after its writes are durable, compacting its log on the way out. */
  async unload(entry: DocEntry): Promise<void> {
    entry.idleTimer = null;
    if (entry.unloaded) return;
    try {
      await entry.settled();
      if (entry.users > 0 || entry.unloaded) return;
      if (entry.logLength > 0) await this.compact(entry);
    } catch (error) {
      this.options.logger.warn({ doc: entry.name, err: error }, 'could not compact on unload; the log is kept');
    }
    if (entry.users > 0 || entry.unloaded) return;
    this.drop(entry);
    this.options.logger.debug({ doc: entry.name }, 'doc unloaded');
  }

  /**
   * Event deletion: no doc of the event is loaded again; every loaded one has its sockets closed with
   * `closeCode`, its pending writes awaited, and is dropped WITHOUT compacting (nothing is written back).
   */
  async evictEvent(eventId: string, closeCode: number, reason: string): Promise<void> {
    this.goneEvents.add(eventId);
    const loaded = await Promise.allSettled([...this.entries.values()]);
    for (const result of loaded) {
      if (result.status !== 'fulfilled' || result.value.ref.eventId !== eventId) continue;
      const entry = result.value;
      for (const peer of [...entry.peers]) peer.close(closeCode, reason);
      await entry.writes.catch(() => {});
      // A snapshot still being written would bring the deleted content back behind the purge.
      await entry.compaction?.catch(() => {});
      if (!entry.unloaded) this.drop(entry);
    }
  }

  /**
   * Before content is removed for good: brings the loaded doc up to date with everything stored for it,
   * including changes another instance stored that the relay has not delivered yet, so the removal
   * reaches them and the rewrite below can fold in every stored row.
   */
  async refreshFromStore(entry: DocEntry): Promise<void> {
    await entry.settled();
    await this.options.store.flush();
    const stored = await this.options.store.load(entry.name);
    // Already durable: applied like another instance's change (broadcast, never appended again).
    if (stored.updates.length > 0) Y.applyUpdate(entry.doc, Y.mergeUpdates(stored.updates), REMOTE_ORIGIN);
    entry.lastSeq = Math.max(entry.lastSeq, stored.lastSeq);
  }

  /**
   * Folds the doc's whole log into one fresh snapshot now. The doc garbage-collects deleted content, so
   * text removed from it (withdrawal, purged notes, a redacted roster) leaves the stored bytes too.
   */
  async rewriteStored(entry: DocEntry): Promise<void> {
    await entry.settled();
    await this.options.store.flush();
    await this.compact(entry);
  }

  /** Shutdown: refuse new loads, wait for every write, compact, unload. */
  async closeAll(): Promise<void> {
    this.closing = true;
    if (this.budgetTimer) clearInterval(this.budgetTimer);
    const loaded = await Promise.allSettled([...this.entries.values()]);
    for (const result of loaded) {
      if (result.status !== 'fulfilled') continue;
      const entry = result.value;
      entry.users = 0;
      await this.unload(entry);
    }
  }
}
