import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { createEventViaUi, openAsFacilitator, storedFacilitatorToken } from './helpers.ts';

const messyCsv = new URL('../../../packages/roster/src/fixtures/attendees-messy.csv', import.meta.url);
const fixture = (name: string) => new URL(`../../../packages/roster/src/fixtures/${name}`, import.meta.url);

test('the messy CSV is previewed with its problems per row, and nothing is imported before confirming', async ({ page }) => {
  const { eventId } = await createEventViaUi(page, 'Import test', 3);
  const roster = openAsFacilitator(await storedFacilitatorToken(page, eventId), `roster/${eventId}`);
  await roster.ready;

  await page.getByRole('link', { name: 'Attendees and seating' }).click();
  await page.getByLabel('Attendee CSV file').setInputFiles({ name: 'attendees-messy.csv', mimeType: 'text/csv', buffer: readFileSync(messyCsv) });

  const problemsOn = (line: number) => page.locator(`tr[data-line="${line}"] [data-problem]`);
  const codesOn = async (line: number) => problemsOn(line).evaluateAll((items) => items.map((item) => item.getAttribute('data-problem')));
  await expect(page.getByRole('heading', { name: 'Preview of attendees-messy.csv' })).toBeVisible();
  expect(await codesOn(2)).toEqual([]);
  expect(await codesOn(3)).toEqual([]);
  expect(await codesOn(4)).toEqual(['missing_name']);
  expect(await codesOn(5)).toEqual(['formula_injection']);
  expect(await codesOn(6)).toEqual(['duplicate_person']);
  expect(await codesOn(7)).toEqual(['unknown_group']);
  expect(await codesOn(8)).toEqual(['blank_line']);
  expect(await codesOn(9)).toEqual(['bad_email']);
  await expect(page.getByLabel('Import line 4')).toBeDisabled();

  // Previewing changed nothing anywhere.
  expect(roster.doc.getMap('attendees').size).toBe(0);
  await expect(page.getByText('No attendees yet. Import a CSV file first.')).toBeVisible();

  await page.getByLabel('Import line 2').uncheck();
  await page.getByRole('button', { name: /^Import \d+ attendees?$/ }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Imported \d+ attendees?\.$/ })).toBeVisible();
  await expect.poll(() => roster.doc.getMap('attendees').size, { timeout: 2000 }).toBeGreaterThan(0);
  const names = [...roster.doc.getMap<{ name: string }>('attendees').values()].map((attendee) => attendee.name);
  expect(names).not.toContain('Smith, Jo');
  roster.destroy();
});

test('bad files are refused with a clear message and import nothing', async ({ page }) => {
  const { eventId } = await createEventViaUi(page, 'Bad files', 2);
  await page.getByRole('link', { name: 'Attendees and seating' }).click();
  const input = page.getByLabel('Attendee CSV file');

  await input.setInputFiles({ name: 'photo.csv', mimeType: 'text/csv', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3, 0, 0, 255]) });
  await expect(page.getByRole('alert')).toBeVisible();
  await input.setInputFiles({ name: 'nonsense.csv', mimeType: 'text/csv', buffer: Buffer.from('colour,shoe size\nred,9\nblue,7\n') });
  await expect(page.getByRole('alert')).toBeVisible();
  await input.setInputFiles({ name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.alloc(20 * 1024 * 1024, 'a') });
  await expect(page.getByRole('alert')).toContainText('MB');
  await expect(page.getByText('No attendees yet. Import a CSV file first.')).toBeVisible();

  const roster = openAsFacilitator(await storedFacilitatorToken(page, eventId), `roster/${eventId}`);
  await roster.ready;
  expect(roster.doc.getMap('attendees').size).toBe(0);
  roster.destroy();
});

test('120 attendees are seated at rainbow tables and can be moved by menu with live warnings', async ({ page }) => {
  await createEventViaUi(page, 'Seating test', 12);
  await page.getByRole('link', { name: 'Attendees and seating' }).click();
  await page.getByLabel('Attendee CSV file').setInputFiles(fixture('attendees-120.csv').pathname);
  await page.getByRole('button', { name: /^Import \d+ attendees$/ }).click();
  await expect(page.getByText(/^\d+ attendees · 0 seated at 12 tables$/)).toBeVisible();

  await page.getByRole('button', { name: 'Seat everyone automatically' }).click();
  await expect(page.getByText(/^(\d+) attendees · \1 seated at 12 tables$/)).toBeVisible();
  const sizes = await page.locator('.seat-table').evaluateAll((tables) => tables.map((table) => table.querySelectorAll('li').length));
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);

  // Move every lived-experience attendee away from Table 1: a warning appears straight away.
  const tableOne = page.getByRole('region', { name: /^Table 1 / });
  const livedHere = tableOne.getByRole('listitem').filter({ hasText: 'People with lived experience' });
  const count = await livedHere.count();
  expect(count).toBeGreaterThan(0);
  for (let index = 0; index < count; index++) {
    await livedHere.first().getByRole('combobox').selectOption({ label: 'Table 2' });
  }
  await expect(page.getByRole('list', { name: 'Seating warnings' })).toContainText('Table 1');
});
