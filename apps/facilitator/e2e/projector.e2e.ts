import { expect, test } from '@playwright/test';
import { addNote, addOrganisation, castVote } from './model-helpers.ts';
import { createEventViaUi, joinAsParticipant, openTableAs, projectorUrl } from './helpers.ts';

test('the projector shows the prompt, the spotlighted map, and the top-voted notes while voting', async ({ page, browser }) => {
  const { joinCode } = await createEventViaUi(page, 'Projector test', 2);
  const link = await projectorUrl(page);
  const screen = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await screen.goto(link);
  // The token is moved out of the address bar.
  await expect(screen).toHaveURL(/\/projector$/);
  await expect(screen.getByTestId('projector-prompt')).toHaveText('No prompt yet');

  const phone = await joinAsParticipant(joinCode, 't2', 'housing');
  const table = await openTableAs(phone);
  const actor = { group: 'housing', participantId: phone.participantId };
  addOrganisation(table.doc, { name: 'Riverside Housing', sector: 'housing' }, actor);

  await page.getByLabel('Current prompt').selectOption({ label: '1. Communities and connections' });
  await expect(screen.getByTestId('projector-prompt')).toHaveText('Communities and connections', { timeout: 2000 });

  await page.getByLabel('Spotlight', { exact: true }).selectOption({ label: 'Table 2' });
  await expect(screen.getByRole('heading', { name: 'Spotlight: Table 2' })).toBeVisible({ timeout: 2000 });
  await expect(screen.getByRole('img', { name: 'Map of Table 2' })).toBeVisible();
  await expect(screen.getByText('1 organisations · 0 links')).toBeVisible();

  const popular = addNote(table.doc, { text: 'Nobody knows the crisis café exists', kind: 'gap' }, actor);
  addNote(table.doc, { text: 'A quieter note', kind: 'idea' }, actor);
  castVote(table.doc, popular, actor, { votesPerParticipant: 3, allowStackedVotes: false });
  await page.getByRole('radio', { name: 'Voting' }).check();
  const top = screen.getByRole('region', { name: 'Most voted notes' });
  await expect(top.getByRole('listitem')).toHaveCount(1, { timeout: 2000 });
  await expect(top.getByRole('listitem').first()).toContainText('Nobody knows the crisis café exists');
  await expect(top.getByRole('listitem').first()).toContainText('1 vote');
  table.destroy();
  await screen.context().close();
});
