import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { addOrganisation, createEvent, expectNoSeriousAxeViolations, joinByQrLink, mapEdgeCount, tapNode, type TestEvent } from './helpers.ts';

/**
 * The table screen on phones from 360×640 to 430×932 (design rules that a test can check): the map is the
 * screen, primary controls sit in thumb reach, nothing scrolls sideways, every drag has a tap alternative,
 * and every page passes axe-core, also with 200% text and at 320 px.
 */

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Phone screen', 12);
});

/** A table of its own per project, so the projects never see each other's organisations. */
function tableFor(testInfo: TestInfo, offset: number): string {
  const project = ['pixel-7', 'iphone-13', 'small-360'].indexOf(testInfo.project.name);
  return `t${project * 4 + offset + 1}`;
}

async function box(locator: Locator) {
  const found = await locator.boundingBox();
  expect(found, `${locator} on screen`).not.toBeNull();
  return found!;
}

/** Nothing on the page is wider than the screen: neither the page itself nor the view that scrolls. */
async function expectNoSidewaysScroll(page: Page, where: string) {
  const overflow = await page.evaluate(() => {
    const widths = [document.documentElement, ...document.querySelectorAll<HTMLElement>('[role="tabpanel"]:not([hidden])')].map((element) => ({
      scroll: element.scrollWidth,
      client: element.clientWidth,
    }));
    return widths.filter(({ scroll, client }) => scroll > client + 1);
  });
  expect(overflow, `sideways scroll on ${where}`).toEqual([]);
}

/** Reloads and waits past the moment a kept draft would reopen its sheet (the table is live and drawn). */
async function reloadAndSettle(page: Page) {
  await page.reload();
  await page.locator('[data-map-ready="true"]').waitFor();
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
  await page.waitForTimeout(500);
}

async function withLargeText(page: Page) {
  await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
}

test('the map is the screen; the navigation and the add button are in thumb reach @phones', async ({ page }, testInfo) => {
  await joinByQrLink(page, event, tableFor(testInfo, 0));
  await addOrganisation(page, { name: 'Riverside Community Mental Health Team', sector: 'NHS secondary mental health care' });
  const viewport = page.viewportSize()!;

  const canvas = await box(page.locator('[data-map-ready="true"]'));
  expect(canvas.y).toBeLessThanOrEqual(viewport.height * 0.25);
  expect(canvas.height).toBeGreaterThanOrEqual(viewport.height * 0.55);

  const thumbReach = [
    page.getByRole('button', { name: 'Add organisation' }),
    ...['Map', 'Outline', 'Notes', 'Themes'].map((name) => page.getByRole('tab', { name: new RegExp(`^${name}`) })),
    page.getByRole('button', { name: 'Undo' }),
  ];
  for (const control of thumbReach) {
    const area = await box(control);
    expect(area.width, `${control} width`).toBeGreaterThanOrEqual(44);
    expect(area.height, `${control} height`).toBeGreaterThanOrEqual(44);
    expect(area.y, `${control} in the bottom 40%`).toBeGreaterThanOrEqual(viewport.height * 0.6);
    expect(area.y + area.height).toBeLessThanOrEqual(viewport.height);
  }
  await expectNoSidewaysScroll(page, 'the map');
});

test('at 320 px with 200% text the bottom navigation shows every label whole, in reach @phones', async ({ page }, testInfo) => {
  await joinByQrLink(page, event, tableFor(testInfo, 0));
  await page.setViewportSize({ width: 320, height: 640 });
  await withLargeText(page);
  for (const name of ['Map', 'Outline', 'Notes', 'Themes']) {
    const tab = page.getByRole('tab', { name: new RegExp(`^${name}`) });
    const label = tab.locator('.label');
    await expect(label).toHaveText(name);
    // Not cut short: the label's text fits in its box.
    const cut = await label.evaluate((element) => element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1);
    expect(cut, `${name} is cut short`).toBe(false);
    const area = await box(tab);
    expect(area.width).toBeGreaterThanOrEqual(44);
    expect(area.height).toBeGreaterThanOrEqual(44);
    expect(area.y + area.height).toBeLessThanOrEqual(640);
  }
  await expectNoSidewaysScroll(page, 'the table at 320 px and 200% text');
});

