import { describe, expect, it } from 'vitest';
import {
  MIN_CHROMIUM_MAJOR,
  choosePostgres,
  chromiumMajor,
  decide,
  distroIdsFrom,
  redisMajor,
  type SystemFacts,
} from './provision-plan.ts';

/** A Debian machine with everything in place, run as root, as CI is. */
const debianRoot: SystemFacts = {
  platform: 'linux',
  distroIds: ['debian'],
  root: true,
  passwordlessSudo: false,
  aptGet: true,
  chromiumPathEnv: undefined,
  chromium: { path: '/usr/bin/chromium', major: 156 },
  chromiumOnPath: { path: '/usr/bin/chromium', major: 156 },
  redis: { path: '/usr/bin/redis-server', major: 7 },
  caddy: '/usr/bin/caddy',
  nginx: '/usr/sbin/nginx',
};
const bare: Partial<SystemFacts> = { chromium: null, chromiumOnPath: null, redis: null };
const user: Partial<SystemFacts> = { root: false, passwordlessSudo: false };

describe('the reverse proxies of the https test', () => {
  it('installs caddy and nginx with apt-get when missing, beside the rest', () => {
    const decision = decide({ ...debianRoot, caddy: null, nginx: null });
    expect(decision).toMatchObject({ action: 'install', command: 'apt-get update && apt-get install -y caddy nginx' });
    expect(decision.action === 'install' && decision.commands[1]).toEqual(expect.arrayContaining(['caddy', 'nginx']));
  });

  it('names them for a person on a Mac', () => {
    expect(decide({ ...debianRoot, platform: 'darwin', distroIds: [], caddy: null })).toMatchObject({ action: 'stop', command: 'brew install caddy' });
  });
});

describe('reading what the machine says', () => {
  it('reads Chromium and Redis versions, and refuses output from some other program', () => {
    expect(chromiumMajor('Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)\n')).toBe(156);
    expect(chromiumMajor('Google Chrome 159.0.8154.6 \n')).toBe(159);
    expect(chromiumMajor('GNU bash, version 5.2.15(1)-release')).toBeNull();
    expect(chromiumMajor(null)).toBeNull();
    expect(redisMajor('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64')).toBe(7);
    expect(redisMajor('KeyDB server v=6.3.4')).toBeNull();
    expect(redisMajor('')).toBeNull();
  });

  it('reads the distribution and what it is like from /etc/os-release', () => {
    expect(distroIdsFrom('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')).toEqual(['debian']);
    expect(distroIdsFrom('ID=linuxmint\nID_LIKE="ubuntu debian"\n')).toEqual(['linuxmint', 'ubuntu', 'debian']);
    expect(distroIdsFrom('')).toEqual([]);
  });
});

