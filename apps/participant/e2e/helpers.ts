import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { eventDocName, tableDocName } from '@tablemap/model';
import { openDoc, type SyncedDoc } from '@tablemap/sync-client';
import { E2E_PORT } from '../playwright.config.ts';

export const BASE_URL = `http://localhost:${E2E_PORT}`;

export interface TestEvent {
  eventId: string;
  joinCode: string;
  facilitatorToken: string;
  tables: { id: string; name: string }[];
}

/** Creates an event through the real HTTP API, as the facilitator app does. */
export async function createEvent(title = 'Riverside learning exchange', tableCount = 3): Promise<TestEvent> {
  const response = await fetch(`${BASE_URL}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, tableCount }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as TestEvent;
}

/** A facilitator's live Yjs connection, to change the phase or lock a table from a test. */
export async function facilitatorDoc(event: TestEvent, docName = eventDocName(event.eventId)): Promise<SyncedDoc> {
  const synced = openDoc({
    serverUrl: BASE_URL,
    docName,
    token: event.facilitatorToken,
    WebSocketPolyfill: WebSocket,
    disableBroadcastChannel: true,
  });
  await synced.ready;
  return synced;
}

export function facilitatorTableDoc(event: TestEvent, tableId: string): Promise<SyncedDoc> {
  return facilitatorDoc(event, tableDocName(event.eventId, tableId));
}

/** Waits until the server has everything this connection wrote (its sync round trip has completed). */
export async function flushed(synced: SyncedDoc): Promise<void> {
  await expect.poll(() => synced.state().status).toBe('live');
  await new Promise((resolve) => setTimeout(resolve, 150));
}

/** Joins through a table's QR link: group, consent, join. */
export async function joinByQrLink(page: Page, event: TestEvent, tableId = 't1', groupLabel = 'Carers and family'): Promise<void> {
  await page.goto(`/join/${event.joinCode}/${tableId}`);
  await page.getByLabel('I speak for').selectOption({ label: groupLabel });
  await page.getByLabel('I understand and agree to take part').check();
  await page.getByRole('button', { name: 'Join table' }).tap();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Table/);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
}

export interface OrganisationFields {
  name: string;
  sector?: string;
  size?: string;
}

export async function addOrganisation(page: Page, fields: OrganisationFields): Promise<void> {
  await page.getByRole('button', { name: 'Add organisation' }).tap();
  const sheet = page.getByRole('dialog', { name: 'Add an organisation' });
  await sheet.getByLabel('Name').fill(fields.name);
  await sheet.getByLabel('Sector').selectOption({ label: fields.sector ?? 'Housing' });
  if (fields.size) await sheet.getByLabel('Size (optional)').selectOption({ label: fields.size });
  await sheet.getByRole('button', { name: 'Add to map' }).tap();
}

/** Labels of the nodes drawn on the map canvas, read from cytoscape itself. */
export async function mapLabels(page: Page): Promise<string[]> {
  return page.locator('[data-map-ready]').evaluate((element) => {
    const cy = (element as HTMLElement & { __cy?: { nodes(): { map(fn: (node: { data(key: string): string }) => string): string[] } } }).__cy;
    return cy ? cy.nodes().map((node) => node.data('label')).sort() : [];
  });
}

export async function mapEdgeCount(page: Page): Promise<number> {
  return page.locator('[data-map-ready]').evaluate((element) => {
    const cy = (element as HTMLElement & { __cy?: { edges(): { length: number } } }).__cy;
    return cy ? cy.edges().length : -1;
  });
}

/** Taps an organisation's node on the map canvas, like a finger would. */
export async function tapNode(page: Page, name: string): Promise<void> {
  const canvas = page.locator('[data-map-ready="true"]');
  const point = await canvas.evaluate((element, label) => {
    type Node = { data(key: string): string; renderedPosition(): { x: number; y: number } };
    const cy = (element as HTMLElement & { __cy?: { nodes(): Node[]; center(node: Node): void } }).__cy;
    const node = cy?.nodes().find((candidate) => candidate.data('label') === label);
    if (!cy || !node) return null;
    // A finger can only tap what is on screen: pan the node to the middle of the map first, as a person would.
    cy.center(node);
    const position = node.renderedPosition();
    const box = element.getBoundingClientRect();
    // A pixel off the exact centre, as a finger always is: cytoscape's hit test misses a diamond's exact
    // centre (its ray meets the top and bottom corners), which only a synthetic tap can hit.
    return { x: box.left + position.x + 1, y: box.top + position.y + 1 };
  }, name);
  expect(point, `node "${name}" on the map`).not.toBeNull();
  await page.touchscreen.tap(point!.x, point!.y);
}

/** Runs axe-core on the current screen; serious and critical violations fail the test. */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}
