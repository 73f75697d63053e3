import { DEFAULT_STAKEHOLDER_GROUPS } from '@tablemap/model';
import type { SeatingAttendee, SeatingTable } from './seating-checks.ts';
import { seededRandom } from './random.ts';

/** Group shares like the 120-person fixture: many VCSE and NHS people, a few police or academics. */
const GROUP_WEIGHTS: Record<string, number> = {
  vcse: 25, nhs_secondary: 20, lived_experience: 12, local_authority: 9, commissioner: 7, carer: 7,
  primary_care: 6, housing: 6, social_care: 5, public_health: 2, academic: 2, police_justice: 1,
};
const NEEDS = ['', '', '', '', '', '', '', 'step-free access', 'no smartphone', 'large print', 'quiet space'];

/** A fictional attendee list of any size, for benchmarks; deterministic for a seed. */
export function syntheticAttendees(count: number, seed: number): SeatingAttendee[] {
  const random = seededRandom(seed);
  const groups = DEFAULT_STAKEHOLDER_GROUPS.map((group) => group.id).filter((id) => id in GROUP_WEIGHTS);
  const totalWeight = groups.reduce((sum, id) => sum + GROUP_WEIGHTS[id]!, 0);
  const organisationCount = Math.max(5, Math.round(count / 4));
  return Array.from({ length: count }, (_, index) => {
    let pick = random() * totalWeight;
    const group = groups.find((id) => (pick -= GROUP_WEIGHTS[id]!) < 0) ?? 'other';
    const need = NEEDS[Math.floor(random() * NEEDS.length)]!;
    // Skewed organisation sizes: a few big councils and trusts, many small charities.
    const organisation = random() < 0.05 ? '' : `Organisation ${Math.floor(organisationCount * random() ** 2)}`;
    return { id: `a${index}`, group, organisation, needs: need ? [need] : [] };
  });
}

/** Tables named "Table 1"…, a third step-free and every other one with a scribe. */
export function syntheticTables(count: number): SeatingTable[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `t${index + 1}`,
    name: `Table ${index + 1}`,
    stepFree: index % 3 === 0,
    hasScribe: index % 2 === 0,
  }));
}
