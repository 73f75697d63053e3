/**
 * Benchmark of the analyses past the merged map: `node src/bench-insights.ts --size ci|full [--check] [--record]`.
 * Prints figures; with --check, exits 1 when a goal is missed (3 when the machine is too busy to judge).
 * Goals are judged only at full size (a 50-table event: 500 organisations, 2,000 links):
 * - every analysis (merge, metrics, consensus, the carers' view, pathways, cut vertices, E-I test,
 *   brokerage, influence, the .qdpx export) under 300 ms in total;
 * - one pathway query on 500 organisations under 50 ms;
 * - a 1,000-permutation E-I test under 200 ms;
 * - change over time between two 50-table events (both merged, then compared) under 300 ms.
 */
import { parseArgs } from 'node:util';
import { BenchRun, benchFlags } from '@tablemap/bench-kit';
import { seededRandom } from '@tablemap/model';
import { time } from './bench-timing.ts';
import { brokerageRoles } from './brokerage.ts';
import { compareEvents } from './change.ts';
import { consensusLayer, filterMapByGroups } from './consensus.ts';
import { eiPermutationTest } from './ei-test.ts';
import { influenceLayer } from './influence.ts';
import { previewMapImport, type RawMap } from './map-import.ts';
import { mergeTableMaps, type TableMapInput } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { cutVertices, findPathways } from './pathways.ts';
import { toQdpx } from './qdpx.ts';
import { fuzzyVariant, syntheticEvent } from './synthetic.ts';

const args = process.argv.slice(2).filter((arg) => arg !== '--');
const { values } = parseArgs({ args, options: { size: { type: 'string', default: 'full' }, check: { type: 'boolean', default: false }, record: { type: 'boolean', default: false } }, allowPositionals: true });
const SIZES = {
  ci: { tables: 10, organisations: 100, links: 400 },
  full: { tables: 50, organisations: 500, links: 2000 },
} as const;
const size = SIZES[values.size as keyof typeof SIZES];
if (!size) {
  console.error(`Unknown --size ${values.size}; use ci or full`);
  process.exit(2);
}
const run = new BenchRun({ bench: 'analysis-insights', size: values.size!, ...benchFlags() });
await run.waitForQuiet();
run.startMeasuring();

function report(name: string, timing: { first: number; median: number }, goalMs: number, detail: string) {
  console.log(`${name}: ${detail}: first ${timing.first.toFixed(1)} ms, median ${timing.median.toFixed(1)} ms`);
  run.figure(`${name}, median`, timing.median, 'ms');
  run.goal({ name: `${name} (median)`, size: 'full', limit: goalMs, unit: 'ms' }, timing.median);
}

// Participants of every group, so the consensus layer and the carers' view have something to find.
const GROUPS = ['lived_experience', 'carer', 'vcse', 'nhs_secondary', 'primary_care', 'housing'];
function withGroups(tables: TableMapInput[], seed: number): TableMapInput[] {
  const random = seededRandom(seed);
  const pick = () => GROUPS[Math.floor(random() * GROUPS.length)]!;
  return tables.map((table) => ({
    ...table,
    organisations: table.organisations.map((org) => ({ ...org, addedByGroup: pick() })),
    links: table.links.map((link) => ({ ...link, addedByGroup: pick() })),
  }));
}

const event = syntheticEvent({ tables: size.tables, organisations: size.organisations, mentionsPerOrganisation: 3, links: size.links });
const tables = withGroups(event.tables, 5);
const notes = tables.flatMap((table) => Array.from({ length: 10 }, (_, i) => ({ id: `${table.tableId}n${i}`, text: `Note ${i} from ${table.tableName}: people fall between services after discharge.`, kind: 'observation' as const, group: GROUPS[i % GROUPS.length]!, tableId: table.tableId })));
const themes = Array.from({ length: 12 }, (_, i) => ({ id: `th${i}`, title: `Theme ${i}`, description: '', noteIds: notes.filter((_, n) => n % 12 === i).map((note) => note.id) }));
const ratings = tables.flatMap((table) => table.organisations.map((org, i) => ({ tableId: table.tableId, organisationId: org.id, value: i % 6 })));

