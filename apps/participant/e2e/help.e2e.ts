import { expect, test } from '@playwright/test';
import { createEvent, expectNoSeriousAxeViolations, joinByQrLink } from './helpers.ts';

test('"How this works" from the table menu explains what is shared, who sees it, going offline and leaving @both', async ({
  page,
}) => {
  const event = await createEvent('Help screen');
  await joinByQrLink(page, event, 't1');
  await page.getByRole('button', { name: 'Table menu' }).tap();
  await page.getByRole('menuitem', { name: 'How this works' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How this works');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText([
    'What is shared',
    'Who sees it',
    'If the Wi-Fi drops',
    'Leaving',
  ]);
  await expect(page.getByRole('region', { name: 'Leaving' })).toContainText(
    '“Leave table” in the menu signs this phone out',
  );
  await expect(page.getByRole('region', { name: 'Leaving' })).toContainText('“Remove what I wrote” takes back');
  await expectNoSeriousAxeViolations(page);
  await page.getByRole('link', { name: 'Back' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Table/);
});

test('the help screen reads right to left in Urdu', async ({ page }) => {
  await page.goto('/help');
  await page.getByLabel('Language').selectOption('ur');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('یہ کیسے کام کرتا ہے');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.getByRole('heading', { level: 2 }).first()).toHaveText('کیا شیئر ہوتا ہے');
});
