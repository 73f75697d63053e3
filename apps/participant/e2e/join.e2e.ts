import { expect, test } from '@playwright/test';
import { createEvent, expectNoSeriousAxeViolations, type TestEvent } from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Joining');
});

test('join by typing the event code, consent is required, refresh rejoins, leave clears @both', async ({ page }) => {
  await page.goto('/');
  await expectNoSeriousAxeViolations(page);
  await page.getByRole('button', { name: 'Continue' }).tap();
  await expect(page.getByRole('alert')).toContainText('event code');
  await page.getByLabel('Event code').fill(event.joinCode.toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).tap();

  await expect(page.getByRole('heading', { name: 'Joining' })).toBeVisible();
  await expectNoSeriousAxeViolations(page);
  await page.getByRole('radio', { name: 'Table 2' }).check();
  await page.getByLabel('I speak for').selectOption({ label: 'Housing' });
  await page.getByRole('button', { name: 'Join table' }).tap();
  await expect(page.getByText('Please read the note above and tick the box to join.')).toBeVisible();
  await expect(page).toHaveURL(/\/join\//);

  await page.getByLabel('I understand and agree to take part').check();
  await page.getByRole('button', { name: 'Join table' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Table 2');
  await expect(page.locator('p', { hasText: 'At this table:' })).toContainText('Housing');

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Table 2');
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  await page.getByRole('button', { name: 'Table menu' }).tap();
  await page.getByRole('menuitem', { name: 'Leave table' }).tap();
  await page.getByRole('dialog', { name: 'Leave this table?' }).getByRole('button', { name: 'Leave table' }).tap();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/table');
  await expect(page).toHaveURL(/\/$/);
  expect(await page.evaluate(() => localStorage.getItem('tablemap:session'))).toBeNull();
});

test('an unknown join code gets a clear message', async ({ page }) => {
  await page.goto('/join/ZZZZZZ');
  await expect(page.getByRole('alert')).toContainText('could not find');
  await expectNoSeriousAxeViolations(page);
});
