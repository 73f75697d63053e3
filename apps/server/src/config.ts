/** Every limit the server enforces, with its default. Documented in README.md and overridable per server. */
export interface Limits {
  /** Largest single WebSocket frame; bigger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** Largest stored size of one document; updates beyond it close the socket with 4413. */
  maxDocBytes: number;
  /** Items (Yjs structs) one doc may hold; past it, updates that add are refused (4413). Deleting always works. */
  maxDocItems: number;
  /** Distinct Yjs client ids (app sessions) that may write one doc; past it, updates that add are refused (4413). */
  maxDocClients: number;
  /** What one participant may add to one table: items and update bytes in total (4413) and per minute (4429). */
  participantItemsTotal: number;
  participantBytesTotal: number;
  participantItemsPerMinute: number;
  participantBytesPerMinute: number;
  /** What all participants of one event (one join code) may add per minute, in bytes (4429 beyond). */
  eventBytesPerMinute: number;
  /** Refused updates per token holder per minute; past it their upgrades get 429 for the rest of the minute. */
  refusalsPerMinute: number;
  /** Refused updates per event per minute (all its phones); beyond, its participants' and scribes' upgrades get 429. */
  eventRefusalsPerMinute: number;
  /** Server-wide memory budget (V8 heap bytes): past it idle docs are unloaded and no new doc is loaded (503, Retry-After). */
  maxMemoryBytes: number;
  /** Largest HTTP request body; bigger bodies get 413. */
  maxBodyBytes: number;
  /** Open sync sockets across the whole server. */
  maxConnections: number;
  /** Open sync sockets per token holder (participantId), never per IP: a venue shares one IP. */
  maxConnectionsPerToken: number;
  /** Participant and scribe sockets per table of an event (the event's cap is this × its tables; per join code). */
  socketsPerTable: number;
  /** Upgrades still authenticating or loading their doc. */
  maxPendingHandshakes: number;
  /** A handshake that has not finished by then is dropped. */
  handshakeTimeoutMs: number;
  /** Sync messages per second per connection (burst = 2x); beyond it the socket is paused (back-pressure). */
  messagesPerSecond: number;
  /** Presence updates per second per connection (burst = 2x); beyond it they are dropped. */
  awarenessPerSecond: number;
  /** Largest presence payload; bigger ones are dropped. */
  maxAwarenessBytes: number;
  /** Presence client ids one connection may announce. */
  maxAwarenessClientsPerConnection: number;
  /** Joins (POST /api/join) per join code: burst and refill per second. */
  joinBurstPerCode: number;
  joinRefillPerSecond: number;
  /** Lookups (GET /api/join/<code>, answers cached 5 s) per join code, in their own bucket: burst and refill. */
  lookupBurstPerCode: number;
  lookupRefillPerSecond: number;
  /** Joins and lookups per client IP, beside the per-code buckets; generous, as a venue's phones share one IP. */
  joinBurstPerIp: number;
  joinRefillPerSecondPerIp: number;
  /** Lookups of unknown join codes across the server (brute force guard): burst and refill per second. */
  unknownCodeBurst: number;
  unknownCodeRefillPerSecond: number;
  /** Log entries per doc before they are compacted into a snapshot. */
  compactAfterUpdates: number;
  /** A doc with no connections for this long is unloaded from memory. */
  idleUnloadMs: number;
  /** Bytes of changes a doc may hold whose dependencies never arrived; beyond it the sender is closed (4400). */
  maxPendingUpdateBytes: number;
  /** Open TCP connections of any kind (HTTP, sockets still handshaking, sync sockets). */
  maxHttpConnections: number;
  /** A connection that has not sent complete request headers by then is dropped. */
  headersTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 1024 * 1024,
  maxDocBytes: 8 * 1024 * 1024,
  maxDocItems: 200_000,
  maxDocClients: 2000,
  participantItemsTotal: 20_000,
  participantBytesTotal: 1024 * 1024,
  participantItemsPerMinute: 2000,
  participantBytesPerMinute: 128 * 1024,
  eventBytesPerMinute: 4 * 1024 * 1024,
  refusalsPerMinute: 5,
  eventRefusalsPerMinute: 30,
  maxMemoryBytes: 768 * 1024 * 1024,
  maxBodyBytes: 16 * 1024,
  maxConnections: 2000,
  maxConnectionsPerToken: 80,
  socketsPerTable: 60,
  maxPendingHandshakes: 256,
  handshakeTimeoutMs: 10_000,
  messagesPerSecond: 200,
  awarenessPerSecond: 10,
  maxAwarenessBytes: 32 * 1024,
  maxAwarenessClientsPerConnection: 4,
  joinBurstPerCode: 150,
  joinRefillPerSecond: 5,
  lookupBurstPerCode: 300,
  lookupRefillPerSecond: 20,
  joinBurstPerIp: 600,
  joinRefillPerSecondPerIp: 20,
  unknownCodeBurst: 30,
  unknownCodeRefillPerSecond: 5,
  compactAfterUpdates: 500,
  // Five minutes: a table whose phones all lost the venue Wi-Fi for a minute comes back to a warm doc, rather
  // than every table reloading from disk at once; the memory budget unloads idle docs sooner when it must.
  idleUnloadMs: 300_000,
  maxPendingUpdateBytes: 256 * 1024,
  maxHttpConnections: 4000,
  headersTimeoutMs: 10_000,
};

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number (0 or more), got "${raw}"`);
  return value;
}

/** SQLite backups (README "Backups"); ignored with DATABASE_URL, where pg_dump does the job. */
export interface BackupConfig {
  /** Minutes between backups while the database changes; 0 turns backups off. */
  intervalMin: number;
  /** Default `<DATA_DIR>/backups`. */
  dir: string | undefined;
  keep: number;
}

export interface EnvConfig {
  port: number;
  host: string;
  dataDir: string;
  organiserKey: string | undefined;
  logLevel: string;
  participantAppDir: string | undefined;
  facilitatorAppDir: string | undefined;
  limits: Partial<Limits>;
  /** Multi-instance mode (README "Scaling out"): PostgreSQL instead of SQLite, and the Redis relay. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  backup: BackupConfig;
  /** PEM files for https/wss served by this process (both or neither). */
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** Honour X-Forwarded-For/Proto from a reverse proxy in front. */
  trustProxy: boolean;
}

function urlWithScheme(name: string, raw: string | undefined, schemes: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL like ${schemes[0]}//host:port/..., got "${raw.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  if (!schemes.includes(url.protocol)) throw new Error(`${name} must start with ${schemes.join(' or ')}//, got "${url.protocol}//…"`);
  return raw;
}

