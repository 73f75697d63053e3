import { expect, type Page } from '@playwright/test';
import { openDoc, type SyncedDoc } from '@tablemap/sync-client';
import WebSocket from 'ws';

export const PORT = Number(process.env.FACILITATOR_E2E_PORT ?? 3310);
export const BASE = `http://localhost:${PORT}`;

export interface CreatedViaUi {
  eventId: string;
  joinCode: string;
}

/** Creates an event through the facilitator's own form and waits for its dashboard to be live. */
export async function createEventViaUi(page: Page, title: string, tableCount: number): Promise<CreatedViaUi> {
  await page.goto('/facilitate/');
  await page.getByLabel('Event title').fill(title);
  await page.getByLabel('Number of tables').fill(String(tableCount));
  await page.getByRole('button', { name: 'Create event' }).click();
  await expect(page.locator('[data-status="live"]').first()).toBeVisible();
  const eventId = new URL(page.url()).pathname.split('/')[2] ?? '';
  const joinCode = (await page.getByTestId('join-code').textContent())?.trim() ?? '';
  expect(eventId).not.toBe('');
  expect(joinCode).toMatch(/^[A-Z0-9]{6,}$/);
  return { eventId, joinCode };
}

export interface Participant {
  token: string;
  participantId: string;
  group: string;
  tableId: string;
  eventId: string;
  open(docName: string): SyncedDoc;
}

/** A phone simulated by a Node Yjs client: joins over HTTP like the participant app does. */
export async function joinAsParticipant(joinCode: string, tableId: string, group: string): Promise<Participant> {
  const response = await fetch(`${BASE}/api/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ joinCode, tableId, group, consent: true }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  const body = (await response.json()) as { token: string; participantId: string; eventId: string };
  return {
    ...body,
    group,
    tableId,
    open: (docName: string) =>
      openDoc({ serverUrl: BASE, docName, token: body.token, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true }),
  };
}

/** Opens the table doc as that participant, with presence set like the phone app sets it. */
export async function openTableAs(participant: Participant): Promise<SyncedDoc> {
  const synced = participant.open(`table/${participant.eventId}/${participant.tableId}`);
  synced.awareness.setLocalState({ group: participant.group, role: 'participant' });
  await synced.ready;
  return synced;
}

/** Resolves with the close code when the server closes this doc's socket for good. */
export function permanentClose(synced: SyncedDoc): Promise<number> {
  return new Promise((resolve) => {
    const stop = synced.onState((state) => {
      if (state.status === 'refused' && state.closeCode !== null) {
        stop();
        resolve(state.closeCode);
      }
    });
  });
}

/** The read-only projector link, as the dashboard shows it to the facilitator. */
export async function projectorUrl(page: Page): Promise<string> {
  await page.getByText('Links for facilitators and the projector').click();
  const value = await page.getByLabel('Projector and observer link (read-only)').inputValue();
  expect(value).toContain('/projector#token=');
  return value;
}

/** Waits (briefly) for a condition computed in Node, e.g. on a participant's Yjs doc. */
export async function eventually<T>(read: () => T, expected: T, timeout = 2000): Promise<void> {
  await expect.poll(read, { timeout, intervals: [25, 50, 100] }).toEqual(expected);
}

/** The facilitator token this browser stored for the event (as a second facilitator's device would hold it). */
export async function storedFacilitatorToken(page: Page, eventId: string): Promise<string> {
  const token = await page.evaluate((id) => {
    const events = JSON.parse(localStorage.getItem('tablemap:facilitator:events') ?? '[]') as { eventId: string; facilitatorToken: string }[];
    return events.find((event) => event.eventId === id)?.facilitatorToken ?? '';
  }, eventId);
  expect(token).not.toBe('');
  return token;
}

/** Opens a doc with any token from the facilitator (its own, or a scribe link it issued). */
export function openAsFacilitator(token: string, docName: string): SyncedDoc {
  return openDoc({ serverUrl: BASE, docName, token, WebSocketPolyfill: WebSocket, disableBroadcastChannel: true });
}