test('no sideways scroll and no serious axe violations on every participant page, also at 200% text and 320 px @phones', async ({
  page,
}, testInfo) => {
  // axe-core runs 27 times here (each page and view, three ways).
  test.setTimeout(240_000);
  const tableId = tableFor(testInfo, 1);
  const pages: [string, () => Promise<void>][] = [
    ['the start page', () => page.goto('/').then(() => undefined)],
    ['the join page', () => page.goto(`/join/${event.joinCode}`).then(() => page.getByRole('button', { name: 'Join table' }).waitFor())],
    ['a table link', () => page.goto(`/join/${event.joinCode}/${tableId}`).then(() => page.getByRole('button', { name: 'Join table' }).waitFor())],
    ['a bad scribe link', () => page.goto('/scribe#token=nope').then(() => page.getByRole('alert').waitFor())],
  ];
  const width = page.viewportSize()!.width;
  for (const [where, open] of pages) {
    for (const variant of ['as is', '200% text', '320 px']) {
      await page.setViewportSize({ width: variant === '320 px' ? 320 : width, height: page.viewportSize()!.height });
      await open();
      if (variant === '200% text') await withLargeText(page);
      await expectNoSidewaysScroll(page, `${where}, ${variant}`);
      await expectNoSeriousAxeViolations(page);
    }
  }
  await page.setViewportSize({ width, height: page.viewportSize()!.height });

  await joinByQrLink(page, event, tableId);
  await addOrganisation(page, { name: 'Polski Ośrodek Społeczny w Riverside', sector: 'Voluntary, community and social enterprise sector' });
  await addOrganisation(page, { name: 'مسجد کمیونٹی سینٹر', sector: 'Faith community' });
  for (const variant of ['as is', '200% text', '320 px']) {
    if (variant === '320 px') await page.setViewportSize({ width: 320, height: page.viewportSize()!.height });
    if (variant !== 'as is') {
      await page.reload();
      await page.locator('[data-map-ready="true"]').waitFor();
    }
    if (variant === '200% text') await withLargeText(page);
    for (const view of ['Map', 'Outline', 'Notes', 'Themes']) {
      await page.getByRole('tab', { name: new RegExp(`^${view}`) }).tap();
      await expect(page.getByRole('tab', { name: new RegExp(`^${view}`) })).toHaveAttribute('aria-selected', 'true');
      await expectNoSidewaysScroll(page, `${view}, ${variant}`);
      await expectNoSeriousAxeViolations(page);
    }
    await page.getByRole('tab', { name: 'Map' }).tap();
    await page.getByRole('button', { name: 'Add organisation' }).tap();
    await expect(page.getByRole('dialog', { name: 'Add an organisation' })).toBeVisible();
    await expectNoSidewaysScroll(page, `the add sheet, ${variant}`);
    await expectNoSeriousAxeViolations(page);
    await page.getByRole('button', { name: 'Close' }).tap();
  }
});

test('tap to link: tap one, Link, tap the other, choose the kind; no drag; the node stays above the sheet @phones', async ({
  page,
}, testInfo) => {
  await joinByQrLink(page, event, tableFor(testInfo, 2));
  await addOrganisation(page, { name: 'Harbour Lane GP Practice', sector: 'Primary care (GP practices, PCNs)' });
  await addOrganisation(page, { name: 'NHS Talking Therapies', sector: 'NHS secondary mental health care' });
  const positions = () =>
    page.locator('[data-map-ready]').evaluate((element) => {
      type Node = { data(key: string): string; position(): { x: number; y: number } };
      const cy = (element as HTMLElement & { __cy?: { nodes(): Node[] } }).__cy!;
      return cy.nodes().map((node) => `${node.data('label')}@${Math.round(node.position().x)},${Math.round(node.position().y)}`).sort();
    });
  const before = await positions();

  await tapNode(page, 'Harbour Lane GP Practice');
  await page.getByRole('button', { name: 'Link', exact: true }).tap();
  await expect(page.getByRole('status').filter({ hasText: 'Now tap the organisation to link “Harbour Lane GP Practice” with.' })).toBeVisible();
  await tapNode(page, 'NHS Talking Therapies');
  const sheet = page.getByRole('dialog', { name: 'Link two organisations' });
  await expect(sheet).toContainText('From Harbour Lane GP Practice to NHS Talking Therapies');
  await sheet.getByLabel('How are they connected?').selectOption({ label: 'refers people to' });
  await sheet.getByRole('button', { name: 'Add link' }).tap();
  await expect.poll(() => mapEdgeCount(page)).toBe(1);
  // Only taps happened: no node was dragged anywhere.
  expect(await positions()).toEqual(before);

  // Editing keeps the organisation in view above the sheet.
  await tapNode(page, 'Harbour Lane GP Practice');
  await page.getByRole('button', { name: 'Edit', exact: true }).tap();
  const editSheet = page.getByRole('dialog', { name: 'Edit organisation' });
  await expect(editSheet).toBeVisible();
  const sheetTop = (await box(editSheet)).y;
  await expect
    .poll(() =>
      page.locator('[data-map-ready]').evaluate((element, top) => {
        type Node = { data(key: string): string; renderedBoundingBox(options: object): { y1: number; y2: number } };
        const cy = (element as HTMLElement & { __cy?: { nodes(): Node[] } }).__cy!;
        const node = cy.nodes().find((candidate) => candidate.data('label') === 'Harbour Lane GP Practice')!;
        const canvasTop = element.getBoundingClientRect().top;
        const rendered = node.renderedBoundingBox({ includeLabels: true });
        return rendered.y1 + canvasTop >= canvasTop && rendered.y2 + canvasTop <= top;
      }, sheetTop),
    )
    .toBe(true);
});

