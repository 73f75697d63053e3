/**
 * A local multi-instance cluster for trying scale-out on one machine:
 *   pnpm --filter @tablemap/server start:cluster -- --instances 2 --port 3000 [--pg-fsync on|off]
 * Starts a throwaway redis-server and PostgreSQL (fsync=on and synchronous_commit=on unless --pg-fsync off;
 * not when REDIS_URL / DATABASE_URL are set), N server
 * instances (`node src/main.ts`, each on its own port) and a round-robin TCP load balancer on --port.
 * Ctrl-C stops everything; the throwaway database is deleted.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FailoverProxy, InstanceProcess, PostgresCluster, RedisProcess } from './infra.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    instances: { type: 'string', default: '2' },
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    'pg-fsync': { type: 'string', default: 'on' },
  },
});
const instances = Number(values.instances);
const port = Number(values.port);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) throw new Error(`--instances must be 1-16, got "${values.instances}"`);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got "${values.port}"`);
if (values['pg-fsync'] !== 'on' && values['pg-fsync'] !== 'off') throw new Error(`--pg-fsync must be on or off, got "${values['pg-fsync']}"`);

const redis = process.env.REDIS_URL ? null : await RedisProcess.start();
const postgres = process.env.DATABASE_URL ? null : await PostgresCluster.start({ durable: values['pg-fsync'] === 'on' });
const dataDir = mkdtempSync(join(tmpdir(), 'tablemap-cluster-'));
const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? postgres!.url,
  REDIS_URL: process.env.REDIS_URL ?? redis!.url,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const servers = await Promise.all(Array.from({ length: instances }, () => InstanceProcess.start(env, { withApps: true })));
const balancer = await FailoverProxy.start(servers.map((server) => server.port), { mode: 'round-robin', port, host: values.host });

console.log(`\nTablemap cluster: ${instances} instances behind a round-robin balancer`);
console.log(`  Balancer:   http://${values.host}:${balancer.port}/facilitate`);
servers.forEach((server, index) => console.log(`  Instance ${index + 1}: ${server.url} (pid ${server.child.pid})`));
console.log(`  PostgreSQL: ${env.DATABASE_URL}${postgres ? ` (${postgres.source})` : ''}\n  Redis:      ${env.REDIS_URL}\nCtrl-C stops everything.\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await balancer.close();
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all([redis?.kill(), postgres?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
for (const server of servers) {
  server.child.once('exit', (code, signal) => {
    if (!stopping) console.error(`instance on port ${server.port} exited (${signal ?? code}); the balancer sends its clients to the others`);
  });
}