// The pathway query: between the two organisations furthest apart in the list (a long route, not a neighbour).
const probeMap = mergeTableMaps(tables);
const [from, to] = [probeMap.organisations[0]!.id, probeMap.organisations.at(-1)!.id];

let summary = '';
const all = time(7, () => {
  const map = mergeTableMaps(tables);
  const analysis = analyseEcosystem(map, event.sectors);
  const consensus = consensusLayer(map);
  const carers = analyseEcosystem(filterMapByGroups(map, ['lived_experience', 'carer']), event.sectors);
  const route = findPathways(map, { from, to, maxLength: 4 });
  const cuts = cutVertices(map);
  const ei = eiPermutationTest(map, { permutations: 1000 });
  const brokerage = brokerageRoles(map);
  const influence = influenceLayer(analysis.organisations, ratings);
  const qdpx = toQdpx({ title: 'Bench', exportedAt: '2026-01-01T00:00:00.000Z', tables: map.tables, notes, themes });
  summary = `${analysis.organisations.length} organisations, ${analysis.links.length} merged links, ${consensus.contested.length} contested, carers' view ${carers.organisations.length} organisations, route ${route.status}, ${cuts.length} cut vertices, E-I p=${ei.overall.pValue}, ${Object.keys(brokerage.sectors).length} brokering sectors, ${influence.points.length} influence points, .qdpx ${(qdpx.byteLength / 1024).toFixed(0)} KB`;
});
report('every analysis', all, 300, `${size.tables} tables (${summary})`);

const map = mergeTableMaps(tables);
let paths = 0;
const pathway = time(21, () => {
  const answer = findPathways(map, { from, to, maxLength: 4, maxPaths: 50 });
  paths = answer.status === 'found' ? answer.paths.length : 0;
});
report('pathway query', pathway, 50, `${map.organisations.length} organisations, routes up to 4 steps -> ${paths} routes`);

const eiTiming = time(7, () => eiPermutationTest(map, { permutations: 1000 }));
report('E-I permutation test', eiTiming, 200, `1,000 permutations over ${map.links.length} links`);

// The earlier event: a tenth of the organisations were not there yet, another tenth were spelt differently.
const random = seededRandom(11);
const earlierTables = withGroups(event.tables, 6).map((table) => {
  const organisations = table.organisations
    .filter((org) => Number(org.id.slice(1)) % 10 !== 0)
    .map((org) => (Number(org.id.slice(1)) % 10 === 5 ? { ...org, name: fuzzyVariant(org.name, random) } : org));
  const kept = new Set(organisations.map((org) => org.id));
  return { ...table, organisations, links: table.links.filter((link, i) => i % 7 !== 0 && kept.has(link.source) && kept.has(link.target)) };
});
let changeSummary = '';
const change = time(7, () => {
  const result = compareEvents(mergeTableMaps(earlierTables), mergeTableMaps(tables), { sectors: event.sectors });
  changeSummary = `${result.gainedOrganisations.length} organisations gained, ${result.lostOrganisations.length} lost, ${result.gainedLinks.length} links gained, ${result.lostLinks.length} lost, ${result.suggestions.length} matches to confirm`;
});
report('change over time', change, 300, `two ${size.tables}-table events (${changeSummary})`);

const raw: RawMap = {
  format: 'kumu',
  elements: Array.from({ length: 10_000 }, (_, i) => ({ line: i + 1, id: `e${i}`, label: `Organisation ${i}`, type: 'vcse', description: '', size: '', locality: '' })),
  connections: Array.from({ length: 20_000 }, (_, i) => ({ line: i + 1, from: `e${i % 10_000}`, to: `e${(i * 7 + 1) % 10_000}`, type: 'referral', direction: '', status: '' })),
};
const importTiming = time(3, () => previewMapImport(raw, event.sectors));
console.log(`import preview: 10,000 elements, 20,000 connections: first ${importTiming.first.toFixed(1)} ms, median ${importTiming.median.toFixed(1)} ms (no goal)`);

run.figure('import preview of 10,000 elements, median', importTiming.median, 'ms');
run.finish();
