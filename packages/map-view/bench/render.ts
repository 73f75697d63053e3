/**
 * Render benchmark for the merged ecosystem map. Prints the time from adding a synthetic merged map's elements
 * to cytoscape until fcose's `layoutstop` and the first painted frame after it (the first stable layout),
 * in headless Debian Chromium.
 *
 * The harness is a static page that loads the same cytoscape and cytoscape-fcose builds from node_modules,
 * and runs MapView's own layout options (`layoutOptionsFor`), stylesheet (`CY_STYLE`) and element builders
 * (`nodeData`, `edgeData`), so it measures the real configuration without the Svelte app around it.
 *
 *   pnpm --filter @tablemap/map-view bench                # 500 nodes / ~2,000 links, median of 3
 *   pnpm --filter @tablemap/map-view bench -- --size ci   # 100 nodes / ~400 links, one run
 *   … --check  judges the goal (< 1.5 s median at 500 nodes, full size only) and exits 1 on a miss; --record keeps the JSON
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import type { Core, CytoscapeOptions, ElementDefinition, LayoutOptions, StylesheetJson } from 'cytoscape';
import { RELATIONSHIP_KIND_IDS, relationshipLabel, seededRandom, type Link, type Organisation } from '@tablemap/model';
import { mapStyle } from '../src/cy-style.ts';
import { edgeClasses, edgeData, nodeData } from '../src/elements.ts';
import { layoutOptionsFor, scaleNodeSizes } from '../src/layout.ts';

const GOAL_MS = 1500;
const sizeArg = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'full';
if (sizeArg !== 'ci' && sizeArg !== 'full') throw new Error(`--size must be ci or full, got ${sizeArg}`);
const nodeCount = sizeArg === 'ci' ? 100 : 500;
const runs = sizeArg === 'ci' ? 1 : 3;
/** `--screenshot file.png` saves the last run's map, to look at the layout's quality. */
const screenshotPath = process.argv.includes('--screenshot') ? process.argv[process.argv.indexOf('--screenshot') + 1] : undefined;

const SECTORS = ['vcse', 'nhs_secondary', 'primary_care', 'social_care', 'housing', 'public_health', 'commissioner', 'local_authority', 'police_justice', 'peer_led', 'education', 'employment_welfare'];

/**
 * A merged map shaped like a real event's: organisations clustered by sector, about four links each, a few
 * hubs (preferential attachment) and some wanted and broken links.
 */
function syntheticMergedMap(nodes: number): { organisations: Organisation[]; links: Link[] } {
  // Seeded, so every run lays out the same map.
  const random = seededRandom(nodes);
  const organisations: Organisation[] = Array.from({ length: nodes }, (_, index) => ({
    id: `o${index}`,
    name: `${SECTORS[index % SECTORS.length]!.replace(/_/g, ' ')} service ${index}`,
    sector: SECTORS[index % SECTORS.length]!,
    locality: '',
    remit: '',
    addedByGroup: 'other',
    createdAt: index,
  }));
  const links: Link[] = [];
  const seen = new Set<string>();
  const endpoints: number[] = [];
  const target = nodes * 4;
  while (links.length < target) {
    const source = Math.floor(random() * nodes);
    // Half the links go to an existing hub, the rest stay mostly inside the sector.
    const other = endpoints.length && random() < 0.5 ? endpoints[Math.floor(random() * endpoints.length)]! : (source + SECTORS.length * (1 + Math.floor(random() * 6))) % nodes;
    const key = source < other ? `${source}-${other}` : `${other}-${source}`;
    if (source === other || seen.has(key)) continue;
    seen.add(key);
    endpoints.push(source, other);
    const roll = random();
    links.push({
      id: `l${links.length}`,
      source: `o${source}`,
      target: `o${other}`,
      kind: RELATIONSHIP_KIND_IDS[links.length % RELATIONSHIP_KIND_IDS.length]!,
      mutual: random() < 0.3,
      strength: 1 + Math.floor(random() * 3),
      status: roll < 0.08 ? 'wanted' : roll < 0.12 ? 'broken' : 'existing',
      note: '',
      addedByGroup: 'other',
      createdAt: links.length,
    });
  }
  return { organisations, links };
}

/** The folder of an installed package as `from` sees it (some packages do not export their package.json). */
function packageDir(name: string, from: string): string {
  let dir = dirname(createRequire(join(from, 'package.json')).resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    if (dir === dirname(dir)) throw new Error(`Cannot find the folder of ${name}`);
    dir = dirname(dir);
  }
  return dir;
}
const mapViewDir = fileURLToPath(new URL('..', import.meta.url));
const cytoscapeDir = packageDir('cytoscape', mapViewDir);
const fcoseDir = packageDir('cytoscape-fcose', mapViewDir);
const coseBaseDir = packageDir('cose-base', fcoseDir);
const layoutBaseDir = packageDir('layout-base', coseBaseDir);
const SCRIPTS: Record<string, string> = {
  '/layout-base.js': join(layoutBaseDir, 'layout-base.js'),
  '/cose-base.js': join(coseBaseDir, 'cose-base.js'),
  '/cytoscape.js': join(cytoscapeDir, 'dist/cytoscape.min.js'),
  '/cytoscape-fcose.js': join(fcoseDir, 'cytoscape-fcose.js'),
};
const HARNESS = `<!doctype html><html><head><meta charset="utf-8"><title>map render bench</title>
<style>body{margin:0}#cy{width:1200px;height:800px}</style></head><body><div id="cy"></div>
${Object.keys(SCRIPTS).map((path) => `<script src="${path}"></script>`).join('\n')}
</body></html>`;

