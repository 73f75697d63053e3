import { expect, test } from '@playwright/test';
import { rateInfluence } from '@tablemap/model';
import { expectNoSeriousViolations } from './axe.ts';
import { createEventViaUi, joinAsParticipant, openTableAs } from './helpers.ts';
import { addOrganisation, linkOrganisations, readTable } from './model-helpers.ts';

const DOCS = new URL('../docs/', import.meta.url).pathname;

/** Organisations per table, with the links between them (by index) and three people's influence ratings. */
const TABLES = {
  t1: {
    organisations: [
      ['Riverside Integrated Care Board', 'commissioner', [5, 5, 4]],
      ['Riverside Community Mental Health Team', 'nhs_secondary', [4, 4, 5]],
      ['Harbour Lane GP Practice', 'primary_care', [3, 3, 2]],
      ['Mind in Riverside', 'vcse', [3, 2, 2]],
      ['Hearing Voices Group', 'peer_led', [1, 0, 1]],
      ["Crisis Café at St Mark's", 'vcse', [2, 1, 2]],
      ['Riverside Council Adult Social Care', 'social_care', [4, 3, 4]],
    ],
    links: [[0, 1], [0, 6], [2, 1], [2, 3], [3, 5], [4, 3], [6, 1], [5, 1]],
  },
  t2: {
    organisations: [
      ['Riverside Integrated Care Board', 'commissioner', [4, 5, 5]],
      ['Northshore Foodbank', 'vcse', [1, 2, 2]],
      ['Riverside Housing Association', 'housing', [3, 4, 3]],
      ['Citizens Advice Northshore', 'vcse', [2, 2, 1]],
      ['مسجد کمیونٹی سینٹر', 'faith_community', [2, 3, 1]],
      ['Police Mental Health Street Triage', 'police_justice', [4, 3, 4]],
    ],
    links: [[0, 2], [1, 3], [3, 2], [4, 1], [5, 2]],
  },
} as const;

test('who holds power: phones’ influence ratings reach the Insights quadrant and the merged map’s node size', async ({ page }) => {
  const { joinCode } = await createEventViaUi(page, 'Power round', 2);
  const open: { destroy(): void }[] = [];
  for (const [tableId, table] of Object.entries(TABLES)) {
    const raters = await Promise.all(['carer', 'housing', 'vcse'].map((group) => joinAsParticipant(joinCode, tableId, group)));
    const docs = await Promise.all(raters.map(openTableAs));
    open.push(...docs);
    const first = { group: raters[0]!.group, participantId: raters[0]!.participantId };
    const ids = table.organisations.map(([name, sector]) => addOrganisation(docs[0]!.doc, { name, sector }, first));
    for (const [from, to] of table.links) linkOrganisations(docs[0]!.doc, { source: ids[from]!, target: ids[to]!, kind: 'refers_to' }, first);
    for (const [index, synced] of docs.entries()) {
      await expect.poll(() => readTable(synced.doc).organisations.length).toBe(ids.length);
      // Each phone rates as itself: the server refuses anyone else's key.
      table.organisations.forEach(([, , ratings], org) => rateInfluence(synced.doc, ids[org]!, ratings[index]!, { group: raters[index]!.group, participantId: raters[index]!.participantId }));
    }
  }

  // During the power round each table card on the dashboard says how many of its organisations are rated.
  await page.getByRole('radio', { name: 'Power' }).check();
  await expect(page.locator('[data-table-id="t1"]').getByTestId('rated-count')).toHaveText('7/7');
  await expect(page.locator('[data-table-id="t2"]').getByTestId('rated-count')).toHaveText('6/6');

  await page.getByRole('link', { name: 'Insights' }).click();
  const power = page.getByRole('region', { name: 'Who holds power' });
  // Cells after the name: sector, median influence, ratings, ties, quadrant.
  const cells = (name: string) => power.getByTestId('influence-table').getByRole('row').filter({ hasText: name }).getByRole('cell');
  // The ICB is rated at both tables (5,5,4 and 4,5,5): the median of all six ratings is 5.
  await expect(cells('Riverside Integrated Care Board')).toHaveText(['Commissioners (integrated care boards)', '5', '6', '3', 'Influential and well connected']);
  await expect(cells('Mind in Riverside').nth(1)).toHaveText('2');
  await expect(cells('Hearing Voices Group').nth(4)).toHaveText('Few ties, little influence');
  await expect(cells('Police Mental Health Street Triage').nth(4)).toHaveText('Influential, few ties');
  await expect(power.getByTestId('influence-sentence').first()).toHaveText(/organisations are both seen as influential and well connected\.$/);
  await expect(power.getByTestId('influence-quadrant').locator('circle')).toHaveCount(12);
  await expectNoSeriousViolations(page, 'insights: who holds power');
  await page.getByRole('heading', { name: 'Who holds power' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${DOCS}insights-power.png`, fullPage: false });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.getByRole('heading', { name: 'Who holds power' }).evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${DOCS}insights-power-1920.png`, fullPage: false });
  await page.setViewportSize({ width: 1440, height: 900 });

  // The merged map sizes nodes by median influence; the table below ranks by it.
  await page.getByRole('link', { name: 'Ecosystem map' }).click();
  await page.getByLabel('Size nodes by').selectOption('influence');
  const ranked = page.getByRole('region', { name: 'Organisations table (scrolls)' }).getByRole('row');
  await expect(ranked.nth(1)).toContainText('Riverside Integrated Care Board');
  await expect(ranked.nth(1).getByRole('cell').nth(4)).toHaveText('5 (6)');
  await expect(ranked.last()).toContainText('Hearing Voices Group');
  await expectNoSeriousViolations(page, 'ecosystem sized by influence');
  for (const synced of open) synced.destroy();
});
