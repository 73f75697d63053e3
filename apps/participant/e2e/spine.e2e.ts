import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devices, expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { addOrganisation, joinByQrLink, mapEdgeCount, mapLabels, tapNode } from './helpers.ts';

/**
 * The spine, end to end: a facilitator creates an event in the facilitator app, two phones (Pixel 7 and
 * iPhone 13, touch) join different tables and map, the facilitator sees it live, and everything is still
 * there after the server restarts. This test runs its own server so it can restart it.
 */

/** The server's entry point, through its package's exports. */
const require = createRequire(import.meta.url);
const PORT = Number(process.env.E2E_SPINE_PORT ?? 3220);
const BASE = `http://localhost:${PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), 'tablemap-spine-'));
let server: ChildProcess | null = null;

async function startServer(): Promise<void> {
  server = spawn(process.execPath, [require.resolve('@tablemap/server/main')], {
    env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await expect
    .poll(async () => (await fetch(`${BASE}/healthz`).catch(() => null))?.status ?? 0, { timeout: 20_000 })
    .toBe(200);
}

async function stopServer(): Promise<void> {
  const running = server;
  if (!running || running.exitCode !== null) return;
  const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
  running.kill('SIGTERM');
  expect(await exited).toBe(0);
  server = null;
}

function phoneOptions(name: 'Pixel 7' | 'iPhone 13') {
  // newContext takes the viewport, user agent and touch settings; the browser itself is Debian chromium.
  const { defaultBrowserType: _ignored, ...descriptor } = devices[name];
  return { ...descriptor, hasTouch: true, baseURL: BASE };
}

async function mapTwoOrganisationsAndALink(page: Page, first: string, second: string, sectorLabel: string): Promise<void> {
  await expect(page.locator('[data-map-ready="true"]')).toBeVisible();
  await addOrganisation(page, { name: first, sector: sectorLabel });
  await addOrganisation(page, { name: second, sector: 'Voluntary, community and social enterprise sector' });
  await expect.poll(() => mapLabels(page)).toEqual([first, second].sort());
  await tapNode(page, first);
  await expect(page.getByText('Selected:')).toContainText(first);
  await page.getByRole('button', { name: 'Link', exact: true }).tap();
  await tapNode(page, second);
  const linkSheet = page.getByRole('dialog', { name: 'Link two organisations' });
  await linkSheet.getByLabel('How are they connected?').selectOption('refers_to');
  await linkSheet.getByRole('button', { name: 'Add link' }).tap();
  await expect.poll(() => mapEdgeCount(page)).toBe(1);
}

async function expectTableCard(facilitator: Page, tableName: string, organisations: number, links: number, timeout: number) {
  const card = facilitator.getByRole('article', { name: tableName });
  await expect(card.getByTestId('org-count')).toHaveText(String(organisations), { timeout });
  await expect(card.getByTestId('link-count')).toHaveText(String(links), { timeout });
}

test.describe.configure({ mode: 'serial' });
test.use({ actionTimeout: 15_000 });

test.beforeAll(startServer);
test.afterAll(stopServer);

test('two phones at two tables map while the facilitator watches; all of it survives a server restart', async ({ browser }) => {
  test.setTimeout(150_000);
  const contexts: BrowserContext[] = [];
  const open = async (target: Browser, options: Parameters<Browser['newContext']>[0]) => {
    const context = await target.newContext(options);
    contexts.push(context);
    return context.newPage();
  };

  const facilitator = await open(browser, { viewport: { width: 1280, height: 900 }, baseURL: BASE });
  await facilitator.goto('/facilitate/');
  await facilitator.getByLabel('Event title').fill('Riverside learning exchange');
  await facilitator.getByLabel('Number of tables').fill('2');
  await facilitator.getByRole('button', { name: 'Create event' }).click();
  const joinCode = (await facilitator.getByTestId('join-code').textContent())?.trim() ?? '';
  expect(joinCode).toMatch(/^[A-Z0-9]{6}$/);
  const event = { joinCode, eventId: '', facilitatorToken: '', tables: [] };

  const pixel = await open(browser, phoneOptions('Pixel 7'));
  const iphone = await open(browser, phoneOptions('iPhone 13'));
  await joinByQrLink(pixel, event, 't1', 'Carers and family');
  await joinByQrLink(iphone, event, 't2', 'Housing');

  await mapTwoOrganisationsAndALink(pixel, 'Riverside Housing', 'Mind in Riverside', 'Housing');
  await expectTableCard(facilitator, 'Table 1', 2, 1, 2000);
  await mapTwoOrganisationsAndALink(iphone, 'Northshore Council', 'Carers Hub', 'Local authority');
  await expectTableCard(facilitator, 'Table 2', 2, 1, 2000);
  await expect(facilitator.getByRole('article', { name: 'Table 1' }).getByLabel('Present at Table 1')).toContainText('Carers and family');

  await stopServer();
  await startServer();
  await Promise.all([facilitator.reload(), pixel.reload(), iphone.reload()]);

  await expectTableCard(facilitator, 'Table 1', 2, 1, 15_000);
  await expectTableCard(facilitator, 'Table 2', 2, 1, 15_000);
  await expect.poll(() => mapLabels(pixel), { timeout: 15_000 }).toEqual(['Mind in Riverside', 'Riverside Housing']);
  await expect.poll(() => mapEdgeCount(pixel)).toBe(1);
  await expect.poll(() => mapLabels(iphone), { timeout: 15_000 }).toEqual(['Carers Hub', 'Northshore Council']);
  await expect.poll(() => mapEdgeCount(iphone)).toBe(1);
  await expect(pixel.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 15_000 });

  for (const context of contexts) await context.close();
});