function serveHarness(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const file = SCRIPTS[request.url ?? ''];
    if (file) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(HARNESS);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}

interface RunResult {
  totalMs: number;
  /** Adding the elements (style computed lazily by cytoscape, so mostly bookkeeping). */
  addMs: number;
  /** Start to layoutstop. */
  layoutMs: number;
  /** Main-thread CPU time spent on the whole render. */
  cpuMs: number;
  nodes: number;
  edges: number;
}

async function renderOnce(browser: Browser, url: string, elements: unknown[], options: unknown, screenshot?: string): Promise<RunResult> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(url);
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Performance.enable');
    const threadTime = async () => (await devtools.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'ThreadTime')?.value ?? 0;
    const cpuBefore = await threadTime();
    const result = await page.evaluate(
      ({ elements, style, options }) =>
        new Promise<Omit<RunResult, 'cpuMs'>>((resolve) => {
          const cytoscape = (window as unknown as { cytoscape: (options: CytoscapeOptions) => Core }).cytoscape;
          const cy = cytoscape({ container: document.getElementById('cy'), style: style as StylesheetJson, elements: [], minZoom: 0.15, maxZoom: 4 });
          const start = performance.now();
          // As MapView does: all elements in one batch, then one layout.
          cy.batch(() => cy.add(elements as ElementDefinition[]));
          const added = performance.now();
          const layout = cy.layout(options as LayoutOptions);
          let layoutDone = 0;
          layout.one('layoutstop', () => {
            layoutDone = performance.now();
            cy.fit(undefined, 30);
            // Two frames: the one cytoscape draws into, then the one that shows it.
            requestAnimationFrame(() =>
              requestAnimationFrame(() =>
                resolve({ totalMs: performance.now() - start, addMs: added - start, layoutMs: layoutDone - start, nodes: cy.nodes().length, edges: cy.edges().length }),
              ),
            );
          });
          layout.run();
        }),
      { elements, style: [...mapStyle(nodeCount), ...(JSON.parse(process.env.BENCH_STYLE ?? '[]') as object[])], options },
    );
    // Main-thread CPU time: on a shared, busy machine the wall time mostly measures waiting for a core.
    const cpuMs = ((await threadTime()) - cpuBefore) * 1000;
    if (screenshot) await page.locator('#cy').screenshot({ path: screenshot });
    return { ...result, cpuMs };
  } finally {
    await page.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const { organisations, links } = syntheticMergedMap(nodeCount);
  const degree: Record<string, number> = {};
  for (const link of links) {
    degree[link.source] = (degree[link.source] ?? 0) + 1;
    degree[link.target] = (degree[link.target] ?? 0) + 1;
  }
  // Sized by degree, as the facilitator's ecosystem page draws it.
  const sizes = scaleNodeSizes(degree);
  const elements = [
    ...organisations.map((org) => ({ group: 'nodes', data: nodeData(org, sizes[org.id]), position: { x: 0, y: 0 } })),
    ...links.map((link) => ({ group: 'edges', data: edgeData(link, relationshipLabel), classes: edgeClasses(link) })),
  ];
  // BENCH_LAYOUT='{"numIter":300}' tries other fcose settings against the same map (for tuning only).
  const options = { ...layoutOptionsFor(organisations.length, false), ...(JSON.parse(process.env.BENCH_LAYOUT ?? '{}') as object) };
  const run = new BenchRun({ bench: 'map-view-render', size: sizeArg!, ...benchFlags() });
  await run.waitForQuiet();
  const { server, url } = await serveHarness();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    run.startMeasuring();
    const results: RunResult[] = [];
    for (let attempt = 0; attempt < runs; attempt++) {
      const result = await renderOnce(browser, url, elements, options, attempt === runs - 1 ? screenshotPath : undefined);
      results.push(result);
      console.log(`run ${attempt + 1}: ${result.totalMs.toFixed(0)} ms to first stable layout (added ${result.addMs.toFixed(0)} ms, layoutstop ${result.layoutMs.toFixed(0)} ms, main-thread CPU ${result.cpuMs.toFixed(0)} ms), ${result.nodes} nodes, ${result.edges} edges`);
    }
    const total = median(results.map((result) => result.totalMs));
    const cpu = median(results.map((result) => result.cpuMs));
    const layout = median(results.map((result) => result.layoutMs));
    console.log(
      `merged map render (${sizeArg}): ${organisations.length} nodes, ${links.length} links, quality ${options.quality}, numIter ${options.numIter}: ` +
        `median ${total.toFixed(0)} ms to first stable layout (layoutstop ${layout.toFixed(0)} ms, main-thread CPU ${cpu.toFixed(0)} ms) over ${runs} run(s)`,
    );
    run.figure('first stable layout, median', total, 'ms');
    run.figure('main-thread CPU, median', cpu, 'ms');
    run.details({ nodes: organisations.length, links: links.length, runs: results });
    run.goal({ name: 'merged map of 500 nodes to a stable layout (median of 3)', size: 'full', limit: GOAL_MS, unit: 'ms' }, total);
    run.finish();
  } finally {
    await browser.close();
    server.close();
  }
}

await main();
