import { createRequire } from 'node:module';
import { defineConfig, devices } from '@playwright/test';

/** The server's entry point, through its package's exports. */
const require = createRequire(import.meta.url);
export const SERVER_MAIN = require.resolve('@tablemap/server/main');

/** A fixed port for the test server; the server gets a fresh DATA_DIR each run. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);

const chromium = {
  browserName: 'chromium' as const,
  hasTouch: true,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  },
};

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  // Two cores shared with other work: one worker per project keeps runs steady.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 7_000 },
  retries: 0,
  reporter: process.env.CI ? 'line' : 'list',
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'pixel-7', use: { ...devices['Pixel 7'], ...chromium } },
    // The iPhone project runs the tests tagged @both or @phones, so both phone sizes are covered without
    // doubling the run; the small-phone project (360×640, the smallest we design for) runs @phones.
    { name: 'iphone-13', use: { ...devices['iPhone 13'], ...chromium }, grep: /@both|@phones/ },
    {
      name: 'small-360',
      use: { ...devices['Pixel 7'], ...chromium, viewport: { width: 360, height: 640 }, screen: { width: 360, height: 640 } },
      grep: /@phones/,
    },
  ],
  webServer: {
    command: `DATA_DIR=$(mktemp -d) PORT=${E2E_PORT} LOG_LEVEL=warn node ${SERVER_MAIN}`,
    url: `http://localhost:${E2E_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
