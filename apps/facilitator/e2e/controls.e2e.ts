import { expect, test } from '@playwright/test';
import { addOrganisation, measureRemaining, readEvent } from './model-helpers.ts';
import { createEventViaUi, eventually, joinAsParticipant, openTableAs, permanentClose, projectorUrl } from './helpers.ts';

test('phase and prompt changes reach a participant within 2 s', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Rounds test', 2);
  const phone = await joinAsParticipant(joinCode, 't1', 'lived_experience');
  const eventDoc = phone.open(`event/${eventId}`);
  await eventDoc.ready;
  expect(readEvent(eventDoc.doc).phase).toBe('setup');

  await page.getByRole('radio', { name: 'Mapping' }).check();
  await eventually(() => readEvent(eventDoc.doc).phase, 'mapping');

  await page.getByLabel('Current prompt').selectOption({ label: '2. Physical and mental health' });
  await eventually(() => {
    const event = readEvent(eventDoc.doc);
    return event.prompts.find((prompt) => prompt.id === event.currentPromptId)?.text;
  }, 'Physical and mental health');
  eventDoc.destroy();
});

test('the round timer agrees on the dashboard, a projector with a wrong clock, and a phone', async ({ page, browser }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Timer test', 2);
  const projectorLink = await projectorUrl(page);

  // The projector's clock runs 7 minutes fast; the countdown must not care.
  const skewed = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  await skewed.addInitScript(() => {
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + 7 * 60_000;
  });
  const projector = await skewed.newPage();
  await projector.goto(projectorLink);
  await expect(projector.getByTestId('projector-phase')).toHaveText('Getting ready');

  await page.getByLabel('Minutes', { exact: true }).fill('10');
  await page.getByRole('button', { name: 'Start timer' }).click();

  const dashboardTimer = page.getByRole('timer');
  const projectorTimer = projector.getByRole('timer');
  await expect(projectorTimer).toContainText(/^(10:00|09:5\d)/);
  const remaining = async (locator: typeof dashboardTimer) => Number(await locator.getAttribute('data-remaining-ms'));

  const phone = await joinAsParticipant(joinCode, 't1', 'carer');
  const eventDoc = phone.open(`event/${eventId}`);
  await eventDoc.ready;
  const phoneRemaining = await measureRemaining(eventDoc.doc);

  const [onDashboard, onProjector] = await Promise.all([remaining(dashboardTimer), remaining(projectorTimer)]);
  const onPhone = phoneRemaining();
  expect(onDashboard).toBeGreaterThan(9 * 60_000);
  expect(Math.abs(onDashboard - onProjector)).toBeLessThan(1000);
  expect(Math.abs(onDashboard - onPhone)).toBeLessThan(1000);
  eventDoc.destroy();
  await skewed.close();
});

test('locking a table makes the server refuse participant updates, and unlocking lets edits back in', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Lock test', 2);
  const first = await joinAsParticipant(joinCode, 't1', 'vcse');
  const second = await joinAsParticipant(joinCode, 't1', 'carer');
  const firstTable = await openTableAs(first);
  const secondTable = await openTableAs(second);
  const eventDoc = first.open(`event/${eventId}`);
  await eventDoc.ready;
  const card = page.getByRole('article', { name: 'Table 1' });

  addOrganisation(firstTable.doc, { name: 'Before the lock', sector: 'vcse' }, { group: 'vcse', participantId: first.participantId });
  await expect(card.getByTestId('org-count')).toHaveText('1', { timeout: 2000 });

  await card.getByRole('button', { name: 'Lock Table 1' }).click();
  await expect(card.getByRole('button', { name: 'Lock Table 1' })).toHaveAttribute('aria-pressed', 'true');
  await eventually(() => readEvent(eventDoc.doc).tables.find((entry) => entry.id === 't1')?.locked, true);

  // A phone that ignores the lock in its UI still cannot write: the server closes it with 4423.
  const refused = permanentClose(secondTable);
  addOrganisation(secondTable.doc, { name: 'Sneaked in while locked', sector: 'carer' }, { group: 'carer', participantId: second.participantId });
  expect(await refused).toBe(4423);
  // A phone that had already written is refused too (its update never lands).
  addOrganisation(firstTable.doc, { name: 'Also while locked', sector: 'vcse' }, { group: 'vcse', participantId: first.participantId });
  await page.reload();
  await expect(card.getByTestId('org-count')).toHaveText('1');
  await card.getByText('Organisations and links').click();
  await expect(card.locator('details').getByText('Before the lock')).toBeVisible();
  await expect(card.getByText('Sneaked in while locked')).toHaveCount(0);
  await expect(card.getByText('Also while locked')).toHaveCount(0);
  firstTable.destroy();
  secondTable.destroy();

  await page.getByRole('button', { name: 'Unlock all', exact: true }).click();
  await eventually(() => readEvent(eventDoc.doc).tables.find((entry) => entry.id === 't1')?.locked, false);
  const again = await openTableAs(first);
  addOrganisation(again.doc, { name: 'After the unlock', sector: 'vcse' }, { group: 'vcse', participantId: first.participantId });
  await expect(card.getByTestId('org-count')).toHaveText('2', { timeout: 2000 });
  again.destroy();
  eventDoc.destroy();
});
