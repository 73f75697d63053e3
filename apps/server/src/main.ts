import { networkInterfaces } from 'node:os';
import { createLogger } from './logger.ts';
import { readEnv } from './config.ts';
import { createServer } from './index.ts';
import { MINUTE_MS } from './backup/backups.ts';
import { removePidFile, writePidFile } from './backup/server-pid.ts';

/** How long shutdown may take before the process exits anyway (protocol: exit 0 within 5 s). */
const SHUTDOWN_DEADLINE_MS = 4500;

const config = readEnv(process.env);
const logger = createLogger({ level: config.logLevel });

const server = await createServer({
  dataDir: config.dataDir,
  port: config.port,
  host: config.host,
  organiserKey: config.organiserKey,
  limits: config.limits,
  participantAppDir: config.participantAppDir,
  facilitatorAppDir: config.facilitatorAppDir,
  databaseUrl: config.databaseUrl,
  redisUrl: config.redisUrl,
  backup: config.backup.intervalMin === 0 ? false : { intervalMs: config.backup.intervalMin * MINUTE_MS, keep: config.backup.keep, dir: config.backup.dir },
  logger,
});
// A restore refuses to run while this file names a live process.
await writePidFile(config.dataDir);

const lanUrls = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address && address.family === 'IPv4' && !address.internal)
  .map((address) => `http://${address!.address}:${server.port}/`);

logger.info({ port: server.port, dataDir: config.dataDir, multiInstance: Boolean(config.databaseUrl) }, 'Tablemap server started');
console.log(`\nTablemap is running.\n  Facilitator (this computer): http://localhost:${server.port}/facilitate`);
if (config.host === '0.0.0.0' || config.host === '::') {
  for (const url of lanUrls) console.log(`  Phones on the same Wi-Fi:    ${url}`);
}
if (!config.organiserKey) console.log('  (Anyone who can reach this server may create events; set ORGANISER_KEY to restrict that.)');
console.log('');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down: closing sockets and flushing documents');
  const deadline = setTimeout(() => {
    logger.error('shutdown took too long; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  try {
    await server.close();
    await removePidFile(config.dataDir);
    clearTimeout(deadline);
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
