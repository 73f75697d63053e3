import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
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
  /** Reconnect after a permanent close, e.g. once the facilitator unlocks the table. */
  reconnect(): void;
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

  const ready = (async () => {
    if (options.offlineCache) offlineCache = await attachOfflineCache(doc, options.docName);
    if (destroyed) return;
    provider.connect();
    if (offlineCache && doc.share.size > 0 && !isOnline()) return;
    await new Promise<void>((resolve) => {
      if (provider.synced) return resolve();
      const onSync = (synced: boolean) => {
        if (!synced) return;
        provider.off('sync', onSync);
        resolve();
      };
      provider.on('sync', onSync);
      // Offline with a cached copy: show it instead of waiting for the network.
      if (offlineCache) setTimeout(resolve, 1500);
    });
  })();

  return {
    doc,
    docName: options.docName,
    awareness: provider.awareness,
    provider,
    ready,
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
    destroy() {
      destroyed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (typeof window !== 'undefined') {
        window.removeEventListener('online', onOnline);
        window.removeEventListener('offline', onOffline);
      }
      listeners.clear();
      provider.destroy();
      offlineCache?.destroy();
      doc.destroy();
    },
  };
}
