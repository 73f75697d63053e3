/**
 * Change over time: the merged map of this event against an earlier one. Organisations are matched
 * across the two events by the same de-duplication rules as within an event: identical normalised
 * names match automatically, near-duplicates are only suggested, and the facilitator confirms them
 * (`confirmed`: earlier id → current id) or keeps them apart. Links are compared per pair of matched
 * organisations, on their resolved status.
 */
import * as v from 'valibot';
import type { LinkStatus } from '@tablemap/model';
import { suggestMerges, type MergeSuggestion } from './dedupe.ts';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { nameGroupId, type MergedMap } from './merge.ts';
import { analyseEcosystem, type EcosystemAnalysis, type SectorEntry } from './metrics.ts';

export type DiffState = 'gained' | 'lost' | 'unchanged';

export interface DiffOrganisation {
  /** The current id, or the earlier id for a lost organisation. */
  id: string;
  earlierId: string | null;
  name: string;
  sector: string;
  state: DiffState;
  /** Degree now minus degree then (0 for gained or lost). */
  degreeChange: number;
}

export interface DiffLink {
  id: string;
  source: string;
  target: string;
  state: DiffState;
  /** Resolved status then and now (null when absent). */
  before: LinkStatus | null;
  after: LinkStatus | null;
}

export interface MetricChange {
  metric: string;
  before: number | null;
  after: number | null;
  sentence: string;
}

export interface MatchSuggestion {
  earlierId: string;
  currentId: string;
  earlierName: string;
  currentName: string;
  score: number;
  reason: MergeSuggestion['reason'];
}

export interface EventChange {
  organisations: DiffOrganisation[];
  links: DiffLink[];
  gainedOrganisations: DiffOrganisation[];
  lostOrganisations: DiffOrganisation[];
  gainedLinks: DiffLink[];
  lostLinks: DiffLink[];
  /** Links present in both whose status changed (e.g. broken then, existing now). */
  statusChanges: DiffLink[];
  metrics: MetricChange[];
  /** Near-duplicate names across the two events, waiting for the facilitator. */
  suggestions: MatchSuggestion[];
}

const ConfirmedSchema = v.record(v.pipe(v.string(), v.minLength(1)), v.pipe(v.string('a confirmed match must name a current organisation id'), v.minLength(1, 'a confirmed match must name a current organisation id')));

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Earlier id → current id for every organisation the rules or the facilitator matched. */
function matchOrganisations(earlier: MergedMap, current: MergedMap, confirmed: Record<string, string>, separate: ReadonlySet<string>): Map<string, string> {
  const currentIds = new Set(current.organisations.map((org) => org.id));
  const byName = new Map<string, string>();
  for (const org of current.organisations) {
    byName.set(org.id, org.id);
    for (const variant of org.variants) if (!byName.has(nameGroupId(variant))) byName.set(nameGroupId(variant), org.id);
  }
  const matches = new Map<string, string>();
  const taken = new Set<string>();
  for (const [earlierId, currentId] of Object.entries(confirmed)) {
    if (!currentIds.has(currentId) || taken.has(currentId)) continue;
    matches.set(earlierId, currentId);
    taken.add(currentId);
  }
  for (const org of earlier.organisations) {
    if (matches.has(org.id) || separate.has(org.id)) continue;
    const candidates = [org.id, ...org.variants.map(nameGroupId)].map((key) => byName.get(key));
    const found = candidates.find((id): id is string => id !== undefined && !taken.has(id));
    if (found) {
      matches.set(org.id, found);
      taken.add(found);
    }
  }
  return matches;
}

function metricChanges(before: EcosystemAnalysis, after: EcosystemAnalysis): MetricChange[] {
  const existing = (analysis: EcosystemAnalysis) => analysis.links.filter((link) => link.status === 'existing').length;
  const change = (metric: string, then: number | null, now: number | null, what: string, digits = 0): MetricChange => {
    const show = (value: number | null) => (value === null ? 'none' : value.toFixed(digits));
    const moved = then === null || now === null ? 'changed' : now > then ? 'rose' : now < then ? 'fell' : 'stayed';
    const sentence = moved === 'stayed' ? `${what} stayed at ${show(now)}.` : `${what} ${moved} from ${show(then)} to ${show(now)}.`;
    return { metric, before: then, after: now, sentence };
  };
  const metrics = [
    change('organisations', before.organisations.length, after.organisations.length, 'The number of organisations mapped'),
    change('existing_links', existing(before), existing(after), 'The number of existing links'),
    change('density', before.density, after.density, 'Density (the share of possible ties that exist)', 3),
    change('components', before.components, after.components, 'The number of separate parts of the network'),
    change('isolated', before.isolated.length, after.isolated.length, 'The number of organisations with no tie'),
    change('wanted_links', before.wantedLinks.length, after.wantedLinks.length, 'The number of wanted links'),
    change('broken_links', before.brokenLinks.length, after.brokenLinks.length, 'The number of broken links'),
  ];
  const sectors = new Set([...Object.keys(before.eiIndex), ...Object.keys(after.eiIndex)]);
  const label = new Map([...before.sectors, ...after.sectors].map((sector) => [sector.id, sector.label]));
  for (const sector of sectors) {
    const then = before.eiIndex[sector] ?? null;
    const now = after.eiIndex[sector] ?? null;
    if (then === null && now === null) continue;
    metrics.push(change(`ei:${sector}`, then, now, `The E-I index of ${label.get(sector) ?? sector}`, 2));
  }
  return metrics;
}

