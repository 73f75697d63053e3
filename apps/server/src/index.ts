import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer as createHttpServer, type IncomingMessage, type ServerOptions as HttpServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { DestinationStream } from 'pino';
import { DEFAULT_APP_DIRS, loadApp, sendAppMissing, type AppHandler, type MountedApp } from './apps.ts';
import { TokenSigner, loadOrCreateSecret } from './auth.ts';
import { DEFAULT_LIMITS, type Limits } from './config.ts';
import { HttpApi, toHttpError } from './http-api.ts';
import { HttpError, sendError } from './http-util.ts';
import { createLogger, safeUrl, type Logger } from './logger.ts';
import { applySecurityHeaders } from './security-headers.ts';
import { SqliteStore } from './storage/sqlite-store.ts';
import type { RemoteChanges } from './scale/cluster.ts';
import type { RedisRelay } from './scale/redis-relay.ts';
import type { DocStore } from './storage/doc-store.ts';
import { defaultExtensions } from './extensions/defaults.ts';
import type { Extension, ServerStore } from './extensions/extension.ts';
import { Hooks } from './extensions/hooks.ts';
import { Authorship } from './extensions/authorship.ts';
import type { RelayExtension } from './extensions/redis-relay.ts';
import { DocRegistry } from './sync/doc-registry.ts';
import { PrivacyService } from './privacy/privacy-service.ts';
import { SYNC_PREFIX, SyncServer } from './sync/sync-server.ts';
import { BackupScheduler, MINUTE_MS, type BackupSettings } from './backup/backups.ts';
import { DeletionLog } from './backup/deletion-log.ts';
import { PING_PATH, PingSockets } from './ping-socket.ts';
import { clientAddress } from './client-address.ts';
import { DemoEvents } from './demo/demo-events.ts';

export { DEFAULT_LIMITS, readEnv } from './config.ts';
export type { EnvConfig, Limits } from './config.ts';
export { SqliteStore } from './storage/sqlite-store.ts';
export type { PostgresStore } from './storage/postgres-store.ts';
export type { DocStore, EventIndex, EventRecord, StoredDoc } from './storage/doc-store.ts';
export type { AppHandler } from './apps.ts';
export { createLogger } from './logger.ts';

export interface ServerOptions {
  dataDir: string;
  /** 0 picks a free port (tests). Default 3000. */
  port?: number;
  host?: string;
  organiserKey?: string | undefined;
  limits?: Partial<Limits>;
  /** Injected app handlers (null = not built); by default the built apps are imported from their dirs. */
  appHandlers?: { participant?: AppHandler | null; facilitator?: AppHandler | null };
  participantAppDir?: string | undefined;
  facilitatorAppDir?: string | undefined;
  logger?: Logger;
  logLevel?: string;
  logDestination?: DestinationStream;
  /** Wraps the SQLite store the docs use (tests: a slow or failing disk). `server.store` stays the raw store. */
  wrapStore?: (store: SqliteStore) => DocStore;
  /** SQLite busy timeout (ms) for writes while another process holds a lock. */
  busyTimeoutMs?: number;
  /** Multi-instance mode (README "Scaling out"): persist to this PostgreSQL database instead of SQLite. */
  databaseUrl?: string | undefined;
  /** Multi-instance mode: relay changes and presence to the other instances through this Redis. */
  redisUrl?: string | undefined;
  /** Redis stream used by the relay (tests give each run its own). */
  relayStreamKey?: string;
  /** Measures memory in use against `limits.maxMemoryBytes` (tests); default the V8 heap. */
  memoryUsed?: () => number;
  /** Extensions run after the default ones (storage, relay, rules); see ARCHITECTURE.md "Server hooks". */
  extensions?: Extension[];
  /** The clock retention dates are judged by (tests move it forward). Default `Date.now`. */
  clock?: () => number;
  /**
   * SQLite backups: every `intervalMs` (default 15 min) while the database changes, into `dir` (default
   * `<dataDir>/backups`), keeping `keep` (default 12). `false` turns them off. Ignored with PostgreSQL.
   */
  backup?: Partial<BackupSettings> | false;
  /** Time between two additions of a demo event's pretend phone (tests make it short). */
  demoPhoneIntervalMs?: number;
  /** Serve https and wss with this certificate chain and key (PEM), e.g. a laptop at the venue. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /**
   * The server sits behind a reverse proxy (Caddy, nginx): honour its X-Forwarded-For (per-IP limits) and
   * X-Forwarded-Proto (https join links). Off by default, as anyone can send those headers.
   */
  trustProxy?: boolean;
}

