import { expect, test, type Browser, type Page } from '@playwright/test';
import { addOrganisation, createEvent, joinByQrLink, tapNode, type TestEvent } from './helpers.ts';

/** Two phones at one table, as at a real workshop: placement on the shared map, and who is working on what. */

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Two phones', 3);
});

async function secondPhone(browser: Browser, tableId: string, group: string): Promise<Page> {
  const context = await browser.newContext({ ...test.info().project.use });
  const page = await context.newPage();
  await joinByQrLink(page, event, tableId, group);
  return page;
}

const PLACES = ['Riverside', 'Northshore', 'Harbour Lane', 'St Mark’s', 'Eastfield', 'Old Town', 'Millbrook', 'Westgate'];
const KINDS = [
  'Community Mental Health Team',
  'Foodbank',
  'Mind',
  'Hearing Voices Group',
  'Crisis Café',
  'GP Practice',
  'Citizens Advice',
  'Recovery College',
  'Carers’ Hub',
  'Polski Ośrodek Społeczny',
];
const SECTORS = ['Voluntary, community and social enterprise sector', 'NHS secondary mental health care', 'Housing', 'Social care', 'Faith community'];

/** Every pair of nodes whose boxes (node and label, as drawn) overlap, as "A / B". */
function overlapsOn(page: Page): Promise<string[]> {
  return page.locator('[data-map-ready]').evaluate((element) => {
    type Box = { x1: number; y1: number; x2: number; y2: number };
    type Node = { data(key: string): string; boundingBox(options: object): Box };
    const cy = (element as HTMLElement & { __cy?: { nodes(): Node[] } }).__cy!;
    const boxes = cy.nodes().map((node) => ({ label: node.data('label'), box: node.boundingBox({ includeLabels: true, includeOverlays: false }) }));
    const pairs: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.box;
        const b = boxes[j]!.box;
        if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) pairs.push(`${boxes[i]!.label} / ${boxes[j]!.label}`);
      }
    }
    return pairs;
  });
}

function nodeCount(page: Page): Promise<number> {
  return page.locator('[data-map-ready]').evaluate((element) => (element as HTMLElement & { __cy?: { nodes(): unknown[] } }).__cy!.nodes().length);
}

test('40 organisations added one by one from two phones: no node or label lands on another; labels ≥ 12 px after fit', async ({
  page,
  browser,
}) => {
  test.setTimeout(300_000);
  await joinByQrLink(page, event, 't1', 'Carers and family');
  const other = await secondPhone(browser, 't1', 'Housing');
  for (let index = 0; index < 40; index++) {
    const phone = index % 2 === 0 ? page : other;
    const name = `${PLACES[index % PLACES.length]} ${KINDS[index % KINDS.length]}${index >= 20 ? ' (second site)' : ''}`;
    await addOrganisation(phone, { name, sector: SECTORS[index % SECTORS.length] });
    await expect(phone.getByText('Selected:')).toContainText(name);
  }
  for (const phone of [page, other]) {
    await expect.poll(() => nodeCount(phone), { timeout: 20_000 }).toBe(40);
    await expect.poll(() => overlapsOn(phone), { timeout: 20_000 }).toEqual([]);
  }

  await page.getByRole('button', { name: 'Fit' }).tap();
  await expect
    .poll(() =>
      page.locator('[data-map-ready]').evaluate((element) => {
        type Node = { style(name: string): string };
        const cy = (element as HTMLElement & { __cy?: { zoom(): number; animated(): boolean; nodes(): Node[] } }).__cy!;
        if (cy.animated()) return 0;
        return Math.min(...cy.nodes().map((node) => parseFloat(node.style('font-size')) * cy.zoom()));
      }),
    )
    .toBeGreaterThanOrEqual(12);
  await other.context().close();
});

test('“someone is working on this” clears when the other phone deselects, leaves, or is quiet for 30 s', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await joinByQrLink(page, event, 't2', 'Carers and family');
  await addOrganisation(page, { name: 'Recovery College', sector: 'Education' });
  await page.getByRole('button', { name: 'Deselect' }).tap();
  await page.getByRole('tab', { name: 'Outline' }).tap();
  const mark = page.getByRole('region', { name: 'Outline of the map' }).getByText('Someone at the table is working on this.');

  const other = await secondPhone(browser, 't2', 'Housing');
  await tapNode(other, 'Recovery College');
  await expect(mark).toBeVisible();
  await other.getByRole('button', { name: 'Deselect' }).tap();
  await expect(mark).toHaveCount(0);

  // Quiet: the other phone keeps it selected but nobody touches it for 30 s.
  await tapNode(other, 'Recovery College');
  await expect(mark).toBeVisible();
  const quietSince = Date.now();
  await expect(mark).toHaveCount(0, { timeout: 45_000 });
  expect(Date.now() - quietSince).toBeGreaterThanOrEqual(25_000);
  // A tap on that phone says they are back at it.
  await other.getByRole('button', { name: 'Edit', exact: true }).tap();
  await expect(mark).toBeVisible();

  // Leaving the table clears it at once.
  await other.getByRole('button', { name: 'Close' }).tap();
  await other.getByRole('button', { name: 'Table menu' }).tap();
  await other.getByRole('menuitem', { name: 'Leave table' }).tap();
  await other.getByRole('dialog', { name: 'Leave this table?' }).getByRole('button', { name: 'Leave table' }).tap();
  await expect(mark).toHaveCount(0, { timeout: 5_000 });
  await other.context().close();
});