describe('deciding what to do', () => {
  it('does nothing when Chromium and Redis are there and new enough', () => {
    expect(decide(debianRoot)).toEqual({ action: 'ready' });
  });

  it('installs both with apt-get, after an update, when root on Debian finds neither', () => {
    const decision = decide({ ...debianRoot, ...bare });
    expect(decision.action).toBe('install');
    if (decision.action !== 'install') return;
    expect(decision.commands).toEqual([
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
      ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'redis-server'],
    ]);
    expect(decision.problems.map((problem) => problem.tool)).toEqual(['chromium', 'redis-server']);
    expect(decision.command).toBe('apt-get update && apt-get install -y chromium redis-server');
  });

  it('installs only what is missing, through sudo -n for a user with passwordless sudo', () => {
    const decision = decide({ ...debianRoot, ...user, passwordlessSudo: true, redis: null });
    expect(decision).toMatchObject({ action: 'install', commands: [['sudo', '-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'], expect.arrayContaining(['redis-server'])] });
    if (decision.action === 'install') expect(decision.commands[1]).not.toContain('chromium');
  });

  it('upgrades a Chromium older than Playwright needs', () => {
    const decision = decide({ ...debianRoot, chromium: { path: '/usr/bin/chromium', major: MIN_CHROMIUM_MAJOR - 30 } });
    expect(decision.action).toBe('install');
    if (decision.action === 'install') expect(decision.problems[0]!.reason).toContain(`is Chromium ${MIN_CHROMIUM_MAJOR - 30}`);
  });

  it('stops with the sudo apt-get command for a user without passwordless sudo', () => {
    const decision = decide({ ...debianRoot, ...user, ...bare });
    expect(decision).toMatchObject({ action: 'stop', command: 'sudo apt-get update && sudo apt-get install -y chromium redis-server' });
    if (decision.action === 'stop') {
      expect(decision.problems[0]!.reason).toContain('Chromium is not installed');
      expect(decision.problems[1]!.reason).toContain('scale-out tests');
    }
  });

  it('names Ubuntu’s package for Chromium', () => {
    expect(decide({ ...debianRoot, ...user, distroIds: ['ubuntu', 'debian'], chromium: null, chromiumOnPath: null })).toMatchObject({
      action: 'stop',
      command: 'sudo apt-get update && sudo apt-get install -y chromium-browser',
    });
  });

  it('stops, naming the packages, on Debian without apt-get on PATH', () => {
    expect(decide({ ...debianRoot, aptGet: false, redis: null })).toMatchObject({ action: 'stop', command: 'apt-get update && apt-get install -y redis-server' });
  });

  it('stops with the brew command on macOS and plain words elsewhere', () => {
    expect(decide({ ...debianRoot, ...bare, platform: 'darwin', distroIds: [] })).toMatchObject({
      action: 'stop',
      command: 'brew install --cask chromium && brew install redis',
    });
    const fedora = decide({ ...debianRoot, ...bare, distroIds: ['fedora'] });
    expect(fedora).toMatchObject({ action: 'stop' });
    if (fedora.action === 'stop') expect(fedora.command).toMatch(/^install Chromium \d+\+ \(set CHROMIUM_PATH to it\) and redis-server 5\+/);
  });

  it('does not install over a CHROMIUM_PATH that points nowhere: it says to fix the variable, and what else to install', () => {
    const nothingElse = decide({ ...debianRoot, ...user, chromiumPathEnv: '/opt/chrome/chrome', chromium: null, chromiumOnPath: null, redis: null });
    expect(nothingElse).toMatchObject({ action: 'stop', command: 'unset CHROMIUM_PATH && sudo apt-get update && sudo apt-get install -y chromium redis-server' });
    const decision = decide({ ...debianRoot, chromiumPathEnv: '/opt/chrome/chrome', chromium: null });
    expect(decision).toMatchObject({ action: 'stop' });
    if (decision.action === 'stop') {
      expect(decision.problems[0]!.reason).toContain('CHROMIUM_PATH is /opt/chrome/chrome, but no Chromium runs there');
      expect(decision.command).toBe('export CHROMIUM_PATH=/usr/bin/chromium');
    }
  });

  it('points at a usable Chromium found elsewhere on PATH instead of installing another', () => {
    const decision = decide({ ...debianRoot, chromium: null, chromiumOnPath: { path: '/snap/bin/chromium', major: 160 } });
    expect(decision).toMatchObject({ action: 'stop', command: 'export CHROMIUM_PATH=/snap/bin/chromium' });
  });

  it('treats a program that does not say it is Redis as wrong, not as installed', () => {
    const decision = decide({ ...debianRoot, ...user, redis: { path: '/usr/local/bin/redis-server', major: null } });
    expect(decision).toMatchObject({ action: 'stop', command: 'sudo apt-get update && sudo apt-get install -y redis-server' });
    if (decision.action === 'stop') expect(decision.problems[0]!.reason).toContain('/usr/local/bin/redis-server does not run as a Redis server');
  });
});

describe('choosing PostgreSQL for the scale-out tests', () => {
  it('uses the system server when there is one, else the npm package, and obeys TABLEMAP_PG', () => {
    expect(choosePostgres(undefined, '/usr/lib/postgresql/15/bin')).toEqual({ kind: 'system', bin: '/usr/lib/postgresql/15/bin' });
    expect(choosePostgres(undefined, undefined)).toEqual({ kind: 'embedded' });
    expect(choosePostgres('embedded', '/usr/lib/postgresql/15/bin')).toEqual({ kind: 'embedded' });
    expect(() => choosePostgres('system', undefined)).toThrow('TABLEMAP_PG=system, but no PostgreSQL initdb was found');
    expect(() => choosePostgres('sqlite', undefined)).toThrow('TABLEMAP_PG must be "system" or "embedded", not "sqlite"');
  });
});
