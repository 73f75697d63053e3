import { expect, test } from '@playwright/test';
import { addOrganisation, createEvent, expectNoSeriousAxeViolations, joinByQrLink, mapEdgeCount, mapLabels, tapNode, type TestEvent } from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Map editing');
});

test('join by QR link, add, link, edit, delete and undo on the map @both', async ({ page }, testInfo) => {
  const tableId = testInfo.project.name === 'pixel-7' ? 't1' : 't2';
  await joinByQrLink(page, event, tableId);
  await expect(page.locator('[data-map-ready="true"]')).toBeVisible();

  await addOrganisation(page, { name: 'Riverside Housing', sector: 'Housing', size: 'Local' });
  await addOrganisation(page, { name: 'Mind in Riverside', sector: 'Voluntary, community and social enterprise sector' });
  await expect.poll(() => mapLabels(page)).toEqual(['Mind in Riverside', 'Riverside Housing']);
  await page.getByRole('button', { name: 'Map key' }).tap();
  const key = page.getByRole('dialog', { name: 'Map key' });
  await expect(key.getByRole('list', { name: 'Sectors' })).toContainText('Housing');
  await key.getByRole('button', { name: 'Close' }).tap();

  // Tap one, press Link, tap the other.
  await tapNode(page, 'Mind in Riverside');
  await expect(page.getByText('Selected:')).toContainText('Mind in Riverside');
  await page.getByRole('button', { name: 'Link', exact: true }).tap();
  await tapNode(page, 'Riverside Housing');
  const linkSheet = page.getByRole('dialog', { name: 'Link two organisations' });
  await linkSheet.getByLabel('How are they connected?').selectOption('refers_to');
  await linkSheet.getByLabel('Wanted (a gap)').check();
  await linkSheet.getByRole('button', { name: 'Add link' }).tap();
  await expect.poll(() => mapEdgeCount(page)).toBe(1);

  // Edit.
  await tapNode(page, 'Riverside Housing');
  await page.getByRole('button', { name: 'Edit', exact: true }).tap();
  const editSheet = page.getByRole('dialog', { name: 'Edit organisation' });
  await editSheet.getByLabel('Name').fill('Riverside Housing Trust');
  await editSheet.getByRole('button', { name: 'Save changes' }).tap();
  await expect.poll(() => mapLabels(page)).toEqual(['Mind in Riverside', 'Riverside Housing Trust']);

  // Delete asks first and removes the links too.
  await page.getByRole('button', { name: 'Delete', exact: true }).tap();
  const confirm = page.getByRole('dialog', { name: 'Delete organisation?' });
  await expect(confirm).toContainText('and its 1 link');
  await confirm.getByRole('button', { name: 'Delete' }).tap();
  await expect.poll(() => mapLabels(page)).toEqual(['Mind in Riverside']);
  await expect.poll(() => mapEdgeCount(page)).toBe(0);

  // Undo (offered right in the message that says it was deleted) brings the organisation and its link back;
  // redo removes them again, undo once more.
  await page.getByRole('status').filter({ hasText: 'Deleted “Riverside Housing Trust”' }).getByRole('button', { name: 'Undo' }).tap();
  await expect.poll(() => mapLabels(page)).toEqual(['Mind in Riverside', 'Riverside Housing Trust']);
  await expect.poll(() => mapEdgeCount(page)).toBe(1);
  await page.getByRole('button', { name: 'Redo' }).tap();
  await expect.poll(() => mapLabels(page)).toEqual(['Mind in Riverside']);
  await page.getByRole('button', { name: 'Undo' }).tap();
  await expect.poll(() => mapEdgeCount(page)).toBe(1);

  await expectNoSeriousAxeViolations(page);
});

test('phones at one table see one picture: where the layout puts a new organisation is shared', async ({ page, browser }) => {
  await joinByQrLink(page, event, 't3', 'Carers and family');
  const other = await browser.newContext({ ...test.info().project.use, baseURL: test.info().project.use.baseURL });
  const second = await other.newPage();
  await joinByQrLink(second, event, 't3', 'Housing');
  await addOrganisation(page, { name: 'Riverside Mind', sector: 'Voluntary, community and social enterprise sector' });
  await addOrganisation(page, { name: 'Riverside Council', sector: 'Local authority' });
  const positionsOn = (target: typeof page) =>
    target.locator('[data-map-ready]').evaluate((element) => {
      type Node = { data(key: string): string; position(): { x: number; y: number } };
      const cy = (element as HTMLElement & { __cy?: { nodes(): Node[] } }).__cy;
      return Object.fromEntries((cy?.nodes() ?? []).map((node) => [node.data('label'), [Math.round(node.position().x), Math.round(node.position().y)]]));
    });
  await expect.poll(() => mapLabels(second)).toEqual(['Riverside Council', 'Riverside Mind']);
  await expect.poll(async () => JSON.stringify(await positionsOn(second))).toBe(JSON.stringify(await positionsOn(page)));
  await other.close();
});
