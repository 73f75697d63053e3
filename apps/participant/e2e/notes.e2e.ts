import { expect, test, type Page } from '@playwright/test';
import { setEventDetails, setPhase } from '@tablemap/model';
import { createEvent, expectNoSeriousAxeViolations, facilitatorDoc, flushed, joinByQrLink, type TestEvent } from './helpers.ts';

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Notes and votes');
});

async function addNote(page: Page, kind: string, text: string) {
  await page.getByRole('radio', { name: kind, exact: true }).check();
  await page.getByLabel('Your note').fill(text);
  await page.getByRole('button', { name: 'Add note' }).tap();
  await expect(page.locator('.note').filter({ hasText: text })).toBeVisible();
}

test('a note of each kind, edit and delete own notes, script shows as text, then vote to the limit', async ({ page }) => {
  await page.addInitScript(() => ((window as unknown as { pwned: boolean }).pwned = false));
  await joinByQrLink(page, event, 't1', 'People with lived experience / service users');
  await page.getByRole('tab', { name: /^Notes/ }).tap();
  await expectNoSeriousAxeViolations(page);

  const kinds = ['Observation', 'Quote', 'Gap', 'Idea', 'Question'];
  for (const kind of kinds) await addNote(page, kind, `${kind} about waiting lists`);
  const script = '<script>window.pwned = true</script><img src=x onerror="window.pwned=true">';
  await addNote(page, 'Gap', script);
  await expect(page.locator('.note .text').filter({ hasText: script })).toHaveText(script);
  expect(await page.evaluate(() => (window as unknown as { pwned: boolean }).pwned)).toBe(false);

  // Notes carry the stakeholder group only.
  const first = page.locator('.note').filter({ hasText: 'Quote about' });
  await expect(first).toContainText('People with lived experience / service users (you)');
  await expect(first.locator('.tm-badge')).toHaveText('Quote');

  // An empty note is refused with a message and nothing is added.
  await page.getByLabel('Your note').fill('   ');
  await page.getByRole('button', { name: 'Add note' }).tap();
  await expect(page.getByText('Note text is required')).toBeVisible();
  await expect(page.locator('.note')).toHaveCount(6);

  await first.getByRole('button', { name: /^Edit note/ }).tap();
  await page.getByLabel('Edit your note').fill('An edited quote');
  await page.getByRole('button', { name: 'Save note' }).tap();
  await expect(page.locator('.note').filter({ hasText: 'An edited quote' })).toBeVisible();
  await page.locator('.note').filter({ hasText: 'Question about' }).getByRole('button', { name: /^Delete note/ }).tap();
  await expect(page.locator('.note')).toHaveCount(5);

  // Voting: the facilitator opens voting with 2 votes each.
  const facilitator = await facilitatorDoc(event);
  setEventDetails(facilitator.doc, { votesPerParticipant: 2, allowStackedVotes: false });
  setPhase(facilitator.doc, 'voting');
  await flushed(facilitator);
  await expect(page.getByText('You have 2 of 2 votes left.')).toBeVisible();
  const idea = page.locator('.note').filter({ hasText: 'Idea about' });
  const gap = page.locator('.note').filter({ hasText: 'Gap about waiting' });
  const observation = page.locator('.note').filter({ hasText: 'Observation about' });
  await idea.getByRole('button', { name: /^Vote for/ }).tap();
  await expect(page.getByText('You have 1 of 2 votes left.')).toBeVisible();
  await idea.getByRole('button', { name: /^Vote for/ }).tap();
  await expect(page.getByRole('alert').filter({ hasText: 'already voted for this note' })).toBeVisible();
  await gap.getByRole('button', { name: /^Vote for/ }).tap();
  await expect(page.getByText('You have 0 of 2 votes left.')).toBeVisible();
  await observation.getByRole('button', { name: /^Vote for/ }).tap();
  await expect(page.getByRole('alert').filter({ hasText: 'You have used all 2 of your votes' })).toBeVisible();
  await expect(observation).toContainText('Votes: 0');
  await expectNoSeriousAxeViolations(page);

  // Taking one back frees a vote.
  await gap.getByRole('button', { name: /^Take back vote/ }).tap();
  await expect(page.getByText('You have 1 of 2 votes left.')).toBeVisible();
  await observation.getByRole('button', { name: /^Vote for/ }).tap();
  await expect(observation).toContainText('Votes: 1 (yours: 1)');
  facilitator.destroy();
});
