import { expect, test, type Page } from '@playwright/test';
import {
  assignNoteToTheme,
  createTheme,
  noteRef,
  readEvent,
  readTable,
  setCurrentPrompt,
  setEventDetails,
  setPhase,
  setTableLocked,
  startTimer,
  synthesisDocName,
} from '@tablemap/model';
import type { SyncedDoc } from '@tablemap/sync-client';
import {
  BASE_URL,
  createEvent,
  expectNoSeriousAxeViolations,
  facilitatorDoc,
  facilitatorTableDoc,
  flushed,
  joinByQrLink,
  type TestEvent,
} from './helpers.ts';

async function serverNow(): Promise<number> {
  const response = await fetch(`${BASE_URL}/api/time`);
  return ((await response.json()) as { now: number }).now;
}

async function addNote(page: Page, text: string): Promise<string> {
  await page.getByLabel('Your note').fill(text);
  await page.getByRole('button', { name: 'Add note' }).tap();
  const note = page.locator('.note').filter({ hasText: text });
  await expect(note).toBeVisible();
  return (await note.getAttribute('data-note-id'))!;
}

/** Seconds shown by the phone's countdown ("mm:ss"). */
async function shownSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId('timer-display').textContent()) ?? '';
  const match = /^(\d+):(\d\d)$/.exec(text.trim());
  expect(match, `countdown "${text}"`).not.toBeNull();
  return Number(match![1]) * 60 + Number(match![2]);
}

let event: TestEvent;
let eventDoc: SyncedDoc;
let synthesis: SyncedDoc;

test.beforeEach(async () => {
  event = await createEvent('Themes and votes');
  eventDoc = await facilitatorDoc(event);
  synthesis = await facilitatorDoc(event, synthesisDocName(event.eventId));
});

test.afterEach(() => {
  eventDoc.destroy();
  synthesis.destroy();
});

