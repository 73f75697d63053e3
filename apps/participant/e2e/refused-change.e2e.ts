import { expect, test } from '@playwright/test';
import { readTable, setEventDetails, setPhase } from '@tablemap/model';
import { createEvent, facilitatorDoc, facilitatorTableDoc, flushed, joinByQrLink } from './helpers.ts';

/**
 * A phone whose offline work breaks a rule the server enforces (here: the vote budget, lowered by the
 * facilitator while the phone was away) has that one change refused (4422). The phone must not sit
 * refused: it reopens the table from the server, keeps its other offline edits, tells the person, and is live.
 */
test('a change refused by the server is dropped, the phone keeps its other offline edits and is live again', async ({ page, context }) => {
  // The recovery once crashed the page (an effect loop showed the error page): no script error is allowed.
  const scriptErrors: string[] = [];
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  page.on('console', (message) => void (message.type() === 'error' && /effect_|Internal Error/.test(message.text()) && scriptErrors.push(message.text())));
  const event = await createEvent('Refused change');
  const facilitator = await facilitatorDoc(event);
  const tableDoc = await facilitatorTableDoc(event, 't1');
  setEventDetails(facilitator.doc, { votesPerParticipant: 2, allowStackedVotes: false });
  setPhase(facilitator.doc, 'voting');
  await flushed(facilitator);

  await joinByQrLink(page, event, 't1', 'Housing');
  await page.getByRole('tab', { name: /^Notes/ }).tap();
  for (const text of ['Waiting lists are long', 'No crisis café at weekends']) {
    await page.getByRole('radio', { name: 'Gap', exact: true }).check();
    await page.getByLabel('Your note').fill(text);
    await page.getByRole('button', { name: 'Add note' }).tap();
    await expect(page.locator('.note').filter({ hasText: text })).toBeVisible();
  }
  await expect.poll(() => readTable(tableDoc.doc).notes.length).toBe(2);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

  // Offline: a new note, and both votes spent (the phone still believes it has 2).
  await context.setOffline(true);
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible();
  await page.getByRole('radio', { name: 'Idea', exact: true }).check();
  await page.getByLabel('Your note').fill('Written on the train');
  await page.getByRole('button', { name: 'Add note' }).tap();
  for (const text of ['Waiting lists are long', 'No crisis café at weekends']) {
    await page.locator('.note').filter({ hasText: text }).getByRole('button', { name: /^Vote for/ }).tap();
  }
  await expect(page.getByText('You have 0 of 2 votes left.')).toBeVisible();

  // Meanwhile the facilitator allows one vote each.
  setEventDetails(facilitator.doc, { votesPerParticipant: 1, allowStackedVotes: false });
  await flushed(facilitator);

  const tableSockets: string[] = [];
  page.on('websocket', (socket) => void (socket.url().includes('/sync/table/') && tableSockets.push(socket.url())));
  await context.setOffline(false);
  await expect(page.getByText(/One change could not be saved/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible({ timeout: 10_000 });
  // Refused once, reopened once: the carried-over vote was checked against the server's budget of 1, not
  // the phone's cached 2, so the reopened table is not refused a second time.
  expect(tableSockets).toHaveLength(2);

  // The server holds the offline note and one vote, never two; the phone shows the same.
  await expect.poll(() => readTable(tableDoc.doc).notes.map((note) => note.text).sort(), { timeout: 10_000 }).toEqual([
    'No crisis café at weekends',
    'Waiting lists are long',
    'Written on the train',
  ]);
  const myVotes = () => Object.values(readTable(tableDoc.doc).votesByVoter).reduce((sum, used) => sum + used, 0);
  await expect.poll(myVotes).toBe(1);
  await expect(page.getByText('You have 0 of 1 vote left.')).toBeVisible();
  await expect(page.locator('.note').filter({ hasText: 'Written on the train' })).toBeVisible();

  // And it can keep working: taking the vote back and writing again both reach the server.
  await page.locator('.note').getByRole('button', { name: /^Take back vote/ }).first().tap();
  await expect.poll(myVotes).toBe(0);
  expect(scriptErrors).toEqual([]);
  facilitator.destroy();
  tableDoc.destroy();
});
