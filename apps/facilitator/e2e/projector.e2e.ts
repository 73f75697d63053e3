import { expect, test, type Page } from '@playwright/test';
import { createTheme, synthesisDocName } from '@tablemap/model';
import { addNote, addOrganisation, castVote } from './model-helpers.ts';
import { createEventViaUi, joinAsParticipant, openAsFacilitator, openTableAs, projectorUrl, storedFacilitatorToken } from './helpers.ts';

/** Rendered label height of the map's nodes, in CSS px (cytoscape font size × zoom). */
async function mapLabelPx(screen: Page): Promise<number> {
  return screen.locator('[data-testid="spotlight-map"] [data-map-ready="true"]').evaluate((element) => {
    const cy = (element as HTMLElement & { __cy?: { zoom(): number; nodes(): { first(): { numericStyle(name: string): number } } } }).__cy!;
    return cy.nodes().first().numericStyle('font-size') * cy.zoom();
  });
}

test('the projector changes slide as the facilitator acts: welcome, prompt, spotlight, votes by group, themes', async ({ page, browser }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Projector test', 2);
  const link = await projectorUrl(page);
  expect(link).toContain(`code=${joinCode}`);
  const screen = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await screen.goto(link);
  // The token is moved out of the address bar.
  await expect(screen).toHaveURL(/\/projector$/);

  // Before the rounds: how to join, big.
  await expect(screen.getByRole('heading', { name: 'Join on your phone' })).toBeVisible();
  await expect(screen.getByTestId('projector-join-code')).toHaveText(joinCode);
  const qr = screen.getByRole('img', { name: `QR code to join with code ${joinCode}` });
  await expect(qr).toBeVisible();
  expect((await qr.boundingBox())!.height).toBeGreaterThanOrEqual(400);

  const phone = await joinAsParticipant(joinCode, 't2', 'housing');
  const table = await openTableAs(phone);
  const actor = { group: 'housing', participantId: phone.participantId };
  for (const name of ['Riverside Housing', 'Northshore Mind', 'Citizens Advice Northshore']) addOrganisation(table.doc, { name, sector: 'housing' }, actor);

  // A round starts: the prompt, large.
  await page.getByRole('radio', { name: 'Mapping' }).check();
  await page.getByLabel('Current prompt').selectOption({ label: '1. Communities and connections' });
  const prompt = screen.getByTestId('projector-prompt');
  await expect(prompt).toHaveText('Communities and connections', { timeout: 2000 });
  expect(Number.parseFloat(await prompt.evaluate((element) => getComputedStyle(element).fontSize))).toBeGreaterThanOrEqual(48);

  // A spotlight: the table's map, labels at least 18 px.
  await page.getByLabel('Spotlight', { exact: true }).selectOption({ label: 'Table 2' });
  await expect(screen.getByRole('heading', { name: 'Spotlight: Table 2' })).toBeVisible({ timeout: 2000 });
  await expect(screen.getByRole('img', { name: 'Map of Table 2' })).toBeVisible();
  await expect(screen.getByText('3 organisations · 0 links')).toBeVisible();
  await expect.poll(() => mapLabelPx(screen)).toBeGreaterThanOrEqual(18);

  // Voting: the most voted notes, with the votes by stakeholder group.
  const popular = addNote(table.doc, { text: 'Nobody knows the crisis café exists', kind: 'gap' }, actor);
  addNote(table.doc, { text: 'A quieter note', kind: 'idea' }, actor);
  castVote(table.doc, popular, actor, { votesPerParticipant: 3, allowStackedVotes: false });
  const carer = await joinAsParticipant(joinCode, 't2', 'carer');
  const carerTable = await openTableAs(carer);
  castVote(carerTable.doc, popular, { group: 'carer', participantId: carer.participantId }, { votesPerParticipant: 3, allowStackedVotes: false });
  await page.getByRole('radio', { name: 'Voting' }).check();
  const top = screen.getByRole('region', { name: 'Most voted notes' });
  await expect(top.getByRole('listitem')).toHaveCount(1, { timeout: 2000 });
  await expect(top.getByRole('listitem').first()).toContainText('Nobody knows the crisis café exists');
  await expect(top.getByRole('listitem').first()).toContainText('2 votes');
  await expect(top.getByTestId('votes-by-group')).toHaveText(/Votes from: (Carers and family 1 · Housing 1)/);

  // The facilitator puts the themes up, then hands the choice back to the phase.
  const synthesis = openAsFacilitator(await storedFacilitatorToken(page, eventId), synthesisDocName(eventId));
  await synthesis.ready;
  createTheme(synthesis.doc, { title: 'People do not know what exists' });
  await page.getByLabel('Projector', { exact: true }).selectOption({ label: 'Themes' });
  const themes = screen.getByRole('region', { name: 'What we heard: themes' });
  await expect(themes).toContainText('People do not know what exists', { timeout: 3000 });
  await page.getByLabel('Projector', { exact: true }).selectOption({ label: 'Follows the phase' });
  await expect(top).toBeVisible();
  synthesis.destroy();
  table.destroy();
  carerTable.destroy();
  await screen.context().close();
});
