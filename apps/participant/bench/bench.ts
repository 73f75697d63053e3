/**
 * Participant app benchmark. Prints:
 *  1. the initial JS of the join route (gzip), from the build output, and whether cytoscape is in it
 *     (goal: under 120 KB, cytoscape loaded only after first paint);
 *  2. the time from opening a table link to an interactive map with 40 organisations and 60 links,
 *     on a Pixel 7 emulation with 4× CPU throttling (median of 5 runs; `--size ci` runs once), once on the
 *     plain local network (goal: under 2.5 s) and once with Chrome's "Fast 3G" network throttling (printed
 *     for comparison; no goal).
 * Run `pnpm --filter @tablemap/participant build` first. `--check` judges the goals (full size only) and exits
 * 1 on a miss, 3 when the machine is too busy to judge a time; `--record` keeps the JSON in benchmarks/results/;
 * `--bundle-only` prints just the bundle figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, devices } from '@playwright/test';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import WebSocket from 'ws';
import { RELATIONSHIP_KIND_IDS, addOrganisation, linkOrganisations, tableDocName } from '@tablemap/model';
import { openDoc } from '@tablemap/sync-client';
import { startServer } from '../scripts/server.ts';

const appDir = new URL('..', import.meta.url).pathname;
const size = process.argv.includes('--size') ? process.argv[process.argv.indexOf('--size') + 1] : 'full';
const runs = size === 'ci' ? 1 : 5;
const JOIN_ROUTE = '/join/[code]/[tableId]';
const BUNDLE_GOAL_KB = 120;
const INTERACTIVE_GOAL_MS = 2500;
/** Chrome DevTools' "Fast 3G" preset: 562.5 ms latency, 1.6 Mbit/s down and 750 kbit/s up, each at 90%. */
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1.6 * 1000 * 1000 * 0.9) / 8, uploadThroughput: (750 * 1000 * 0.9) / 8 };

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
}

function initialJoinRouteJs(): { files: string[]; gzipBytes: number; rawBytes: number; hasCytoscape: boolean } {
  const outDir = join(appDir, '.svelte-kit/output/client');
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const appKey = Object.keys(manifest).find((key) => key.endsWith('client-optimized/app.js'));
  if (!appKey) throw new Error('No app entry in the Vite manifest; build the app first');
  const appSource = readFileSync(join(appDir, appKey), 'utf8');
  const routeLine = appSource.split('\n').find((line) => line.includes(`"${JOIN_ROUTE}"`));
  const nodeIndexes = [...(routeLine?.split(':')[1]?.match(/\[([^\]]*)\]/)?.[1] ?? '').matchAll(/-?\d+/g)].map((match) => Math.abs(Number(match[0])));
  const nodeKeys = [0, ...nodeIndexes].map((index) => Object.keys(manifest).find((key) => key.endsWith(`client-optimized/nodes/${index}.js`)));
  const entryKeys = Object.keys(manifest).filter((key) => manifest[key]?.isEntry && !key.includes('/nodes/'));
  const seen = new Set<string>();
  const visit = (key: string | undefined) => {
    if (!key || seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const imported of manifest[key]!.imports ?? []) visit(imported);
  };
  for (const key of [...entryKeys, ...nodeKeys]) visit(key);
  const files = [...new Set([...seen].map((key) => manifest[key]!.file))];
  if (nodeIndexes.length === 0) throw new Error(`Route ${JOIN_ROUTE} not found in the build`);
  let gzipBytes = 0;
  let rawBytes = 0;
  let hasCytoscape = false;
  for (const file of files) {
    const content = readFileSync(join(outDir, file));
    rawBytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
    if (/cytoscape|fcose/i.test(content.toString('utf8'))) hasCytoscape = true;
  }
  return { files, gzipBytes, rawBytes, hasCytoscape };
}

