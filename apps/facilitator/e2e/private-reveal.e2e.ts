import { expect, test, type Browser, type Page } from '@playwright/test';
import { createEventViaUi } from './helpers.ts';

/** A phone joined at a table through the participant app, on its Notes tab. Records the bytes its sockets receive. */
async function phoneAt(browser: Browser, joinCode: string, tableId: string, group: string): Promise<{ page: Page; received: () => string }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const frames: Buffer[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => frames.push(Buffer.from(frame.payload as string | Buffer)));
  });
  await page.goto(`/join/${joinCode}/${tableId}`);
  await page.getByLabel('I speak for').selectOption({ label: group });
  await page.getByLabel('I understand and agree to take part').check();
  await page.getByRole('button', { name: 'Join table' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await page.getByRole('tab', { name: /^Notes/ }).click();
  return { page, received: () => Buffer.concat(frames).toString('utf8') };
}

test('private, then reveal: a second phone receives none of the first phone’s note until the facilitator reveals it', async ({ page, browser }) => {
  const { joinCode } = await createEventViaUi(page, 'Private round', 2);
  await page.getByRole('radio', { name: 'Discussion' }).check();
  await page.getByRole('button', { name: 'Private notes' }).click();
  await expect(page.getByRole('button', { name: 'Private notes' })).toHaveAttribute('aria-pressed', 'true');
  const card = page.getByRole('article', { name: 'Table 1' });
  await expect(card.getByText('Notes private')).toBeVisible();

  const first = await phoneAt(browser, joinCode, 't1', 'People with lived experience / service users');
  const second = await phoneAt(browser, joinCode, 't1', 'Housing');
  await expect(first.page.getByTestId('private-round')).toBeVisible();

  const secret = 'The crisis line hung up on me twice last winter';
  await first.page.getByLabel('Your note').fill(secret);
  await first.page.getByRole('button', { name: 'Add note' }).click();
  const mine = first.page.locator('.note').filter({ hasText: secret });
  await expect(mine).toContainText('Private until revealed');
  // The second phone's own note is private too, so the first never sees it either.
  await second.page.getByLabel('Your note').fill('Housing officers never hear about discharge');
  await second.page.getByRole('button', { name: 'Add note' }).click();
  await expect(second.page.locator('.note').filter({ hasText: 'Housing officers' })).toBeVisible();
  // Give any relay every chance to arrive, then check the bytes.
  await first.page.waitForTimeout(1500);
  expect(second.received()).not.toContain(secret);
  expect(first.received()).not.toContain('Housing officers never hear');
  await expect(second.page.locator('.note').filter({ hasText: secret })).toHaveCount(0);

  // The facilitators may read it before the reveal: on the table's page.
  await page.getByRole('link', { name: 'Open Table 1' }).click();
  await expect(page.getByTestId('private-notes')).toContainText(secret);
  await page.getByRole('link', { name: 'Dashboard' }).click();

  await card.getByRole('button', { name: 'Reveal notes at Table 1' }).click();
  await expect(card.getByText('Notes private')).toHaveCount(0);
  await expect(second.page.locator('.note').filter({ hasText: secret })).toBeVisible({ timeout: 5000 });
  await expect(first.page.locator('.note').filter({ hasText: 'Housing officers never hear' })).toBeVisible();
  await expect(first.page.locator('.note').filter({ hasText: secret })).toHaveCount(1);
  await expect(first.page.getByText('Private until revealed')).toHaveCount(0);
  expect(second.received()).toContain(secret);
  await first.page.context().close();
  await second.page.context().close();
});
