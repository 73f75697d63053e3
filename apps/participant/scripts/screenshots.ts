/**
 * Screenshots of the participant app with realistic data, for the README and for looking at after a UI
 * change: 15 organisations (long names, Polish and Urdu), links, notes, themes, a 200-character prompt and a
 * running round timer. Saves docs/<screen>.png at 390×844, plus the map at 360×640 and at 320 px with 200%
 * text; the theme board in Urdu (right to left) and Polish, and a locked table in Welsh. Run `pnpm build`
 * first, then `pnpm screenshots` (PORT= to choose the port).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import WebSocket from 'ws';
import {
  addNote,
  addOrganisation,
  addPrompt,
  assignNoteToTheme,
  createTheme,
  eventDocName,
  linkOrganisations,
  noteRef,
  rateInfluence,
  readTable,
  setCurrentPrompt,
  setPhase,
  setTableLocked,
  startTimer,
  synthesisDocName,
  tableDocName,
  type RelationshipKindId,
} from '@tablemap/model';
import { openDoc, type SyncedDoc } from '@tablemap/sync-client';
import { startServer } from './server.ts';

const docsDir = new URL('../docs/', import.meta.url).pathname;

const PROMPT =
  'Thinking about the last time someone you know reached a crisis: which organisations did they contact first, which ones actually helped, and where did they wait or tell their story all over again?';

const ORGANISATIONS: [string, string][] = [
  ['Riverside Community Mental Health Team', 'nhs_secondary'],
  ['Northshore Foodbank', 'vcse'],
  ['Mind in Riverside', 'vcse'],
  ['Samaritans of Riverside and Northshore (24-hour listening line)', 'vcse'],
  ['Riverside Council Adult Social Care', 'social_care'],
  ['Hearing Voices Group', 'peer_led'],
  ["Crisis Café at St Mark's", 'vcse'],
  ['Harbour Lane GP Practice', 'primary_care'],
  ['Polski Ośrodek Społeczny w Riverside', 'vcse'],
  ['مسجد کمیونٹی سینٹر', 'faith_community'],
  ['Riverside Housing Association', 'housing'],
  ['Citizens Advice Northshore', 'vcse'],
  ['Recovery College', 'nhs_secondary'],
  ["Carers' Hub", 'social_care'],
  ['NHS Talking Therapies', 'nhs_secondary'],
];

const LINKS: [number, number, RelationshipKindId][] = [
  [7, 0, 'refers_to'],
  [7, 14, 'refers_to'],
  [2, 6, 'collaborates'],
  [4, 13, 'funds'],
  [0, 12, 'refers_to'],
  [5, 2, 'co_produces'],
  [11, 1, 'refers_to'],
  [10, 4, 'shares_information'],
  [8, 11, 'informal'],
  [9, 2, 'informal'],
  [3, 6, 'collaborates'],
  [4, 2, 'funds'],
];

const NOTES: [string, 'observation' | 'quote' | 'gap' | 'idea' | 'question'][] = [
  ['People ring the GP first, and the wait for a call back is the worst part.', 'observation'],
  ['"I told my story five times in one week."', 'quote'],
  ['Nobody covers evenings and weekends apart from the Samaritans and the crisis café.', 'gap'],
  ['One shared number for the crisis café, Mind and the mental health team.', 'idea'],
  ['Wiele osób z naszej społeczności nie wie, gdzie szukać pomocy po polsku.', 'observation'],
  ['ہماری کمیونٹی میں لوگ پہلے مسجد کے امام سے بات کرتے ہیں۔', 'observation'],
];

async function connect(base: string, docName: string, token: string): Promise<SyncedDoc> {
  const synced = openDoc({ serverUrl: base, docName, token, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true });
  await synced.ready;
  return synced;
}

async function seed(base: string) {
  const response = await fetch(`${base}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Riverside and Northshore Mental Health Learning Exchange', tableCount: 6 }),
  });
  const event = (await response.json()) as { eventId: string; joinCode: string; facilitatorToken: string };
  const eventDoc = await connect(base, eventDocName(event.eventId), event.facilitatorToken);
  const tableDoc = await connect(base, tableDocName(event.eventId, 't1'), event.facilitatorToken);
  const synthesisDoc = await connect(base, synthesisDocName(event.eventId), event.facilitatorToken);

  setCurrentPrompt(eventDoc.doc, addPrompt(eventDoc.doc, PROMPT, 25));
  startTimer(eventDoc.doc, 12 * 60_000 + 34_000, Date.now());
  const actor = { group: 'vcse', participantId: 'screenshots' };
  const ids = ORGANISATIONS.map(([name, sector]) => addOrganisation(tableDoc.doc, { name, sector }, actor));
  for (const [from, to, kind] of LINKS) linkOrganisations(tableDoc.doc, { source: ids[from]!, target: ids[to]!, kind }, actor);
  const noteIds = NOTES.map(([text, kind]) => addNote(tableDoc.doc, { text, kind }, actor));
  const access = createTheme(synthesisDoc.doc, { title: 'Waiting and repeating your story', description: 'Long waits for a first call back, and telling the same story to every service.' });
  const outOfHours = createTheme(synthesisDoc.doc, { title: 'Nothing out of hours', description: 'Evenings and weekends rely on volunteers.', isGap: true });
  createTheme(synthesisDoc.doc, { title: 'Help in your own language', description: 'Community and faith groups are the first door for many.', isKeyMessage: true });
  assignNoteToTheme(synthesisDoc.doc, noteRef('t1', noteIds[0]!), access);
  assignNoteToTheme(synthesisDoc.doc, noteRef('t1', noteIds[1]!), access);
  assignNoteToTheme(synthesisDoc.doc, noteRef('t1', noteIds[2]!), outOfHours);
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const synced of [eventDoc, tableDoc, synthesisDoc]) synced.destroy();
  return event;
}

async function phone(browser: Browser, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, serviceWorkers: 'block' });
  return context.newPage();
}

async function joinTable(page: Page, base: string, joinCode: string) {
  await page.goto(`${base}/join/${joinCode}/t1`);
  await page.getByLabel('I speak for').selectOption({ label: 'Carers and family' });
  await page.getByLabel('I understand and agree to take part').check();
  await page.getByRole('button', { name: 'Join table' }).tap();
  await page.locator(`[data-map-ready="true"][data-node-count="${ORGANISATIONS.length}"]`).waitFor();
  await page.waitForTimeout(800);
}

/** A locale's plain messages (the words its screens show), to find controls by. */
const wordsOf = (locale: string) => JSON.parse(readFileSync(new URL(`../messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;

/** A phone whose person chose `locale` before joining (remembered on the phone, as the picker does). */
async function phoneIn(browser: Browser, locale: string): Promise<Page> {
  const page = await phone(browser, 390, 844);
  await page.addInitScript((chosen) => localStorage.setItem('PARAGLIDE_LOCALE', chosen), locale);
  return page;
}

async function joinTableIn(page: Page, base: string, joinCode: string, locale: string) {
  const words = wordsOf(locale);
  await page.goto(`${base}/join/${joinCode}/t1`);
  await page.getByLabel(words.join_speak_for!).selectOption('carer');
  await page.getByLabel(words.join_agree!).check();
  await page.getByRole('button', { name: words.join_submit }).tap();
  await page.locator(`[data-map-ready="true"][data-node-count="${ORGANISATIONS.length}"]`).waitFor();
  await page.waitForTimeout(800);
}

/** The table's theme board and the header's status line in Urdu and Polish; a locked table in Welsh. */
async function languages(browser: Browser, base: string, event: { eventId: string; joinCode: string; facilitatorToken: string }) {
  for (const locale of ['ur', 'pl']) {
    const page = await phoneIn(browser, locale);
    await joinTableIn(page, base, event.joinCode, locale);
    await page.getByRole('tab', { name: wordsOf(locale).table_view_themes }).tap();
    await page.waitForTimeout(400);
    await shot(page, `theme-board-${locale}`);
    await page.context().close();
  }
  const welsh = await phoneIn(browser, 'cy');
  await joinTableIn(welsh, base, event.joinCode, 'cy');
  const eventDoc = await connect(base, eventDocName(event.eventId), event.facilitatorToken);
  setTableLocked(eventDoc.doc, 't1', true);
  await welsh.getByText(wordsOf('cy').blocked_table_locked!).waitFor();
  await welsh.waitForTimeout(400);
  await shot(welsh, 'locked-cy');
  setTableLocked(eventDoc.doc, 't1', false);
  await new Promise((resolve) => setTimeout(resolve, 400));
  eventDoc.destroy();
  await welsh.context().close();
}

/**
 * The power round: the facilitator sets the phase, five others at the table have rated some organisations,
 * and this phone rates Mind in Riverside from the map card and the rest in the Outline.
 */
async function powerRound(base: string, event: { eventId: string; facilitatorToken: string }, page: Page) {
  const eventDoc = await connect(base, eventDocName(event.eventId), event.facilitatorToken);
  const tableDoc = await connect(base, tableDocName(event.eventId, 't1'), event.facilitatorToken);
  const byName = new Map(readTable(tableDoc.doc).organisations.map((org) => [org.name, org.id]));
  const ratings: [string, number[]][] = [
    ['Riverside Community Mental Health Team', [5, 4, 5, 4, 3]],
    ['Riverside Council Adult Social Care', [4, 5, 3, 4]],
    ['Harbour Lane GP Practice', [3, 4, 2]],
    ['Mind in Riverside', [2, 3, 3]],
    ['Hearing Voices Group', [1, 0, 1]],
    ['مسجد کمیونٹی سینٹر', [2, 1]],
  ];
  for (const [name, values] of ratings) {
    values.forEach((value, index) => rateInfluence(tableDoc.doc, byName.get(name)!, value, { group: 'other', participantId: `rater${index}` }));
  }
  setPhase(eventDoc.doc, 'power');
  await new Promise((resolve) => setTimeout(resolve, 600));
  await page.getByRole('tab', { name: /^Map/ }).tap();
  const deselect = page.getByRole('button', { name: 'Deselect' });
  if (await deselect.isVisible()) await deselect.tap();
  await page.getByRole('button', { name: 'Fit' }).tap();
  await page.waitForTimeout(800);
  await shot(page, 'power-map');
  const node = await page.locator('[data-map-ready]').evaluate((element) => {
    type Node = { data(key: string): string; renderedPosition(): { x: number; y: number } };
    const cy = (element as HTMLElement & { __cy?: { nodes(): Node[]; center(node: Node): void } }).__cy!;
    const mind = cy.nodes().find((candidate) => candidate.data('label') === 'Mind in Riverside')!;
    cy.center(mind);
    const box = element.getBoundingClientRect();
    return { x: box.left + mind.renderedPosition().x + 1, y: box.top + mind.renderedPosition().y + 1 };
  });
  await page.touchscreen.tap(node.x, node.y);
  await page.getByRole('radiogroup', { name: /Mind in Riverside/ }).getByRole('radio', { name: '4' }).tap();
  await page.waitForTimeout(500);
  await shot(page, 'power-rate-on-map');
  await page.getByRole('tab', { name: /^Outline/ }).tap();
  await page.waitForTimeout(400);
  await shot(page, 'power-outline');
  await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
  await page.getByRole('radiogroup', { name: /Riverside Council Adult Social Care/ }).scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  await shot(page, 'power-outline-text-200pct');
  for (const synced of [eventDoc, tableDoc]) synced.destroy();
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(docsDir, `${name}.png`) });

mkdirSync(docsDir, { recursive: true });
const { child, base } = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
try {
  const event = await seed(base);
  const page = await phone(browser, 390, 844);
  await page.goto(`${base}/join/${event.joinCode}/t1`);
  await page.getByRole('button', { name: 'Join table' }).waitFor();
  await shot(page, 'join');
  await joinTable(page, base, event.joinCode);
  await shot(page, 'map');
  const node = await page.locator('[data-map-ready]').evaluate((element) => {
    type Node = { data(key: string): string; renderedPosition(): { x: number; y: number } };
    const cy = (element as HTMLElement & { __cy?: { nodes(): Node[] } }).__cy!;
    const mind = cy.nodes().find((candidate) => candidate.data('label') === 'Mind in Riverside')!;
    const box = element.getBoundingClientRect();
    return { x: box.left + mind.renderedPosition().x, y: box.top + mind.renderedPosition().y };
  });
  await page.touchscreen.tap(node.x, node.y);
  await page.getByRole('button', { name: 'Edit', exact: true }).tap();
  await page.waitForTimeout(600);
  await shot(page, 'map-edit-sheet');
  await page.getByRole('button', { name: 'Close' }).tap();
  for (const view of ['Outline', 'Notes', 'Themes']) {
    await page.getByRole('tab', { name: new RegExp(`^${view}`) }).tap();
    await page.waitForTimeout(300);
    await shot(page, view.toLowerCase());
  }
  const small = await phone(browser, 360, 640);
  await joinTable(small, base, event.joinCode);
  await shot(small, 'map-360x640');
  const zoomed = await phone(browser, 320, 640);
  await joinTable(zoomed, base, event.joinCode);
  await zoomed.addStyleTag({ content: 'html { font-size: 200% !important; }' });
  await zoomed.waitForTimeout(500);
  await shot(zoomed, 'map-320-text-200pct');
  await languages(browser, base, event);
  await powerRound(base, event, page);
  console.log(`Screenshots saved in ${docsDir}`);
} finally {
  await browser.close();
  child.kill('SIGTERM');
}
