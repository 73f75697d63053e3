import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The monorepo root, found from this file so the bench runs from any working directory. */
export const REPO_ROOT = resolve(here, '../../..');
/** The server's entry points, through its package's exports (never a path into its source). */
const require = createRequire(import.meta.url);
const SERVER_ENTRY = { main: require.resolve('@tablemap/server/main'), cluster: require.resolve('@tablemap/server/cluster') };

export type ServerKind = 'tablemap' | 'classic';

export interface RunningServer {
  kind: ServerKind;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  pid: number;
  dataDir: string | null;
  /** Output of the child, kept for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 6 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export interface TablemapStartOptions {
  /** Reuse a data dir (cold-load restarts); a fresh temp dir otherwise. */
  dataDir?: string;
  /** Put the data dir on tmpfs (/dev/shm) so fsync costs nothing: shows what persistence costs. */
  onTmpfs?: boolean;
  port?: number;
  env?: Record<string, string>;
}

/** Starts the server's `main` (`@tablemap/server/main`) as a child with its own data dir, on loopback. */
export async function startTablemap(options: TablemapStartOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(options.onTmpfs ? '/dev/shm' : tmpdir(), 'tablemap-bench-')));
  const port = options.port ?? (await freePort());
  // Run as `pnpm start` runs it: a small young generation (reports are built on a worker with its own).
  const child = spawn(process.execPath, ['--max-semi-space-size=8', SERVER_ENTRY.main], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = await waitUntilListening('tablemap', child, port, dataDir);
  return server;
}

/**
 * Multi-instance mode: `@tablemap/server/cluster` (`apps/server/dev/start-cluster.ts`) starts a throwaway Redis and PostgreSQL
 * (or uses REDIS_URL / DATABASE_URL), N instances and a round-robin balancer; phones connect to the
 * balancer, so they are spread over the instances. `pid` is the first instance's (CPU/RSS of one instance).
 * PostgreSQL runs with fsync=on and synchronous_commit=on unless `pgFsync` is 'off' (only to show what durability costs).
 */
export async function startTablemapCluster(instances: number, pgFsync: 'on' | 'off' = 'on'): Promise<RunningServer> {
  const port = await freePort();
  const script = SERVER_ENTRY.cluster;
  const child = spawn(process.execPath, [script, '--instances', String(instances), '--port', String(port), '--pg-fsync', pgFsync], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cluster = await waitUntilListening('tablemap', child, port, null);
  // The pids are printed right after the balancer listens; give the pipe a moment to deliver them.
  for (let waited = 0; waited < 2000 && !/Instance 1: .*pid/.test(cluster.output()); waited += 50) await new Promise((r) => setTimeout(r, 50));
  const firstInstancePid = Number(/Instance 1: \S+ \(pid (\d+)\)/.exec(cluster.output())?.[1]);
  return { ...cluster, pid: Number.isInteger(firstInstancePid) && firstInstancePid > 0 ? firstInstancePid : cluster.pid };
}

/** Starts the classic y-websocket 1.5 server (`bin/server.js`, yjs 13, no auth, no persistence) as a child. */
export async function startClassic(options: { port?: number } = {}): Promise<RunningServer> {
  const script = join(dirname(require.resolve('y-websocket-server-classic/package.json')), 'bin/server.js');
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitUntilListening('classic', child, port, null);
}

async function waitUntilListening(kind: ServerKind, child: ChildProcess, port: number, dataDir: string | null): Promise<RunningServer> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit((exitCode = code))));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${kind} server exited with ${exitCode} before listening:\n${output}`);
    if (await answers(url, kind)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} server did not listen on ${port} within 20 s:\n${output}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return {
    kind,
    url,
    port,
    pid: child.pid!,
    dataDir,
    output: () => output,
    async stop() {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 6000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

async function answers(url: string, kind: ServerKind): Promise<boolean> {
  try {
    // The classic server answers any HTTP request with "okay"; Tablemap has /healthz.
    const response = await fetch(kind === 'tablemap' ? `${url}/healthz` : url, { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function removeDataDir(server: RunningServer): Promise<void> {
  if (server.dataDir) await rm(server.dataDir, { recursive: true, force: true });
}
