import { readFile } from 'node:fs/promises';
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
const tls = await readTls(config.tlsCertFile, config.tlsKeyFile);

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
  tls,
  trustProxy: config.trustProxy,
  backup: config.backup.intervalMin === 0 ? false : { intervalMs: config.backup.intervalMin * MINUTE_MS, keep: config.backup.keep, dir: config.backup.dir },
  logger,
});
// A restore refuses to run while this file names a live process.
await writePidFile(config.dataDir);

// Listening for stop signals before anything is printed: whoever starts us may stop us as soon as it reads a line.
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

const scheme = tls ? 'https' : 'http';
const lanUrls = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address && address.family === 'IPv4' && !address.internal)
  .map((address) => `${scheme}://${address!.address}:${server.port}/`);

logger.info({ port: server.port, dataDir: config.dataDir, multiInstance: Boolean(config.databaseUrl) }, 'Tablemap server started');
console.log(`\nTablemap is running.\n  Facilitator (this computer): ${scheme}://localhost:${server.port}/facilitate`);
if (config.host === '0.0.0.0' || config.host === '::') {
  for (const url of lanUrls) console.log(`  Phones on the same Wi-Fi:    ${url}`);
}
if (!config.organiserKey) console.log('  (Anyone who can reach this server may create events; set ORGANISER_KEY to restrict that.)');
if (process.argv.includes('--demo')) {
  // `pnpm start -- --demo`: a made-up event to rehearse with, deleted again when the server stops.
  const demo = await server.demo.create();
  const secrets = new URLSearchParams({ token: demo.facilitatorToken, code: demo.joinCode, observer: demo.observerToken });
  console.log(`  Demo event (made-up data, deleted when the server stops): ${scheme}://localhost:${server.port}/facilitate/${demo.eventId}#${secrets}`);
  console.log(`  Demo phones join with the code ${demo.joinCode}; pretend phones are adding to tables 1 and 2.`);
}
if (!tls && !config.trustProxy) console.log('  Plain http: phones cannot keep the app for offline use; see docs/deploy.md for https.');
console.log('');

/** The certificate and key for https, read once at start; a missing or unreadable file stops the start. */
async function readTls(certFile: string | undefined, keyFile: string | undefined): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!certFile || !keyFile) return undefined;
  const read = async (file: string, what: string) => {
    try {
      return await readFile(file);
    } catch (error) {
      throw new Error(`Could not read the TLS ${what} ${file}: ${(error as Error).message}`, { cause: error });
    }
  };
  return { cert: await read(certFile, 'certificate (TLS_CERT_FILE)'), key: await read(keyFile, 'key (TLS_KEY_FILE)') };
}
