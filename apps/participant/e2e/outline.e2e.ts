import { expect, test } from '@playwright/test';
import { linkOrganisations, removeOrganisation } from '@tablemap/model';
import {
  addOrganisation,
  createEvent,
  expectNoSeriousAxeViolations,
  facilitatorTableDoc,
  flushed,
  joinByQrLink,
  mapEdgeCount,
  mapLabels,
  type TestEvent,
} from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Outline and bad input');
});

test('outline view edits give the same result on the map', async ({ page }) => {
  await joinByQrLink(page, event, 't1', 'Housing');
  await page.getByRole('tab', { name: 'Outline' }).tap();
  await expect(page.getByText('No organisations yet.')).toBeVisible();
  await addOrganisation(page, { name: 'Riverside Council', sector: 'Local authority' });
  await addOrganisation(page, { name: 'Samaritans Riverside', sector: 'Voluntary, community and social enterprise sector' });
  const outline = page.getByRole('region', { name: 'Outline of the map' });
  await expect(outline.getByRole('heading', { name: /Local authority/ })).toBeVisible();

  await outline.getByRole('button', { name: 'Link Riverside Council to…' }).tap();
  const sheet = page.getByRole('dialog', { name: 'Link two organisations' });
  await expect(sheet.getByLabel('From', { exact: true })).toHaveValue(/.+/);
  await sheet.getByLabel('To', { exact: true }).selectOption({ label: 'Samaritans Riverside' });
  await sheet.getByLabel('How are they connected?').selectOption({ label: 'funds or commissions' });
  await sheet.getByLabel('Strong').check();
  await expectNoSeriousAxeViolations(page);
  await sheet.getByRole('button', { name: 'Add link' }).tap();
  await expect(outline.getByText('funds or commissions → Samaritans Riverside')).toBeVisible();
  await expect(outline.getByText('← Riverside Council funds or commissions')).toBeVisible();

  await outline.getByRole('button', { name: 'Edit Samaritans Riverside' }).tap();
  const edit = page.getByRole('dialog', { name: 'Edit organisation' });
  await edit.getByLabel('Name').fill('Samaritans of Riverside');
  await edit.getByLabel('Size (optional)').selectOption({ label: 'National' });
  await edit.getByRole('button', { name: 'Save changes' }).tap();
  await expect(outline.getByText('funds or commissions → Samaritans of Riverside')).toBeVisible();

  await outline.getByRole('button', { name: /^Edit link: Riverside Council/ }).tap();
  const linkEdit = page.getByRole('dialog', { name: 'Edit link' });
  await linkEdit.getByLabel('Broken or not working').check();
  await linkEdit.getByRole('button', { name: 'Save link' }).tap();
  await expect(outline.getByText('funds or commissions → Samaritans of Riverside (broken)')).toBeVisible();
  await expectNoSeriousAxeViolations(page);

  await page.getByRole('tab', { name: 'Map' }).tap();
  await expect.poll(() => mapLabels(page)).toEqual(['Riverside Council', 'Samaritans of Riverside']);
  await expect.poll(() => mapEdgeCount(page)).toBe(1);
  // The map in words: in the map key, and the canvas's description for screen readers.
  await page.getByRole('button', { name: 'Map key' }).tap();
  const inWords = /Riverside Council funds or commissions → Samaritans of Riverside \(broken\)/;
  await expect(page.getByRole('dialog', { name: 'Map key' }).getByText(inWords)).toBeVisible();
  await expect(page.getByRole('img', { name: 'Map of Table 1' })).toHaveAccessibleDescription(inWords);
});

test('bad input: empty, 10 kB, duplicate and script names; a link to a deleted organisation @both', async ({ page }, testInfo) => {
  await page.addInitScript(() => ((window as unknown as { pwned: boolean }).pwned = false));
  const tableId = testInfo.project.name === 'pixel-7' ? 't2' : 't3';
  await joinByQrLink(page, event, tableId, 'Carers and family');
  await addOrganisation(page, { name: 'Riverside Housing' });
  await expect.poll(() => mapLabels(page)).toEqual(['Riverside Housing']);

  await page.getByRole('button', { name: 'Add organisation' }).tap();
  const sheet = page.getByRole('dialog', { name: 'Add an organisation' });
  await sheet.getByLabel('Sector').selectOption({ label: 'Housing' });
  await sheet.getByRole('button', { name: 'Add to map' }).tap();
  await expect(sheet.getByRole('alert')).toContainText('Organisation name is required');

  await sheet.getByLabel('Name').fill('x'.repeat(10_000));
  await sheet.getByRole('button', { name: 'Add to map' }).tap();
  await expect(sheet.getByRole('alert')).toContainText('at most 120 characters');

  await sheet.getByLabel('Name').fill('  riverside   HOUSING ');
  await sheet.getByRole('button', { name: 'Add to map' }).tap();
  await expect(sheet.getByRole('alert')).toContainText('already on this table');
  await expectNoSeriousAxeViolations(page);
  await sheet.getByRole('button', { name: 'Use “Riverside Housing” instead' }).tap();
  await expect(page.getByText('Selected:')).toContainText('Riverside Housing');
  expect(await mapLabels(page)).toEqual(['Riverside Housing']);

  const script = '<script>window.pwned=1</script><b>B</b>';
  await addOrganisation(page, { name: script, sector: 'Other' });
  await expect.poll(() => mapLabels(page)).toEqual([script, 'Riverside Housing']);
  await page.getByRole('tab', { name: 'Outline' }).tap();
  await expect(page.locator('.org .name').filter({ hasText: script })).toHaveText(script);
  expect(await page.locator('main b').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { pwned: boolean }).pwned)).toBe(false);

  // Someone else deletes the target while this person is making a link to it.
  await page.getByRole('button', { name: 'Link Riverside Housing to…' }).tap();
  const linkSheet = page.getByRole('dialog', { name: 'Link two organisations' });
  await linkSheet.getByLabel('To', { exact: true }).selectOption({ label: script });
  const other = await facilitatorTableDoc(event, tableId);
  const scriptId = [...other.doc.getMap('organisations').keys()].find((id) => (other.doc.getMap('organisations').get(id) as { get(k: string): unknown }).get('name') === script)!;
  removeOrganisation(other.doc, scriptId);
  await flushed(other);
  await expect(page.locator('.org .name')).toHaveCount(1);
  await linkSheet.getByRole('button', { name: 'Add link' }).tap();
  await expect(linkSheet.getByRole('alert')).toBeVisible();
  await linkSheet.getByRole('button', { name: 'Close' }).tap();
  await expect(page.getByText(/←|→/)).toHaveCount(0);
  // The model refuses it too, whoever tries.
  expect(() => linkOrganisations(other.doc, { source: scriptId, target: scriptId, kind: 'funds' }, { group: 'other', participantId: 'tester' })).toThrow();
  other.destroy();
});
