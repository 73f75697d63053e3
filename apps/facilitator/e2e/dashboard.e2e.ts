import { expect, test } from '@playwright/test';
import { addNote, addOrganisation, linkOrganisations } from './model-helpers.ts';
import { createEventViaUi, joinAsParticipant, openAsFacilitator, openTableAs } from './helpers.ts';

test('creating an event shows its join code, a QR code per table, and every table live', async ({ page }) => {
  const { joinCode } = await createEventViaUi(page, 'Northshore learning exchange', 3);

  for (const name of ['Table 1', 'Table 2', 'Table 3']) {
    await expect(page.getByRole('img', { name: `QR code to join ${name}` })).toBeVisible();
  }
  await expect(page.getByRole('link', { name: new RegExp(`/join/${joinCode}/t2$`) })).toBeVisible();

  const housing = await joinAsParticipant(joinCode, 't1', 'housing');
  const carer = await joinAsParticipant(joinCode, 't2', 'carer');
  const housingTable = await openTableAs(housing);
  const carerTable = await openTableAs(carer);

  const tableOne = page.getByRole('article', { name: 'Table 1' });
  const tableTwo = page.getByRole('article', { name: 'Table 2' });
  await expect(tableOne.getByLabel('Present at Table 1')).toContainText('Housing');
  await expect(tableTwo.getByLabel('Present at Table 2')).toContainText('Carers and family');

  const actor = { group: 'housing', participantId: housing.participantId };
  const mind = addOrganisation(housingTable.doc, { name: 'Northshore Mind', sector: 'vcse' }, actor);
  const council = addOrganisation(housingTable.doc, { name: 'Mersey Council', sector: 'local_authority' }, actor);
  linkOrganisations(housingTable.doc, { source: mind, target: council, kind: 'funds' }, actor);
  addOrganisation(carerTable.doc, { name: 'Carers Hub', sector: 'vcse' }, { group: 'carer', participantId: carer.participantId });

  await expect(tableOne.getByTestId('org-count')).toHaveText('2', { timeout: 2000 });
  await expect(tableOne.getByTestId('link-count')).toHaveText('1', { timeout: 2000 });
  await expect(tableTwo.getByTestId('org-count')).toHaveText('1', { timeout: 2000 });
  await tableOne.getByText('Organisations and links').click();
  await expect(tableOne.locator('details').getByText('Northshore Mind → Mersey Council')).toBeVisible();

  housingTable.destroy();
  carerTable.destroy();
  await expect(tableOne.getByLabel('Present at Table 1')).toHaveText('Nobody connected');
});

test('a scribe link lets one device write for the whole table, choosing a group per note', async ({ page }) => {
  const { eventId } = await createEventViaUi(page, 'Scribe test', 2);
  await page.getByRole('button', { name: 'Make scribe link for Table 2' }).click();
  const link = await page.getByLabel('Scribe link for Table 2').inputValue();
  expect(link).toMatch(/\/scribe#token=[\w.-]+$/);
  const token = decodeURIComponent(link.split('#token=')[1] ?? '');

  const scribe = openAsFacilitator(token, `table/${eventId}/t2`);
  await scribe.ready;
  // The server takes notes signed with the writer's own id only: the scribe's id is in its token.
  const scribeId = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { participantId: string }).participantId;
  addNote(scribe.doc, { text: 'No bus to the hospital on Sundays', kind: 'gap' }, { group: 'carer', participantId: scribeId });
  const card = page.getByRole('article', { name: 'Table 2' });
  await expect(card.getByTestId('note-count')).toHaveText('1', { timeout: 2000 });
  scribe.destroy();
});
