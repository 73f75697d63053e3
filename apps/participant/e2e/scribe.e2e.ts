import { expect, test } from '@playwright/test';
import { BASE_URL, addOrganisation, createEvent, expectNoSeriousAxeViolations, joinByQrLink, mapLabels, tapNode } from './helpers.ts';

test('a scribe link opens the table without a join form; presence and editing highlights are shared', async ({ page, browser }, testInfo) => {
  const event = await createEvent('Scribe');
  const response = await fetch(`${BASE_URL}/api/events/${event.eventId}/scribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${event.facilitatorToken}` },
    body: JSON.stringify({ tableId: 't2' }),
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };

  await page.goto(`/scribe#token=${token}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Table 2');
  await expect(page).toHaveURL(/\/table$/);
  await addOrganisation(page, { name: 'Recovery College', sector: 'Education' });
  await expect.poll(() => mapLabels(page)).toEqual(['Recovery College']);
  await expectNoSeriousAxeViolations(page);

  const other = await browser.newContext({ ...testInfo.project.use });
  const otherPage = await other.newPage();
  await joinByQrLink(otherPage, event, 't2', 'Primary care (GP practices, PCNs)');
  await expect(page.locator('p', { hasText: 'At this table:' })).toContainText('Primary care (GP practices, PCNs)');
  await expect(page.locator('p', { hasText: 'At this table:' })).toContainText('Other');

  // Selecting an organisation shows the others a subtle highlight on it.
  await tapNode(otherPage, 'Recovery College');
  await page.getByRole('tab', { name: 'Outline' }).tap();
  await expect(page.getByRole('region', { name: 'Outline of the map' }).getByText('Someone at the table is working on this.')).toBeVisible();
  await other.close();

  await page.goto('/scribe#token=not-a-token');
  await expect(page.getByRole('alert')).toContainText('not valid');
});