/**
 * Compares the current merged map with an earlier one. `confirmed` holds the facilitator's decisions
 * (earlier merged id → current merged id); anything else matches only by identical normalised name.
 */
export function compareEvents(
  earlier: MergedMap,
  current: MergedMap,
  options: {
    sectors?: readonly SectorEntry[];
    earlierSectors?: readonly SectorEntry[];
    /** Earlier id → current id: matches the facilitator confirmed. */
    confirmed?: Record<string, string>;
    /** Earlier ids the facilitator said are not the same as the current organisation of that name. */
    separate?: readonly string[];
  } = {},
): EventChange {
  const parsed = v.safeParse(ConfirmedSchema, options.confirmed ?? {});
  if (!parsed.success) throw new AnalysisError('The confirmed matches are malformed', describeIssues(parsed.issues));
  const matches = matchOrganisations(earlier, current, parsed.output, new Set(options.separate ?? []));
  const before = analyseEcosystem(earlier, options.earlierSectors ?? options.sectors ?? []);
  const after = analyseEcosystem(current, options.sectors ?? []);
  const degreeBefore = new Map(before.organisations.map((org) => [org.id, org.degree]));
  const currentOf = (earlierId: string) => matches.get(earlierId) ?? `earlier:${earlierId}`;
  const matchedCurrent = new Map([...matches].map(([earlierId, currentId]) => [currentId, earlierId]));

  const organisations: DiffOrganisation[] = [
    ...after.organisations.map((org) => {
      const earlierId = matchedCurrent.get(org.id) ?? null;
      return {
        id: org.id,
        earlierId,
        name: org.name,
        sector: org.sector,
        state: (earlierId ? 'unchanged' : 'gained') as DiffState,
        degreeChange: earlierId ? org.degree - degreeBefore.get(earlierId)! : 0,
      };
    }),
    ...before.organisations
      .filter((org) => !matches.has(org.id))
      .map((org) => ({ id: currentOf(org.id), earlierId: org.id, name: org.name, sector: org.sector, state: 'lost' as DiffState, degreeChange: 0 })),
  ];

  const thenByPair = new Map(earlier.links.map((link) => [pairKey(currentOf(link.source), currentOf(link.target)), link]));
  const nowByPair = new Map(current.links.map((link) => [pairKey(link.source, link.target), link]));
  const links: DiffLink[] = [];
  for (const [key, link] of nowByPair) {
    const then = thenByPair.get(key);
    const existsNow = link.status === 'existing';
    const existedThen = then?.status === 'existing';
    const state: DiffState = existsNow && !existedThen ? 'gained' : !existsNow && existedThen ? 'lost' : 'unchanged';
    links.push({ id: key, source: link.source, target: link.target, state, before: then?.status ?? null, after: link.status });
  }
  for (const [key, link] of thenByPair) {
    if (nowByPair.has(key)) continue;
    const [source, target] = [currentOf(link.source), currentOf(link.target)];
    links.push({ id: key, source, target, state: link.status === 'existing' ? 'lost' : 'unchanged', before: link.status, after: null });
  }

  // Only unmatched names are worth suggesting; prefixes keep the two events' ids apart.
  const unmatchedEarlier = earlier.organisations.filter((org) => !matches.has(org.id));
  const unmatchedCurrent = current.organisations.filter((org) => !matchedCurrent.has(org.id));
  const names = [
    ...unmatchedEarlier.map((org) => ({ id: `e\u0000${org.id}`, name: org.name })),
    ...unmatchedCurrent.map((org) => ({ id: `c\u0000${org.id}`, name: org.name })),
  ];
  const nameOf = new Map(names.map((entry) => [entry.id, entry.name]));
  const suggestions = suggestMerges(names)
    .filter((suggestion) => suggestion.ids[0][0] !== suggestion.ids[1][0])
    .map((suggestion) => {
      const [e, c] = suggestion.ids[0].startsWith('e') ? suggestion.ids : [suggestion.ids[1], suggestion.ids[0]];
      return { earlierId: e.slice(2), currentId: c.slice(2), earlierName: nameOf.get(e)!, currentName: nameOf.get(c)!, score: suggestion.score, reason: suggestion.reason };
    });

  return {
    organisations,
    links,
    // By name, so lists read the same on every load (the merged map's order follows the docs' internal ids).
    gainedOrganisations: organisations.filter((org) => org.state === 'gained').sort(byName),
    lostOrganisations: organisations.filter((org) => org.state === 'lost').sort(byName),
    gainedLinks: links.filter((link) => link.state === 'gained'),
    lostLinks: links.filter((link) => link.state === 'lost'),
    statusChanges: links.filter((link) => link.before !== null && link.after !== null && link.before !== link.after),
    metrics: metricChanges(before, after),
    suggestions,
  };
}

/** The change as CSV-ready rows: one per organisation and link, with its state. */
export function changeRows(change: EventChange): { header: string[]; rows: (string | number)[][] } {
  const name = new Map(change.organisations.map((org) => [org.id, org.name]));
  return {
    header: ['element', 'state', 'name_or_source', 'sector_or_target', 'status_before', 'status_after', 'degree_change'],
    rows: [
      ...change.organisations.map((org) => ['organisation', org.state, org.name, org.sector, '', '', org.degreeChange]),
      ...change.links.map((link) => ['link', link.state, name.get(link.source) ?? link.source, name.get(link.target) ?? link.target, link.before ?? '', link.after ?? '', '']),
    ],
  };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' });
