import { expect, test } from '@playwright/test';
import { setPhase, setTableLocked } from '@tablemap/model';
import { addOrganisation, createEvent, expectNoSeriousAxeViolations, facilitatorDoc, flushed, joinByQrLink, mapLabels, type TestEvent } from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Phases');
});

test('a locked table and a closed event hide editing and say why', async ({ page }) => {
  await joinByQrLink(page, event, 't1');
  await addOrganisation(page, { name: 'Hearing Voices Group', sector: 'User-led and peer groups' });
  await expect.poll(() => mapLabels(page)).toEqual(['Hearing Voices Group']);

  const facilitator = await facilitatorDoc(event);
  setTableLocked(facilitator.doc, 't1', true);
  await flushed(facilitator);
  await expect(page.getByText('The facilitator has locked this table for now.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add organisation' })).toHaveCount(0);
  await page.getByRole('tab', { name: 'Outline' }).tap();
  await expect(page.getByRole('button', { name: 'Edit Hearing Voices Group' })).toHaveCount(0);
  await page.getByRole('tab', { name: /^Notes/ }).tap();
  await expect(page.getByRole('button', { name: 'Add note' })).toHaveCount(0);
  await expectNoSeriousAxeViolations(page);

  setTableLocked(facilitator.doc, 't1', false);
  await flushed(facilitator);
  await expect(page.getByRole('button', { name: 'Add note' })).toBeVisible();
  await page.getByRole('tab', { name: 'Map' }).tap();
  await addOrganisation(page, { name: 'Crisis Café', sector: 'Voluntary, community and social enterprise sector' });
  await page.getByRole('tab', { name: 'Map' }).tap();
  await expect.poll(() => mapLabels(page)).toEqual(['Crisis Café', 'Hearing Voices Group']);

  setPhase(facilitator.doc, 'closed');
  await flushed(facilitator);
  await expect(page.getByText('The event is closed, so the maps and notes are now read-only.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add organisation' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0);
  facilitator.destroy();
});
