import * as v from 'valibot';
import { DEFAULT_PRIORITY_GROUPS, IdSchema, ModelError, VocabularyIdSchema, type VocabularyEntry } from '@tablemap/model';
import { languageKey, organisationKey } from './attendee.ts';
import { seededRandom, shuffleInPlace } from './random.ts';
import {
  NEED_KINDS,
  assessSeating,
  priorityVoiceGap,
  type PriorityVoiceGap,
  type SeatingAttendee,
  type SeatingTable,
  type UnmetConstraint,
} from './seating-checks.ts';

export interface SeatingPlan {
  /** attendee id → table id, for every attendee. */
  assignments: Record<string, string>;
  /** Every constraint the plan does not meet, with why and what would fix it, most important first. */
  unmet: UnmetConstraint[];
  /** Tables the plan leaves without a priority voice and the choices (fewer tables, invite more), or null. */
  priorityGap: PriorityVoiceGap | null;
}

export interface SeatingOptions {
  /** The same seed always gives the same plan. */
  seed: number;
  /** Labels for messages; ids are used when absent. */
  groups?: readonly VocabularyEntry[];
  /** Stakeholder groups spread first, to as many tables as possible; default lived experience and carers. */
  priorityGroups?: readonly string[];
  /** Upper bound on improvement passes; the search usually settles in a handful. */
  maxPasses?: number;
}

const SeatingAttendeeSchema = v.object({
  id: IdSchema,
  group: VocabularyIdSchema,
  organisation: v.optional(v.string()),
  needs: v.optional(v.array(v.string())),
  name: v.optional(v.string()),
  language: v.optional(v.string()),
});
const SeatingTableSchema = v.object({
  id: IdSchema,
  name: v.pipe(v.string(), v.trim(), v.minLength(1, 'Every table needs a name')),
  hasScribe: v.optional(v.boolean()),
  stepFree: v.optional(v.boolean()),
  hearingLoop: v.optional(v.boolean()),
  nearExit: v.optional(v.boolean()),
  languages: v.optional(v.array(v.string())),
});

/**
 * Seats attendees at rainbow tables. Priorities, highest first:
 * 0. priority voices (lived experience and carers by default) together reach as many tables as possible:
 *    never two at one table while another table has none;
 * 1. every group with at least as many attendees as tables is at every table; rarer groups one per table;
 * 2. no two people from one organisation at a table, when avoidable;
 * 3. table sizes differ by at most 1;
 * 4. access needs (step-free, scribe, hearing loop, near the exit) and preferred languages.
 * Sizes are kept within 1 throughout (a round-robin deal always meets 1 and 3 together, so 3 never has
 * to give way to 1); organisation mix and needs are then improved by swaps that never make a
 * higher priority worse. Pure and deterministic for a seed.
 */
export function planSeating(
  attendees: readonly SeatingAttendee[],
  tables: readonly SeatingTable[],
  options: SeatingOptions,
): SeatingPlan {
  validateSeatingInput(attendees, tables);
  const random = seededRandom(options.seed);
  const priorityGroups = options.priorityGroups ?? DEFAULT_PRIORITY_GROUPS;
  const problem = encodeProblem(attendees, tables, priorityGroups);
  const tableOf = dealRoundRobin(problem, random);
  improveBySwaps(problem, tableOf, random, options.maxPasses ?? 40);

  const assignments: Record<string, string> = {};
  attendees.forEach((attendee, index) => {
    assignments[attendee.id] = tables[tableOf[index]!]!.id;
  });
  const context = { priorityGroups, ...(options.groups ? { groups: options.groups } : {}) };
  const unmet = assessSeating(attendees, assignments, tables, { context: 'plan', ...context });
  return { assignments, unmet, priorityGap: priorityVoiceGap(attendees, assignments, tables, context) };
}

