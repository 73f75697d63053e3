import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { addNote, addOrganisation, castVote, linkOrganisations } from './model-helpers.ts';
import { createEventViaUi, joinAsParticipant, openTableAs, projectorUrl } from './helpers.ts';

test('every facilitator screen and the projector have no serious or critical axe violations', async ({ page, browser }) => {
  // Eight axe scans take about 25 s on the shared 2-core machine, close to the default 30 s.
  test.setTimeout(60_000);
  await page.goto('/facilitate/');
  await expectNoSeriousViolations(page, 'start page');

  const { joinCode } = await createEventViaUi(page, 'Accessibility check', 2);
  const phone = await joinAsParticipant(joinCode, 't1', 'lived_experience');
  const table = await openTableAs(phone);
  const actor = { group: 'lived_experience', participantId: phone.participantId };
  const a = addOrganisation(table.doc, { name: 'Peer support café', sector: 'peer_led' }, actor);
  const b = addOrganisation(table.doc, { name: 'Community mental health team', sector: 'nhs_secondary' }, actor);
  linkOrganisations(table.doc, { source: a, target: b, kind: 'refers_to', status: 'wanted' }, actor);
  const note = addNote(table.doc, { text: 'Waiting lists push people to A&E', kind: 'gap' }, actor);
  castVote(table.doc, note, actor, { votesPerParticipant: 3, allowStackedVotes: false });
  await expect(page.getByRole('article', { name: 'Table 1' }).getByTestId('org-count')).toHaveText('2');
  await page.getByRole('radio', { name: 'Mapping' }).check();
  await page.getByRole('button', { name: 'Start timer' }).click();
  await page.getByRole('article', { name: 'Table 2' }).getByRole('button', { name: 'Lock Table 2' }).click();
  await page.getByRole('article', { name: 'Table 1' }).getByRole('button', { name: 'Spotlight Table 1' }).click();
  await expectNoSeriousViolations(page, 'dashboard');

  await page.getByRole('link', { name: 'Open Table 1' }).click();
  await expect(page.getByRole('heading', { name: 'Table 1', level: 1 })).toBeVisible();
  await expect(page.getByText('Waiting lists push people to A&E')).toBeVisible();
  await expectNoSeriousViolations(page, 'table drill-in');

  await page.getByRole('link', { name: 'Event setup' }).click();
  await expect(page.getByRole('heading', { name: 'Event setup' })).toBeVisible();
  await expectNoSeriousViolations(page, 'event setup');

  await page.getByRole('link', { name: 'Attendees and seating' }).click();
  await page
    .getByLabel('Attendee CSV file')
    .setInputFiles({ name: 'attendees-messy.csv', mimeType: 'text/csv', buffer: readFileSync(new URL('../../../packages/roster/src/fixtures/attendees-messy.csv', import.meta.url)) });
  await expect(page.getByRole('heading', { name: 'Preview of attendees-messy.csv' })).toBeVisible();
  await expectNoSeriousViolations(page, 'attendee import preview');

  const screen = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await screen.goto(await projectorUrl(page));
  await expect(screen.getByRole('heading', { name: 'Spotlight: Table 1' })).toBeVisible();
  await expectNoSeriousViolations(screen, 'projector (spotlight)');
  await page.getByRole('radio', { name: 'Voting' }).check();
  await expect(screen.getByRole('region', { name: 'Most voted notes' })).toContainText('Waiting lists push people to A&E');
  await expectNoSeriousViolations(screen, 'projector (voting)');
  table.destroy();
  await screen.context().close();
});
