import { expect, test } from '@playwright/test';
import { expectNoSeriousViolations } from './axe.ts';
import { readFileSync } from 'node:fs';
import { readMatchDecisions, readPinnedRoutes, reportDocName } from '@tablemap/model';
import { createEventViaUi, eventually, joinAsParticipant, openAsFacilitator, openTableAs, storedFacilitatorToken } from './helpers.ts';
import { addOrganisation, linkOrganisations, readTable } from './model-helpers.ts';

const DOCS = new URL('../docs/', import.meta.url).pathname;

test('insights: contested links, the carers’ view, routes and the statistics from live tables', async ({ page }) => {
  const { joinCode } = await createEventViaUi(page, 'Insights', 2);
  const carer = await joinAsParticipant(joinCode, 't1', 'carer');
  const housing = await joinAsParticipant(joinCode, 't2', 'housing');
  const one = await openTableAs(carer);
  const two = await openTableAs(housing);
  const asCarer = { group: 'carer', participantId: carer.participantId };
  const asHousing = { group: 'housing', participantId: housing.participantId };
  // Table 1 (a carer): GP -> Talking Therapies -> Crisis Housing, and GP -> Crisis Housing exists.
  const gp = addOrganisation(one.doc, { name: 'Eastfield GP', sector: 'primary_care' }, asCarer);
  const talk = addOrganisation(one.doc, { name: 'Talking Therapies', sector: 'nhs_secondary' }, asCarer);
  const crisis = addOrganisation(one.doc, { name: 'Crisis Housing', sector: 'housing' }, asCarer);
  linkOrganisations(one.doc, { source: gp, target: talk, kind: 'refers_to' }, asCarer);
  linkOrganisations(one.doc, { source: talk, target: crisis, kind: 'refers_to' }, asCarer);
  linkOrganisations(one.doc, { source: gp, target: crisis, kind: 'refers_to' }, asCarer);
  // Table 2 (housing): the same GP -> Crisis Housing referral is broken; a food bank works with the housing team.
  const gp2 = addOrganisation(two.doc, { name: 'Eastfield GP', sector: 'primary_care' }, asHousing);
  const crisis2 = addOrganisation(two.doc, { name: 'crisis housing', sector: 'housing' }, asHousing);
  const food = addOrganisation(two.doc, { name: 'Riverside Food Bank', sector: 'vcse' }, asHousing);
  linkOrganisations(two.doc, { source: gp2, target: crisis2, kind: 'refers_to', status: 'broken' }, asHousing);
  linkOrganisations(two.doc, { source: food, target: crisis2, kind: 'collaborates' }, asHousing);

  await page.getByRole('link', { name: 'Insights' }).click();
  await expect(page.getByRole('heading', { name: 'Insights', level: 1 })).toBeVisible();
  await expect(page.getByTestId('agreement-summary')).toContainText('2 tables have mapped. 1 link is contested; 2 links were drawn only by people with lived experience or carers.');
  const contested = page.getByTestId('contested-links');
  await expect(contested).toContainText('Eastfield GP – Crisis Housing');
  await expect(contested).toContainText('Table 2 (broken)');

  // The map as carers see it: only table 1's carer-drawn links, and its organisations.
  await expect(page.getByTestId('view-counts')).toHaveText('4 organisations, 4 links');
  await page.getByLabel('Show the map as').selectOption('voices');
  await expect(page.getByTestId('view-counts')).toHaveText('3 organisations, 3 links');

  // Routes, referrals only: GP to Crisis Housing (merged despite the lower case).
  await page.getByLabel('From', { exact: true }).selectOption({ label: 'Eastfield GP' });
  await page.getByLabel('To', { exact: true }).selectOption({ label: 'Crisis Housing' });
  await page.getByRole('button', { name: 'Find routes' }).click();
  // The direct referral is broken overall (table 2), so the route goes through Talking Therapies.
  await expect(page.getByTestId('route-answer')).toHaveText('The shortest route from Eastfield GP to Crisis Housing takes 2 steps; 1 route of up to 4 steps. Every route passes through Talking Therapies.');
  await expect(page.getByTestId('routes')).toContainText('Eastfield GP → Talking Therapies → Crisis Housing');
  await page.getByLabel('To', { exact: true }).selectOption({ label: 'Eastfield GP' });
  await page.getByRole('button', { name: 'Find routes' }).click();
  await expect(page.getByTestId('route-answer')).toContainText('Both ends are the same organisation, Eastfield GP');
  await page.getByLabel('To', { exact: true }).selectOption({ label: 'Riverside Food Bank' });
  await page.getByRole('button', { name: 'Find routes' }).click();
  await expect(page.getByTestId('route-answer')).toHaveText('There is no route from Eastfield GP to Riverside Food Bank using the chosen links.');
  // Existing ties form a chain GP - Talking Therapies - Crisis Housing - Food Bank.
  await expect(page.getByTestId('cut-vertices')).toHaveText('Crisis Housing, Talking Therapies');

  await expect(page.getByTestId('ei-sentence')).toContainText('The network has');
  await expect(page.getByTestId('brokerage')).toContainText('Housing');

  // Change since last year's event, from its JSON export.
  const org = (id: string, name: string, sector: string) => ({ id, name, sector, locality: '', remit: '', addedByGroup: 'carer', createdAt: 0 });
  const lastYear = {
    format: 'tablemap-event', version: 1, exportedAt: '2025-11-30T10:00:00.000Z', eventId: 'old', title: 'Learning exchange 2025',
    docs: {
      event: { kind: 'event', schemaVersion: 1, nested: [], content: { tables: { t1: { id: 't1', name: 'Table 1', order: 0 } }, sectors: [] } },
      synthesis: null, roster: null,
      tables: { t1: { kind: 'table', schemaVersion: 1, nested: [], content: {
        organisations: { a: org('a', 'Eastfield GP', 'primary_care'), b: org('b', 'Talking Therapies Service', 'nhs_secondary'), c: org('c', 'Old Drop-in', 'vcse') },
        links: { l1: { id: 'l1', source: 'a', target: 'c', kind: 'refers_to', mutual: false, strength: 2, status: 'existing', note: '', addedByGroup: 'carer', createdAt: 0 } },
      } } },
    },
  };
  await page.getByLabel('Earlier event’s export (.json)').setInputFiles({ name: 'last-year.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(lastYear)) });
  await expect(page.getByTestId('lost-orgs')).toContainText('Old Drop-in');
  await expect(page.getByTestId('change-suggestions')).toContainText('“Talking Therapies Service” then, “Talking Therapies” now');
  await page.getByTestId('change-suggestions').getByRole('button', { name: 'Same organisation' }).click();
  await expect(page.getByTestId('change-suggestions')).toHaveCount(0);
  await expect(page.getByTestId('lost-orgs')).toHaveText('Old Drop-in');
  await expect(page.getByTestId('gained-orgs')).toContainText('Crisis Housing');
  await expect(page.getByTestId('change-metrics')).toContainText('The number of organisations mapped rose from 3 to 4.');
  await page.getByRole('heading', { name: 'Change since an earlier event' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${DOCS}insights-change.png`, fullPage: false });

  await expectNoSeriousViolations(page, 'insights');
  await page.getByLabel('Show the map as').selectOption('voices');
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${DOCS}insights.png`, fullPage: false });
  await page.getByLabel('To', { exact: true }).selectOption({ label: 'Crisis Housing' });
  await page.getByRole('button', { name: 'Find routes' }).click();
  await expect(page.getByTestId('routes')).toBeVisible();
  await page.getByRole('heading', { name: 'Routes between organisations' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${DOCS}insights-routes.png`, fullPage: false });
  one.destroy();
  two.destroy();
});

test('match decisions and pinned route questions are saved: they survive a reload, reach another laptop, and the report answers the question', async ({ page }) => {
  const { eventId, joinCode } = await createEventViaUi(page, 'Saved choices', 2);
  const carer = await joinAsParticipant(joinCode, 't1', 'carer');
  const one = await openTableAs(carer);
  const asCarer = { group: 'carer', participantId: carer.participantId };
  const gp = addOrganisation(one.doc, { name: 'Eastfield GP', sector: 'primary_care' }, asCarer);
  const talk = addOrganisation(one.doc, { name: 'Talking Therapies', sector: 'nhs_secondary' }, asCarer);
  const crisis = addOrganisation(one.doc, { name: 'Crisis Housing', sector: 'housing' }, asCarer);
  linkOrganisations(one.doc, { source: gp, target: talk, kind: 'refers_to' }, asCarer);
  linkOrganisations(one.doc, { source: talk, target: crisis, kind: 'refers_to' }, asCarer);
  const org = (id: string, name: string, sector: string) => ({ id, name, sector, locality: '', remit: '', addedByGroup: 'carer', createdAt: 0 });
  const lastYear = Buffer.from(JSON.stringify({
    format: 'tablemap-event', version: 1, exportedAt: '2025-11-30T10:00:00.000Z', eventId: 'last-year', title: 'Learning exchange 2025',
    docs: {
      event: { kind: 'event', schemaVersion: 1, nested: [], content: { tables: { t1: { id: 't1', name: 'Table 1', order: 0 } }, sectors: [] } },
      synthesis: null, roster: null,
      tables: { t1: { kind: 'table', schemaVersion: 1, nested: [], content: { organisations: { a: org('a', 'Eastfield GP', 'primary_care'), b: org('b', 'Talking Therapies Service', 'nhs_secondary') }, links: {} } } },
    },
  }));
  const chooseLastYear = () => page.getByLabel('Earlier event’s export (.json)').setInputFiles({ name: 'last-year.json', mimeType: 'application/json', buffer: lastYear });

  await page.getByRole('link', { name: 'Insights' }).click();
  await chooseLastYear();
  await expect(page.getByTestId('lost-orgs')).toHaveText('Talking Therapies Service');
  await expect(page.getByTestId('change-metrics')).toContainText('The number of organisations mapped rose from 2 to 3.');
  await page.getByTestId('change-suggestions').getByRole('button', { name: 'Same organisation' }).click();
  const decisions = page.getByTestId('match-decisions');
  await expect(decisions).toHaveText(/“Talking Therapies Service” then is the same organisation as “Talking Therapies” now/);
  await expect(page.getByTestId('lost-orgs')).toHaveText('');
  await expect(page.getByTestId('gained-orgs')).toHaveText('Crisis Housing');

  // Pin "from Eastfield GP to Crisis Housing, referrals only" for the report.
  await page.getByLabel('From', { exact: true }).selectOption({ label: 'Eastfield GP' });
  await page.getByLabel('To', { exact: true }).selectOption({ label: 'Crisis Housing' });
  await page.getByRole('button', { name: 'Pin this question for the report' }).click();
  const question = 'From Eastfield GP to Crisis Housing, using only links where one organisation refers people to the other';
  await expect(page.getByTestId('pinned-routes')).toContainText(question);

  // A second organiser's laptop sees both, live.
  const otherLaptop = openAsFacilitator(await storedFacilitatorToken(page, eventId), reportDocName(eventId));
  await eventually(() => readMatchDecisions(otherLaptop.doc, 'event:last-year').confirmed, { 'name:talking therapies service': 'name:talking therapies' }, 5000);
  await eventually(() => readPinnedRoutes(otherLaptop.doc).map((route) => route.toName), ['Crisis Housing'], 5000);

  // After a reload the decision still holds once last year's file is chosen again, and the figures reflect it.
  await page.reload();
  await expect(page.getByTestId('pinned-routes')).toContainText(question);
  await expect(page.getByTestId('saved-decisions-hint')).toHaveText('1 saved match decision is kept with this event: link or choose the same earlier event again to use it.');
  await chooseLastYear();
  await expect(page.getByTestId('match-decisions')).toContainText('“Talking Therapies Service” then is the same organisation as “Talking Therapies” now');
  await expect(page.getByTestId('change-suggestions')).toHaveCount(0);
  await expect(page.getByTestId('lost-orgs')).toHaveText('');
  await expect(page.getByTestId('gained-orgs')).toHaveText('Crisis Housing');
  for (const [size, width, height] of [['phone', 390, 844], ['laptop', 1440, 900], ['projector', 1920, 1080]] as const) {
    await page.setViewportSize({ width, height });
    await page.getByRole('heading', { name: 'Change since an earlier event' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${DOCS}insights-saved-matches-${size}.png`, fullPage: false });
    // On a phone the form is long: show the pin button and the pinned list under it.
    const routesTop = size === 'phone' ? page.getByRole('button', { name: 'Pin this question for the report' }) : page.getByRole('heading', { name: 'Routes between organisations' });
    await routesTop.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${DOCS}insights-pinned-route-${size}.png`, fullPage: false });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await expectNoSeriousViolations(page, 'insights with saved choices');

  // The report page lists the pinned question, and the web edition answers it.
  await page.getByRole('link', { name: 'Report', exact: true }).click();
  await expect(page.getByText(`1 pinned question, each answered in words: ${question}`)).toBeVisible();
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the accessible web page (HTML)' }).click();
  const html = readFileSync((await (await downloaded).path())!, 'utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  expect(html).toContain('Routes people take');
  expect(html).toContain(question);
  expect(html).toContain('The shortest route takes 2 steps: Eastfield GP → Talking Therapies → Crisis Housing.');
  expect(html).toContain('Every route passes through Talking Therapies: it is a bottleneck.');
  const reportPage = await page.context().newPage();
  await reportPage.setContent(readFileSync((await (await downloaded).path())!, 'utf8'));
  for (const [size, width, height] of [['phone', 390, 844], ['laptop', 1440, 900], ['projector', 1920, 1080]] as const) {
    await reportPage.setViewportSize({ width, height });
    await reportPage.getByRole('heading', { name: 'Routes people take' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await reportPage.screenshot({ path: `${DOCS}report-routes-${size}.png`, fullPage: false });
  }
  await reportPage.close();

  // Undo and remove, back on Insights: the suggestion returns, the question goes, on the other laptop too.
  await page.getByRole('link', { name: 'Insights' }).click();
  await chooseLastYear();
  await page.getByTestId('match-decisions').getByRole('button', { name: /^Undo/ }).click();
  await expect(page.getByTestId('change-suggestions')).toContainText('“Talking Therapies Service” then, “Talking Therapies” now');
  await expect(page.getByTestId('lost-orgs')).toHaveText('Talking Therapies Service');
  await page.getByTestId('pinned-routes').getByRole('button', { name: `Remove: ${question}` }).click();
  await expect(page.getByTestId('pinned-routes')).toHaveCount(0);
  await eventually(() => readMatchDecisions(otherLaptop.doc, 'event:last-year').decisions.length, 0, 5000);
  await eventually(() => readPinnedRoutes(otherLaptop.doc).length, 0, 5000);
  otherLaptop.destroy();
  one.destroy();
});

const KUMU = JSON.stringify({
  elements: [
    { _id: 'a', attributes: { label: 'Eastfield GP', 'element type': 'Primary care (GP practices, PCNs)' } },
    { _id: 'b', attributes: { label: 'Peer Support Café', 'element type': 'User-led and peer groups' } },
    { _id: 'c', attributes: { label: 'peer support CAFÉ', 'element type': 'vcse' } },
    { attributes: { 'element type': 'Housing' } },
  ],
  connections: [
    { from: 'a', to: 'b', attributes: { 'connection type': 'Referral' } },
    { from: 'b', to: 'a', attributes: { 'connection type': 'Referral' } },
    { from: 'a', to: 'zz', attributes: { 'connection type': 'Referral' } },
  ],
});

test('import preview: every row with its problems, nothing written until confirmed, too large refused', async ({ page }) => {
  const { joinCode } = await createEventViaUi(page, 'Import', 2);
  const participant = await joinAsParticipant(joinCode, 't1', 'vcse');
  const table = await openTableAs(participant);
  await page.getByRole('link', { name: 'Insights' }).click();

  await page.getByLabel('Map file').setInputFiles({ name: 'last-year.json', mimeType: 'application/json', buffer: Buffer.from(KUMU) });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('import-counts')).toHaveText('2 organisations and 2 links will be imported; 3 rows are left out; 3 rows have problems.');
  const preview = page.getByTestId('import-preview');
  await expect(preview.getByRole('row', { name: /element 3/ })).toContainText('Same name as element 2');
  await expect(preview.getByRole('row', { name: /element 4/ })).toContainText('This element has no label');
  await expect(preview.getByRole('row', { name: /connection 3/ })).toContainText('"zz" is not an element that is being imported');
  // Nothing is on the table yet.
  expect(readTable(table.doc).organisations).toEqual([]);
  await expectNoSeriousViolations(page, 'import preview');
  await page.getByRole('heading', { name: 'Import a map' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${DOCS}insights-import.png`, fullPage: false });

  await page.getByRole('button', { name: 'Add to every table as its starting map' }).click();
  await expect(page.getByTestId('import-message')).toHaveText('Added 2 organisations and 2 links to 2 tables as their starting map.');
  await eventually(() => readTable(table.doc).organisations.map((org) => org.name).sort(), ['Eastfield GP', 'Peer Support Café'], 5000);
  await eventually(() => readTable(table.doc).links.length, 2, 5000);

  // Over 10,000 elements: refused as a whole, with the reason.
  const huge = JSON.stringify({ elements: Array.from({ length: 10_001 }, (_, i) => ({ _id: `e${i}`, label: `Organisation ${i}` })) });
  await page.getByLabel('Map file').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: Buffer.from(huge) });
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('import-refused')).toHaveText('The file has 10,001 elements; at most 10,000 can be imported. Split the map or remove elements first.');
  table.destroy();
});
