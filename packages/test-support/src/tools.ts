/**
 * Finding the system programs the tests use, the same way for the provisioning step and for the tests
 * themselves, so the two can never disagree about what is installed.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CHROMIUM_PATH, chromiumMajor, distroIdsFrom, redisMajor, type FoundTool, type SystemFacts } from './provision-plan.ts';

/**
 * Each probe of a program gets this long, and all run at once, so looking at the machine takes at most
 * this long: a program that hangs counts as not working.
 */
const PROBE_TIMEOUT_MS = 4000;

/** Runs a program; resolves with its exit code and output, never rejects. */
function run(program: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile(program, args, { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout) => resolve({ ok: !error, stdout }));
  });
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Like `command -v`: the first executable `name` on PATH. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** An executable at `program` and the major version `parse` reads from its `--version` (null if it is not that program). */
async function probe(program: string | undefined, parse: (output: string | null) => number | null): Promise<FoundTool | null> {
  if (!program || !isExecutable(program)) return null;
  const result = await run(program, ['--version']);
  return { path: program, major: parse(result.ok ? result.stdout : null) };
}

/** The Chromium Playwright will launch: CHROMIUM_PATH, or Debian's /usr/bin/chromium. */
export function chromiumPath(env = process.env): string {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

/** The redis-server the tests start: TABLEMAP_REDIS_SERVER, or the first on PATH. */
export function redisServerPath(env = process.env): string | undefined {
  return env.TABLEMAP_REDIS_SERVER || findOnPath('redis-server', env.PATH);
}

/** The redis-server the tests would start and its major version (null: it is not Redis); null when there is none. */
export function findRedisServer(env = process.env): Promise<FoundTool | null> {
  return probe(redisServerPath(env), redisMajor);
}

/**
 * The newest system PostgreSQL's bin directory (with initdb and pg_ctl): `initdb` on PATH, else Debian's
 * /usr/lib/postgresql/<version>/bin, which is not on PATH. Undefined when there is none.
 */
export function findSystemPostgres(env = process.env): string | undefined {
  const onPath = findOnPath('initdb', env.PATH);
  // The real directory: a symlinked initdb's pg_ctl and postgres live beside its target.
  const besideInitdb = onPath && path.dirname(realpathSync(onPath));
  if (besideInitdb && isExecutable(path.join(besideInitdb, 'pg_ctl'))) return besideInitdb;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, 'bin');
    if (isExecutable(path.join(bin, 'initdb')) && isExecutable(path.join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

async function hasPasswordlessSudo(env: NodeJS.ProcessEnv): Promise<boolean> {
  const sudo = findOnPath('sudo', env.PATH);
  return sudo !== undefined && (await run(sudo, ['-n', 'true'])).ok;
}

function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** nginx lives in /usr/sbin on Debian, which is not on an ordinary user's PATH. */
export function findNginx(env = process.env): string | undefined {
  return findOnPath('nginx', env.PATH) ?? (isExecutable('/usr/sbin/nginx') ? '/usr/sbin/nginx' : undefined);
}

/** Looks at this machine: distribution, privileges, and each tool the tests need. */
export async function observeSystem(env = process.env): Promise<SystemFacts> {
  const root = process.getuid?.() === 0;
  const configured = chromiumPath(env);
  const onPath = findOnPath('chromium', env.PATH) ?? findOnPath('chromium-browser', env.PATH);
  const [chromium, other, redis, passwordlessSudo] = await Promise.all([
    probe(configured, chromiumMajor),
    onPath === configured ? undefined : probe(onPath, chromiumMajor),
    findRedisServer(env),
    root ? false : hasPasswordlessSudo(env),
  ]);
  return {
    platform: process.platform,
    distroIds: distroIdsFrom(readOsRelease()),
    root,
    passwordlessSudo,
    aptGet: findOnPath('apt-get', env.PATH) !== undefined,
    chromiumPathEnv: env.CHROMIUM_PATH || undefined,
    chromium,
    chromiumOnPath: other === undefined ? chromium : other,
    redis,
    caddy: findOnPath('caddy', env.PATH) ?? null,
    nginx: findNginx(env) ?? null,
  };
}