async function seedTable(base: string, organisationCount: number, linkCount: number) {
  const response = await fetch(`${base}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Benchmark', tableCount: 1 }),
  });
  const event = (await response.json()) as { eventId: string; joinCode: string; facilitatorToken: string };
  const synced = openDoc({
    serverUrl: base,
    docName: tableDocName(event.eventId, 't1'),
    token: event.facilitatorToken,
    WebSocketPolyfill: WebSocket,
    disableBroadcastChannel: true,
  });
  await synced.ready;
  const actor = { group: 'other', participantId: 'benchmark' };
  const sectors = ['vcse', 'nhs_secondary', 'primary_care', 'social_care', 'housing', 'public_health', 'local_authority', 'peer_led'];
  const ids = Array.from({ length: organisationCount }, (_, index) =>
    addOrganisation(synced.doc, { name: `Organisation ${index + 1}`, sector: sectors[index % sectors.length]! }, actor),
  );
  for (let index = 0; index < linkCount; index++) {
    const source = ids[index % ids.length]!;
    const target = ids[(index * 7 + 3) % ids.length]!;
    if (source === target) continue;
    linkOrganisations(synced.doc, { source, target, kind: RELATIONSHIP_KIND_IDS[index % RELATIONSHIP_KIND_IDS.length]! }, actor);
  }
  // Let the server acknowledge everything before the browsers arrive.
  await new Promise((resolve) => setTimeout(resolve, 500));
  synced.destroy();
  return event.joinCode;
}

async function timeJoinToInteractiveMap(base: string, joinCode: string, organisationCount: number, network: 'local' | 'fast-3g'): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const timings: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ ...devices['Pixel 7'], hasTouch: true, serviceWorkers: 'block' });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      if (network === 'fast-3g') {
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', FAST_3G);
      }
      const started = performance.now();
      await page.goto(`${base}/join/${joinCode}/t1`);
      await page.getByLabel('I speak for').selectOption('carer');
      await page.getByLabel('I understand and agree to take part').check();
      await page.getByRole('button', { name: 'Join table' }).tap();
      await page.locator(`[data-map-ready="true"][data-node-count="${organisationCount}"]`).waitFor({ timeout: 120_000 });
      // Interactive: the main thread answers a tap on the map.
      await page.getByRole('button', { name: 'Fit' }).tap();
      timings.push(performance.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return timings;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const run = new BenchRun({ bench: 'participant', size: size!, ...benchFlags() });
await run.waitForQuiet();
run.startMeasuring();
const bundle = initialJoinRouteJs();
const bundleKb = bundle.gzipBytes / 1024;
console.log(`Initial JS of ${JOIN_ROUTE}: ${bundleKb.toFixed(1)} KB gzip (${(bundle.rawBytes / 1024).toFixed(1)} KB raw, ${bundle.files.length} files)`);
console.log(`Cytoscape in the initial bundle: ${bundle.hasCytoscape ? 'YES' : 'no'}`);
run.figure('join route initial JS (gzip)', bundleKb, 'KB');
run.goal({ name: 'join route initial JS (gzip)', size: 'full', limit: BUNDLE_GOAL_KB, unit: 'KB', loadIndependent: true }, bundleKb);
run.goal({ name: 'cytoscape chunks in the initial bundle', size: 'full', limit: 0, unit: '', compare: 'atMost', loadIndependent: true }, bundle.hasCytoscape ? 1 : 0);

if (process.argv.includes('--bundle-only')) {
  run.finish();
  process.exit(process.exitCode ?? 0);
}
const { child, base } = await startServer();
try {
  const organisations = 40;
  const joinCode = await seedTable(base, organisations, 60);
  const timingsByNetwork: Record<string, number[]> = {};
  for (const network of ['local', 'fast-3g'] as const) {
    const timings = await timeJoinToInteractiveMap(base, joinCode, organisations, network);
    timingsByNetwork[network] = timings;
    console.log(
      `Join → interactive map, ${organisations} organisations / 60 links, Pixel 7, 4× CPU throttling, ${network === 'local' ? 'no network throttling' : 'Fast 3G network (for comparison; no goal)'}: median ${median(timings).toFixed(0)} ms over ${timings.length} run(s) [${timings.map((t) => t.toFixed(0)).join(', ')}]`,
    );
    run.figure(network === 'local' ? 'join → interactive map, median' : 'join → interactive map on Fast 3G, median', median(timings), 'ms');
  }
  run.details({ bundle, joinToInteractiveMs: timingsByNetwork });
  run.goal({ name: 'join → interactive map on a throttled Pixel 7 (median of 5)', size: 'full', limit: INTERACTIVE_GOAL_MS, unit: 'ms' }, median(timingsByNetwork.local!));
  run.finish();
} finally {
  child.kill('SIGTERM');
}
