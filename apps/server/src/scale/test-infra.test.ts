/** The launchers behind the scale-out tests fail fast and say why, instead of hanging or skipping. */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresCluster, RedisProcess, freePort, startRedisAndPostgres } from '../../dev/infra.ts';

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

describe('starting Redis and PostgreSQL for the scale-out tests', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  const savedRedis = process.env.TABLEMAP_REDIS_SERVER;
  afterEach(async () => {
    if (savedRedis === undefined) delete process.env.TABLEMAP_REDIS_SERVER;
    else process.env.TABLEMAP_REDIS_SERVER = savedRedis;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('says a Redis port is already taken, at once, rather than talking to someone else’s server', async () => {
    const port = await freePort();
    const other = await occupy(port);
    cleanups.push(() => new Promise((resolve) => other.close(resolve)));
    const started = Date.now();
    await expect(RedisProcess.start({ port })).rejects.toThrow(new RegExp(`redis-server on 127.0.0.1:${port} exited before it was ready[\\s\\S]*Address already in use`));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a program that is not Redis, naming it and the fix', async () => {
    process.env.TABLEMAP_REDIS_SERVER = '/bin/true';
    await expect(RedisProcess.start()).rejects.toThrow('/bin/true is not a Redis server; the scale-out tests need Redis 5+');
  });

  it('says a PostgreSQL port is already taken, in PostgreSQL’s own words', async () => {
    const port = await freePort();
    const other = await occupy(port);
    cleanups.push(() => new Promise((resolve) => other.close(resolve)));
    await expect(PostgresCluster.start({ port })).rejects.toThrow(/PostgreSQL \(.+\) on 127\.0\.0\.1:\d+ exited before it was ready[\s\S]*could not bind/);
  });

  it('stops PostgreSQL again when Redis fails to start beside it', async () => {
    const privateTmp = mkdtempSync(join(tmpdir(), 'tablemap-launch-'));
    chmodSync(privateTmp, 0o755); // PostgreSQL may run as another user, who must reach its data dir
    const savedTmp = process.env.TMPDIR;
    cleanups.push(async () => rmSync(privateTmp, { recursive: true, force: true }));
    process.env.TABLEMAP_REDIS_SERVER = '/bin/true';
    process.env.TMPDIR = privateTmp;
    try {
      await expect(startRedisAndPostgres()).rejects.toThrow('/bin/true is not a Redis server');
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    // PostgreSQL's temp dir is deleted only once its server has stopped.
    expect(readdirSync(privateTmp)).toEqual([]);
  });
});
