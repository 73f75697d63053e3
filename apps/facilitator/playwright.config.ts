import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

/** The server's entry point, through its package's exports. */
const require = createRequire(import.meta.url);
const SERVER_MAIN = require.resolve('@tablemap/server/main');

const PORT = Number(process.env.FACILITATOR_E2E_PORT ?? 3310);
const dataDir = process.env.FACILITATOR_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tablemap-facilitator-e2e-'));
// Workers import this file too; pass the one data dir and port on to them.
process.env.FACILITATOR_E2E_DATA_DIR = dataDir;
process.env.FACILITATOR_E2E_PORT = String(PORT);

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.e2e.ts',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
  webServer: {
    command: `node ${SERVER_MAIN}`,
    url: `http://localhost:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: { PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  },
});
