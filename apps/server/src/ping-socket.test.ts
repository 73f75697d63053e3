/**
 * The venue check's socket: a phone measures its round trip with the same helper the `/check` page uses;
 * the socket answers only pings, needs no token and opens no doc.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { measureSocketRoundTrip } from '@tablemap/sync-client';
import { serverPool } from './testing.ts';

const pool = serverPool();
afterEach(() => pool.stopAll());

function closeOf(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('ping socket', () => {
  it('answers pings, so a phone can measure its round trip (insecure on plain http)', async () => {
    const server = await pool.start();
    const check = await measureSocketRoundTrip(`${server.url}/check`, {
      WebSocketImpl: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    expect(check.secure).toBe(false);
    expect(check.url).toBe(`${server.wsBase}/api/ping`);
    expect(check.roundTripMs).toBeGreaterThanOrEqual(0);
    expect(check.roundTripMs).toBeLessThan(5000);
  });

  it('closes a socket that sends anything but a ping, or too much', async () => {
    const server = await pool.start();
    const junk = new WebSocket(`${server.wsBase}/api/ping`);
    await new Promise((resolve) => junk.once('open', resolve));
    const junkClosed = closeOf(junk);
    junk.send('{"type":"sync"}');
    expect(await junkClosed).toBe(4400);

    const big = new WebSocket(`${server.wsBase}/api/ping`);
    await new Promise((resolve) => big.once('open', resolve));
    const bigClosed = closeOf(big);
    big.send(`ping ${'9'.repeat(100)}`);
    expect(await bigClosed).toBe(1009);
  });

  it('is not a way into the docs: the sync path still needs a token', async () => {
    const server = await pool.start();
    const response = await fetch(`${server.url}/api/ping`);
    expect(response.status).toBe(404);
    const sync = new WebSocket(`${server.wsBase}/sync/event/abc`);
    const status = await new Promise<number>((resolve) =>
      sync.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });
});