/** Refuses input no seating can serve, with a message a facilitator can act on. */
export function validateSeatingInput(attendees: readonly SeatingAttendee[], tables: readonly SeatingTable[]): void {
  if (!Array.isArray(tables) || tables.length === 0) {
    throw new ModelError('invalid_input', 'There are no tables: add at least one table before seating attendees.');
  }
  if (!Array.isArray(attendees) || attendees.length === 0) {
    throw new ModelError('invalid_input', 'There are no attendees to seat: import the attendee list first.');
  }
  if (tables.length > attendees.length) {
    throw new ModelError(
      'invalid_input',
      `There are ${tables.length} tables but only ${attendees.length} attendees, so some tables would be empty. Remove tables or add attendees.`,
    );
  }
  tables.forEach((table, index) => {
    const result = v.safeParse(SeatingTableSchema, table);
    if (!result.success) throw new ModelError('invalid_input', `Table ${index + 1} is not valid: ${result.issues[0]?.message ?? 'malformed'}`);
  });
  attendees.forEach((attendee, index) => {
    const result = v.safeParse(SeatingAttendeeSchema, attendee);
    if (!result.success) throw new ModelError('invalid_input', `Attendee ${index + 1} is not valid: ${result.issues[0]?.message ?? 'malformed'}`);
  });
  const names = new Map<string, string>();
  const tableIds = new Set<string>();
  for (const table of tables) {
    const key = table.name.trim().toLowerCase();
    const clash = names.get(key);
    if (clash !== undefined) {
      throw new ModelError('invalid_input', `Two tables are called "${table.name.trim()}". Give every table its own name so people can find their seat.`);
    }
    names.set(key, table.name);
    if (tableIds.has(table.id)) throw new ModelError('invalid_input', `Two tables share the id "${table.id}".`);
    tableIds.add(table.id);
  }
  const attendeeIds = new Set<string>();
  for (const attendee of attendees) {
    if (attendeeIds.has(attendee.id)) throw new ModelError('invalid_input', `Attendee ${attendee.id} is listed twice.`);
    attendeeIds.add(attendee.id);
  }
}

// ---------------------------------------------------------------------------------------------
// The search works on small integer arrays so 500 people at 40 tables take milliseconds.

interface Problem {
  people: number;
  tables: number;
  groupCount: number;
  organisationCount: number;
  languageCount: number;
  /** per person */
  group: Int32Array;
  organisation: Int32Array; // -1: none given, never "the same organisation"
  /** One bit per access need (NEED_KINDS order). */
  wants: Uint8Array;
  language: Int32Array; // -1: English or none, which every table speaks
  /** per table */
  offers: Uint8Array;
  speaks: Uint8Array; // tables × languages
  /** per group */
  priority: Uint8Array;
  groupTotal: Int32Array;
  everywhere: Uint8Array; // 1 if the group has at least one person per table
  evenLow: Int32Array;
  evenHigh: Int32Array;
  /** Base for packing tiered deltas into one number; larger than any tier's delta range. */
  radix: number;
}

function encodeProblem(attendees: readonly SeatingAttendee[], tables: readonly SeatingTable[], priorityGroups: readonly string[]): Problem {
  const people = attendees.length;
  const groupIndex = new Map<string, number>();
  const organisationIndex = new Map<string, number>();
  const languageIndex = new Map<string, number>();
  const group = new Int32Array(people);
  const organisation = new Int32Array(people);
  const wants = new Uint8Array(people);
  const language = new Int32Array(people);
  attendees.forEach((attendee, index) => {
    if (!groupIndex.has(attendee.group)) groupIndex.set(attendee.group, groupIndex.size);
    group[index] = groupIndex.get(attendee.group)!;
    const key = organisationKey(attendee.organisation);
    if (key === '') organisation[index] = -1;
    else {
      if (!organisationIndex.has(key)) organisationIndex.set(key, organisationIndex.size);
      organisation[index] = organisationIndex.get(key)!;
    }
    wants[index] = NEED_KINDS.reduce((bits, kind, bit) => bits | (kind.needs(attendee.needs) ? 1 << bit : 0), 0);
    const spoken = languageKey(attendee.language);
    if (spoken === '') language[index] = -1;
    else {
      if (!languageIndex.has(spoken)) languageIndex.set(spoken, languageIndex.size);
      language[index] = languageIndex.get(spoken)!;
    }
  });
  const languageCount = languageIndex.size;
  const speaks = new Uint8Array(tables.length * Math.max(1, languageCount));
  tables.forEach((table, t) => {
    for (const spoken of table.languages ?? []) {
      const l = languageIndex.get(languageKey(spoken));
      if (l !== undefined) speaks[t * languageCount + l] = 1;
    }
  });
  const groupCount = groupIndex.size;
  const groupTotal = new Int32Array(groupCount);
  for (const g of group) groupTotal[g]!++;
  const tableCount = tables.length;
  return {
    people,
    tables: tableCount,
    groupCount,
    organisationCount: organisationIndex.size,
    languageCount,
    group,
    organisation,
    wants,
    language,
    offers: Uint8Array.from(tables, (table) => NEED_KINDS.reduce((bits, kind, bit) => bits | (kind.fits(table) ? 1 << bit : 0), 0)),
    speaks,
    priority: Uint8Array.from({ length: groupCount }, (_, g) => (priorityGroups.includes([...groupIndex.keys()][g]!) ? 1 : 0)),
    groupTotal,
    everywhere: Uint8Array.from(groupTotal, (total) => (total >= tableCount ? 1 : 0)),
    evenLow: Int32Array.from(groupTotal, (total) => Math.floor(total / tableCount)),
    evenHigh: Int32Array.from(groupTotal, (total) => Math.ceil(total / tableCount)),
    radix: 4 * people + 64,
  };
}