export type { ServerStore, Extension } from './extensions/extension.ts';

export interface TablemapServer {
  url: string;
  port: number;
  host: string;
  logger: Logger;
  store: ServerStore;
  registry: DocRegistry;
  /** Multi-instance mode only: the Redis relay and the applier of other instances' changes. */
  relay: RedisRelay | null;
  remoteChanges: RemoteChanges | null;
  sync: SyncServer;
  /** Deletion, retention and withdrawal (src/privacy). */
  privacy: PrivacyService;
  /** The backup schedule (SQLite only, unless turned off). */
  backups: BackupScheduler | null;
  /** Demo events to rehearse with, deleted when the server stops. */
  demo: DemoEvents;
  /** Stops accepting, closes sockets (1001), flushes every doc, closes the database. */
  close(): Promise<void>;
}

export async function createServer(options: ServerOptions): Promise<TablemapServer> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info', ...(options.logDestination ? { destination: options.logDestination } : {}) });
  await mkdir(options.dataDir, { recursive: true });
  const authorship = new Authorship();
  const extensions = [...(await defaultExtensions(options, limits, logger)), authorship.extension(), ...(options.extensions ?? [])];
  const hooks = new Hooks(extensions);
  const { store } = hooks;
  // Instances behind one load balancer must accept each other's tokens: the key then lives in the database.
  const signer = new TokenSigner(store.sharedSecret ? await store.sharedSecret() : await loadOrCreateSecret(options.dataDir));
  const docStore = store instanceof SqliteStore && options.wrapStore ? options.wrapStore(store) : store;
  const registry = new DocRegistry({
    store: docStore,
    logger,
    compactAfterUpdates: limits.compactAfterUpdates,
    idleUnloadMs: limits.idleUnloadMs,
    listener: hooks,
    memoryBudgetBytes: limits.maxMemoryBytes,
    ...(options.memoryUsed ? { memoryUsed: options.memoryUsed } : {}),
  });
  signer.useRevocationList(store);
  const sync = new SyncServer({ signer, registry, limits, logger, hooks });
  await hooks.started({ registry, store, docStore, logger, limits, closeHolder: (eventId, participantId) => sync.closeHolder(eventId, participantId) });
  const relayExtension = extensions.find((extension): extension is RelayExtension => extension.name === 'redis-relay');
  const relay = relayExtension?.relay ?? null;
  const closeHolder = (eventId: string, participantId: string): number => {
    hooks.revoked(eventId, participantId); // their sockets on other instances close too
    return sync.closeHolder(eventId, participantId);
  };
  const privacy = new PrivacyService({
    privacy: store.privacy,
    registry,
    events: store,
    logger,
    relay,
    // With SQLite, deletions are also listed outside the database so a restore cannot bring them back.
    removals: store instanceof SqliteStore ? new DeletionLog(options.dataDir) : null,
    clock: options.clock,
    revokeHolder: async (eventId, participantId) => {
      await store.revoke(eventId, participantId);
      closeHolder(eventId, participantId);
    },
  });
  signer.useDeletedEvents((eventId) => privacy.deletion.isDeleted(eventId));
  // Another instance deleted an event: close it here, then purge again so a change this instance was
  // still committing when the deletion arrived cannot outlive it.
  const remoteChanges = relayExtension?.remoteChanges ?? null;
  if (remoteChanges) remoteChanges.onEventDeleted = (eventId) => void privacy.deletion.closeLocally(eventId).then(() => privacy.deletion.purge(eventId));
  // Expired events are gone before anyone can connect; unfinished deletions are retried.
  await privacy.start();
  const backups = store instanceof SqliteStore && options.backup !== false ? new BackupScheduler({ store, settings: backupSettings(options), logger }) : null;
  backups?.start();
  const demo = new DemoEvents({
    registry,
    events: store,
    signer,
    privacy,
    privacyStore: store.privacy,
    logger,
    maxDocBytes: limits.maxDocBytes,
    ...(options.demoPhoneIntervalMs ? { phoneIntervalMs: options.demoPhoneIntervalMs } : {}),
  });
  const api = new HttpApi({
    demo,
    signer,
    registry,
    events: store,
    limits,
    logger,
    organiserKey: options.organiserKey,
    authorship,
    revoke: { revocations: store, closeHolder },
    privacy: { store: store.privacy, service: privacy },
    client: clientAddress(options.trustProxy ?? false),
  });
  const participant = await mountApp('participant', options.appHandlers?.participant, options.participantAppDir, logger);
  const facilitator = await mountApp('facilitator', options.appHandlers?.facilitator, options.facilitatorAppDir, logger);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    applySecurityHeaders(req, res);
    const pathname = pathOf(req.url);
    if (api.handles(pathname)) {
      api.handle(req, res, pathname).catch((error: unknown) => answerError(req, res, error, logger));
    } else if (pathname.startsWith(SYNC_PREFIX)) {
      sendError(res, new HttpError(426, 'upgrade_required', 'This address is a WebSocket endpoint', { Upgrade: 'websocket' }));
    } else if (pathname === '/facilitate' || pathname.startsWith('/facilitate/')) {
      serveApp(facilitator, req, res);
    } else {
      serveApp(participant, req, res);
    }
  };

  const httpOptions: HttpServerOptions = {
    requestTimeout: 30_000,
    headersTimeout: limits.headersTimeoutMs,
    // How often Node looks for connections that never finished their headers (silent sockets).
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 2))),
    maxHeaderSize: 16 * 1024,
  };
  // With a certificate the same server speaks https and wss; everything above it is unchanged.
  const http = options.tls ? createHttpsServer({ ...httpOptions, cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(httpOptions, onRequest);
  // A cap on open TCP connections of any kind, so a flood of silent sockets cannot exhaust file handles.
  http.maxConnections = limits.maxHttpConnections;
  const pings = new PingSockets();
  http.on('upgrade', (req, socket, head) => {
    const path = pathOf(req.url);
    if (path.startsWith(SYNC_PREFIX)) sync.handleUpgrade(req, socket, head);
    else if (path === PING_PATH) pings.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  http.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Answer, then drop the socket outright: ending it politely leaves a silent client's socket open.
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable) socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  });
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 3000, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  // Demo phones dial this server's own socket like any phone; the loopback address works whatever HOST is.
  const loopback = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  demo.wsBase = `${options.tls ? 'wss' : 'ws'}://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}`;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      // Demo events go first, while the store is open: their phones stop, then the events are deleted.
      await demo.stop().catch((error: unknown) => logger.error({ err: error }, 'could not delete the demo events; retention removes them within a day'));
      privacy.stop();
      sync.closeAll();
      pings.closeAll();
      http.closeIdleConnections();
      await backups?.stop();
      await registry.closeAll();
      await hooks.stop();
      await store.close();
      http.closeAllConnections();
      await stopped;
      logger.info('server stopped; all documents flushed');
    })());

  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    host,
    logger,
    store,
    registry,
    relay: relayExtension?.relay ?? null,
    get remoteChanges() {
      return relayExtension?.remoteChanges ?? null;
    },
    sync,
    privacy,
    backups,
    demo,
    close,
  };
}

