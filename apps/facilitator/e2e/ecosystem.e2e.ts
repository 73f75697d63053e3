import { expect, test, type Page } from '@playwright/test';
import { createEventViaUi, joinAsParticipant, openTableAs } from './helpers.ts';
import { addOrganisation, linkOrganisations } from './model-helpers.ts';

interface DrawnNode {
  label: string;
  width: number;
  x: number;
  y: number;
}

/** The little of cytoscape's API the test reads (the app does not depend on cytoscape's types itself). */
interface CyNode {
  data(key: string): unknown;
  width(): number;
  position(): { x: number; y: number };
}

/** What the canvas draws, read through the map's test hook (the canvas itself has no DOM per node). */
async function drawnNodes(page: Page): Promise<Record<string, DrawnNode>> {
  const nodes = await page.locator('[data-map-ready="true"]').evaluate((element) => {
    const cy = (element as HTMLElement & { __cy?: { nodes(): { toArray(): CyNode[] } } }).__cy;
    return (cy?.nodes().toArray() ?? []).map((node) => ({ label: String(node.data('label')), width: node.width(), ...node.position() }));
  });
  return Object.fromEntries(nodes.map((node) => [node.label, node]));
}

test('the merged map sizes nodes by degree: the hub is drawn larger than a leaf, and nothing moves', async ({ page }) => {
  const { joinCode } = await createEventViaUi(page, 'Node sizes', 2);
  const one = await joinAsParticipant(joinCode, 't1', 'housing');
  const table = await openTableAs(one);
  const actor = { group: 'housing', participantId: one.participantId };
  const hub = addOrganisation(table.doc, { name: 'Central Hub Trust', sector: 'nhs_secondary' }, actor);
  for (const [index, sector] of ['vcse', 'housing', 'primary_care'].entries()) {
    const leaf = addOrganisation(table.doc, { name: `Leaf ${index + 1}`, sector }, actor);
    linkOrganisations(table.doc, { source: leaf, target: hub, kind: 'refers_to' }, actor);
  }

  await page.getByRole('link', { name: 'Ecosystem map' }).click();
  await expect(page.getByTestId('merged-org-count')).toHaveText('4');
  await expect(page.locator('[data-map-ready="true"]')).toBeVisible();

  await page.getByLabel('Size nodes by').selectOption('equal');
  await expect.poll(async () => new Set(Object.values(await drawnNodes(page)).map((node) => node.width)).size).toBe(1);
  const before = await drawnNodes(page);

  await page.getByLabel('Size nodes by').selectOption('degree');
  await expect.poll(async () => (await drawnNodes(page))['Central Hub Trust']!.width).toBeGreaterThan(before['Leaf 1']!.width);
  const sized = await drawnNodes(page);
  expect(sized['Central Hub Trust']!.width).toBeGreaterThan(sized['Leaf 1']!.width);
  // Every leaf has degree 1: equal weights, equal sizes.
  expect(sized['Leaf 2']!.width).toBe(sized['Leaf 1']!.width);
  // Sizing is drawn in place: no node was moved by a new layout.
  for (const [label, node] of Object.entries(sized)) expect({ x: node.x, y: node.y }).toEqual({ x: before[label]!.x, y: before[label]!.y });
  // The accessible alternative: the table is ranked by the same measure, hub first.
  await expect(page.getByTestId('ranked-by')).toContainText('Ranked by degree');
  await expect(page.getByRole('region', { name: 'Organisations table (scrolls)' }).getByRole('row').nth(1)).toContainText('Central Hub Trust');

  // Betweenness: only the hub lies on paths between others.
  await page.getByLabel('Size nodes by').selectOption('betweenness');
  await expect.poll(async () => (await drawnNodes(page))['Leaf 3']!.width).toBeLessThan(sized['Leaf 3']!.width);
  const byBetweenness = await drawnNodes(page);
  expect(byBetweenness['Central Hub Trust']!.width).toBeGreaterThan(byBetweenness['Leaf 3']!.width);

  table.destroy();
});
