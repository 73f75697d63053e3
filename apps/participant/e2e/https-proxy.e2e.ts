/**
 * The https deployment, end to end: Caddy (with `tls internal`) and nginx (with a certificate this test makes)
 * are started from the system's packages in front of the test server, each with the config shipped in
 * deploy/. A phone joins over https, edits, gets the app kept for offline use, goes offline, reloads and still
 * has its table; the venue check reports a secure live connection through the proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { findNginx, findOnPath, selfSignedCertificate } from '@tablemap/test-support';
import { E2E_PORT } from '../playwright.config.ts';
import { addOrganisation, createEvent, mapLabels } from './helpers.ts';

/** Three ports from here: Caddy's https, Caddy's (unused) http, nginx's https. */
const PROXY_PORT = Number(process.env.E2E_PROXY_PORT ?? E2E_PORT + 4);
const DEPLOY = join(import.meta.dirname, '../../../deploy');
const UPSTREAM = `127.0.0.1:${E2E_PORT}`;

interface Proxy {
  url: string;
  stop(): Promise<void>;
}

/** Answers once the proxy serves the app's health check over https (its certificate is not checked here). */
function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function started(child: ChildProcess, url: string, log: () => string): Promise<Proxy> {
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 20_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the proxy did not serve ${url}/healthz:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, stop };
}

function required(name: string, path: string | undefined): string {
  if (!path)
    throw new Error(
      `${name} is not installed; the https deployment test needs it (apt-get install -y ${name}, or run pnpm test's first step).`,
    );
  return path;
}

function capture(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output.slice(-4000);
}

/** deploy/Caddyfile as shipped, with `tls internal` and this test's ports and scratch storage. */
function startCaddy(dir: string): Promise<Proxy> {
  const caddy = required('caddy', findOnPath('caddy'));
  const port = PROXY_PORT;
  const child = spawn(caddy, ['run', '--config', join(DEPLOY, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      TABLEMAP_DOMAIN: `localhost:${port}`,
      TABLEMAP_TLS: 'internal',
      TABLEMAP_UPSTREAM: UPSTREAM,
      CADDY_GLOBAL_OPTIONS: [
        'admin off',
        `http_port ${port + 1}`,
        `https_port ${port}`,
        'default_bind 127.0.0.1',
        'skip_install_trust',
        `storage file_system ${join(dir, 'storage')}`,
      ].join('\n'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, `https://localhost:${port}`, capture(child));
}

/** deploy/nginx.conf as shipped, pointed at this test's certificate, ports and server, inside a minimal main config. */
function startNginx(dir: string): Promise<Proxy> {
  const nginx = required('nginx', findNginx());
  const port = PROXY_PORT + 2;
  const { cert, key } = selfSignedCertificate(dir);
  const site = readFileSync(join(DEPLOY, 'nginx.conf'), 'utf8')
    .replaceAll('/etc/letsencrypt/live/tablemap.example.org/fullchain.pem', cert)
    .replaceAll('/etc/letsencrypt/live/tablemap.example.org/privkey.pem', key)
    .replaceAll('tablemap.example.org', 'localhost')
    .replace('server 127.0.0.1:3000;', `server ${UPSTREAM};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${port} ssl http2;`)
    .replace(/listen 80;/, `listen 127.0.0.1:${port + 1};`)
    .replace(/\s*listen \[::\]:\d+[^;]*;/g, '');
  writeFileSync(join(dir, 'tablemap.conf'), site);
  const runAsRoot = process.getuid?.() === 0 ? 'user root;' : '';
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${runAsRoot}
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include ${join(dir, 'tablemap.conf')};
}
`,
  );
  const child = spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, `https://localhost:${port}`, capture(child));
}

// Chromium refuses a service worker from a site whose certificate it does not trust, even when the page
// itself was let through; this flag lets both through, as a phone that trusts the certificate would.
test.use({
  ignoreHTTPSErrors: true,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--ignore-certificate-errors'],
  },
});

for (const [name, start] of [
  ['Caddy', startCaddy],
  ['nginx', startNginx],
] as const) {
  test.describe(`behind ${name}`, () => {
    let dir: string;
    let proxy: Proxy | null = null;

    test.beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `tablemap-${name.toLowerCase()}-`));
      proxy = await start(dir);
    });

    test.afterAll(async () => {
      await proxy?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test(`a phone joins over https, keeps the app for offline use and reloads offline (${name})`, async ({
      page,
      context,
    }) => {
      const event = await createEvent(`Https through ${name}`);
      await page.goto(`${proxy!.url}/join/${event.joinCode}/t1`);
      await page.getByLabel('I speak for').selectOption({ label: 'Carers and family' });
      await page.getByLabel('I understand and agree to take part').check();
      await page.getByRole('button', { name: 'Join table' }).tap();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Table/);
      await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
      expect(new URL(page.url()).protocol).toBe('https:');

      await addOrganisation(page, { name: `Harbourside Hub via ${name}`, sector: 'Housing' });
      await expect.poll(() => mapLabels(page)).toEqual([`Harbourside Hub via ${name}`]);
      // The service worker registers only in a secure context: here it must, and be active.
      const active = await page.evaluate(() =>
        navigator.serviceWorker.ready.then((registration) => registration.active?.state ?? null),
      );
      expect(active).toBe('activated');

      await context.setOffline(true);
      await page.reload();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Table/);
      await expect.poll(() => mapLabels(page)).toEqual([`Harbourside Hub via ${name}`]);
      await context.setOffline(false);
      await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 20_000 });
    });

    test(`the venue check reports a secure live connection through ${name}`, async ({ page }) => {
      await page.goto(`${proxy!.url}/check`);
      const row = (id: string) => page.locator(`[data-check="${id}"]`);
      await expect(page.getByTestId('check-summary')).not.toHaveText('Checking…', { timeout: 20_000 });
      await expect(row('socket')).toHaveAttribute('data-outcome', 'good');
      await expect(row('socket')).toContainText(/Round trip: \d+ ms/);
      await expect(row('secure')).toHaveAttribute('data-outcome', 'good');
      await expect(row('secure')).toContainText('The connection is secure (https and wss).');
      await expect(row('server')).toHaveAttribute('data-outcome', 'good');
      await expect(row('offline')).toHaveAttribute('data-outcome', 'good');
    });
  });
}
