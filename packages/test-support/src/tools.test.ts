import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decide } from './provision-plan.ts';
import { findOnPath, findRedisServer, observeSystem } from './tools.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'tablemap-tools-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(name: string, script: string, executable = true): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, executable ? 0o755 : 0o644);
  return file;
}

describe('finding the programs the tests run', () => {
  it('finds an executable on PATH like `command -v`, and skips a file that cannot run', () => {
    program('not-runnable', 'exit 0', false);
    const runnable = program('runnable', 'exit 0');
    expect(findOnPath('runnable', `/nonexistent${path.delimiter}${dir}`)).toBe(runnable);
    expect(findOnPath('not-runnable', dir)).toBeUndefined();
  });

  it('reads the version of the redis-server it would start, and flags one that is not Redis', async () => {
    const old = program('old-redis', 'echo "Redis server v=4.0.9 sha=00000000:0 malloc=libc bits=64"');
    expect(await findRedisServer({ TABLEMAP_REDIS_SERVER: old })).toEqual({ path: old, major: 4 });
    expect(await findRedisServer({ TABLEMAP_REDIS_SERVER: program('impostor', 'echo hello') })).toMatchObject({ major: null });
    expect(await findRedisServer({ PATH: dir })).toBeNull();
  });

  it('gives up on a program that hangs instead of waiting for it', async () => {
    const started = Date.now();
    expect(await findRedisServer({ TABLEMAP_REDIS_SERVER: program('hangs', 'exec sleep 60') })).toMatchObject({ major: null });
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('sees a machine with no Chromium and no Redis as one, and decides without waiting on anything', async () => {
    const started = Date.now();
    const facts = await observeSystem({ PATH: dir, CHROMIUM_PATH: path.join(dir, 'no-chromium') });
    expect(facts).toMatchObject({ chromium: null, chromiumOnPath: null, redis: null, aptGet: false, chromiumPathEnv: path.join(dir, 'no-chromium') });
    expect(decide(facts).action).toBe('stop');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
