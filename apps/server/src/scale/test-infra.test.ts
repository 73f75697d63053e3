/** The launchers behind the scale-out tests fail fast and say why, instead of hanging or skipping. */
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresCluster, RedisProcess, freePort } from './test-infra.ts';

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

  it('starts both on free ports, serves them, and restarts Redis empty on the same port', async () => {
    const [redis, postgres] = await Promise.all([RedisProcess.start(), PostgresCluster.start()]);
    cleanups.push(() => redis.kill(), () => postgres.stop());
    expect(redis.port).not.toBe(postgres.port);
    const url = await postgres.createDatabase('launcher_check');
    expect(url).toBe(`postgres://postgres@127.0.0.1:${postgres.port}/launcher_check`);
    const write = new Redis(redis.url);
    await write.set('left-over', '1');
    write.disconnect();
    await redis.restart(0);
    const read = new Redis(redis.url);
    cleanups.push(async () => read.disconnect());
    expect(await read.get('left-over')).toBeNull();
  });
});
