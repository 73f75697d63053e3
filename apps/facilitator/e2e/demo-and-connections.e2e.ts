import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { createEventViaUi, joinAsParticipant } from './helpers.ts';

test('"Try a demo event" opens a marked demo with six tables, where pretend phones keep adding to table 1', async ({
  page,
}) => {
  await page.goto('/facilitate/');
  await page.getByRole('button', { name: 'Try a demo event' }).click();
  await expect(page.getByTestId('demo-banner')).toContainText('Demo event.');
  await expect(page.getByRole('article')).toHaveCount(6);
  const tableOne = page.getByRole('article', { name: 'Table 1' });
  const tableThree = page.getByRole('article', { name: 'Table 3' });
  await expect(tableOne.getByTestId('org-count')).not.toHaveText('0');
  const count = async (card: typeof tableOne) => Number(await card.getByTestId('note-count').textContent());
  const before = await count(tableOne);
  const otherBefore = await count(tableThree);
  await expect.poll(() => count(tableOne), { timeout: 30_000 }).toBeGreaterThan(before);
  expect(await count(tableThree)).toBe(otherBefore);
  await expectNoSeriousViolations(page, 'the demo dashboard');
});

test("the dashboard sums up the phones' connections: median round trip and how many are slow", async ({ page }) => {
  const { joinCode, eventId } = await createEventViaUi(page, 'Connections', 2);
  await expect(page.getByRole('region', { name: "Phones' connections" })).toContainText(
    'No phone has reported its connection yet.',
  );
  const phones = await Promise.all([
    joinAsParticipant(joinCode, 't1', 'carer'),
    joinAsParticipant(joinCode, 't2', 'housing'),
  ]);
  const trips = [40, 900];
  const docs = phones.map((phone, index) => {
    const synced = phone.open(`table/${eventId}/${phone.tableId}`);
    synced.awareness.setLocalState({ group: phone.group, role: 'participant', roundTripMs: trips[index] });
    return synced;
  });
  try {
    await expect(page.getByTestId('room-round-trip')).toHaveText(/Median round trip 470 ms across 2\s+phones\./);
    await expect(page.getByTestId('room-slow')).toHaveText(/1 of 2 on a slow connection/);
  } finally {
    for (const synced of docs) synced.destroy();
  }
});
