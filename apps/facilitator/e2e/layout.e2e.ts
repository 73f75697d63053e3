import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { addPrompt, addTable, eventDocName, readEvent, setCurrentPrompt, setPhase, setSpotlight } from '@tablemap/model';
import { BASE, openAsFacilitator } from './helpers.ts';

/**
 * The console at laptop sizes with a full room: 15 tables and a 200-character prompt selected.
 * On every facilitator page: no horizontal scroll, and every visible button, select and input is the
 * element at its own centre (nothing covers it). The projector's spotlight map fills at least 60%.
 */

interface ImportedEvent {
  eventId: string;
  joinCode: string;
  facilitatorToken: string;
  observerToken: string;
}

let imported: ImportedEvent;

/** 200 characters, the longest prompt the model accepts. */
const LONG_PROMPT =
  'When someone in crisis is turned away by one service, who do they turn to next in our area, how do those services hear about each other, and what would make that handover feel safe for them and carers';

test.beforeAll(async () => {
  const body = readFileSync(new URL('./fixtures/event-12-tables.json', import.meta.url));
  const response = await fetch(`${BASE}/api/events/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(response.status, await response.clone().text()).toBe(201);
  imported = (await response.json()) as ImportedEvent;
  const event = openAsFacilitator(imported.facilitatorToken, eventDocName(imported.eventId));
  await event.ready;
  while (readEvent(event.doc).tables.length < 15) addTable(event.doc);
  const promptId = addPrompt(event.doc, LONG_PROMPT);
  setCurrentPrompt(event.doc, promptId);
  setPhase(event.doc, 'mapping');
  setSpotlight(event.doc, readEvent(event.doc).tables[0]!.id);
  await expect.poll(() => event.state().status).toBe('live');
  await new Promise((resolve) => setTimeout(resolve, 300));
  event.destroy();
});

function consoleUrl(path = ''): string {
  const hash = `#token=${encodeURIComponent(imported.facilitatorToken)}&code=${imported.joinCode}&observer=${encodeURIComponent(imported.observerToken)}`;
  return `/facilitate/${imported.eventId}${path}${hash}`;
}

/** Every visible button, select and input that is not the element at its own centre, after scrolling it into view. */
async function coveredControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const covered: string[] = [];
    const controls = [...document.querySelectorAll<HTMLElement>('button, select, input, textarea, [role="radio"]')];
    for (const control of controls) {
      const before = control.getBoundingClientRect();
      // Visually hidden (1 px) inputs and controls inside closed <details> have no box to click.
      if (before.width <= 2 || before.height <= 2 || !control.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;
      control.scrollIntoView({ block: 'center', inline: 'center' });
      const box = control.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      if (!hit || !(hit === control || control.contains(hit) || (control.id && hit.closest(`label[for="${control.id}"]`)))) {
        const name = control.getAttribute('aria-label') ?? control.textContent?.trim() ?? control.id;
        const by = hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : 'nothing';
        covered.push(`${control.tagName.toLowerCase()} "${name?.slice(0, 40)}" covered by ${by}`);
      }
    }
    window.scrollTo(0, 0);
    return covered;
  });
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

const PAGES = [
  { name: 'dashboard', path: '', ready: 'article[data-table-id]' },
  { name: 'table page', path: '/tables/t1', ready: 'h1' },
  { name: 'event setup', path: '/setup', ready: 'h1' },
  { name: 'attendees', path: '/attendees', ready: 'h1' },
  { name: 'theme board', path: '/synthesis', ready: 'h1' },
  { name: 'ecosystem map', path: '/ecosystem', ready: 'h1' },
  { name: 'directory and exports', path: '/directory', ready: 'h1' },
  { name: 'report', path: '/report', ready: 'h1' },
];

for (const viewport of VIEWPORTS) {
  test(`every facilitator page at ${viewport.width}×${viewport.height}: no horizontal scroll, no covered control`, async ({ browser }) => {
    test.setTimeout(120_000);
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(consoleUrl());
    await expect(page.getByTestId('control-bar')).toBeVisible();
    await expect(page.locator('article[data-table-id]')).toHaveCount(15);
    // The 200-character prompt is selected and its select stays inside the bar.
    const prompt = page.getByLabel('Current prompt');
    expect(LONG_PROMPT).toHaveLength(200);
    expect(await prompt.locator('option:checked').textContent()).toContain(LONG_PROMPT);
    const barBox = (await page.getByTestId('control-bar').boundingBox())!;
    const promptBox = (await prompt.boundingBox())!;
    expect(promptBox.x + promptBox.width).toBeLessThanOrEqual(barBox.x + barBox.width);

    for (const target of PAGES) {
      await page.goto(consoleUrl(target.path));
      await expect(page.locator('[data-status="live"]').first()).toBeVisible();
      await expect(page.locator(target.ready).first()).toBeAttached();
      await page.waitForTimeout(800);
      expect(await horizontalOverflow(page), `${target.name} scrolls sideways`).toBeLessThanOrEqual(0);
      expect(await coveredControls(page), `${target.name} has covered controls`).toEqual([]);
    }

    // The merged map's labels stay readable (they were about 7 px): at least 12 px on screen.
    await page.goto(consoleUrl('/ecosystem'));
    const merged = page.getByRole('img', { name: 'Merged ecosystem map of all tables' });
    await expect(merged).toHaveAttribute('data-map-ready', 'true', { timeout: 15_000 });
    const labelPx = await merged.evaluate((element) => {
      const cy = (element as HTMLElement & { __cy?: { zoom(): number; nodes(): { first(): { numericStyle(name: string): number } } } }).__cy!;
      return cy.nodes().first().numericStyle('font-size') * cy.zoom();
    });
    // Rounded to a hundredth of a pixel: font size × zoom can land a hair under 12 in floating point.
    expect(Math.round(labelPx * 100) / 100).toBeGreaterThanOrEqual(12);

    // The control bar stays in view while the table grid scrolls.
    await page.goto(consoleUrl());
    await expect(page.locator('article[data-table-id]')).toHaveCount(15);
    await page.mouse.wheel(0, 2000);
    await page.waitForTimeout(200);
    const bar = (await page.getByTestId('control-bar').boundingBox())!;
    expect(bar.y).toBeGreaterThanOrEqual(-1);
    expect(bar.y).toBeLessThan(5);
    await expect(page.getByRole('button', { name: 'Lock all', exact: true })).toBeInViewport();
    await context.close();
  });
}

for (const viewport of [...VIEWPORTS, { width: 3840, height: 2160 }]) {
  test(`the projector's spotlight map fills at least 60% of a ${viewport.width}×${viewport.height} screen`, async ({ browser }) => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`/facilitate/${imported.eventId}/projector#token=${encodeURIComponent(imported.observerToken)}&code=${imported.joinCode}`);
    const map = page.getByTestId('spotlight-map');
    await expect(map).toBeVisible();
    const box = (await map.boundingBox())!;
    expect((box.width * box.height) / (viewport.width * viewport.height)).toBeGreaterThanOrEqual(0.6);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    // Nothing of the slide falls off the bottom either.
    expect(await page.evaluate(() => document.documentElement.scrollHeight - document.documentElement.clientHeight)).toBeLessThanOrEqual(0);
    await context.close();
  });
}
