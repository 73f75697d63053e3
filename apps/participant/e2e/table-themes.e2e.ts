/**
 * Each table's own theme board, live on every phone at the table: two phones group notes by tap, through
 * the outline (screen-reader) view, offline, and while a note is deleted under them.
 */
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { addNote as addNoteToDoc, readTable, removeNote, setPhase } from '@tablemap/model';
import type { SyncedDoc } from '@tablemap/sync-client';
import { createEvent, expectNoSeriousAxeViolations, facilitatorDoc, facilitatorTableDoc, flushed, joinByQrLink, type TestEvent } from './helpers.ts';

const NOTES = [
  { text: 'Eighteen months on the waiting list for talking therapies', group: 'carer' },
  { text: 'Nobody tells you where you are in the queue', group: 'lived_experience' },
  { text: 'GP referral bounced back twice', group: 'primary_care' },
  { text: 'The peer group in the library is a lifeline', group: 'vcse' },
];

let event: TestEvent;
let tableNumber = 0;
const docs: SyncedDoc[] = [];

test.beforeAll(async () => {
  event = await createEvent('Theme boards', 6);
});

test.afterAll(() => {
  for (const doc of docs) doc.destroy();
});

/** A fresh table with the four notes above, written as the facilitator would see them arrive. */
async function tableWithNotes(): Promise<{ tableId: string; tableDoc: SyncedDoc; noteIds: string[] }> {
  tableNumber += 1;
  const tableId = `t${tableNumber}`;
  const tableDoc = await facilitatorTableDoc(event, tableId);
  docs.push(tableDoc);
  const noteIds = NOTES.map((note, index) => addNoteToDoc(tableDoc.doc, { text: note.text, kind: 'observation' }, { group: note.group, participantId: `seed${index}` }));
  await flushed(tableDoc);
  return { tableId, tableDoc, noteIds };
}

async function phone(browser: Browser, testInfo: TestInfo, tableId: string, group: string): Promise<Page> {
  const context = await browser.newContext({ ...testInfo.project.use });
  const page = await context.newPage();
  await joinByQrLink(page, event, tableId, group);
  return page;
}

const board = (page: Page) => page.getByTestId('table-theme-board');
const themeCard = (page: Page, title: string) => board(page).locator('[data-table-theme-id]').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

async function openThemes(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /^Themes/ }).tap();
  await expect(board(page)).toBeVisible();
}

/** The tap path: tick notes, "Move to theme…", "A new theme…", name it. */
async function groupIntoNewTheme(page: Page, notes: readonly { text: string }[], title: string): Promise<void> {
  for (const note of notes) await board(page).getByRole('checkbox', { name: `Select note: ${note.text}` }).check();
  await page.getByRole('button', { name: 'Move to theme…' }).tap();
  const count = notes.length === 1 ? 'note' : `${notes.length} notes`;
  await page.getByRole('dialog', { name: `Move ${count} to theme` }).getByRole('button', { name: 'A new theme…' }).tap();
  const form = page.getByRole('dialog', { name: `New theme for ${notes.length === 1 ? '1 note' : count}` });
  await form.getByLabel('Theme title').fill(title);
  await form.getByRole('button', { name: 'Make theme' }).tap();
}

/** Takes a phone offline once its app shell is cached. */
async function goOffline(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.context().setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
}

async function goOnline(page: Page): Promise<void> {
  await page.context().setOffline(false);
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 20_000 });
}

/** What a phone shows: each theme's title with its notes' texts, and the unsorted notes. */
async function boardContents(page: Page): Promise<string[][]> {
  return board(page)
    .locator('[data-drop-theme]')
    .evaluateAll((zones) =>
      zones.map((zone) => [zone.querySelector('h3')?.textContent?.trim() ?? '', ...[...zone.querySelectorAll('.note-text')].map((note) => note.textContent ?? '').sort()]),
    );
}