/**
 * Deals people to tables in turn, one group after another and, within a group, organisation by
 * organisation. Each group then has ⌊n/T⌋ or ⌈n/T⌉ at every table and sizes differ by at most 1,
 * and the priority groups, dealt first, cover as many tables as they can: priorities 0, 1 and 3 hold
 * from the start.
 */
function dealRoundRobin(problem: Problem, random: () => number): Int32Array {
  const order: number[] = [];
  // Priority groups are dealt first and back to back, so together they reach min(people, tables) tables.
  const groupsBySize = [...Array(problem.groupCount).keys()].sort(
    (a, b) => problem.priority[b]! - problem.priority[a]! || problem.groupTotal[b]! - problem.groupTotal[a]! || a - b,
  );
  const organisationOrder = shuffleInPlace([...Array(problem.organisationCount).keys()], random);
  const organisationRank = new Int32Array(problem.organisationCount);
  organisationOrder.forEach((organisation, rank) => (organisationRank[organisation] = rank));
  for (const g of groupsBySize) {
    const members = shuffleInPlace(
      [...Array(problem.people).keys()].filter((person) => problem.group[person] === g),
      random,
    );
    const rank = (person: number) => (problem.organisation[person]! < 0 ? problem.organisationCount : organisationRank[problem.organisation[person]!]!);
    members.sort((a, b) => rank(a) - rank(b)); // stable: keeps the shuffle within an organisation
    order.push(...members);
  }
  const tableOrder = shuffleInPlace([...Array(problem.tables).keys()], random);
  const tableOf = new Int32Array(problem.people);
  order.forEach((person, position) => (tableOf[person] = tableOrder[position % problem.tables]!));
  return tableOf;
}

/**
 * Steepest-descent over swaps (and, when sizes are uneven, moves from a larger to a smaller table).
 * A change is taken only if it improves the tiers lexicographically, so no higher priority ever gets worse.
 */
