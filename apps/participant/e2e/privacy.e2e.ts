import { expect, test } from '@playwright/test';
import { BASE_URL, createEvent, joinByQrLink } from './helpers.ts';

test('a phone that was offline when its event was deleted says so once it is back', async ({ page, context }) => {
  const event = await createEvent('Deleted while away', 1);
  await joinByQrLink(page, event, 't1');
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  // The anonymous id is shown where a person asks to remove what they wrote (table menu).
  await page.getByRole('button', { name: 'Table menu' }).tap();
  await page.getByRole('menuitem', { name: 'Remove what I wrote' }).tap();
  const removeDialog = page.getByRole('dialog', { name: 'Remove what you wrote?' });
  await expect(removeDialog.getByText(/Your anonymous id:/)).toBeVisible();
  await removeDialog.getByRole('button', { name: 'Cancel' }).tap();

  // Offline with no socket open: the app shell comes from the service worker after a reload.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Table 1');
  await expect(page.getByRole('status').filter({ hasText: /Offline|Reconnecting/ })).toBeVisible();
  const deleted = await fetch(`${BASE_URL}/api/events/${event.eventId}`, { method: 'DELETE', headers: { authorization: `Bearer ${event.facilitatorToken}` } });
  expect(deleted.status).toBe(204);
  await context.setOffline(false);

  // Every reconnect is refused (410); after a while of reconnecting the phone asks the API and learns why.
  await expect(page.getByRole('heading', { name: 'This event has been deleted' })).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => localStorage.getItem('tablemap:session'))).toBeNull();
});

test('a scribe phone (no join code) that was offline when its event was deleted says so once it is back', async ({ page, context }) => {
  const event = await createEvent('Scribe deleted while away', 1);
  const response = await fetch(`${BASE_URL}/api/events/${event.eventId}/scribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${event.facilitatorToken}` },
    body: JSON.stringify({ tableId: 't1' }),
  });
  const { token } = (await response.json()) as { token: string };
  await page.goto(`/scribe#token=${token}`);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  // Offline with no socket open (so no close code can tell it): the app shell comes from the service worker.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Table 1');
  await expect(page.getByRole('status').filter({ hasText: /Offline|Reconnecting/ })).toBeVisible();
  const deleted = await fetch(`${BASE_URL}/api/events/${event.eventId}`, { method: 'DELETE', headers: { authorization: `Bearer ${event.facilitatorToken}` } });
  expect(deleted.status).toBe(204);
  await context.setOffline(false);

  // Reconnects are refused (410); with no join code to look up, the phone asks with its token and learns why.
  await expect(page.getByRole('heading', { name: 'This event has been deleted' })).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => localStorage.getItem('tablemap:session'))).toBeNull();
});
