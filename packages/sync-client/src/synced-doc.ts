import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { carryOverChanges, type CarryOverResult, type DocKind } from '@tablemap/model';
import { isPermanentClose, jitteredDelay } from './backoff.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'refused';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Local changes made since the server last confirmed a sync; kept across reloads. */
  pendingChanges: number;
  /** Set when the server closed the socket with a permanent code (for example, the table was locked). */
  closeCode: number | null;
  closeReason: string;
}

export interface OpenDocOptions {
  /** `http(s)://host:port` or `ws(s)://host:port`; `/sync` is appended. */
  serverUrl: string;
  docName: string;
  token: string;
  /** Keep a copy in IndexedDB so edits survive a reload while offline. Browser only. */
  offlineCache?: boolean;
  /** For Node: the `ws` package's WebSocket. */
  WebSocketPolyfill?: unknown;
  /** In tests, stop providers in one process from syncing over BroadcastChannel. */
  disableBroadcastChannel?: boolean;
  /** After a refused change: once the server's copy has loaded, carry this old local copy's own edits over. */
  carryOverFrom?: CarryOver;
}

export interface CarryOver {
  /** The old local copy (from `detach`); destroyed once its edits were carried over. */
  doc: Y.Doc;
  kind: DocKind;
  /** The server's check, run on the fresh copy: only edits it accepts are kept. */
  accept(fresh: Y.Doc, update: Uint8Array): boolean;
  /**
   * Also wait for this before carrying over: e.g. the event doc's server state, when `accept` reads the
   * vote budget from it (an offline phone's cached budget may be an old, larger one).
   */
  after?: Promise<unknown>;
  onDone?(result: CarryOverResult): void;
}

export interface SyncedDoc {
  readonly doc: Y.Doc;
  readonly docName: string;
  readonly awareness: Awareness;
  readonly provider: WebsocketProvider;
  state(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
  /** Resolves once the doc holds the server's state (or the offline copy, when offline). */
  readonly ready: Promise<void>;
  /** Resolves once the doc holds the server's state; never with only the offline copy. */
  readonly synced: Promise<void>;
  /** Reconnect after a permanent close, e.g. once the facilitator unlocks the table. */
  reconnect(): void;
  /**
   * Stops syncing and deletes the offline copy, handing back the local doc undestroyed: after a refused
   * change (4422) the app reopens the doc from the server and carries this copy's own edits over.
   */
  detach(): Promise<Y.Doc>;
  destroy(): void;
}

export function toSyncUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
  url.pathname = '/sync';
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/$/, '');
}

const PENDING_KEY_PREFIX = 'tablemap:pending:';

function storedPending(docName: string): number {
  if (typeof localStorage === 'undefined') return 0;
  const value = Number(localStorage.getItem(PENDING_KEY_PREFIX + docName));
  return Number.isInteger(value) && value > 0 ? value : 0;
}

function storePending(docName: string, count: number): void {
  if (typeof localStorage === 'undefined') return;
  if (count === 0) localStorage.removeItem(PENDING_KEY_PREFIX + docName);
  else localStorage.setItem(PENDING_KEY_PREFIX + docName, String(count));
}

/**
 * Removes this device's offline copy of a doc (its IndexedDB database and pending-change count): after
 * the person withdrew, or the event was deleted, nothing of it should stay on the phone. Call after
 * `destroy()`, so no open connection holds the database.
 */
export async function forgetOfflineCopy(docName: string): Promise<void> {
  storePending(docName, 0);
  if (typeof indexedDB === 'undefined') return;
  const { clearDocument } = await import('y-indexeddb');
  await clearDocument(`tablemap:${docName}`);
}

async function attachOfflineCache(doc: Y.Doc, docName: string): Promise<{ destroy(): void } | null> {
  if (typeof indexedDB === 'undefined') return null;
  const { IndexeddbPersistence } = await import('y-indexeddb');
  const persistence = new IndexeddbPersistence(`tablemap:${docName}`, doc);
  await persistence.whenSynced;
  return persistence;
}

