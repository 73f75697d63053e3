import { readFileSync } from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import Papa from 'papaparse';
import { expectNoSeriousViolations } from './axe.ts';
import { createEventViaUi, joinAsParticipant, openTableAs } from './helpers.ts';
import { addOrganisation, linkOrganisations } from './model-helpers.ts';

async function download(page: Page, name: string | RegExp): Promise<{ file: Download; text: string; bytes: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const bytes = readFileSync((await file.path())!);
  return { file, bytes, text: bytes.toString('utf8') };
}

test('the merged map, de-duplication, directory edits, exports and the report are downloaded and parsed', async ({ page }) => {
  const { joinCode } = await createEventViaUi(page, 'Exports check', 2);
  const one = await joinAsParticipant(joinCode, 't1', 'housing');
  const two = await joinAsParticipant(joinCode, 't2', 'carer');
  const [tableOne, tableTwo] = await Promise.all([openTableAs(one), openTableAs(two)]);
  const actorOne = { group: 'housing', participantId: one.participantId };
  const actorTwo = { group: 'carer', participantId: two.participantId };
  const pcn = addOrganisation(tableOne.doc, { name: 'Northshore PCN', sector: 'primary_care' }, actorOne);
  const mind = addOrganisation(tableOne.doc, { name: 'Northshore Mind', sector: 'vcse' }, actorOne);
  linkOrganisations(tableOne.doc, { source: mind, target: pcn, kind: 'refers_to' }, actorOne);
  const pcnLong = addOrganisation(tableTwo.doc, { name: 'Northshore Primary Care Network', sector: 'primary_care' }, actorTwo);
  const housing = addOrganisation(tableTwo.doc, { name: 'Riverside Housing', sector: 'housing' }, actorTwo);
  linkOrganisations(tableTwo.doc, { source: housing, target: pcnLong, kind: 'shares_information', status: 'wanted' }, actorTwo);

  // Ecosystem: a fuzzy duplicate is suggested, not merged, until the facilitator confirms it.
  await page.getByRole('link', { name: 'Ecosystem map' }).click();
  await expect(page.getByRole('heading', { name: 'Ecosystem map', level: 1 })).toBeVisible();
  await expect(page.getByTestId('merged-org-count')).toHaveText('4');
  const suggestion = page.getByTestId('merge-suggestion').filter({ hasText: 'Northshore Primary Care Network' });
  await expect(suggestion).toContainText('Northshore PCN');
  await expect(page.getByTestId('wanted-links')).toContainText('Table 2: wanted');
  await expect(page.locator('[data-map-ready="true"]')).toBeVisible();
  await expectNoSeriousViolations(page, 'ecosystem map');
  await suggestion.getByRole('button', { name: /^Same organisation/ }).click();
  await expect(page.getByTestId('merged-org-count')).toHaveText('3');
  await page.getByRole('button', { name: /^Northshore (PCN|Primary Care Network)$/ }).first().click();
  await expect(page.getByTestId('mentioned-by')).toHaveText('Table 1, Table 2');

  // Directory: a facilitator edit that looks like a formula reaches the CSV neutralised.
  await page.getByRole('link', { name: 'Directory and exports' }).click();
  await expect(page.getByRole('heading', { name: 'Directory of services', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Edit Riverside Housing' }).click();
  await page.getByLabel('Remit').fill('=HYPERLINK("http://x.invalid","help")');
  await page.getByLabel('Locality').fill('Riverside ward');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('row', { name: /^Riverside Housing edited/ })).toContainText('Riverside ward');
  await expectNoSeriousViolations(page, 'directory');

  const csv = await download(page, 'Directory (CSV)');
  const parsed = Papa.parse<Record<string, string>>(csv.text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  // Three rows: the two spellings of the PCN were confirmed as one organisation.
  expect(parsed.data).toHaveLength(3);
  expect(parsed.data.map((row) => row.name)).toEqual(expect.arrayContaining(['Northshore Mind', 'Riverside Housing']));
  const riverside = parsed.data.find((row) => row.name === 'Riverside Housing');
  expect(riverside?.remit?.startsWith("'=")).toBe(true);
  expect(riverside?.locality).toBe('Riverside ward');

  const gexf = await download(page, 'Network (GEXF)');
  expect(gexf.file.suggestedFilename()).toMatch(/\.gexf$/);
  const graph = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    return {
      error: doc.getElementsByTagName('parsererror').length,
      version: doc.documentElement.getAttribute('version'),
      nodes: [...doc.getElementsByTagName('node')].map((node) => node.getAttribute('label')).sort(),
      edges: doc.getElementsByTagName('edge').length,
    };
  }, gexf.text);
  expect(graph.error).toBe(0);
  expect(graph.version).toBe('1.3');
  expect(graph.nodes).toHaveLength(3);
  expect(graph.nodes).toContain('Riverside Housing');
  expect(graph.edges).toBe(2);

  const json = await download(page, 'Full event (JSON)');
  expect(() => JSON.parse(json.text)).not.toThrow();

  // Report: options, a refused logo, a preview, then a real PDF; the table packs too.
  await page.getByRole('link', { name: 'Report', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Report', level: 1 })).toBeVisible();
  await expect(page.getByTestId('report-preview')).toContainText('At a glance: 2 participants, 2 tables, 3 organisations');
  await page.getByLabel('Appendix: directory of services').uncheck();
  await expect(page.getByTestId('report-preview')).not.toContainText('directory of services');
  await page.getByRole('button', { name: 'Move Themes up' }).click();
  await expect(page.getByTestId('report-preview').getByRole('listitem').nth(4)).toContainText('Themes');
  await page.getByLabel(/Organiser logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image') });
  await expect(page.getByText('The logo must be a PNG or JPEG image.')).toBeVisible();
  await expectNoSeriousViolations(page, 'report export');
  await page.getByLabel(/Organiser logo/).setInputFiles([]);

  const report = await download(page, 'Generate and download the report (PDF)');
  expect(report.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');
  await expect(page.getByRole('status').filter({ hasText: /Downloaded .*\.pdf/ })).toBeVisible();

  await page.getByLabel('Print first names of seated attendees').check();
  const packs = await download(page, 'Download table packs (PDF)');
  expect(packs.bytes.subarray(0, 4).toString('latin1')).toBe('%PDF');

  tableOne.destroy();
  tableTwo.destroy();
});
