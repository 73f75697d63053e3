import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STAKEHOLDER_GROUPS, ModelError } from '@tablemap/model';
import { needsScribe, needsStepFree, organisationKey } from './attendee.ts';
import { confirmImport, parseAttendeeCsv } from './csv-import.ts';
import { planSeating } from './seating.ts';
import { SEATING_CONSTRAINTS, type SeatingAttendee, type SeatingTable, type UnmetConstraint } from './seating-checks.ts';
import { seatingWarnings } from './warnings.ts';

const groups = DEFAULT_STAKEHOLDER_GROUPS;
const attendees120 = confirmImport(
  parseAttendeeCsv(readFileSync(new URL('./fixtures/attendees-120.csv', import.meta.url)), { groups }),
);
const twelveTables: SeatingTable[] = Array.from({ length: 12 }, (_, index) => ({
  id: `t${index + 1}`,
  name: `Table ${index + 1}`,
  stepFree: index < 6,
  hasScribe: index % 2 === 0,
  nearExit: index % 3 === 0,
}));

function seatedAt(assignments: Record<string, string>, people: readonly SeatingAttendee[], tableId: string) {
  return people.filter((person) => assignments[person.id] === tableId);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

describe('seating attendees-120.csv at 12 tables', () => {
  const plan = planSeating(attendees120, twelveTables, { seed: 2026, groups });
  const groupTotals = countBy(attendees120, (person) => person.group);
  const tables = twelveTables.map((table) => ({ table, people: seatedAt(plan.assignments, attendees120, table.id) }));

  it('seats everyone once, ten to a table', () => {
    expect(Object.keys(plan.assignments).sort()).toEqual(attendees120.map((person) => person.id).sort());
    expect(tables.map((entry) => entry.people.length)).toEqual(Array(12).fill(10));
  });

  it('puts every large group at every table and spreads rarer groups one per table', () => {
    const large = [...groupTotals].filter(([, total]) => total >= 12).map(([group]) => group);
    expect(large.sort()).toEqual(['lived_experience', 'nhs_secondary', 'vcse']);
    for (const { people } of tables) {
      const here = countBy(people, (person) => person.group);
      for (const group of large) expect(here.get(group) ?? 0).toBeGreaterThanOrEqual(1);
      for (const [group, total] of groupTotals) if (total < 12) expect(here.get(group) ?? 0).toBeLessThanOrEqual(1);
    }
  });

  it('never seats two people from one organisation together (no organisation has 12 or more)', () => {
    for (const { people } of tables) {
      const named = people.filter((person) => organisationKey(person.organisation) !== '');
      const organisations = countBy(named, (person) => organisationKey(person.organisation));
      expect(Math.max(...organisations.values())).toBe(1);
    }
  });

  it('seats step-free and no-smartphone attendees at step-free and scribe tables', () => {
    const stepFree = attendees120.filter((person) => needsStepFree(person.needs));
    const noPhone = attendees120.filter((person) => needsScribe(person.needs));
    expect(stepFree.length).toBeGreaterThan(0);
    expect(noPhone.length).toBeGreaterThan(0);
    const tableOf = (person: SeatingAttendee) => twelveTables.find((table) => table.id === plan.assignments[person.id])!;
    for (const person of stepFree) expect(tableOf(person).stepFree).toBe(true);
    for (const person of noPhone) expect(tableOf(person).hasScribe).toBe(true);
  });

  it('reports nothing unmet, and gives the same plan for the same seed', () => {
    expect(plan.unmet).toEqual([]);
    expect(planSeating(attendees120, twelveTables, { seed: 2026, groups })).toEqual(plan);
    expect(planSeating(attendees120, twelveTables, { seed: 7, groups }).assignments).not.toEqual(plan.assignments);
  });
});

describe('unmet constraints are reported with why', () => {
  it('no step-free or scribe table at all', () => {
    const plain = twelveTables.map(({ id, name }) => ({ id, name }));
    const plan = planSeating(attendees120, plain, { seed: 1, groups });
    // One warning per cause, naming everyone it affects and the one fix.
    const stepFree = plan.unmet.filter((entry) => entry.constraint === 'step_free');
    expect(stepFree).toHaveLength(1);
    const needing = attendees120.filter((person) => needsStepFree(person.needs));
    expect(stepFree[0]?.attendeeIds?.sort()).toEqual(needing.map((person) => person.id).sort());
    expect(stepFree[0]?.message).toMatch(new RegExp(`^${needing.length} people \\(.+, …\\) need step-free access, but no table is marked as a step-free table$`));
    expect(stepFree[0]?.action).toBe('Mark a table "Step-free" in setup or on the seating page, then plan again');
    const scribe = plan.unmet.filter((entry) => entry.constraint === 'scribe');
    expect(scribe).toHaveLength(1);
    expect(scribe[0]?.attendeeIds).toHaveLength(attendees120.filter((person) => needsScribe(person.needs)).length);
  });

  it('too few step-free seats', () => {
    const people = Array.from({ length: 6 }, (_, index) => ({ id: `p${index}`, name: `Person ${index}`, group: 'vcse', needs: ['step-free access'] }));
    const plan = planSeating(people, [{ id: 'a', name: 'Table A', stepFree: true }, { id: 'b', name: 'Table B' }], { seed: 3, priorityGroups: [] });
    expect(seatedAt(plan.assignments, people, 'a')).toHaveLength(3);
    const left = seatedAt(plan.assignments, people, 'b').map((person) => person.name);
    expect(plan.unmet.map((entry) => entry.message)).toEqual([
      `3 people (${left.join(', ')}) need step-free access, but 6 people need it and the step-free table seat only 3`,
    ]);
  });

  it('more people from one organisation than tables', () => {
    const people = ['x', 'y', 'z', 'w'].map((id, index) => ({ id, group: 'vcse', organisation: index < 3 ? 'Northshore Mind' : 'Other Org' }));
    const plan = planSeating(people, [{ id: 'a', name: 'Table A' }, { id: 'b', name: 'Table B' }], { seed: 1, priorityGroups: [] });
    expect(plan.unmet).toHaveLength(1);
    expect(plan.unmet[0]).toMatchObject({ constraint: 'organisation_mix', unavoidable: true });
    expect(plan.unmet[0]?.message).toMatch(/2 people from Northshore Mind \(unavoidable: 3 of them came for 2 tables\)/);
  });
});

describe('input that cannot be seated', () => {
  const people: SeatingAttendee[] = [
    { id: 'a1', group: 'vcse' },
    { id: 'a2', group: 'carer' },
    { id: 'a3', group: 'housing' },
  ];
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError);
      return (error as ModelError).message;
    }
    throw new Error('expected a refusal');
  };

  it('zero tables', () => {
    expect(refusal(() => planSeating(people, [], { seed: 1 }))).toMatch(/no tables/);
  });

  it('more tables than attendees', () => {
    const tables = Array.from({ length: 4 }, (_, index) => ({ id: `t${index}`, name: `Table ${index}` }));
    expect(refusal(() => planSeating(people, tables, { seed: 1 }))).toBe(
      'There are 4 tables but only 3 attendees, so some tables would be empty. Remove tables or add attendees.',
    );
  });

  it('duplicate table names, whatever their case or spacing', () => {
    const tables = [{ id: 't1', name: 'Table 1' }, { id: 't2', name: ' table 1 ' }];
    expect(refusal(() => planSeating(people, tables, { seed: 1 }))).toMatch(/Two tables are called "table 1"/);
  });

  it('no attendees, duplicate ids, a nameless table', () => {
    expect(refusal(() => planSeating([], [{ id: 't1', name: 'T' }], { seed: 1 }))).toMatch(/no attendees/);
    expect(refusal(() => planSeating([people[0]!, people[0]!], [{ id: 't1', name: 'T' }], { seed: 1 }))).toMatch(/listed twice/);
    expect(refusal(() => planSeating(people, [{ id: 't1', name: ' ' }], { seed: 1 }))).toMatch(/needs a name/);
    expect(refusal(() => planSeating(people, [{ id: 't1', name: 'A' }, { id: 't1', name: 'B' }], { seed: 1 }))).toMatch(/share the id/);
  });
});