function improveBySwaps(problem: Problem, tableOf: Int32Array, random: () => number, maxPasses: number): void {
  const { people, tables, groupCount, organisationCount, group, organisation, radix } = problem;
  const groupAt = new Int32Array(tables * groupCount);
  const priorityAt = new Int32Array(tables);
  const organisationAt = new Int32Array(tables * Math.max(1, organisationCount));
  const size = new Int32Array(tables);
  for (let person = 0; person < people; person++) {
    const table = tableOf[person]!;
    groupAt[table * groupCount + group[person]!]!++;
    priorityAt[table]! += problem.priority[group[person]!]!;
    if (organisation[person]! >= 0) organisationAt[table * organisationCount + organisation[person]!]!++;
    size[table]!++;
  }
  const organisationTotal = new Int32Array(Math.max(1, organisationCount));
  for (const o of organisation) if (o >= 0) organisationTotal[o]!++;
  const smallSize = Math.floor(people / tables);
  const unevenSizes = people % tables !== 0;

  const coverage = (g: number, count: number) =>
    problem.everywhere[g] ? (count === 0 ? 1 : 0) : count > 1 ? count - 1 : 0;
  const evenness = (g: number, count: number) =>
    count < problem.evenLow[g]! ? problem.evenLow[g]! - count : count > problem.evenHigh[g]! ? count - problem.evenHigh[g]! : 0;
  const { languageCount } = problem;
  const needMiss = (person: number, table: number) => {
    const language = problem.language[person]!;
    const languageMiss = language >= 0 && problem.speaks[table * languageCount + language] === 0 ? 1 : 0;
    return BITS_SET[problem.wants[person]! & ~problem.offers[table]!]! + languageMiss;
  };
  /** Weight of one table without a priority voice: above any group-coverage change one swap can make. */
  const PRIORITY_WEIGHT = 8;
  /** Change in tables without a priority voice when `person` leaves `from` for `to`. */
  const priorityDelta = (person: number, from: number, to: number) =>
    problem.priority[group[person]!] ? (priorityAt[from] === 1 ? 1 : 0) - (priorityAt[to] === 0 ? 1 : 0) : 0;

  /** Change in tiers when `person` leaves `from` and joins `to` (ignoring anyone else moving). */
  const tiersOfMove = (person: number, from: number, to: number, out: Int32Array) => {
    const g = group[person]!;
    const before = groupAt[from * groupCount + g]!;
    const after = groupAt[to * groupCount + g]!;
    out[0]! += coverage(g, before - 1) - coverage(g, before) + coverage(g, after + 1) - coverage(g, after);
    out[0]! += PRIORITY_WEIGHT * priorityDelta(person, from, to);
    out[3]! += evenness(g, before - 1) - evenness(g, before) + evenness(g, after + 1) - evenness(g, after);
    const o = organisation[person]!;
    if (o >= 0) out[1]! += organisationAt[to * organisationCount + o]! - (organisationAt[from * organisationCount + o]! - 1);
    out[2]! += needMiss(person, to) - needMiss(person, from);
  };
  const tiers = new Int32Array(4);
  const pack = () => ((tiers[0]! * radix + tiers[1]!) * radix + tiers[2]!) * radix + tiers[3]!;

  const swapScore = (a: number, b: number) => {
    tiers.fill(0);
    const tableA = tableOf[a]!;
    const tableB = tableOf[b]!;
    if (group[a] === group[b]) {
      // Same group: group counts do not change; only organisations and needs can.
      tiers[2] = needMiss(a, tableB) - needMiss(a, tableA) + needMiss(b, tableA) - needMiss(b, tableB);
      const oa = organisation[a]!;
      const ob = organisation[b]!;
      if (oa !== ob) {
        if (oa >= 0) tiers[1]! += organisationAt[tableB * organisationCount + oa]! - (organisationAt[tableA * organisationCount + oa]! - 1);
        if (ob >= 0) tiers[1]! += organisationAt[tableA * organisationCount + ob]! - (organisationAt[tableB * organisationCount + ob]! - 1);
      }
      return pack();
    }
    tiersOfMove(a, tableA, tableB, tiers);
    tiersOfMove(b, tableB, tableA, tiers);
    // Two priority voices trading places leave coverage as it was; each move alone would not.
    if (problem.priority[group[a]!] && problem.priority[group[b]!]) {
      tiers[0]! -= PRIORITY_WEIGHT * (priorityDelta(a, tableA, tableB) + priorityDelta(b, tableB, tableA));
    }
    if (organisation[a] === organisation[b] && organisation[a]! >= 0) tiers[1] = 0; // colleagues trading places
    return pack();
  };

  const relocate = (person: number, to: number) => {
    const from = tableOf[person]!;
    groupAt[from * groupCount + group[person]!]!--;
    groupAt[to * groupCount + group[person]!]!++;
    priorityAt[from]! -= problem.priority[group[person]!]!;
    priorityAt[to]! += problem.priority[group[person]!]!;
    if (organisation[person]! >= 0) {
      organisationAt[from * organisationCount + organisation[person]!]!--;
      organisationAt[to * organisationCount + organisation[person]!]!++;
    }
    size[from]!--;
    size[to]!++;
    tableOf[person] = to;
  };

  // Bounds the rotation search so hopeless cases (say, far too few step-free seats) stay fast.
  let rotationBudget = 600_000;
  const short = new Uint8Array(tables);
  const order = [...Array(people).keys()];
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    shuffleInPlace(order, random);
    markShortTables();
    for (const person of order) {
      const home = tableOf[person]!;
      if (!worthMoving(person, home)) continue;
      let bestScore = 0;
      let bestPartner = -1;
      let bestTable = -1;
      for (let other = 0; other < people; other++) {
        if (tableOf[other] === home) continue;
        const score = swapScore(person, other);
        if (score < bestScore) {
          bestScore = score;
          bestPartner = other;
        }
      }
      if (unevenSizes && size[home] === smallSize + 1) {
        for (let table = 0; table < tables; table++) {
          if (size[table] !== smallSize) continue;
          tiers.fill(0);
          tiersOfMove(person, home, table, tiers);
          const score = pack();
          if (score < bestScore) {
            bestScore = score;
            bestPartner = -1;
            bestTable = table;
          }
        }
      }
      if (bestScore >= 0) continue;
      improved = true;
      if (bestTable >= 0) relocate(person, bestTable);
      else {
        const partnerHome = tableOf[bestPartner]!;
        relocate(person, partnerHome);
        relocate(bestPartner, home);
      }
    }
    if (!improved) {
      // Swaps are stuck: try rotating three people for whoever is still badly placed, then descend again.
      if (!improveByRotations()) break;
    }
  }

  /** Tables missing a group they should have; anyone there may be the one to swap out. */
  function markShortTables(): void {
    short.fill(0);
    const crowdedVoices = priorityAt.some((count) => count > 1);
    for (let table = 0; table < tables; table++) {
      if (crowdedVoices && priorityAt[table] === 0) short[table] = 1;
      for (let g = 0; g < groupCount; g++) {
        const count = groupAt[table * groupCount + g]!;
        if (count < problem.evenLow[g]! || coverage(g, count) > 0) short[table] = 1;
      }
    }
  }

  /**
   * Any improving swap or move involves someone with an unmet need, a colleague at their table, a group
   * over its share at their table, or a seat at a short table; everyone else is skipped as a starting point
   * (they are still considered as partners).
   */
  function worthMoving(person: number, home: number): boolean {
    if (short[home] || needMiss(person, home) > 0) return true;
    const o = organisation[person]!;
    if (o >= 0 && organisationAt[home * organisationCount + o]! > 1) return true;
    const g = group[person]!;
    if (problem.priority[g] && priorityAt[home]! > 1) return true;
    const count = groupAt[home * groupCount + g]!;
    return count > problem.evenHigh[g]! || coverage(g, count) > 0;
  }

  function isCrowded(person: number, table: number): boolean {
    const o = organisation[person]!;
    return o >= 0 && organisationAt[table * organisationCount + o]! > Math.ceil(organisationTotal[o]! / tables);
  }

  /**
   * Tables worth rotating `person` to: any other table if colleagues crowd them, else only tables that
   * meet more of their needs, and only if such a table has someone without those needs to make room.
   */
  function destinationsFor(person: number): number[] {
    const home = tableOf[person]!;
    if (isCrowded(person, home)) return [...Array(tables).keys()].filter((table) => table !== home);
    const better = [...Array(tables).keys()].filter((table) => needMiss(person, table) < needMiss(person, home));
    const roomy = new Uint8Array(tables);
    for (let other = 0; other < people; other++) {
      if (needMiss(other, home) <= needMiss(other, tableOf[other]!)) roomy[tableOf[other]!] = 1;
    }
    return better.filter((table) => roomy[table]);
  }

  /**
   * Looks for a 3-cycle p: A→B, q: B→C, r: C→A that improves the tiers (sizes stay put). Each step's
   * change is measured on the state after the earlier steps, so the sum is exact. Takes the first found.
   */
  function improveByRotations(): boolean {
    const members: number[][] = Array.from({ length: tables }, () => []);
    for (let person = 0; person < people; person++) members[tableOf[person]!]!.push(person);
    const first = new Int32Array(4);
    const second = new Int32Array(4);
    for (let p = 0; p < people; p++) {
      const tableA = tableOf[p]!;
      if (!isCrowded(p, tableA) && needMiss(p, tableA) === 0) continue;
      for (const tableB of destinationsFor(p)) {
        first.fill(0);
        tiersOfMove(p, tableA, tableB, first);
        relocate(p, tableB);
        for (const q of members[tableB]!) {
          for (let tableC = 0; tableC < tables; tableC++) {
            if (tableC === tableA || tableC === tableB) continue;
            second.set(first);
            tiersOfMove(q, tableB, tableC, second);
            relocate(q, tableC);
            if (rotationBudget <= 0) {
              relocate(q, tableB);
              relocate(p, tableA);
              return false;
            }
            rotationBudget -= members[tableC]!.length;
            for (const r of members[tableC]!) {
              tiers.set(second);
              tiersOfMove(r, tableC, tableA, tiers);
              // Rotations are costly to search, so they must fix something, not merely even out groups.
              if ((tiers[0]! * radix + tiers[1]!) * radix + tiers[2]! < 0) {
                relocate(r, tableA);
                return true;
              }
            }
            relocate(q, tableB);
          }
        }
        relocate(p, tableA);
      }
    }
    return false;
  }
}

/** Number of bits set in each 4-bit need mask. */
const BITS_SET = Uint8Array.from({ length: 16 }, (_, mask) => (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1) + ((mask >> 3) & 1));
