/**
 * The union of the table maps. Table docs are never rewritten: merging is a pure function of the
 * tables' snapshots plus the facilitator's alias map (confirmed merges and splits, stored in the
 * event/synthesis doc by whoever owns it).
 *
 * Alias keys (our choice): a *mention* key `${tableId}:${organisationId}` (ids never contain ":"),
 * mapped to the merged organisation id it belongs to. Mention keys survive renames at the table,
 * which name keys would not. Merged ids are `name:${normalisedName}` for groups formed by identical
 * normalised names; an alias may point at such an id (merge into that group) or at any new id
 * (a hand-made group, or a split when only one mention points there).
 */
import * as v from 'valibot';
import type { Link, LinkStatus, Organisation, OrganisationSize, RelationshipKindId } from '@tablemap/model';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { normaliseOrganisationName } from './normalise.ts';

export interface TableMapInput {
  tableId: string;
  tableName: string;
  organisations: Organisation[];
  links: Link[];
}

export interface AliasMap {
  [mentionKey: string]: string;
}

/**
 * Mention keys whose automatic same-name merge the facilitator rejected ("two different Minds"). Such a
 * mention becomes its own organisation, id `mention:${tableId}:${organisationId}`, unless aliased.
 */
export type RejectedMerges = readonly string[];

export interface Mention {
  tableId: string;
  organisationId: string;
  /** Stakeholder group of whoever added it at that table (a group, never a person). */
  group: string;
}

export interface MergedOrganisation {
  id: string;
  name: string;
  sector: string;
  size?: OrganisationSize;
  locality: string;
  remit: string;
  tableIds: string[];
  /** Distinct spellings used at the tables, most used first. */
  variants: string[];
  mentions: Mention[];
  /** Sectors the tables disagreed on, when they did (shown, not hidden). */
  sectorsAsserted: string[];
}

export interface LinkAssertion {
  tableId: string;
  linkId: string;
  kind: RelationshipKindId;
  status: LinkStatus;
  strength: number;
  /** Direction as asserted at that table, in merged ids. */
  source: string;
  target: string;
  mutual: boolean;
  /** Stakeholder group of whoever drew it at that table. */
  group: string;
}

export interface MergedLink {
  /** `${source}|${target}` of the merged link (one merged link per unordered pair). */
  id: string;
  source: string;
  target: string;
  /** The most asserted kind. */
  kind: RelationshipKindId;
  /** True when any table said mutual, or tables asserted both directions. */
  mutual: boolean;
  /** The most asserted status; a tie goes to the more worrying one (broken, then wanted). */
  status: LinkStatus;
  /** Mean asserted strength, to two decimals. */
  strength: number;
  tableIds: string[];
  assertions: LinkAssertion[];
  /** Tables disagree about the status, e.g. "existing" at one and "broken" at another. */
  conflict: boolean;
}

export interface MergeProblem {
  kind: 'alias-unknown-mention' | 'link-within-one-organisation' | 'link-to-unknown-organisation';
  key: string;
  message: string;
}

export interface MergedMap {
  tables: { id: string; name: string }[];
  organisations: MergedOrganisation[];
  links: MergedLink[];
  problems: MergeProblem[];
}

export function mentionKey(tableId: string, organisationId: string): string {
  return `${tableId}:${organisationId}`;
}

export function nameGroupId(name: string): string {
  return `name:${normaliseOrganisationName(name)}`;
}

const MENTION_KEY = /^[^:\s]+:[^:\s]+$/;
const AliasMapSchema = v.record(
  v.pipe(v.string(), v.regex(MENTION_KEY, 'alias keys must look like "tableId:organisationId"')),
  v.pipe(v.string('an alias must map to a merged id'), v.trim(), v.minLength(1, 'an alias must map to a merged id'), v.maxLength(300)),
);
const RejectedSchema = v.array(
  v.pipe(v.string(), v.regex(MENTION_KEY, 'rejected entries must look like "tableId:organisationId"')),
);
const TablesSchema = v.array(
  v.looseObject({
    tableId: v.pipe(v.string('tableId must be text'), v.minLength(1, 'tableId is required')),
    tableName: v.string('tableName must be text'),
    organisations: v.array(v.looseObject({ id: v.string(), name: v.string(), sector: v.string() })),
    links: v.array(v.looseObject({ id: v.string(), source: v.string(), target: v.string() })),
  }),
);

function check<T>(schema: v.GenericSchema<T>, value: unknown, what: string): T {
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) throw new AnalysisError(`Cannot merge the table maps: ${what} is malformed`, describeIssues(parsed.issues));
  return parsed.output;
}

/** Most frequent value; ties go to the one seen first (tables in input order). */
function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

function byFrequency(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
}

function mergeOrganisation(id: string, members: { tableId: string; org: Organisation }[]): MergedOrganisation {
  const orgs = members.map((member) => member.org);
  const sectors = byFrequency(orgs.map((org) => org.sector));
  const size = mostCommon(orgs.flatMap((org) => (org.size ? [org.size] : [])));
  const remits = [...new Set(orgs.map((org) => org.remit?.trim() ?? '').filter(Boolean))];
  const merged: MergedOrganisation = {
    id,
    name: mostCommon(orgs.map((org) => org.name.trim()))!,
    sector: sectors[0]!,
    locality: mostCommon(orgs.map((org) => org.locality?.trim() ?? '').filter(Boolean)) ?? '',
    // Different tables may describe different parts of the remit; keep them all.
    remit: remits.join(' / '),
    tableIds: [...new Set(members.map((member) => member.tableId))],
    variants: byFrequency(orgs.map((org) => org.name.trim())),
    mentions: members.map((member) => ({ tableId: member.tableId, organisationId: member.org.id, group: member.org.addedByGroup })),
    sectorsAsserted: sectors.length > 1 ? sectors : [],
  };
  if (size) merged.size = size;
  return merged;
}

