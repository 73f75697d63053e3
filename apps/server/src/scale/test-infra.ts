/**
 * Test helpers for multi-instance mode: a real redis-server and a real PostgreSQL cluster in temp dirs,
 * server instances as child processes, and a TCP load balancer that fails over like a real one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer as createNetServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path));

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) if (existsSync(join(root, version, 'bin', 'initdb'))) return join(root, version, 'bin');
  return undefined;
}

/** Why the multi-instance tests cannot run here, or null when redis-server and PostgreSQL are installed. */
export function missingInfrastructure(): string | null {
  const missing = [!REDIS_SERVER && 'redis-server', !postgresBinDir() && 'PostgreSQL (initdb, pg_ctl)'].filter(Boolean);
  return missing.length ? `skipped: ${missing.join(' and ')} not installed (apt-get install redis-server postgresql; .ci/run does this)` : null;
}

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

/** A throwaway redis-server without persistence; `restart` kills it (SIGKILL) and starts an empty one on the same port. */
export class RedisProcess {
  readonly port: number;
  private process: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async launch(): Promise<void> {
    this.process = spawn(REDIS_SERVER!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitForPort(this.port, 5000);
  }

  async kill(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(downForMs = 300): Promise<void> {
    await this.kill();
    await new Promise((resolve) => setTimeout(resolve, downForMs));
    await this.launch();
  }
}

/** A PostgreSQL cluster in a temp dir (initdb + pg_ctl), run as the `postgres` user when we are root. */
export class PostgresCluster {
  readonly port: number;
  private readonly dir: string;
  private readonly bin: string;

  private constructor(port: number, dir: string, bin: string) {
    this.port = port;
    this.dir = dir;
    this.bin = bin;
  }

  /** `durable`: fsync=on and synchronous_commit=on, as production runs; every figure quoted from a benchmark uses it. */
  static async start(options: { durable?: boolean } = {}): Promise<PostgresCluster> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'tablemap-pg-'));
    const cluster = new PostgresCluster(await freePort(), dir, bin);
    if (process.getuid?.() === 0) chownSync(dir, postgresUid('u'), postgresUid('g'));
    cluster.run('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    // fsync off for tests: they crash servers, never the database machine, and the 2-core CI box stays quick.
    const durability = options.durable ? '-c fsync=on -c synchronous_commit=on' : '-c fsync=off';
    const serverOptions = `-p ${cluster.port} -k ${dir} -c listen_addresses=127.0.0.1 ${durability} -c max_connections=200`;
    cluster.run('pg_ctl', ['-D', join(dir, 'data'), '-o', serverOptions, '-l', join(dir, 'log'), '-w', 'start']);
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A new empty database (each test gets its own, so tables never mix). */
  createDatabase(name: string): string {
    this.run('createdb', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', name]);
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  stop(): void {
    try {
      this.run('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private run(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    const asPostgres = process.getuid?.() === 0;
    const result = asPostgres
      ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8', cwd: this.dir })
      : spawnSync(command, args, { encoding: 'utf8', cwd: this.dir });
    if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

function postgresUid(kind: 'u' | 'g'): number {
  const result = spawnSync('id', [`-${kind}`, 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error('running as root needs a "postgres" user to run PostgreSQL (apt-get install postgresql creates it)');
  return Number(result.stdout.trim());
}

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');

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