test('themes are read-only on the phone; theme and note votes share one budget; the facilitator sees them by group', async ({
  page,
}) => {
  setEventDetails(eventDoc.doc, { votesPerParticipant: 3, allowStackedVotes: false });
  const [first, second] = readEvent(eventDoc.doc).prompts;
  setCurrentPrompt(eventDoc.doc, first!.id);
  await flushed(eventDoc);

  await joinByQrLink(page, event, 't1', 'Carers and family');
  // No themes yet: the Themes view opens on the table's own, empty, board and says so.
  await page.getByRole('tab', { name: /^Themes/ }).tap();
  await expect(page.getByTestId('table-theme-board')).toContainText('No themes yet.');
  await expect(page.getByRole('region', { name: 'Event themes' })).toHaveCount(0);
  await page.getByRole('tab', { name: /^Notes/ }).tap();
  const waitingId = await addNote(page, 'Waiting lists for talking therapies are long');
  await addNote(page, 'The crisis line never answers');

  // A note under another prompt, then the filter by prompt.
  setCurrentPrompt(eventDoc.doc, second!.id);
  await flushed(eventDoc);
  await expect(page.getByRole('region', { name: 'Current prompt' })).toContainText(second!.text);
  await addNote(page, 'Peer groups meet in the library');
  await page.getByRole('radio', { name: 'This prompt only' }).check();
  await expect(page.locator('.note')).toHaveCount(1);
  await expect(page.locator('.note')).toContainText('Peer groups meet in the library');
  await expect(page.getByText('Showing 1 of 3 notes.')).toBeVisible();
  await page.getByRole('radio', { name: 'All prompts' }).check();
  await expect(page.locator('.note')).toHaveCount(3);

  // The facilitator makes two themes and puts one of this table's notes in the first.
  const access = createTheme(synthesis.doc, {
    title: 'Access to talking therapies',
    description: 'Long waits and unclear routes in.',
    isGap: true,
  });
  const peer = createTheme(synthesis.doc, { title: 'Peer support works', isKeyMessage: true });
  assignNoteToTheme(synthesis.doc, noteRef('t1', waitingId), access);
  await flushed(synthesis);

  await page.getByRole('tab', { name: /^Themes/ }).tap();
  // The tab counts the table's own themes (none here); the facilitators' themes show under that board.
  await expect(page.getByRole('tab', { name: /^Themes$/ })).toHaveAttribute('aria-selected', 'true');
  const panel = page.getByRole('region', { name: 'Event themes' });
  // Every button but the one that shows a theme's notes is an action (vote, take back).
  const actionButtons = panel.getByRole('button').filter({ hasNotText: "Your table's notes in" });
  const accessCard = panel
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Access to talking therapies' }) });
  const peerCard = panel
    .getByRole('listitem')
    .filter({ has: page.getByRole('heading', { name: 'Peer support works' }) });
  await expect(accessCard).toContainText('Long waits and unclear routes in.');
  await expect(accessCard.locator('.tm-badge')).toHaveText(['Gap']);
  await expect(accessCard).toContainText('1 note from your table');
  await expect(peerCard.locator('.tm-badge')).toHaveText(['Key message']);
  await expect(peerCard).toContainText('No notes from your table yet');
  // Read-only: nothing to type into and no action until voting opens.
  await expect(panel.getByRole('textbox')).toHaveCount(0);
  await expect(actionButtons).toHaveCount(0);
  await accessCard.getByText("Your table's notes in").tap();
  await expect(accessCard).toContainText('Waiting lists for talking therapies are long');
  await expectNoSeriousAxeViolations(page);

  // Voting opens: 3 votes for notes and themes together.
  setPhase(eventDoc.doc, 'voting');
  await flushed(eventDoc);
  await expect(page.getByText('You have 3 of 3 votes left.')).toBeVisible();
  const voteAccess = page.getByRole('button', { name: 'Vote for theme: Access to talking therapies', exact: true });
  const votePeer = page.getByRole('button', { name: 'Vote for theme: Peer support works', exact: true });
  expect((await voteAccess.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await voteAccess.tap();
  await expect(page.getByText('You have 2 of 3 votes left.')).toBeVisible();
  await voteAccess.tap();
  await expect(page.getByRole('alert').filter({ hasText: 'You have already voted for this theme.' })).toBeVisible();
  await expect(page.getByText('You have 2 of 3 votes left.')).toBeVisible();
  await votePeer.tap();
  await expect(page.getByText('You have 1 of 3 votes left.')).toBeVisible();
  await expect(accessCard).toContainText('Votes from your table: 1 (yours: 1)');

  // A note vote spends the same budget.
  await page.getByRole('tab', { name: /^Notes/ }).tap();
  await expect(page.getByText('You have 1 of 3 votes left.')).toBeVisible();
  await page
    .locator('.note')
    .filter({ hasText: 'crisis line' })
    .getByRole('button', { name: /^Vote for/ })
    .tap();
  await expect(page.getByText('You have 0 of 3 votes left.')).toBeVisible();
  await expect(page.locator('.note').filter({ hasText: 'Waiting lists' })).toContainText(
    'Theme: Access to talking therapies',
  );

  // Beyond the limit, on a theme: refused with a message, nothing changes.
  await page.getByRole('tab', { name: /^Themes/ }).tap();
  await expect(page.getByText('You have 0 of 3 votes left.')).toBeVisible();
  await voteAccess.tap();
  await expect(page.getByRole('alert').filter({ hasText: 'You have used all 3 of your votes' })).toBeVisible();
  await expect(accessCard).toContainText('Votes from your table: 1 (yours: 1)');
  await expectNoSeriousAxeViolations(page);

  // Take one back.
  await page.getByRole('button', { name: 'Take back vote for theme: Peer support works' }).tap();
  await expect(page.getByText('You have 1 of 3 votes left.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Take back vote for theme: Peer support works' })).toHaveCount(0);

  // The facilitator's own client reads the theme votes, broken down by the phone's group.
  const tableDoc = await facilitatorTableDoc(event, 't1');
  await expect
    .poll(() => readTable(tableDoc.doc).themeVotes[access])
    .toMatchObject({ total: 1, byGroup: { carer: 1 } });
  expect(readTable(tableDoc.doc).themeVotes[peer]?.total ?? 0).toBe(0);
  tableDoc.destroy();

  // A 360 px wide phone: nothing spills sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // Locked table, then a closed event: the themes stay readable, the voting controls go.
  setTableLocked(eventDoc.doc, 't1', true);
  await flushed(eventDoc);
  await expect(page.getByText('The facilitator has locked this table for now.')).toBeVisible();
  await expect(actionButtons).toHaveCount(0);
  setTableLocked(eventDoc.doc, 't1', false);
  await flushed(eventDoc);
  await expect(voteAccess).toBeVisible();
  setPhase(eventDoc.doc, 'closed');
  await flushed(eventDoc);
  await expect(page.getByText('The event is closed')).toBeVisible();
  await expect(actionButtons).toHaveCount(0);
  await expect(accessCard).toContainText('Votes from your table: 1');
});

for (const { shiftMs, wrong } of [
  { shiftMs: 7 * 60_000, wrong: '7 minutes fast' },
  { shiftMs: -3 * 3_600_000, wrong: '3 hours slow' },
]) {
  test(`the round countdown follows the server clock even when the phone clock is ${wrong}`, async ({ page }) => {
    await page.addInitScript((shift) => {
      const realNow = Date.now.bind(Date);
      Date.now = () => realNow() + shift;
    }, shiftMs);
    await joinByQrLink(page, event, 't2');
    expect(Math.abs((await page.evaluate(() => Date.now())) - Date.now() - shiftMs)).toBeLessThan(5_000);
    await expect(page.getByRole('timer')).toHaveCount(0);

    const durationMs = 5 * 60_000;
    const startedAt = await serverNow();
    startTimer(eventDoc.doc, durationMs, startedAt);
    await flushed(eventDoc);
    const timer = page.getByRole('timer');
    await expect(timer).toBeVisible();
    await expect(timer).toHaveAttribute('aria-live', 'off');
    await expect(page.getByText('Time left in this round')).toBeVisible();

    for (let check = 0; check < 2; check++) {
      const before = await serverNow();
      const shown = await shownSeconds(page);
      const after = await serverNow();
      // The display rounds up (05:00 for 4 min 59.2 s left), so compare like with like.
      const expected = Math.ceil((startedAt + durationMs - (before + after) / 2) / 1000);
      expect(Math.abs(shown - expected), `shown ${shown}s, expected ${expected}s`).toBeLessThanOrEqual(1);
      if (check === 0) await page.waitForTimeout(2_100);
    }
    // Nothing has been announced during a minute-long countdown's ordinary ticks.
    await expect(page.getByTestId('timer-announcement')).toHaveText('');
    await expectNoSeriousAxeViolations(page);

    // Crossing one minute left is announced once, politely; reaching zero likewise.
    startTimer(eventDoc.doc, 62_000, await serverNow());
    await flushed(eventDoc);
    await expect(page.getByTestId('timer-announcement')).toHaveText('One minute left in this round.', {
      timeout: 6_000,
    });
    await expect(page.getByTestId('timer-announcement')).toHaveAttribute('aria-live', 'polite');
    startTimer(eventDoc.doc, 2_000, await serverNow());
    await flushed(eventDoc);
    await expect(page.getByTestId('timer-announcement')).toHaveText('Time is up for this round.', { timeout: 6_000 });
    await expect(page.getByTestId('timer-display')).toHaveText('00:00');
  });
}