function yesOrNo(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function tlsFiles(env: NodeJS.ProcessEnv): { tlsCertFile: string | undefined; tlsKeyFile: string | undefined } {
  const cert = env.TLS_CERT_FILE || undefined;
  const key = env.TLS_KEY_FILE || undefined;
  if (Boolean(cert) !== Boolean(key)) throw new Error('Set both TLS_CERT_FILE and TLS_KEY_FILE (the certificate and its private key), or neither');
  return { tlsCertFile: cert, tlsKeyFile: key };
}

/** Reads the documented environment variables; a malformed value stops the start with a clear message. */
export function readEnv(env: NodeJS.ProcessEnv): EnvConfig {
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0-65535, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    organiserKey: env.ORGANISER_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    participantAppDir: env.PARTICIPANT_APP_DIR || undefined,
    facilitatorAppDir: env.FACILITATOR_APP_DIR || undefined,
    databaseUrl: urlWithScheme('DATABASE_URL', env.DATABASE_URL, ['postgres:', 'postgresql:']),
    redisUrl: urlWithScheme('REDIS_URL', env.REDIS_URL, ['redis:', 'rediss:']),
    ...tlsFiles(env),
    trustProxy: yesOrNo('TRUST_PROXY', env.TRUST_PROXY),
    backup: {
      intervalMin: wholeNumber('BACKUP_INTERVAL_MIN', env.BACKUP_INTERVAL_MIN, 15),
      dir: env.BACKUP_DIR || undefined,
      keep: positiveInt('BACKUP_KEEP', env.BACKUP_KEEP, 12),
    },
    limits: {
      maxFrameBytes: positiveInt('MAX_FRAME_BYTES', env.MAX_FRAME_BYTES, DEFAULT_LIMITS.maxFrameBytes),
      maxDocBytes: positiveInt('MAX_DOC_BYTES', env.MAX_DOC_BYTES, DEFAULT_LIMITS.maxDocBytes),
      idleUnloadMs: positiveInt('IDLE_UNLOAD_MS', env.IDLE_UNLOAD_MS, DEFAULT_LIMITS.idleUnloadMs),
      compactAfterUpdates: positiveInt('COMPACT_AFTER_UPDATES', env.COMPACT_AFTER_UPDATES, DEFAULT_LIMITS.compactAfterUpdates),
      maxMemoryBytes: positiveInt('MAX_MEMORY_BYTES', env.MAX_MEMORY_BYTES, DEFAULT_LIMITS.maxMemoryBytes),
      // A bigger event than the 120 the defaults are sized for may need more room per minute.
      participantItemsPerMinute: positiveInt('PARTICIPANT_ITEMS_PER_MINUTE', env.PARTICIPANT_ITEMS_PER_MINUTE, DEFAULT_LIMITS.participantItemsPerMinute),
      participantBytesPerMinute: positiveInt('PARTICIPANT_BYTES_PER_MINUTE', env.PARTICIPANT_BYTES_PER_MINUTE, DEFAULT_LIMITS.participantBytesPerMinute),
      eventBytesPerMinute: positiveInt('EVENT_BYTES_PER_MINUTE', env.EVENT_BYTES_PER_MINUTE, DEFAULT_LIMITS.eventBytesPerMinute),
    },
  };
}