test('two phones at one table: one makes a theme and moves three notes in by tap, the other sees it and renames it', async ({ browser }, testInfo) => {
  const { tableId, tableDoc } = await tableWithNotes();
  const first = await phone(browser, testInfo, tableId, 'Carers and family');
  const second = await phone(browser, testInfo, tableId, 'Housing');
  await openThemes(first);
  await openThemes(second);

  for (const note of NOTES.slice(0, 3)) await board(first).getByRole('checkbox', { name: `Select note: ${note.text}` }).check();
  await expect(first.getByRole('group', { name: 'Selected notes' })).toContainText('3 selected');
  await first.getByRole('button', { name: 'Move to theme…' }).tap();
  await first.getByRole('dialog', { name: 'Move 3 notes to theme' }).getByRole('button', { name: 'A new theme…' }).tap();
  const form = first.getByRole('dialog', { name: 'New theme for 3 notes' });
  await form.getByLabel('Theme title').fill('Waiting times');
  await form.getByLabel('One-line description (optional)').fill('Months before any help');
  await form.getByRole('button', { name: 'Make theme' }).tap();

  // Live on the other phone: the theme, its three notes and the groups behind them.
  const seen = themeCard(second, 'Waiting times');
  await expect(seen).toBeVisible({ timeout: 1_000 });
  await expect(seen.getByTestId('table-theme-note-count')).toHaveText('3 notes');
  await expect(seen.getByRole('list', { name: 'Stakeholder groups in this theme' }).getByRole('listitem')).toHaveText([
    /Carers and family · 1/,
    /People with lived experience · 1/,
    /Primary care · 1/,
  ]);
  await expect(second.getByRole('tab', { name: /^Themes\W+1$/ })).toBeVisible();

  await seen.getByRole('button', { name: 'Theme actions: Waiting times' }).tap();
  await second.getByRole('menuitem', { name: 'Rename' }).tap();
  const rename = second.getByRole('dialog', { name: 'Rename “Waiting times”' });
  await expect(rename.getByLabel('Theme title')).toHaveValue('Waiting times');
  await rename.getByLabel('Theme title').fill('Waiting for a first appointment');
  await rename.getByRole('button', { name: 'Save' }).tap();

  await expect(themeCard(first, 'Waiting for a first appointment')).toBeVisible();
  const expected = [
    ['Waiting for a first appointment', ...NOTES.slice(0, 3).map((note) => note.text).sort()],
    ['Not in a theme yet (1)', NOTES[3]!.text],
  ];
  await expect.poll(() => boardContents(first)).toEqual(expected);
  await expect.poll(() => boardContents(second)).toEqual(expected);
  await expect.poll(() => readTable(tableDoc.doc).tableThemes.map((theme) => [theme.title, theme.description, theme.noteIds.length])).toEqual([
    ['Waiting for a first appointment', 'Months before any help', 3],
  ]);
  await expectNoSeriousAxeViolations(first);
  await first.context().close();
  await second.context().close();
});

test('the same through the outline view: move, make, merge and rename with buttons only', async ({ browser }, testInfo) => {
  const { tableId, tableDoc } = await tableWithNotes();
  const first = await phone(browser, testInfo, tableId, 'Carers and family');
  const second = await phone(browser, testInfo, tableId, 'Housing');
  for (const page of [first, second]) await page.getByRole('tab', { name: /^Outline/ }).tap();
  const outline = (page: Page) => page.getByTestId('table-theme-outline');

  await outline(first).getByRole('button', { name: `Move to theme: ${NOTES[0]!.text.slice(0, 50)}` }).tap();
  await first.getByRole('dialog', { name: 'Move note to theme' }).getByRole('button', { name: 'A new theme…' }).tap();
  await first.getByRole('dialog', { name: 'New theme for 1 note' }).getByLabel('Theme title').fill('Waiting');
  await first.getByRole('dialog', { name: 'New theme for 1 note' }).getByRole('button', { name: 'Make theme' }).tap();
  for (const note of NOTES.slice(1, 3)) {
    await outline(first).getByRole('button', { name: `Move to theme: ${note.text.slice(0, 50)}` }).tap();
    await first.getByRole('dialog', { name: 'Move note to theme' }).getByRole('button', { name: /^Waiting/ }).tap();
  }
  // A second theme, then merged into the first: notes follow, one theme is left.
  await outline(first).getByRole('button', { name: `Move to theme: ${NOTES[3]!.text.slice(0, 50)}` }).tap();
  await first.getByRole('dialog', { name: 'Move note to theme' }).getByRole('button', { name: 'A new theme…' }).tap();
  await first.getByRole('dialog', { name: 'New theme for 1 note' }).getByLabel('Theme title').fill('Queues');
  await first.getByRole('dialog', { name: 'New theme for 1 note' }).getByRole('button', { name: 'Make theme' }).tap();
  await outline(first).getByRole('button', { name: 'Merge theme: Queues' }).tap();
  await first.getByRole('dialog', { name: 'Merge “Queues” into…' }).getByRole('button', { name: /^Waiting/ }).tap();

  // The other phone reads the same board as nested lists and renames it.
  const notesIn = (page: Page, title: string) => outline(page).getByRole('list', { name: `Notes in ${title}` }).getByRole('listitem');
  await expect(notesIn(second, 'Waiting')).toHaveCount(4);
  await outline(second).getByRole('button', { name: 'Rename theme: Waiting' }).tap();
  await second.getByRole('dialog', { name: 'Rename “Waiting”' }).getByLabel('Theme title').fill('Long waits');
  await second.getByRole('dialog', { name: 'Rename “Waiting”' }).getByRole('button', { name: 'Save' }).tap();
  await expect(notesIn(first, 'Long waits')).toHaveCount(4);
  await expect(outline(first).getByRole('list', { name: 'Notes not in a theme' }).getByRole('listitem')).toHaveCount(0);

  // Take one out again, by button.
  await outline(second).getByRole('button', { name: `Take out of theme: ${NOTES[3]!.text.slice(0, 50)}` }).tap();
  await expect(outline(first).getByRole('list', { name: 'Notes not in a theme' }).getByRole('listitem')).toHaveText([new RegExp(NOTES[3]!.text)]);
  await expect.poll(() => readTable(tableDoc.doc).tableThemes.map((theme) => [theme.title, theme.noteIds.length])).toEqual([['Long waits', 3]]);
  await expectNoSeriousAxeViolations(first);
  await first.context().close();
  await second.context().close();
});

