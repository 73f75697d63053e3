import { expect, test } from '@playwright/test';
import { readEvent } from './model-helpers.ts';
import { createEventViaUi, eventually, joinAsParticipant } from './helpers.ts';

test('event setup saves live to the event doc that phones read', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Setup test', 2);
  const phone = await joinAsParticipant(joinCode, 't1', 'carer');
  const eventDoc = phone.open(`event/${eventId}`);
  await eventDoc.ready;

  await page.getByRole('link', { name: 'Event setup' }).click();
  await page.getByLabel('Title').fill('Sefton learning exchange');
  await page.getByLabel('Venue').fill('Bootle Town Hall');
  await page.getByLabel('Date', { exact: true }).fill('14 March 2027');
  await eventually(() => {
    const event = readEvent(eventDoc.doc);
    return [event.title, event.venue, event.date];
  }, ['Sefton learning exchange', 'Bootle Town Hall', '14 March 2027']);

  await page.getByLabel('Votes per participant').fill('5');
  await page.getByLabel('Votes per participant').press('Tab');
  await eventually(() => readEvent(eventDoc.doc).votesPerParticipant, 5);

  await page.getByLabel('New prompt').fill('Digital exclusion');
  await page.getByLabel('Minutes', { exact: true }).fill('15');
  await page.getByRole('button', { name: 'Add prompt' }).click();
  await eventually(() => readEvent(eventDoc.doc).prompts.map((prompt) => `${prompt.text}/${prompt.durationMinutes}`).at(-1), 'Digital exclusion/15');
  await page.getByRole('button', { name: 'Move prompt 4 up' }).click();
  await eventually(() => readEvent(eventDoc.doc).prompts.map((prompt) => prompt.text)[2], 'Digital exclusion');

  await page.getByLabel('New group').fill('Faith leaders');
  await page.getByRole('button', { name: 'Add group' }).click();
  await eventually(() => readEvent(eventDoc.doc).groups.at(-1), { id: 'faith_leaders', label: 'Faith leaders' });
  eventDoc.destroy();
});

test('tables can be added and renamed, and duplicate names are refused', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Tables test', 2);
  const phone = await joinAsParticipant(joinCode, 't1', 'carer');
  const eventDoc = phone.open(`event/${eventId}`);
  await eventDoc.ready;
  await page.getByRole('link', { name: 'Event setup' }).click();

  await page.getByLabel('Name of table 1').fill('River');
  await page.getByLabel('Name of table 1').press('Enter');
  await eventually(() => readEvent(eventDoc.doc).tables.map((table) => table.name), ['River', 'Table 2']);

  await page.getByLabel('Name of table 2').fill('river ');
  await page.getByLabel('Name of table 2').press('Enter');
  await expect(page.getByRole('alert')).toContainText('There is already a table called');
  await expect(page.getByLabel('Name of table 2')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('New table name').fill('RIVER');
  await page.getByRole('button', { name: 'Add table' }).click();
  await expect(page.getByRole('alert').getByText('There is already a table called "RIVER"', { exact: true })).toBeVisible();
  expect(readEvent(eventDoc.doc).tables.map((table) => table.name)).toEqual(['River', 'Table 2']);

  await page.getByLabel('New table name').fill('Harbour');
  await page.getByRole('button', { name: 'Add table' }).click();
  await eventually(() => readEvent(eventDoc.doc).tables.map((table) => table.name), ['River', 'Table 2', 'Harbour']);

  await page.getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByRole('article', { name: 'Harbour' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code to join Harbour' })).toBeVisible();
  eventDoc.destroy();
});

test('setup marks what each table offers and which groups are priority voices', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Table attributes in setup', 2);
  const phone = await joinAsParticipant(joinCode, 't1', 'carer');
  const eventDoc = phone.open(`event/${eventId}`);
  await eventDoc.ready;
  await page.getByRole('link', { name: 'Event setup' }).click();

  const tableTwo = page.getByRole('group', { name: 'What Table 2 offers' });
  await tableTwo.getByLabel('Hearing loop').check();
  await tableTwo.getByLabel('Scribe present').check();
  await tableTwo.getByLabel('Near the exit or a quiet room').check();
  await tableTwo.getByLabel('Languages spoken at Table 2 besides English').fill('Urdu, Cymraeg');
  await tableTwo.getByLabel('Languages spoken at Table 2 besides English').press('Enter');
  await eventually(() => {
    const table = readEvent(eventDoc.doc).tables[1]!;
    return [table.hearingLoop, table.hasScribe, table.nearExit, table.stepFree, table.languages];
  }, [true, true, true, false, ['Urdu', 'Cymraeg']]);

  const priority = page.getByRole('region', { name: 'Priority voices' });
  await expect(priority.getByLabel('People with lived experience / service users')).toBeChecked();
  await expect(priority.getByLabel('Carers and family')).toBeChecked();
  await priority.getByLabel('Housing').check();
  await priority.getByLabel('Carers and family').uncheck();
  await eventually(() => readEvent(eventDoc.doc).priorityGroups, ['lived_experience', 'housing']);

  const translations = page.getByRole('region', { name: 'Translations for phones' });
  await translations.getByLabel('Language').selectOption({ label: 'اردو' });
  await translations.getByLabel('Prompt 1 in اردو').fill('برادریاں اور روابط');
  await translations.getByLabel('Prompt 1 in اردو').press('Enter');
  await translations.getByLabel('Carers and family in اردو').fill('نگہداشت کرنے والے اور خاندان');
  await translations.getByLabel('Carers and family in اردو').press('Enter');
  await eventually(() => {
    const { translations: byLanguage, prompts } = readEvent(eventDoc.doc);
    return [byLanguage.ur?.prompts[prompts[0]!.id], byLanguage.ur?.groups.carer];
  }, ['برادریاں اور روابط', 'نگہداشت کرنے والے اور خاندان']);
  eventDoc.destroy();
});
