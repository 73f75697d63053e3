import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { createEventViaUi } from './helpers.ts';

test('the guide opens from the console, and the checklist is one printable page', async ({ page }) => {
  await createEventViaUi(page, 'Guide', 1);
  await page.getByRole('link', { name: 'Guide', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Running a learning exchange with Tablemap');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText([
    'Before the day',
    'During the day',
    'After the day',
  ]);
  await expectNoSeriousViolations(page, 'the facilitator guide');

  await page.getByRole('link', { name: 'Printable checklist' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Learning exchange checklist');
  await expect(page.getByRole('listitem').filter({ hasText: 'Run the venue check (/check)' })).toBeVisible();
  await expectNoSeriousViolations(page, 'the checklist');
  // One A4 page when printed.
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', margin: { top: '12mm', bottom: '12mm', left: '12mm', right: '12mm' } });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  expect(pages).toBe(1);
});
