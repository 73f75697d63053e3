/**
 * https served by the server itself (TLS_CERT_FILE / TLS_KEY_FILE, a laptop at the venue) and the trusted-proxy
 * setting: X-Forwarded-For and -Proto count only with TRUST_PROXY, so a made-up header cannot dodge the
 * per-IP join limit or change the scheme of the join links.
 */
import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { selfSignedCertificate } from '@tablemap/test-support';
import { clientAddress } from './client-address.ts';
import { readEnv } from './config.ts';
import { exitOf, serverPool, startMain, tempDir } from './testing.ts';

const cleanups: (() => Promise<void>)[] = [];
const pool = serverPool();
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await pool.stopAll();
});

async function certificate(): Promise<{ dir: string; cert: string; key: string }> {
  const dir = await tempDir();
  cleanups.push(dir.remove);
  return { dir: dir.path, ...selfSignedCertificate(dir.path, 'IP:127.0.0.1') };
}

function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('https served by the server itself', () => {
  it('serves the API over https and the venue-check socket over wss with TLS_CERT_FILE and TLS_KEY_FILE', async () => {
    const tls = await certificate();
    const data = await tempDir();
    cleanups.push(data.remove);
    const child = await startMain(data.path, { TLS_CERT_FILE: tls.cert, TLS_KEY_FILE: tls.key });
    cleanups.push(async () => {
      const exited = exitOf(child.process);
      child.process.kill('SIGTERM');
      await exited;
    });
    expect(child.url).toMatch(/^https:\/\//);
    expect(child.output()).not.toContain('Plain http');
    const time = await httpsGet(`${child.url}/api/time`);
    expect(time.status).toBe(200);
    expect(JSON.parse(time.body).now).toEqual(expect.any(Number));
    // Plain http to the same port gets nowhere.
    await expect(fetch(`${child.url.replace('https', 'http')}/api/time`)).rejects.toThrow();

    const socket = new WebSocket(`${child.url.replace('https', 'wss')}/api/ping`, { rejectUnauthorized: false });
    const pong = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => socket.send('ping 1'));
      socket.once('message', (data) => resolve(data.toString()));
      socket.once('error', reject);
    });
    socket.close();
    expect(pong).toMatch(/^pong 1 \d+$/);
  });

  it('refuses to start with half a TLS setting or an unreadable certificate, saying which', async () => {
    const tls = await certificate();
    expect(() => readEnv({ TLS_CERT_FILE: tls.cert })).toThrow('Set both TLS_CERT_FILE and TLS_KEY_FILE');
    const data = await tempDir();
    cleanups.push(data.remove);
    await expect(
      startMain(data.path, { TLS_CERT_FILE: join(tls.dir, 'missing.pem'), TLS_KEY_FILE: tls.key }),
    ).rejects.toThrow(/Could not read the TLS certificate \(TLS_CERT_FILE\) .*missing\.pem/);
  });
});

describe('trusted proxy', () => {
  // Unknown codes: answers for known ones are cached for 5 s, before any limit is looked at.
  const lookups = async (url: string, joinCode: string, forwardedFor: string[]) => {
    const statuses: number[] = [];
    for (const address of forwardedFor)
      statuses.push((await fetch(`${url}/api/join/${joinCode}`, { headers: { 'X-Forwarded-For': address } })).status);
    return statuses;
  };
  const limits = { joinBurstPerIp: 2, joinRefillPerSecondPerIp: 0.001 };

  it('without TRUST_PROXY, X-Forwarded-For is ignored: made-up addresses share the real one’s limit', async () => {
    const server = await pool.start({ limits });
    expect(await lookups(server.url, 'ZZZZZZ', ['10.0.0.1', '10.0.0.2', '10.0.0.3'])).toEqual([404, 404, 429]);
  });

  it('with TRUST_PROXY, each phone behind the proxy has its own limit', async () => {
    const server = await pool.start({ limits, trustProxy: true });
    expect(await lookups(server.url, 'ZZZZZZ', ['10.0.0.1', '10.0.0.2', '10.0.0.3'])).toEqual([404, 404, 404]);
    expect(await lookups(server.url, 'ZZZZZZ', ['10.0.0.4', '10.0.0.4', '10.0.0.4'])).toEqual([404, 404, 429]);
    // A phone that sends its own header cannot choose its bucket: the proxy appends the address it saw, and that counts.
    expect(await lookups(server.url, 'ZZZZZZ', ['1.2.3.4, 10.0.0.4'])).toEqual([429]);
  });

  it('reads the address and scheme from the last hop only when the proxy is trusted', () => {
    const req = (headers: Record<string, string>, encrypted = false) =>
      ({
        headers,
        socket: { remoteAddress: '127.0.0.1', ...(encrypted ? { encrypted: true } : {}) },
      }) as unknown as IncomingMessage;
    const forwarded = req({ 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'x-forwarded-proto': 'https' });
    expect(clientAddress(false).ip(forwarded)).toBe('127.0.0.1');
    expect(clientAddress(false).secure(forwarded)).toBe(false);
    expect(clientAddress(true).ip(forwarded)).toBe('198.51.100.7');
    expect(clientAddress(true).secure(forwarded)).toBe(true);
    expect(clientAddress(true).secure(req({ 'x-forwarded-proto': 'https, http' }))).toBe(false);
    expect(clientAddress(false).secure(req({}, true))).toBe(true);
    expect(() => readEnv({ TRUST_PROXY: 'maybe' })).toThrow('TRUST_PROXY must be true or false');
    expect(readEnv({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });
});

describe('backup settings', () => {
  it('reads BACKUP_INTERVAL_MIN, BACKUP_DIR and BACKUP_KEEP, and refuses nonsense', () => {
    expect(readEnv({}).backup).toEqual({ intervalMin: 15, dir: undefined, keep: 12 });
    expect(readEnv({ BACKUP_INTERVAL_MIN: '0', BACKUP_DIR: '/mnt/usb', BACKUP_KEEP: '3' }).backup).toEqual({
      intervalMin: 0,
      dir: '/mnt/usb',
      keep: 3,
    });
    expect(() => readEnv({ BACKUP_INTERVAL_MIN: 'often' })).toThrow('BACKUP_INTERVAL_MIN must be a whole number');
    expect(() => readEnv({ BACKUP_KEEP: '0' })).toThrow('BACKUP_KEEP must be a positive whole number');
  });
});