test('live character counts before the limit; a note over 1,000 characters is refused; drafts survive a reload @phones', async ({
  page,
}, testInfo) => {
  await joinByQrLink(page, event, tableFor(testInfo, 3));
  await page.getByRole('button', { name: 'Add organisation' }).tap();
  const sheet = page.getByRole('dialog', { name: 'Add an organisation' });
  await sheet.getByLabel('Name').fill('Riverside Recov');
  await expect(sheet.getByText('105 characters left')).toBeVisible();
  await sheet.getByLabel('Name').fill('x'.repeat(121));
  // Said before anyone presses the button.
  await expect(sheet.getByText('1 character too many')).toBeVisible();
  await sheet.getByLabel('Name').fill('Riverside Recov');
  await sheet.getByLabel('Sector').selectOption({ label: 'Education' });

  await page.reload();
  const restored = page.getByRole('dialog', { name: 'Add an organisation' });
  await expect(restored.getByLabel('Name')).toHaveValue('Riverside Recov');
  await expect(restored.getByLabel('Sector')).toHaveValue('education');
  await restored.getByLabel('Name').fill('Riverside Recovery College');
  await restored.getByRole('button', { name: 'Add to map' }).tap();
  await expect(page.getByText('Selected:')).toContainText('Riverside Recovery College');
  // Saved: the draft is gone, no sheet comes back; nor does a sheet that was opened but not typed in.
  await reloadAndSettle(page);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('button', { name: 'Add organisation' }).tap();
  await expect(page.getByRole('dialog', { name: 'Add an organisation' })).toBeVisible();
  await reloadAndSettle(page);
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.getByRole('tab', { name: /^Notes/ }).tap();
  const note = page.getByLabel('Your note');
  await note.fill('y'.repeat(1001));
  await expect(page.getByText('1 character too many')).toBeVisible();
  await page.getByRole('button', { name: 'Add note' }).tap();
  await expect(page.getByRole('alert').filter({ hasText: 'at most 1000 characters' })).toBeVisible();
  await expect(page.locator('.note')).toHaveCount(0);
  await note.fill('Waiting lists for talking therapies are');
  await page.reload();
  await page.getByRole('tab', { name: /^Notes/ }).tap();
  await expect(page.getByLabel('Your note')).toHaveValue('Waiting lists for talking therapies are');
});

test('a favicon and a web app manifest (name, icons, theme colour), and no missing files on load', async ({ page, request }) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Continue' }).waitFor();

  const manifestUrl = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = (await (await request.get(manifestUrl!)).json()) as { name: string; theme_color: string; start_url: string; display: string; icons: { src: string; sizes: string; type: string }[] };
  expect(manifest).toMatchObject({ name: 'Tablemap', theme_color: '#1d4ed8', start_url: '/', display: 'standalone' });
  expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const response = await request.get(icon.src);
    expect(response.status(), icon.src).toBe(200);
    expect(response.headers()['content-type']).toContain(icon.type);
  }
  const favicon = await page.locator('link[rel="icon"]').getAttribute('href');
  expect((await request.get(favicon!)).status()).toBe(200);
  // Pages that name no icon (the browser then asks for /favicon.ico) get one too.
  expect((await request.get('/favicon.ico')).status()).toBe(200);
  expect(missing).toEqual([]);
});
