import { expect, test } from '@playwright/test';
import { addOrganisation, createEvent, joinByQrLink, mapLabels, type TestEvent } from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Offline');
});

test('edits made offline survive a reload and reach the table when the connection returns @both', async ({ browser, page, context }, testInfo) => {
  const tableId = testInfo.project.name === 'pixel-7' ? 't1' : 't2';
  await joinByQrLink(page, event, tableId, 'Social care');
  await addOrganisation(page, { name: 'Online Org', sector: 'Social care' });
  await expect.poll(() => mapLabels(page)).toEqual(['Online Org']);
  // The app shell must be cached before the network goes away.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  await context.setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await addOrganisation(page, { name: 'Offline Org', sector: 'Housing' });
  await expect(page.getByRole('status').filter({ hasText: /Offline · \d+ changes? waiting/ })).toBeVisible();
  await expect.poll(() => mapLabels(page)).toEqual(['Offline Org', 'Online Org']);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Table/);
  await expect.poll(() => mapLabels(page)).toEqual(['Offline Org', 'Online Org']);
  await expect(page.getByRole('status').filter({ hasText: /Offline|Reconnecting/ })).toBeVisible();

  await context.setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 20_000 });

  const second = await browser.newContext({ ...testInfo.project.use });
  const otherPage = await second.newPage();
  await joinByQrLink(otherPage, event, tableId, 'Housing');
  await expect.poll(() => mapLabels(otherPage)).toEqual(['Offline Org', 'Online Org']);
  await expect(otherPage.locator('p', { hasText: 'At this table:' })).toContainText('Social care');
  await second.close();
});