/** Opens one Yjs doc against the Tablemap sync server, with offline cache, presence and connection state. */
export function openDoc(options: OpenDocOptions): SyncedDoc {
  const doc = new Y.Doc();
  const listeners = new Set<(state: ConnectionState) => void>();
  let current: ConnectionState = {
    status: 'connecting',
    pendingChanges: storedPending(options.docName),
    closeCode: null,
    closeReason: '',
  };
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let attempts = 0;
  let destroyed = false;
  let offlineCache: { destroy(): void } | null = null;

  const update = (patch: Partial<ConnectionState>) => {
    current = { ...current, ...patch };
    storePending(options.docName, current.pendingChanges);
    for (const listener of listeners) listener(current);
  };

  const provider = new WebsocketProvider(toSyncUrl(options.serverUrl), options.docName, doc, {
    connect: false,
    params: { token: options.token },
    disableBc: options.disableBroadcastChannel ?? false,
    // y-websocket's own backoff has no jitter; ours (below) takes over, so its timer finds nothing to do.
    maxBackoffTime: 60_000,
    ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill as typeof WebSocket } : {}),
  });

  provider.on('status', ({ status }) => {
    if (status === 'connected') attempts = 0;
    if (status === 'connecting') update({ status: attempts === 0 && current.status === 'connecting' ? 'connecting' : 'reconnecting' });
  });
  provider.on('sync', (synced) => {
    if (synced) update({ status: 'live', pendingChanges: 0, closeCode: null, closeReason: '' });
  });
  provider.on('connection-close', (event) => {
    if (destroyed) return;
    const code = event?.code ?? 0;
    if (event && isPermanentClose(code)) {
      // A refusal is final until the app decides otherwise (reconnect()): a backoff timer left over from an
      // earlier drop must not retry into the same refusal, nor rescue the connection only by luck.
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      update({ status: 'refused', closeCode: code, closeReason: event.reason });
      return;
    }
    // Take over reconnection: stop y-websocket's fixed schedule and retry after a jittered delay.
    provider.shouldConnect = false;
    attempts++;
    update({ status: isOnline() ? 'reconnecting' : 'offline' });
    scheduleReconnect();
  });

  function isOnline(): boolean {
    return typeof navigator === 'undefined' || navigator.onLine !== false;
  }

  function scheduleReconnect(): void {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (!destroyed) provider.connect();
    }, jitteredDelay(attempts));
  }

  const onOnline = () => {
    if (current.status === 'offline' || current.status === 'reconnecting') {
      attempts = 0;
      // A socket that stayed open through a short outage may be dead (no close frame ever came, and the
      // changes made meanwhile were never acknowledged): start a fresh connection, which resends them.
      if (provider.wsconnected) provider.disconnect();
      scheduleReconnect();
    }
  };
  const onOffline = () => update({ status: 'offline' });
  if (typeof window !== 'undefined') {
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
  }

  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    const fromElsewhere = origin === provider || (offlineCache !== null && origin === offlineCache);
    if (!fromElsewhere && current.status !== 'live') update({ pendingChanges: current.pendingChanges + 1 });
  });

  const synced = new Promise<void>((resolve) => {
    const onSync = (isSynced: boolean) => {
      if (!isSynced) return;
      provider.off('sync', onSync);
      resolve();
    };
    provider.on('sync', onSync);
  });

  if (options.carryOverFrom) {
    const carry = options.carryOverFrom;
    void Promise.all([synced, carry.after]).then(() => {
      if (destroyed) return;
      const result = carryOverChanges(carry.doc, doc, carry.kind, (update) => carry.accept(doc, update));
      carry.doc.destroy();
      carry.onDone?.(result);
    });
  }

  const ready = (async () => {
    if (options.offlineCache) offlineCache = await attachOfflineCache(doc, options.docName);
    if (destroyed) return;
    provider.connect();
    if (offlineCache && doc.share.size > 0 && !isOnline()) return;
    // Offline with a cached copy: show it instead of waiting for the network.
    await (offlineCache ? Promise.race([synced, new Promise<void>((resolve) => setTimeout(resolve, 1500))]) : synced);
  })();

  function stop(): void {
    destroyed = true;
    if (reconnectTimer) clearTimeout(reconnectTimer);
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    }
    listeners.clear();
    provider.destroy();
  }

  return {
    doc,
    docName: options.docName,
    awareness: provider.awareness,
    provider,
    ready,
    synced,
    state: () => current,
    onState(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
    reconnect() {
      attempts = 0;
      update({ status: 'reconnecting', closeCode: null, closeReason: '' });
      provider.connect();
    },
    async detach() {
      stop();
      await (offlineCache as { clearData?: () => Promise<void> } | null)?.clearData?.();
      storePending(options.docName, 0);
      return doc;
    },
    destroy() {
      stop();
      offlineCache?.destroy();
      doc.destroy();
    },
  };
}