const STATUS_WORRY: Record<LinkStatus, number> = { broken: 2, wanted: 1, existing: 0 };

function resolveStatus(statuses: readonly LinkStatus[]): LinkStatus {
  const counts = new Map<LinkStatus, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || STATUS_WORRY[b[0]] - STATUS_WORRY[a[0]])[0]![0];
}

/** One merged link from the assertions of one pair (also used to re-resolve a filtered set). */
export function mergeLink(assertions: LinkAssertion[]): MergedLink {
  const directed = assertions.filter((assertion) => !assertion.mutual);
  const forwardKey = mostCommon(directed.map((assertion) => `${assertion.source}\u0000${assertion.target}`));
  const { source, target } =
    directed.find((assertion) => `${assertion.source}\u0000${assertion.target}` === forwardKey) ?? assertions[0]!;
  const bothWays = new Set(directed.map((assertion) => assertion.source)).size > 1;
  const statuses = assertions.map((assertion) => assertion.status);
  const strength = assertions.reduce((sum, assertion) => sum + assertion.strength, 0) / assertions.length;
  return {
    id: `${source}|${target}`,
    source,
    target,
    kind: mostCommon(assertions.map((assertion) => assertion.kind))!,
    mutual: assertions.some((assertion) => assertion.mutual) || bothWays,
    status: resolveStatus(statuses),
    strength: Math.round(strength * 100) / 100,
    tableIds: [...new Set(assertions.map((assertion) => assertion.tableId))],
    assertions,
    conflict: new Set(statuses).size > 1,
  };
}

/**
 * Merges the tables' maps. Organisations with the same normalised name merge automatically; fuzzy
 * matches merge only through `aliases` (confirmed by the facilitator). Links merge per unordered pair
 * of merged organisations and keep every table's assertion.
 */
export function mergeTableMaps(
  tables: readonly TableMapInput[],
  aliases: AliasMap = {},
  rejected: RejectedMerges = [],
): MergedMap {
  check(TablesSchema, tables, 'the table list');
  const aliasMap = check(AliasMapSchema, aliases, 'the alias map');
  const rejectedSet = new Set(check(RejectedSchema, rejected, 'the rejected list'));
  const problems: MergeProblem[] = [];

  const groups = new Map<string, { tableId: string; org: Organisation }[]>();
  const mergedIdOf = new Map<string, string>();
  for (const table of tables) {
    for (const org of table.organisations) {
      const key = mentionKey(table.tableId, org.id);
      const id = aliasMap[key] ?? (rejectedSet.has(key) ? `mention:${key}` : nameGroupId(org.name));
      mergedIdOf.set(key, id);
      const group = groups.get(id) ?? [];
      group.push({ tableId: table.tableId, org });
      groups.set(id, group);
    }
  }
  for (const key of Object.keys(aliasMap)) {
    if (!mergedIdOf.has(key)) {
      problems.push({ kind: 'alias-unknown-mention', key, message: `The alias for ${key} names an organisation no table has (removed?)` });
    }
  }
  const organisations = [...groups].map(([id, members]) => mergeOrganisation(id, members));

  const linkGroups = new Map<string, LinkAssertion[]>();
  for (const table of tables) {
    for (const link of table.links) {
      const source = mergedIdOf.get(mentionKey(table.tableId, link.source));
      const target = mergedIdOf.get(mentionKey(table.tableId, link.target));
      if (!source || !target) {
        problems.push({ kind: 'link-to-unknown-organisation', key: mentionKey(table.tableId, link.id), message: `Link ${link.id} at table ${table.tableName} points at an organisation that is not on that table` });
        continue;
      }
      if (source === target) {
        problems.push({ kind: 'link-within-one-organisation', key: mentionKey(table.tableId, link.id), message: `Link ${link.id} at table ${table.tableName} joins two organisations that are now merged into one` });
        continue;
      }
      const pair = source < target ? `${source}|${target}` : `${target}|${source}`;
      const assertion: LinkAssertion = { tableId: table.tableId, linkId: link.id, kind: link.kind, status: link.status, strength: link.strength, source, target, mutual: link.mutual, group: link.addedByGroup };
      const list = linkGroups.get(pair);
      if (list) list.push(assertion);
      else linkGroups.set(pair, [assertion]);
    }
  }
  return {
    tables: tables.map((table) => ({ id: table.tableId, name: table.tableName })),
    organisations,
    links: [...linkGroups.values()].map(mergeLink),
    problems,
  };
}

/**
 * The alias entries that confirm a merge: every mention of the organisations `ids` is pointed at
 * `intoId`. Add them to the stored alias map; the table docs stay untouched.
 */
export function aliasesToMerge(map: MergedMap, ids: readonly string[], intoId: string): AliasMap {
  const aliases: AliasMap = {};
  for (const org of map.organisations) {
    if (!ids.includes(org.id)) continue;
    for (const mention of org.mentions) aliases[mentionKey(mention.tableId, mention.organisationId)] = intoId;
  }
  return aliases;
}

/** Every spelling of every merged organisation, under its merged id: the input suggestMerges wants. */
export function namesForSuggestions(map: MergedMap): { id: string; name: string }[] {
  return map.organisations.flatMap((org) => org.variants.map((name) => ({ id: org.id, name })));
}
