import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
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

  await page.getByRole('button', { name: 'Plan seating for everyone' }).click();
  await expect(page.getByRole('region', { name: 'Proposed seating' })).toContainText('Proposed seating at 12 tables');
  // A plan is only a proposal: nobody is seated until it is applied.
  await expect(page.getByText(/^\d+ attendees · 0 seated at 12 tables$/)).toBeVisible();
  await page.getByRole('button', { name: 'Apply this seating' }).click();
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
  const warnings = page.getByRole('list', { name: 'Seating warnings' });
  await expect(warnings).toContainText('Table 1 has no one with lived experience');
  // Each warning is shown once, with what to do about it.
  const texts = await warnings.getByRole('listitem').allInnerTexts();
  expect(new Set(texts).size).toBe(texts.length);
  for (const text of texts) expect(text).toContain('What to do:');
  await expect(page.getByText(/constraints the plan could not meet/)).toHaveCount(0);
});

test('scarce voices: the plan names the table left without lived experience or a carer and offers fewer tables', async ({ page }) => {
  await createEventViaUi(page, 'Scarce voices', 6);
  const others = ['Voluntary, community and social enterprise sector', 'Housing', 'Social care', 'Public health', 'Local authority'];
  const rows = [
    ...['Ada Lane', 'Bo Reyes'].map((name) => `${name},,People with lived experience / service users`),
    ...['Cy Moss', 'Di Park', 'Ed Shaw'].map((name) => `${name},,Carers and family`),
    ...Array.from({ length: 31 }, (_, index) => `Person ${index},Org ${index % 9},"${others[index % others.length]}"`),
  ];
  await page.getByRole('link', { name: 'Attendees and seating' }).click();
  await page.getByLabel('Attendee CSV file').setInputFiles({ name: 'scarce.csv', mimeType: 'text/csv', buffer: Buffer.from(`name,organisation,stakeholder group\n${rows.join('\n')}\n`) });
  await page.getByRole('button', { name: 'Import 36 attendees' }).click();
  await page.getByRole('button', { name: 'Plan seating for everyone' }).click();

  const gap = page.locator('[data-priority-gap]');
  await expect(gap).toHaveText(/^Table \d has no one with lived experience or from carers and family\. Seat people at 5 tables instead of 6, or invite 1 more person with lived experience or from carers and family\.$/);
  // The grid shows which groups sit at each table: exactly one table has neither priority group.
  const grid = page.getByRole('table', { name: 'Groups present at each table' });
  const priorityCells = await grid.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent?.trim())));
  expect(priorityCells.filter((cells) => cells.every((cell) => cell === '–'))).toHaveLength(1);
  expect(priorityCells.flat().filter((cell) => cell !== '–').every((cell) => cell === '1')).toBe(true);
  // Named once: in the proposal with its choices, not again in the list below.
  await expect(page.getByText(/has no one with lived experience/)).toHaveCount(1);
  await expectNoSeriousViolations(page, 'seating proposal with its warnings and grid');

  await page.getByRole('button', { name: 'Plan for 5 tables instead' }).click();
  await expect(page.getByRole('region', { name: 'Proposed seating' })).toContainText('Proposed seating at 5 tables');
  await expect(gap).toHaveCount(0);
});

test('a table marked step-free on the seating page is used for people who need it', async ({ page }) => {
  const { eventId } = await createEventViaUi(page, 'Table attributes', 3);
  const event = openAsFacilitator(await storedFacilitatorToken(page, eventId), `event/${eventId}`);
  await event.ready;
  const rows = [
    'Ada Lane,,People with lived experience / service users',
    'Bo Reyes,,Carers and family',
    'Cy Moss,,People with lived experience / service users',
    'Di Park,Mind,Housing,,step-free access',
    'Ed Shaw,Council,Social care,,hearing loop',
    'Fay Hill,Trust,Public health',
    'Gil Ray,Surgery,Primary care',
    'Hal Dunn,Police,Police and criminal justice',
    'Ivy Cole,Charity,"Voluntary, community and social enterprise sector"',
  ];
  await page.getByRole('link', { name: 'Attendees and seating' }).click();
  await page.getByLabel('Attendee CSV file').setInputFiles({ name: 'needs.csv', mimeType: 'text/csv', buffer: Buffer.from(`name,organisation,stakeholder group,email,needs\n${rows.join('\n')}\n`) });
  await page.getByRole('button', { name: 'Import 9 attendees' }).click();
  await page.getByRole('button', { name: 'Plan seating for everyone' }).click();
  const warnings = page.getByRole('list', { name: 'Seating warnings' });
  await expect(warnings.locator('[data-constraint="step_free"]')).toContainText('Mark a table "Step-free" in setup or on the seating page');

  const tableThree = page.getByRole('region', { name: /^Table 3 / });
  await tableThree.getByText('What this table offers').click();
  await tableThree.getByLabel('Step-free').check();
  await tableThree.getByLabel('Hearing loop').check();
  await expect.poll(() => (event.doc.getMap<{ stepFree: boolean; hearingLoop: boolean }>('tables').get('t3'))?.stepFree).toBe(true);
  await page.getByRole('button', { name: 'Plan seating for everyone' }).click();
  await expect(warnings).toHaveCount(0);
  await page.getByRole('button', { name: 'Apply this seating' }).click();
  await expect(tableThree.getByRole('listitem').filter({ hasText: 'Di Park' })).toBeVisible();
  await expect(tableThree.getByRole('listitem').filter({ hasText: 'Ed Shaw' })).toBeVisible();
  event.destroy();
});
