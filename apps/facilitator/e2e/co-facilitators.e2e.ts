import { expect, test } from '@playwright/test';
import { createEventViaUi } from './helpers.ts';

test('a co-facilitator link runs the same event on a second laptop: presence shows, theme edits made at once converge, and revoking it shuts it out', async ({ page, browser }) => {
  const { eventId } = await createEventViaUi(page, 'Two laptops', 2);
  await page.getByText('Links for facilitators and the projector').click();
  await page.getByLabel('Name for the new link').fill('Sam’s laptop');
  await page.getByRole('button', { name: 'Make co-facilitator link' }).click();
  const link = await page.getByLabel('Link for Sam’s laptop').inputValue();
  expect(link).toContain(`/facilitate/${eventId}#token=`);

  const secondContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const second = await secondContext.newPage();
  await second.goto(link);
  await expect(second.locator('[data-status="live"]').first()).toBeVisible();
  // Each console shows the other.
  await expect(page.getByTestId('other-facilitators')).toContainText('Sam’s laptop');
  await expect(second.getByTestId('other-facilitators')).toContainText('Lead facilitator');

  // Both open the theme board and create themes at the same moment.
  for (const console of [page, second]) await console.getByRole('link', { name: 'Theme board' }).click();
  await Promise.all([
    (async () => {
      for (const title of ['Crisis care at night', 'Housing and discharge']) {
        await page.getByLabel('New theme title').fill(title);
        await page.getByRole('button', { name: 'Create theme' }).click();
      }
    })(),
    (async () => {
      for (const title of ['Peer support works', 'Nobody knows what exists']) {
        await second.getByLabel('New theme title').fill(title);
        await second.getByRole('button', { name: 'Create theme' }).click();
      }
    })(),
  ]);
  const titles = ['Crisis care at night', 'Housing and discharge', 'Nobody knows what exists', 'Peer support works'];
  for (const console of [page, second]) {
    for (const title of titles) await expect(console.getByRole('heading', { name: title })).toBeVisible();
  }

  // Revoking the link closes the second laptop out; the lead carries on.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByText('Links for facilitators and the projector').click();
  await page.getByRole('button', { name: 'Revoke the link for Sam’s laptop' }).click();
  await expect(second.getByRole('alert')).toContainText('refused this facilitator link');
  await expect(page.getByTestId('other-facilitators')).toHaveCount(0);
  await expect(page.locator('[data-status="live"]').first()).toBeVisible();
  await secondContext.close();
});