test('a phone groups notes offline; the board converges after it reconnects', async ({ browser }, testInfo) => {
  const { tableId, tableDoc } = await tableWithNotes();
  const first = await phone(browser, testInfo, tableId, 'Carers and family');
  const second = await phone(browser, testInfo, tableId, 'Housing');
  await openThemes(first);
  await openThemes(second);

  await goOffline(first);
  await groupIntoNewTheme(first, NOTES.slice(0, 2), 'Waiting');
  await expect(first.getByRole('status').filter({ hasText: /Offline · \d+ changes? waiting/ })).toBeVisible();

  // Meanwhile the other phone, online, groups another note.
  await groupIntoNewTheme(second, [NOTES[3]!], 'Peer support');
  await expect(themeCard(second, 'Waiting')).toHaveCount(0);

  await goOnline(first);
  await expect.poll(() => boardContents(second)).toEqual(await boardContents(first));
  const contents = await boardContents(first);
  expect(contents.map((zone) => zone[0]).sort()).toEqual(['Not in a theme yet (1)', 'Peer support', 'Waiting']);
  await expect.poll(() => readTable(tableDoc.doc).tableThemes.map((theme) => theme.noteIds.length).sort()).toEqual([1, 2]);
  await first.context().close();
  await second.context().close();
});

test('a note deleted while another phone moves it into a theme leaves no dangling reference', async ({ browser }, testInfo) => {
  const { tableId, tableDoc, noteIds } = await tableWithNotes();
  const first = await phone(browser, testInfo, tableId, 'Carers and family');
  await openThemes(first);

  await goOffline(first);
  await groupIntoNewTheme(first, NOTES.slice(0, 2), 'Waiting');
  await expect(themeCard(first, 'Waiting').getByTestId('table-theme-note-count')).toHaveText('2 notes');

  // Meanwhile the first note is deleted (its author, or a facilitator moderating).
  removeNote(tableDoc.doc, noteIds[0]!, { group: 'carer', participantId: 'facilitator', isFacilitator: true });
  await flushed(tableDoc);

  await goOnline(first);
  await expect(themeCard(first, 'Waiting').getByTestId('table-theme-note-count')).toHaveText('1 note');
  await expect(board(first)).not.toContainText(NOTES[0]!.text);
  await expect.poll(() => readTable(tableDoc.doc).tableThemes.map((theme) => theme.noteIds)).toEqual([[noteIds[1]]]);
  expect(readTable(tableDoc.doc).problems).toEqual([{ collection: 'notePlacements', key: noteIds[0], reason: 'places a note that was deleted' }]);
  await first.context().close();
});

test('in the Themes phase phones open on the theme board @both', async ({ page }) => {
  const { tableId } = await tableWithNotes();
  await joinByQrLink(page, event, tableId, 'Carers and family');
  await expect(board(page)).toHaveCount(0);
  const eventDoc = await facilitatorDoc(event);
  docs.push(eventDoc);
  setPhase(eventDoc.doc, 'themes');
  await expect(board(page)).toBeVisible();
  await expect(page.getByRole('tab', { name: /^Themes/ })).toHaveAttribute('aria-selected', 'true');
  setPhase(eventDoc.doc, 'mapping');
  await flushed(eventDoc);
});