describe('planSeating properties', () => {
  const groupIds = ['lived_experience', 'carer', 'vcse', 'nhs_secondary', 'housing', 'police_justice'];
  const scenario = fc
    .array(
      fc.record({
        group: fc.constantFrom(...groupIds, 'vcse', 'vcse', 'nhs_secondary'),
        organisation: fc.constantFrom('', 'Mind', 'Council', 'Trust', 'Surgery', 'Carers Centre', 'mind '),
        needs: fc.subarray(['step-free access', 'no smartphone', 'large print']),
      }),
      { minLength: 1, maxLength: 70 },
    )
    .chain((rows) =>
      fc.record({
        attendees: fc.constant(rows.map((row, index) => ({ ...row, id: `a${index}` }))),
        tables: fc
          .array(fc.record({ stepFree: fc.boolean(), hasScribe: fc.boolean() }), { minLength: 1, maxLength: Math.min(rows.length, 14) })
          .map((flags) => flags.map((flag, index) => ({ ...flag, id: `t${index}`, name: `Table ${index + 1}` }))),
        seed: fc.integer(),
      }),
    );

  it('seats every attendee exactly once at a real table, sizes differing by at most 1', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        const { assignments } = planSeating(attendees, tables, { seed });
        expect(Object.keys(assignments).sort()).toEqual(attendees.map((person) => person.id).sort());
        const sizes = tables.map((table) => seatedAt(assignments, attendees, table.id).length);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(attendees.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        expect(planSeating(attendees, tables, { seed })).toEqual(planSeating(attendees, tables, { seed }));
      }),
      { numRuns: 60 },
    );
  });

  it('covers every table with each group that has enough people, and never doubles a rarer group', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        const { assignments, unmet } = planSeating(attendees, tables, { seed });
        const totals = countBy(attendees, (person) => person.group);
        for (const table of tables) {
          const here = countBy(seatedAt(assignments, attendees, table.id), (person) => person.group);
          for (const [group, total] of totals) {
            if (total >= tables.length) expect(here.get(group) ?? 0).toBeGreaterThanOrEqual(1);
            else expect(here.get(group) ?? 0).toBeLessThanOrEqual(1);
          }
        }
        expect(unmet.filter((entry) => entry.constraint === 'group_coverage' || entry.constraint === 'rare_group_spread')).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('reports every unmet need and every shared organisation', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        const { assignments, unmet } = planSeating(attendees, tables, { seed });
        for (const person of attendees) {
          const table = tables.find((entry) => entry.id === assignments[person.id])!;
          const reported = (constraint: string) => unmet.some((entry) => entry.constraint === constraint && entry.attendeeIds?.includes(person.id));
          expect(reported('step_free')).toBe(needsStepFree(person.needs) && !table.stepFree);
          expect(reported('scribe')).toBe(needsScribe(person.needs) && !table.hasScribe);
        }
        for (const table of tables) {
          const organisations = countBy(
            seatedAt(assignments, attendees, table.id).filter((person) => organisationKey(person.organisation) !== ''),
            (person) => organisationKey(person.organisation),
          );
          const shared = [...organisations.values()].filter((count) => count > 1).length;
          expect(unmet.filter((entry) => entry.constraint === 'organisation_mix' && entry.tableId === table.id)).toHaveLength(shared);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('seatingWarnings while seating by hand', () => {
  const plan = planSeating(attendees120, twelveTables, { seed: 5, groups });

  it('is quiet for a good plan', () => {
    expect(seatingWarnings(attendees120, plan.assignments, twelveTables, groups)).toEqual([]);
  });

  it('warns when a table loses its only person with lived experience', () => {
    const tableFour = seatedAt(plan.assignments, attendees120, 't4');
    const moved = { ...plan.assignments };
    for (const person of tableFour.filter((entry) => entry.group === 'lived_experience')) moved[person.id] = 't5';
    expect(seatingWarnings(attendees120, moved, twelveTables, groups).map((entry) => entry.message)).toContain('Table 4 has no one with lived experience (there are 14 for 12 tables)');
  });

  it('warns about colleagues together, unmet needs, size gaps and unseated people', () => {
    const council = attendees120.filter((person) => person.organisation === 'Northshore Borough Council');
    // 11 council staff at 12 tables: one table has none; send two of them there.
    const free = twelveTables.find((table) => !council.some((person) => plan.assignments[person.id] === table.id))!;
    const [first, second] = council;
    const stepFreePerson = attendees120.find((person) => needsStepFree(person.needs))!;
    const moved = { ...plan.assignments, [first!.id]: free.id, [second!.id]: free.id, [stepFreePerson.id]: 't12' };
    delete moved[attendees120[0]!.id];
    const warnings = seatingWarnings(attendees120, moved, twelveTables, groups).map((entry) => entry.message);
    expect(warnings).toContain('1 attendee has no table yet');
    expect(warnings).toContain(`${free.name} has 2 people from Northshore Borough Council (move one to another table)`);
    expect(warnings).toContain(`${stepFreePerson.name} needs step-free access but is at Table 12: move them to Table 1, Table 2, Table 3, Table 4, Table 5`);
    expect(warnings.some((text) => /table sizes should differ by at most 1/.test(text))).toBe(true);
  });
});

describe('priority voices: lived experience and carers reach as many tables as possible', () => {
  it('spreads 2 people with lived experience and 3 carers over 5 of 6 tables, and says what to do about the sixth', () => {
    const others = ['vcse', 'nhs_secondary', 'primary_care', 'social_care', 'housing', 'local_authority', 'commissioner'];
    const people: SeatingAttendee[] = [
      ...Array.from({ length: 2 }, (_, index) => ({ id: `le${index}`, group: 'lived_experience' })),
      ...Array.from({ length: 3 }, (_, index) => ({ id: `c${index}`, group: 'carer' })),
      ...Array.from({ length: 92 }, (_, index) => ({ id: `o${index}`, group: others[index % others.length]!, organisation: `Org ${index % 30}` })),
    ];
    const tables = Array.from({ length: 6 }, (_, index) => ({ id: `t${index + 1}`, name: `Table ${index + 1}` }));
    for (const seed of [1, 2, 3, 97]) {
      const plan = planSeating(people, tables, { seed, groups });
      const voiceTables = people.filter((person) => ['lived_experience', 'carer'].includes(person.group)).map((person) => plan.assignments[person.id]);
      expect(new Set(voiceTables).size).toBe(5);
      const empty = tables.find((table) => !voiceTables.includes(table.id))!;
      expect(plan.priorityGap).toEqual({
        tableIds: [empty.id],
        priorityPeople: 5,
        fewerTables: 5,
        inviteMore: 1,
        message: `${empty.name} has no one with lived experience or from carers and family. Seat people at 5 tables instead of 6, or invite 1 more person with lived experience or from carers and family.`,
      });
      expect(plan.unmet[0]).toMatchObject({
        constraint: 'priority_voice',
        tableId: empty.id,
        message: `${empty.name} has no one with lived experience or from carers and family`,
        action: 'Seat people at 5 tables instead of 6, or invite 1 more person with lived experience or from carers and family',
      });
    }
  });

  it('follows the event\'s own priority list', () => {
    const people: SeatingAttendee[] = [
      ...Array.from({ length: 3 }, (_, index) => ({ id: `h${index}`, group: 'housing' })),
      ...Array.from({ length: 3 }, (_, index) => ({ id: `p${index}`, group: 'police_justice' })),
      ...Array.from({ length: 30 }, (_, index) => ({ id: `v${index}`, group: 'vcse' })),
    ];
    const tables = Array.from({ length: 6 }, (_, index) => ({ id: `t${index}`, name: `Table ${index + 1}` }));
    const plan = planSeating(people, tables, { seed: 4, groups, priorityGroups: ['housing', 'police_justice'] });
    const covered = new Set(people.filter((person) => person.group !== 'vcse').map((person) => plan.assignments[person.id]));
    expect(covered.size).toBe(6);
    expect(plan.priorityGap).toBeNull();
  });

  const scenario = fc
    .record({
      lived: fc.integer({ min: 0, max: 9 }),
      carers: fc.integer({ min: 0, max: 9 }),
      others: fc.array(
        fc.record({
          group: fc.constantFrom('vcse', 'vcse', 'nhs_secondary', 'housing', 'police_justice'),
          organisation: fc.constantFrom('', 'Mind', 'Council', 'Trust'),
          needs: fc.subarray(['step-free access', 'no smartphone', 'hearing loop']),
        }),
        { minLength: 1, maxLength: 60 },
      ),
      seed: fc.integer(),
    })
    .chain((roster) => {
      const attendees: SeatingAttendee[] = [
        ...Array.from({ length: roster.lived }, (_, index) => ({ id: `le${index}`, group: 'lived_experience', organisation: index % 2 ? 'Mind' : '' })),
        ...Array.from({ length: roster.carers }, (_, index) => ({ id: `c${index}`, group: 'carer', needs: index % 3 ? [] : ['step-free access'] })),
        ...roster.others.map((row, index) => ({ ...row, id: `o${index}` })),
      ];
      return fc.record({
        attendees: fc.constant(attendees),
        seed: fc.constant(roster.seed),
        tables: fc
          .array(fc.record({ stepFree: fc.boolean(), hasScribe: fc.boolean(), hearingLoop: fc.boolean() }), { minLength: 1, maxLength: Math.min(attendees.length, 14) })
          .map((flags) => flags.map((flag, index) => ({ ...flag, id: `t${index}`, name: `Table ${index + 1}` }))),
      });
    });
  const priority = new Set(['lived_experience', 'carer']);

  it('seats the k < t people of a priority group at k distinct tables, and all priority voices at min(P, t) tables', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        const { assignments } = planSeating(attendees, tables, { seed });
        for (const group of priority) {
          const members = attendees.filter((person) => person.group === group);
          if (members.length < tables.length) expect(new Set(members.map((person) => assignments[person.id])).size).toBe(members.length);
        }
        const voices = attendees.filter((person) => priority.has(person.group));
        const perTable = tables.map((table) => voices.filter((person) => assignments[person.id] === table.id).length);
        expect(perTable.filter((count) => count > 0)).toHaveLength(Math.min(voices.length, tables.length));
        // Never two priority voices at one table while another table has none.
        if (perTable.some((count) => count === 0)) expect(Math.max(...perTable)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('names exactly the tables left without a priority voice, in the plan and in the live warnings', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        const plan = planSeating(attendees, tables, { seed, groups });
        const covered = new Set(attendees.filter((person) => priority.has(person.group)).map((person) => plan.assignments[person.id]));
        const without = tables.filter((table) => !covered.has(table.id)).map((table) => table.id);
        const named = (entries: readonly UnmetConstraint[]) => entries.filter((entry) => entry.constraint === 'priority_voice').map((entry) => entry.tableId);
        expect(named(plan.unmet)).toEqual(without);
        expect(named(seatingWarnings(attendees, plan.assignments, tables, groups))).toEqual(without);
        expect(plan.priorityGap?.tableIds ?? []).toEqual(without);
        if (plan.priorityGap) expect(plan.priorityGap.inviteMore).toBe(without.length);
      }),
      { numRuns: 300 },
    );
  });

  it('ranks warnings: a missing priority voice, then access needs, then organisation clashes, each with an action', () => {
    fc.assert(
      fc.property(scenario, ({ attendees, tables, seed }) => {
        const { unmet } = planSeating(attendees, tables, { seed, groups });
        const ranks = unmet.map((entry) => SEATING_CONSTRAINTS.indexOf(entry.constraint));
        expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
        for (const entry of unmet) expect(entry.action.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});

describe('table attributes matched to needs and languages', () => {
  const tables: SeatingTable[] = [
    { id: 'a', name: 'Table A', hearingLoop: true },
    { id: 'b', name: 'Table B', nearExit: true, languages: ['Urdu'] },
    { id: 'c', name: 'Table C', languages: ['Polish', 'Cymraeg'] },
  ];
  const people: SeatingAttendee[] = [
    { id: 'l1', group: 'lived_experience' },
    { id: 'l2', group: 'carer' },
    { id: 'l3', group: 'lived_experience' },
    { id: 'deaf', group: 'vcse', needs: ['Hearing loop please'] },
    { id: 'exit', group: 'nhs_secondary', needs: ['seat near the exit'] },
    { id: 'urdu', group: 'housing', language: 'urdu' },
    { id: 'polish', group: 'vcse', language: 'Polish' },
    { id: 'english', group: 'nhs_secondary', language: 'English' },
    ...Array.from({ length: 7 }, (_, index) => ({ id: `x${index}`, group: 'public_health' })),
  ];

  it('seats each person at a table offering what they need or speaking their language', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plan = planSeating(people, tables, { seed, groups });
      expect(plan.assignments).toMatchObject({ deaf: 'a', exit: 'b', urdu: 'b', polish: 'c' });
      expect(plan.unmet).toEqual([]);
    }
  });

  it('says which attribute to mark when no table offers it', () => {
    const plan = planSeating(people, tables.map(({ id, name }) => ({ id, name })), { seed: 1, groups });
    const byConstraint = Object.fromEntries(plan.unmet.map((entry) => [entry.constraint, entry]));
    expect(byConstraint.hearing_loop?.action).toBe('Mark a table "Hearing loop" in setup or on the seating page, then plan again');
    expect(byConstraint.near_exit?.action).toBe('Mark a table "Near the exit or a quiet room" in setup or on the seating page, then plan again');
    expect(plan.unmet.filter((entry) => entry.constraint === 'language').map((entry) => [entry.message, entry.action])).toEqual([
      ['An attendee needs a table where urdu is spoken, but no table is marked as a table speaking urdu', 'Add urdu to the languages spoken at a table in setup or on the seating page, then plan again'],
      ['An attendee needs a table where Polish is spoken, but no table is marked as a table speaking Polish', 'Add Polish to the languages spoken at a table in setup or on the seating page, then plan again'],
    ]);
  });
});
