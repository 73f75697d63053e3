/**
 * Screenshots of the facilitator console and the projector with a full room, for the README and for
 * looking at after a UI change: the 12-table fixture event plus 3 more tables (15), a 200-character prompt,
 * a running timer, two tables done, a spotlight. Build both apps, start a server (PORT=… node
 * ../server/src/main.ts with a fresh DATA_DIR), then: `node scripts/screenshots.ts http://localhost:PORT`.
 */
import { readFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import WebSocket from 'ws';
import {
  addPrompt,
  addTable,
  eventDocName,
  readEvent,
  setCurrentPrompt,
  setPhase,
  setProjectorSlide,
  setSpotlight,
  startTimer,
  type ProjectorSlide,
} from '@tablemap/model';
import { openDoc } from '@tablemap/sync-client';

const base = process.argv[2];
if (!base) throw new Error('usage: node scripts/screenshots.ts <server-url>');
const docs = new URL('../docs/', import.meta.url).pathname;
const PROMPT =
  'When someone in crisis is turned away by one service, who do they turn to next in our area, how do those services hear about each other, and what would make that handover feel safe for them and carers';

const body = readFileSync(new URL('../e2e/fixtures/event-12-tables.json', import.meta.url));
const created = (await (await fetch(`${base}/api/events/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as {
  eventId: string;
  joinCode: string;
  facilitatorToken: string;
  observerToken: string;
};
const event = openDoc({ serverUrl: base, docName: eventDocName(created.eventId), token: created.facilitatorToken, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true });
await event.ready;
while (readEvent(event.doc).tables.length < 15) addTable(event.doc);
setCurrentPrompt(event.doc, addPrompt(event.doc, PROMPT, 25));
setPhase(event.doc, 'mapping');
startTimer(event.doc, 25 * 60_000, Date.now() - 11 * 60_000);
setSpotlight(event.doc, 't3');
await new Promise((resolve) => setTimeout(resolve, 500));
for (const tableId of ['t2', 't5']) {
  const joined = (await (await fetch(`${base}/api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ joinCode: created.joinCode, tableId, group: 'carer', consent: true }) })).json()) as { token: string };
  await fetch(`${base}/api/events/${created.eventId}/done`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${joined.token}` }, body: JSON.stringify({ done: true }) });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
const secrets = `#token=${encodeURIComponent(created.facilitatorToken)}&code=${created.joinCode}&observer=${encodeURIComponent(created.observerToken)}`;

async function consoleShot(path: string, file: string, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${base}/facilitate/${created.eventId}${path}${secrets}`);
  await page.locator('[data-status="live"]').first().waitFor();
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `${docs}${file}` });
  await context.close();
}

await consoleShot('', 'dashboard.png');
await consoleShot('', 'dashboard-1280x720.png', { width: 1280, height: 720 });
await consoleShot('/tables/t1', 'table-page.png');
await consoleShot('/synthesis', 'theme-board.png');
await consoleShot('/ecosystem', 'ecosystem.png');

const projectorContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
const projector: Page = await projectorContext.newPage();
await projector.goto(`${base}/facilitate/${created.eventId}/projector#token=${encodeURIComponent(created.observerToken)}&code=${created.joinCode}`);
for (const slide of ['welcome', 'prompt', 'spotlight', 'votes', 'themes'] satisfies ProjectorSlide[]) {
  setProjectorSlide(event.doc, slide);
  await projector.waitForTimeout(2500);
  await projector.screenshot({ path: `${docs}projector-${slide}.png` });
}
setProjectorSlide(event.doc, 'auto');
await new Promise((resolve) => setTimeout(resolve, 300));
await browser.close();
event.destroy();
console.log(`screenshots of event ${created.eventId} saved in ${docs}`);
