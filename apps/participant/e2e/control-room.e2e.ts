import { expect, test } from '@playwright/test';
import { pauseAllPhones, readEvent, readTable, resumeAllPhones, setCurrentPrompt, setPhase, setTableLocked } from '@tablemap/model';
import { addOrganisation, createEvent, facilitatorDoc, facilitatorTableDoc, flushed, joinByQrLink, mapLabels, type TestEvent } from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Control room');
});

test('a phone that comes back online while its table is locked is live again within seconds of the unlock', async ({ page, context }) => {
  const facilitator = await facilitatorDoc(event);
  const tableDoc = await facilitatorTableDoc(event, 't1');
  await joinByQrLink(page, event, 't1', 'Social care');
  await addOrganisation(page, { name: 'Before going offline', sector: 'Social care' });
  await expect.poll(() => mapLabels(page)).toEqual(['Before going offline']);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  await context.setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await addOrganisation(page, { name: 'Written offline', sector: 'Housing' });
  setTableLocked(facilitator.doc, 't1', true);
  await flushed(facilitator);

  // Back online while locked: the server refuses the offline edit (4423) and the phone shows the lock.
  await context.setOffline(false);
  await expect(page.getByText('The facilitator has locked this table for now.')).toBeVisible({ timeout: 20_000 });
  // Wait for the server's refusal itself (the badge says so), not just the lock read from the event doc.
  await expect(page.getByText(/Not connected.*read-only right now/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toHaveCount(0);
  expect(readTable(tableDoc.doc).organisations.map((org) => org.name)).toEqual(['Before going offline']);

  // The table stays locked a while (no stray reconnect timer may rescue the phone by luck) ...
  await page.waitForTimeout(3000);
  await expect(page.getByText(/Not connected.*read-only right now/)).toBeVisible();
  // ... and the unlock alone brings it back, without a reload, and the offline edit arrives.
  setTableLocked(facilitator.doc, 't1', false);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 5_000 });
  await expect.poll(() => readTable(tableDoc.doc).organisations.map((org) => org.name).sort(), { timeout: 5_000 }).toEqual([
    'Before going offline',
    'Written offline',
  ]);
  await expect(page.getByRole('button', { name: 'Add organisation' })).toBeEnabled();
  facilitator.destroy();
  tableDoc.destroy();
});

test('pause freezes the phone with the facilitator’s message and one release brings it back; "We’re done" reaches the event', async ({ page }) => {
  const facilitator = await facilitatorDoc(event);
  setPhase(facilitator.doc, 'mapping');
  setCurrentPrompt(facilitator.doc, readEvent(facilitator.doc).prompts[0]!.id);
  await flushed(facilitator);
  await joinByQrLink(page, event, 't2', 'Carers and family');

  pauseAllPhones(facilitator.doc, 'Eyes on the front, please', Date.now());
  const pause = page.getByRole('alert').filter({ hasText: 'Paused by the facilitator' });
  await expect(pause).toContainText('Eyes on the front, please');
  await expect(page.getByRole('button', { name: 'Add organisation' })).toHaveCount(0);
  resumeAllPhones(facilitator.doc);
  await expect(pause).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add organisation' })).toBeVisible();

  await page.getByRole('button', { name: 'We’re done' }).tap();
  await expect(page.getByText('Your table is done for this round.')).toBeVisible();
  await expect.poll(() => readEvent(facilitator.doc).doneTables.t2).toBe(readEvent(facilitator.doc).currentPromptId);
  await page.getByRole('button', { name: 'We’re not done yet' }).tap();
  await expect.poll(() => readEvent(facilitator.doc).doneTables.t2).toBeUndefined();
  facilitator.destroy();
});

test('bare /join asks for the code, and a wrong code gets a friendly page that asks again', async ({ page }) => {
  await page.goto('/join');
  await expect(page.getByLabel('Event code')).toBeVisible();
  await page.getByLabel('Event code').fill('ZZZZZZ');
  await page.getByRole('button', { name: 'Continue' }).tap();
  await expect(page.getByRole('heading', { name: 'We couldn’t open that event' })).toBeVisible();
  await expect(page.getByLabel('Event code')).toHaveValue('ZZZZZZ');
  await page.getByLabel('Event code').fill(event.joinCode);
  await page.getByRole('button', { name: 'Continue' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Control room');
});
