import { join } from 'node:path';
import type { PostgresStore } from '../storage/postgres-store.ts';
import { SqliteStore } from '../storage/sqlite-store.ts';
import type { Extension } from './extension.ts';

/** Docs, join codes and revocations in one SQLite file in the data directory (the default). */
export function sqliteStorage(dataDir: string, options: { busyTimeoutMs?: number | undefined } = {}): Extension & { store: SqliteStore } {
  return { name: 'sqlite', store: new SqliteStore(join(dataDir, 'tablemap.sqlite'), { busyTimeoutMs: options.busyTimeoutMs }) };
}

/** Docs, join codes and revocations in PostgreSQL, shared by every instance (README "Scaling out"). */
export async function postgresStorage(databaseUrl: string): Promise<Extension & { store: PostgresStore }> {
  // pg loads only in multi-instance mode: with ioredis it adds about 30 MB to every process that imports it.
  const { PostgresStore } = await import('../storage/postgres-store.ts');
  return { name: 'postgres', store: await PostgresStore.connect(databaseUrl) };
}
