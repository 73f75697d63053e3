import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { BASE, createEventViaUi, joinAsParticipant, openTableAs, storedFacilitatorToken } from './helpers.ts';
import { addOrganisation, linkOrganisations } from './model-helpers.ts';

const DOCS = new URL('../docs/', import.meta.url).pathname;

/** Fills one table of an event with organisations (and links between consecutive pairs given). */
async function mapOnTable(joinCode: string, names: [string, string][], links: [number, number][]) {
  const participant = await joinAsParticipant(joinCode, 't1', 'carer');
  const table = await openTableAs(participant);
  const actor = { group: 'carer', participantId: participant.participantId };
  const ids = names.map(([name, sector]) => addOrganisation(table.doc, { name, sector }, actor));
  for (const [from, to] of links) linkOrganisations(table.doc, { source: ids[from]!, target: ids[to]!, kind: 'refers_to' }, actor);
  return table;
}

/** A list's items in alphabetical order (the comparison lists them in the maps' own order). */
const listed = async (page: Page, testId: string) => (await page.getByTestId(testId).locator('li').allTextContents()).sort();
const changeHeading = (page: Page) => page.getByRole('heading', { name: 'Change since an earlier event' });

test('an event linked to an earlier event on the same server: compared at once, back after a reload with no file, plain words on a laptop without its link, and a clear message once it is deleted', async ({ page, browser }) => {
  // Last year's event, then this year's, made on the same laptop: it holds both facilitator links.
  const lastYear = await createEventViaUi(page, 'Learning exchange 2025', 1);
  const lastYearTable = await mapOnTable(lastYear.joinCode, [['Eastfield GP', 'primary_care'], ['Talking Therapies Service', 'nhs_secondary'], ['Old Drop-in', 'vcse']], [[0, 2]]);
  const lastYearToken = await storedFacilitatorToken(page, lastYear.eventId);
  const thisYear = await createEventViaUi(page, 'Learning exchange 2026', 1);
  const thisYearTable = await mapOnTable(thisYear.joinCode, [['Eastfield GP', 'primary_care'], ['Talking Therapies', 'nhs_secondary'], ['Crisis Housing', 'housing'], ['Riverside Food Bank', 'vcse']], [[0, 1], [1, 2]]);
  const thisYearToken = await storedFacilitatorToken(page, thisYear.eventId);

  await page.getByRole('link', { name: 'Insights' }).click();
  const choice = page.getByLabel('An earlier event on this server');
  // This event itself is not offered.
  await expect(choice.locator('option')).toHaveText(['Choose…', 'Learning exchange 2025']);
  await choice.selectOption({ label: 'Learning exchange 2025' });
  await page.getByRole('button', { name: 'Link and compare' }).click();
  await expect(page.getByTestId('linked-event')).toContainText('Linked to Learning exchange 2025, an earlier event on this server');
  await expect.poll(() => listed(page, 'lost-orgs')).toEqual(['Old Drop-in', 'Talking Therapies Service']);
  await expect(page.getByTestId('change-metrics')).toContainText('The number of organisations mapped rose from 3 to 4.');
  await page.getByTestId('change-suggestions').getByRole('button', { name: 'Same organisation' }).click();
  await expect(page.getByTestId('lost-orgs')).toHaveText('Old Drop-in');

  // After a reload the comparison and the decision come back by themselves: no file to choose.
  await page.reload();
  await expect(page.getByTestId('linked-event')).toContainText('Linked to Learning exchange 2025');
  await expect(page.getByTestId('lost-orgs')).toHaveText('Old Drop-in');
  await expect.poll(() => listed(page, 'gained-orgs')).toEqual(['Crisis Housing', 'Riverside Food Bank']);
  await expect(page.getByTestId('match-decisions')).toContainText('“Talking Therapies Service” then is the same organisation as “Talking Therapies” now');
  await expect(page.getByTestId('change-metrics')).toContainText('The number of organisations mapped rose from 3 to 4.');
  await expectNoSeriousViolations(page, 'insights with a linked earlier event');
  for (const [size, width, height] of [['phone', 390, 844], ['laptop', 1440, 900]] as const) {
    await page.setViewportSize({ width, height });
    await changeHeading(page).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${DOCS}insights-linked-event-${size}.png`, fullPage: false });
  }
  await page.setViewportSize({ width: 1440, height: 900 });

  // The report sends the linked event's export, fetched from this laptop, as it sends a chosen file.
  await page.getByRole('link', { name: 'Report', exact: true }).click();
  await expect(page.getByTestId('report-earlier')).toHaveText('“Change since an earlier event” will compare with Learning exchange 2025 (linked on Insights).');
  const sent = page.waitForRequest((request) => request.url().endsWith('/report.pdf') && request.method() === 'POST');
  await page.getByRole('button', { name: 'Generate and download the report (PDF)' }).click();
  const body = (await sent).postDataJSON() as { earlier?: { eventId?: string; title?: string } };
  expect(body.earlier).toMatchObject({ eventId: lastYear.eventId, title: 'Learning exchange 2025' });

  // A second laptop that only has this year's facilitator link: plain words, nothing fetched, nothing changed.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto(`${BASE}/facilitate/${thisYear.eventId}#token=${encodeURIComponent(thisYearToken)}`);
  await otherPage.getByRole('link', { name: 'Insights' }).click();
  await expect(otherPage.getByTestId('link-problem')).toHaveText('Linked to Learning exchange 2025. Open this page on a laptop that has that event’s facilitator link, or choose its export file.');
  await expect(otherPage.getByTestId('lost-orgs')).toHaveCount(0);
  await changeHeading(otherPage).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await otherPage.screenshot({ path: `${DOCS}insights-linked-event-elsewhere-laptop.png`, fullPage: false });
  await expect(otherPage.getByLabel('Link another earlier event on this server')).toBeDisabled();
  await otherPage.getByRole('link', { name: 'Report', exact: true }).click();
  await expect(otherPage.getByTestId('report-link-notice')).toContainText('Linked to Learning exchange 2025. Open this page on a laptop');
  await other.close();

  // A link that no longer works (a withdrawn token on this laptop): a clear message, the link kept.
  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByTestId('lost-orgs')).toHaveText('Old Drop-in');
  const setToken = (token: string) =>
    page.evaluate(([id, value]) => {
      const events = JSON.parse(localStorage.getItem('tablemap:facilitator:events') ?? '[]') as { eventId: string; facilitatorToken: string }[];
      localStorage.setItem('tablemap:facilitator:events', JSON.stringify(events.map((event) => (event.eventId === id ? { ...event, facilitatorToken: value } : event))));
    }, [lastYear.eventId, token] as const);
  await setToken('withdrawn.token.value');
  await page.reload();
  await expect(page.getByTestId('link-problem')).toHaveText(/^The earlier event “Learning exchange 2025” could not be loaded: This link is no longer valid\./);
  await expect(page.getByTestId('linked-event')).toContainText('Linked to Learning exchange 2025');
  await setToken(lastYearToken);

  // The earlier event is deleted (by another organiser): a clear message; the link and the decisions stay until removed.
  const deleted = await fetch(`${BASE}/api/events/${lastYear.eventId}`, { method: 'DELETE', headers: { authorization: `Bearer ${lastYearToken}` } });
  expect(deleted.status).toBe(204);
  await page.reload();
  await expect(page.getByTestId('link-problem')).toHaveText('The earlier event “Learning exchange 2025” could not be loaded: This event has been deleted. Nothing was changed; remove the link or choose its export file.');
  await expect(page.getByTestId('lost-orgs')).toHaveCount(0);
  // The rest of the page keeps working.
  await expect(page.getByTestId('agreement-summary')).toContainText('1 table has mapped.');
  await page.getByRole('button', { name: 'Remove the link' }).click();
  await expect(page.getByTestId('linked-event')).toHaveCount(0);
  await expect(page.getByTestId('link-problem')).toHaveCount(0);
  await expect(page.getByTestId('saved-decisions-hint')).toHaveText('1 saved match decision is kept with this event: link or choose the same earlier event again to use it.');
  await page.reload();
  await expect(page.getByTestId('agreement-summary')).toBeVisible();
  await expect(page.getByTestId('linked-event')).toHaveCount(0);
  lastYearTable.destroy();
  thisYearTable.destroy();
});