function backupSettings(options: ServerOptions): BackupSettings {
  const chosen = options.backup || {};
  return {
    dir: chosen.dir ?? join(options.dataDir, 'backups'),
    intervalMs: chosen.intervalMs ?? 15 * MINUTE_MS,
    keep: chosen.keep ?? 12,
  };
}

async function mountApp(
  name: MountedApp['name'],
  injected: AppHandler | null | undefined,
  dir: string | undefined,
  logger: Logger,
): Promise<MountedApp> {
  if (injected !== undefined) return { name, dir: '(injected)', handler: injected };
  return loadApp(name, dir ?? DEFAULT_APP_DIRS[name], logger);
}

function serveApp(app: MountedApp, req: IncomingMessage, res: ServerResponse): void {
  if (!app.handler) return sendAppMissing(res, app);
  app.handler(req, res, () => sendError(res, new HttpError(404, 'not_found', 'Page not found')));
}

function pathOf(url: string | undefined): string {
  const raw = (url ?? '/').split('?')[0] ?? '/';
  return raw.startsWith('/') ? raw : '/';
}

/** Known errors become their JSON; anything else is logged with its stack and answered with a plain 500. */
function answerError(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger): void {
  const known = toHttpError(error);
  if (known) {
    if (known.status >= 500) logger.error({ url: safeUrl(req.url), err: error }, 'request failed');
    sendError(res, known);
    if (known.status === 413) req.resume();
    return;
  }
  logger.error({ method: req.method, url: safeUrl(req.url), err: error }, 'request failed');
  sendError(res, new HttpError(500, 'internal_error', 'Something went wrong on the server; please try again'));
}
