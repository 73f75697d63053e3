import { expect, test } from '@playwright/test';
import { addOrganisation } from './model-helpers.ts';
import { createEventViaUi, joinAsParticipant, openTableAs, permanentClose } from './helpers.ts';

test('"We’re done" from a phone and pause-all reach the dashboard and the phones, enforced by the server', async ({ page, browser }) => {
  const { joinCode } = await createEventViaUi(page, 'Control room day', 3);
  await page.getByRole('radio', { name: 'Mapping' }).check();
  await page.getByLabel('Current prompt').selectOption({ label: '1. Communities and connections' });
  await expect(page.getByTestId('done-count')).toHaveText('0 of 3 tables done');

  // A phone joins Table 1 through the participant app.
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await phoneContext.newPage();
  await phone.goto(`/join/${joinCode}/t1`);
  await phone.getByLabel('I speak for').selectOption({ label: 'Housing' });
  await phone.getByLabel('I understand and agree to take part').check();
  await phone.getByRole('button', { name: 'Join table' }).click();
  await expect(phone.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  // Someone is there, but no lived-experience or carer voice: the card says so.
  const card = page.getByRole('article', { name: 'Table 1' });
  await expect(card.getByText('No lived-experience or carer voice here now')).toBeVisible();

  await phone.getByRole('button', { name: 'We’re done' }).click();
  await expect(page.getByTestId('done-count')).toHaveText('1 of 3 tables done');
  await expect(card.getByText('Done', { exact: true })).toBeVisible();
  // A new round starts everyone afresh.
  await page.getByLabel('Current prompt').selectOption({ label: '2. Physical and mental health' });
  await expect(page.getByTestId('done-count')).toHaveText('0 of 3 tables done');
  await expect(phone.getByRole('button', { name: 'We’re done' })).toBeVisible();

  // Pause: the facilitator's message on the phone, input frozen, and the server refuses writes meanwhile.
  await page.getByRole('button', { name: 'Pause phones' }).click();
  await page.getByLabel('Message on every phone').fill('Eyes on the speaker, please');
  await page.getByRole('button', { name: 'Pause now' }).click();
  await expect(page.getByText('Phones paused:')).toBeVisible();
  await expect(phone.getByRole('alert').filter({ hasText: 'Eyes on the speaker, please' })).toBeVisible();
  await expect(phone.getByRole('button', { name: 'Add organisation' })).toHaveCount(0);
  const sneaky = await joinAsParticipant(joinCode, 't2', 'carer');
  const sneakyTable = await openTableAs(sneaky);
  const refused = permanentClose(sneakyTable);
  addOrganisation(sneakyTable.doc, { name: 'Written during the pause', sector: 'housing' }, { group: 'carer', participantId: sneaky.participantId });
  expect(await refused).toBe(4423);
  sneakyTable.destroy();

  await page.getByRole('button', { name: 'Resume all phones' }).click();
  await expect(phone.getByRole('button', { name: 'Add organisation' })).toBeVisible();
  await expect(page.getByText('Phones paused:')).toHaveCount(0);
  await phoneContext.close();
});

test('the timer minutes the facilitator typed survive someone else’s change to the event', async ({ page }) => {
  await createEventViaUi(page, 'Timer field', 2);
  await page.getByLabel('Current prompt').selectOption({ label: '1. Communities and connections' });
  await expect(page.getByLabel('Minutes', { exact: true })).toHaveValue('20');
  await page.getByLabel('Minutes', { exact: true }).fill('7');
  await page.getByRole('article', { name: 'Table 2' }).getByRole('button', { name: 'Lock Table 2' }).click();
  await page.getByRole('radio', { name: 'Discussion' }).check();
  await expect(page.getByRole('article', { name: 'Table 2' }).getByRole('button', { name: 'Lock Table 2' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('Minutes', { exact: true })).toHaveValue('7');
  // Choosing another prompt offers that prompt's planned time again.
  await page.getByLabel('Current prompt').selectOption({ label: '2. Physical and mental health' });
  await expect(page.getByLabel('Minutes', { exact: true })).toHaveValue('20');
});
