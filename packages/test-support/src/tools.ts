/**
 * Finding the system programs the tests use, the same way for the provisioning step and for the tests
 * themselves, so the two can never disagree about what is installed.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CHROMIUM_PATH, chromiumMajor, distroIdsFrom, redisMajor, type FoundTool, type SystemFacts } from './provision-plan.ts';

/** Each probe of a program gets this long; a program that hangs counts as not working. */
const PROBE_TIMEOUT_MS = 3000;

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

/** Runs `program --version` and returns what it printed, or null when it would not run or timed out. */
export function versionOutput(program: string): string | null {
  const result = spawnSync(program, ['--version'], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) return null;
  return result.stdout;
}

/** An executable at `program` and the major version `parse` reads from its `--version` (null if it is not that program). */
function probe(program: string | undefined, parse: (output: string | null) => number | null): FoundTool | null {
  if (!program || !isExecutable(program)) return null;
  return { path: program, major: parse(versionOutput(program)) };
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
export function findRedisServer(env = process.env): FoundTool | null {
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

function hasPasswordlessSudo(env: NodeJS.ProcessEnv): boolean {
  const sudo = findOnPath('sudo', env.PATH);
  if (!sudo) return false;
  return spawnSync(sudo, ['-n', 'true'], { stdio: 'ignore', timeout: PROBE_TIMEOUT_MS }).status === 0;
}

function readOsRelease(): string {
  try {
    return readFileSync('/etc/os-release', 'utf8');
  } catch {
    return '';
  }
}

/** Looks at this machine: distribution, privileges, and each tool the tests need. */
export function observeSystem(env = process.env): SystemFacts {
  const root = process.getuid?.() === 0;
  const onPath = findOnPath('chromium', env.PATH) ?? findOnPath('chromium-browser', env.PATH);
  return {
    platform: process.platform,
    distroIds: distroIdsFrom(readOsRelease()),
    root,
    passwordlessSudo: !root && hasPasswordlessSudo(env),
    aptGet: findOnPath('apt-get', env.PATH) !== undefined,
    chromiumPathEnv: env.CHROMIUM_PATH || undefined,
    chromium: probe(chromiumPath(env), chromiumMajor),
    chromiumOnPath: probe(onPath, chromiumMajor),
    redis: findRedisServer(env),
  };
}
