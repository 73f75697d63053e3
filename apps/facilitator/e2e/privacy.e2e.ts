import { devices, expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { BASE, createEventViaUi, eventually, joinAsParticipant, openTableAs, storedFacilitatorToken } from './helpers.ts';
import { addNote, readTable } from './model-helpers.ts';

const TITLE = 'Riverside privacy day';

test('the facilitator deletes the event after typing its title; a phone at a table is told it has been deleted', async ({ page, browser }) => {
  const { eventId, joinCode } = await createEventViaUi(page, TITLE, 2);
  // The dashboard shows when the data is deleted: 90 days from today by default.
  const in90Days = new Date(Date.now() + 90 * 24 * 60 * 60 * 1000).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  await expect(page.getByText(`Event data is deleted on ${in90Days}`)).toBeVisible();

  // A phone joins from the table's QR link; the privacy notice is shown in full before consent.
  const phoneContext = await browser.newContext({ ...devices['Pixel 7'], locale: 'en-GB', baseURL: BASE });
  const phone = await phoneContext.newPage();
  await phone.goto(`/join/${joinCode}/t1`);
  await expect(phone.getByRole('heading', { name: 'Privacy notice' })).toBeVisible();
  await expect(phone.getByText(`Everything from this event is deleted on ${in90Days}.`)).toBeVisible();
  await expect(phone.getByText(`The organisers of “${TITLE}”`)).toBeVisible();
  await phone.getByLabel('I speak for').selectOption({ label: 'Housing' });
  await phone.getByLabel('I understand and agree to take part').check();
  await phone.getByRole('button', { name: 'Join table' }).tap();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Table 1');
  await expect(phone.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  const facilitatorToken = await storedFacilitatorToken(page, eventId);
  await page.getByRole('link', { name: 'Privacy and data' }).first().click();
  await expect(page.getByRole('heading', { name: 'Delete event' })).toBeVisible();
  await expectNoSeriousViolations(page, 'privacy page');
  const deleteButton = page.getByRole('button', { name: 'Delete event' });
  await expect(deleteButton).toBeDisabled();
  const confirm = page.getByLabel('Type the event’s title to confirm');
  await confirm.fill('Riverside privacy');
  await expect(deleteButton).toBeDisabled();
  await confirm.fill(TITLE);
  await expect(deleteButton).toBeEnabled();
  await deleteButton.click();

  await expect(page.getByRole('heading', { name: 'This event has been deleted' })).toBeVisible();
  await expect(phone.getByRole('heading', { name: 'This event has been deleted' })).toBeVisible();
  await expectNoSeriousViolations(phone, 'phone after deletion');
  // Neither device keeps anything of it, and the server has forgotten it.
  expect(await phone.evaluate(() => localStorage.getItem('tablemap:session'))).toBeNull();
  expect(await page.evaluate((id) => localStorage.getItem('tablemap:facilitator:events')?.includes(id) ?? false, eventId)).toBe(false);
  expect((await fetch(`${BASE}/api/join/${joinCode}`)).status).toBe(404);
  await phone.reload();
  await expect(phone).toHaveURL(/\/$/);
  await phoneContext.close();
  // The facilitator link opened again later (another laptop, say) says so too.
  await page.goto(`/facilitate/${eventId}#token=${encodeURIComponent(facilitatorToken)}`);
  await expect(page.getByRole('heading', { name: 'This event has been deleted' })).toBeVisible();
});

test('a participant removes what they wrote from their phone; the facilitator sees their note go', async ({ page, browser }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Withdrawal day', 1);
  const phoneContext = await browser.newContext({ ...devices['Pixel 7'], locale: 'en-GB', baseURL: BASE });
  const phone = await phoneContext.newPage();
  await phone.goto(`/join/${joinCode}/t1`);
  await phone.getByLabel('I speak for').selectOption({ label: 'Carers and family' });
  await phone.getByLabel('I understand and agree to take part').check();
  await phone.getByRole('button', { name: 'Join table' }).tap();
  await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Table 1');
  await phone.getByRole('tab', { name: /^Notes/ }).tap();
  await phone.getByLabel('Your note').fill('My cousin waited nine months for a bed');
  await phone.getByRole('button', { name: 'Add note' }).tap();
  await page.goto(`/facilitate/${eventId}/tables/t1`);
  await expect(page.getByText('My cousin waited nine months for a bed')).toBeVisible();

  await phone.getByRole('button', { name: 'Table menu' }).tap();
  await phone.getByRole('menuitem', { name: 'Remove what I wrote' }).tap();
  await phone.getByRole('dialog', { name: 'Remove what you wrote?' }).getByRole('button', { name: 'Remove what I wrote' }).tap();
  await expect(phone.getByRole('heading', { name: 'What you wrote has been removed' })).toBeVisible();
  await expect(page.getByText('My cousin waited nine months for a bed')).toHaveCount(0);
  expect(await phone.evaluate(() => localStorage.getItem('tablemap:session'))).toBeNull();
  await phoneContext.close();
});

test('a note hidden from the report is purged for good from the theme board, after a second confirmation', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Purge day', 1);
  const writer = await joinAsParticipant(joinCode, 't1', 'carer');
  const table = await openTableAs(writer);
  const author = { group: 'carer', participantId: writer.participantId };
  addNote(table.doc, { text: 'Dr Hollis on ward 4 was rude to my son', kind: 'observation' }, author);
  addNote(table.doc, { text: 'The crisis café should open on Sundays', kind: 'idea' }, author);
  await page.goto(`/facilitate/${eventId}/synthesis`);
  const notes = page.getByRole('list', { name: 'Notes' });
  const card = notes.getByRole('article', { name: 'Dr Hollis on ward 4 was rude to my son' });
  await expect(card.getByRole('button', { name: /^Purge for good/ })).toHaveCount(0);
  await card.getByRole('button', { name: /^Hide from report/ }).click();
  await card.getByRole('button', { name: /^Purge for good/ }).click();
  await expect(card.getByRole('alert')).toHaveText('Delete this note from storage for good?');
  await card.getByRole('button', { name: /^Yes, purge/ }).click();
  await expect(notes.getByRole('article', { name: 'Dr Hollis on ward 4 was rude to my son' })).toHaveCount(0);
  await expect(notes.getByRole('article', { name: 'The crisis café should open on Sundays' })).toHaveCount(1);
  await eventually(() => readTable(table.doc).notes.map((note) => note.text), ['The crisis café should open on Sundays']);
  table.destroy();
});
