import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { addOrganisation as addOrganisationToDoc, readTable, setPhase } from '@tablemap/model';
import { createEvent, expectNoSeriousAxeViolations, facilitatorDoc, facilitatorTableDoc, flushed, joinByQrLink, tapNode, type TestEvent } from './helpers.ts';

/**
 * The power round, Net-Map style: during the "power" phase each person rates how much influence each
 * organisation on their table's map has, 0 to 5, by tapping one of six large buttons (the tap alternative
 * to building a tower). The table's median shows beside each phone's own rating, and reaches the
 * facilitator's copy of the table doc.
 */

let event: TestEvent;

test.beforeAll(async () => {
  event = await createEvent('Power round', 3);
});

async function phone(browser: Browser, group: string): Promise<Page> {
  const context = await browser.newContext({ ...test.info().project.use });
  const page = await context.newPage();
  await joinByQrLink(page, event, 't1', group);
  return page;
}

/** The rating control of one organisation: the radio group named by its question. */
function ratingOf(scope: Page | Locator, name: string): Locator {
  return scope.getByRole('radiogroup', { name: `How much influence does ${name} have?` });
}

/** One organisation's rating block in the view on screen (the map keeps its hidden panel mounted). */
function summary(page: Page, testId: string): Locator {
  return page.getByRole('tabpanel').getByTestId(testId);
}

async function expectTouchTargets(group: Locator) {
  const radios = group.getByRole('radio');
  await expect(radios).toHaveCount(6);
  for (let value = 0; value <= 5; value++) {
    const found = (await radios.nth(value).boundingBox())!;
    expect(found.width, `button ${value} width`).toBeGreaterThanOrEqual(44);
    expect(found.height, `button ${value} height`).toBeGreaterThanOrEqual(44);
  }
}

test('two phones rate influence by tapping in the power round; the facilitator’s table doc holds the medians @phones', async ({ browser }) => {
  const tableDoc = await facilitatorTableDoc(event, 't1');
  const names = ['Riverside Mind', 'Northshire County Council', 'Eastfield Housing Trust'];
  const ids = names.map((name) => addOrganisationToDoc(tableDoc.doc, { name, sector: 'vcse' }, { group: 'carer', participantId: 'seed1' }));
  await flushed(tableDoc);

  const first = await phone(browser, 'Carers and family');
  const second = await phone(browser, 'Housing');
  // Before the round there is nothing to rate.
  await expect(first.getByRole('radiogroup', { name: /How much influence/ })).toHaveCount(0);

  const eventDoc = await facilitatorDoc(event);
  setPhase(eventDoc.doc, 'power');
  await flushed(eventDoc);
  await expect(first.getByTestId('power-hint')).toContainText('You have rated 0 of 3.');

  // On the map: tap a node, then tap a rating (no dragging).
  await tapNode(first, 'Riverside Mind');
  const mindOnMap = ratingOf(first, 'Riverside Mind');
  await expectTouchTargets(mindOnMap);
  await mindOnMap.getByRole('radio', { name: '4' }).tap();
  await expect(mindOnMap.getByRole('radio', { name: '4' })).toBeChecked();
  await expect(summary(first, `influence-${ids[0]}`)).toContainText('You: 4');
  await expect(summary(first, `influence-${ids[0]}`)).toContainText('Table median: 4 (1 rated)');
  await expectNoSeriousAxeViolations(first);

  // In the Outline view: every organisation has its own row of buttons.
  await first.getByRole('tab', { name: /^Outline/ }).tap();
  await expect(first.getByText('You have rated 1 of 3.')).toBeVisible();
  const council = ratingOf(first, 'Northshire County Council');
  await expectTouchTargets(council);
  await council.getByRole('radio', { name: '1' }).tap();
  await council.getByRole('radio', { name: '2' }).tap(); // a second tap replaces the first
  await expect(council.getByRole('radio', { name: '2' })).toBeChecked();
  await expect(first.getByText('You have rated 2 of 3.')).toBeVisible();
  await expectNoSeriousAxeViolations(first);

  // The second phone rates one organisation, and sees the first phone's rating in the median.
  await second.getByRole('tab', { name: /^Outline/ }).tap();
  const mindOnSecond = ratingOf(second, 'Riverside Mind');
  await expect(summary(second, `influence-${ids[0]}`)).toContainText('Table median: 4 (1 rated)');
  await mindOnSecond.getByRole('radio', { name: '1' }).tap();
  await expect(summary(second, `influence-${ids[0]}`)).toContainText('Table median: 2.5 (2 rated)');
  await expect(summary(first, `influence-${ids[0]}`)).toContainText('Table median: 2.5 (2 rated)');
  await expect(summary(second, `influence-${ids[2]}`)).toContainText('No one has rated it yet');

  // The facilitator's copy of the table doc holds every rating, under anonymous ids only.
  await expect.poll(() => readTable(tableDoc.doc).influence[ids[0]!]?.median).toBe(2.5);
  const influence = readTable(tableDoc.doc).influence;
  expect(influence[ids[0]!]?.count).toBe(2);
  expect(influence[ids[1]!]).toMatchObject({ median: 2, count: 1 });
  expect(influence[ids[2]!]).toBeUndefined();

  // Taking a rating back removes it everywhere.
  await summary(first, `influence-${ids[1]}`).getByRole('button', { name: 'Take back my rating' }).tap();
  await expect.poll(() => readTable(tableDoc.doc).influence[ids[1]!]).toBeUndefined();

  // With 200% text every button is still a full touch target and nothing needs sideways scrolling.
  await second.addStyleTag({ content: 'html { font-size: 200% !important; }' });
  await expectTouchTargets(mindOnSecond);
  const overflow = await second.evaluate(() => [...document.querySelectorAll<HTMLElement>('[role="tabpanel"]:not([hidden])')].some((panel) => panel.scrollWidth > panel.clientWidth + 1));
  expect(overflow).toBe(false);
  await expectNoSeriousAxeViolations(second);

  // Out of the power round the controls go away; the ratings stay.
  setPhase(eventDoc.doc, 'discussion');
  await expect(first.getByRole('radiogroup', { name: /How much influence/ })).toHaveCount(0);
  expect(readTable(tableDoc.doc).influence[ids[0]!]?.count).toBe(2);
  for (const page of [first, second]) await page.context().close();
  eventDoc.destroy();
  tableDoc.destroy();
});
