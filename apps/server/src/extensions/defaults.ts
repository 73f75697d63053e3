import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { accessRules } from './access-rules.ts';
import { budgets } from './budgets.ts';
import type { Extension } from './extension.ts';
import { modelRules } from './model-rules.ts';
import { refusalCooldown } from './refusal-cooldown.ts';
import { socketCaps } from './socket-caps.ts';
import { timerLocks } from './timer-locks.ts';
import { postgresStorage, sqliteStorage } from './storage.ts';

export interface ExtensionChoice {
  dataDir: string;
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  relayStreamKey?: string | undefined;
  busyTimeoutMs?: number | undefined;
}

/**
 * The extensions a server runs with by default, chosen from its configuration: SQLite or PostgreSQL
 * storage, the Redis relay when scaled out, then the rules every change passes.
 */
export async function defaultExtensions(choice: ExtensionChoice, limits: Limits, logger: Logger): Promise<Extension[]> {
  if (choice.redisUrl && !choice.databaseUrl) {
    throw new Error('REDIS_URL needs DATABASE_URL: instances that relay changes must share one PostgreSQL database (README "Scaling out")');
  }
  const storage = choice.databaseUrl
    ? await postgresStorage(choice.databaseUrl)
    : sqliteStorage(choice.dataDir, { busyTimeoutMs: choice.busyTimeoutMs });
  // ioredis loads only in multi-instance mode.
  const relay = choice.redisUrl ? [await (await import('./redis-relay.ts')).redisRelay({ url: choice.redisUrl, logger, streamKey: choice.relayStreamKey })] : [];
  // The model's rules run first (the theme board's among them): they measure each update (new items,
  // deletes) for the rules after them.
  return [
    storage,
    ...relay,
    socketCaps(limits, logger),
    refusalCooldown(limits, logger),
    modelRules(logger),
    accessRules(limits, logger),
    budgets(limits, logger),
    timerLocks(logger),
  ];
}
