/**
 * Gould and Fernandez (1989) brokerage roles. A broker B sits on a directed two-step A → B → C where A
 * has no direct tie to C. By the sectors of the three:
 * - coordinator: A, B and C in one sector;
 * - gatekeeper: B and C share a sector, A is outside (B lets outsiders in);
 * - representative: A and B share a sector, C is outside (B speaks for its own);
 * - consultant (itinerant broker): A and C share a sector, B is outside;
 * - liaison: all three in different sectors.
 * Existing ties only; a mutual tie counts both ways.
 */
import type { MergedMap } from './merge.ts';
import { TheSector } from './sector-words.ts';

export const BROKERAGE_ROLES = ['coordinator', 'gatekeeper', 'representative', 'consultant', 'liaison'] as const;
export type BrokerageRole = (typeof BROKERAGE_ROLES)[number];
export type RoleCounts = Record<BrokerageRole, number>;

export interface BrokerageResult {
  /** Per organisation id: how many brokered two-steps of each role. */
  organisations: Record<string, RoleCounts>;
  /** Per sector: the sum over its organisations. */
  sectors: Record<string, RoleCounts>;
  /** One plain-English sentence per sector that brokers at all. */
  sentences: Record<string, string>;
}

const zero = (): RoleCounts => ({ coordinator: 0, gatekeeper: 0, representative: 0, consultant: 0, liaison: 0 });

function roleOf(a: string, b: string, c: string): BrokerageRole {
  if (a === b && b === c) return 'coordinator';
  if (b === c) return 'gatekeeper';
  if (a === b) return 'representative';
  if (a === c) return 'consultant';
  return 'liaison';
}

const ROLE_WORDS: Record<BrokerageRole, string> = {
  coordinator: 'connects organisations within its own sector',
  gatekeeper: 'lets other sectors in',
  representative: 'speaks for its own sector to others',
  consultant: 'links two organisations of another sector',
  liaison: 'joins two other sectors that are not tied directly',
};

export function brokerageRoles(map: Pick<MergedMap, 'organisations' | 'links'>, sectorLabels: Record<string, string> = {}): BrokerageResult {
  const sectorOf = new Map(map.organisations.map((org) => [org.id, org.sector]));
  const out = new Map<string, Set<string>>(map.organisations.map((org) => [org.id, new Set()]));
  const into = new Map<string, Set<string>>(map.organisations.map((org) => [org.id, new Set()]));
  const tie = (from: string, to: string) => {
    out.get(from)?.add(to);
    into.get(to)?.add(from);
  };
  for (const link of map.links) {
    if (link.status !== 'existing' || !sectorOf.has(link.source) || !sectorOf.has(link.target)) continue;
    tie(link.source, link.target);
    if (link.mutual) tie(link.target, link.source);
  }
  const organisations: Record<string, RoleCounts> = {};
  const sectors: Record<string, RoleCounts> = {};
  for (const org of map.organisations) {
    const counts = zero();
    for (const a of into.get(org.id)!) {
      const fromA = out.get(a)!;
      for (const c of out.get(org.id)!) {
        if (c === a || fromA.has(c)) continue;
        counts[roleOf(sectorOf.get(a)!, org.sector, sectorOf.get(c)!)] += 1;
      }
    }
    organisations[org.id] = counts;
    const total = (sectors[org.sector] ??= zero());
    for (const role of BROKERAGE_ROLES) total[role] += counts[role];
  }
  const sentences: Record<string, string> = {};
  for (const [sector, counts] of Object.entries(sectors)) {
    const all = BROKERAGE_ROLES.reduce((sum, role) => sum + counts[role], 0);
    if (all === 0) continue;
    const top = BROKERAGE_ROLES.reduce((best, role) => (counts[role] > counts[best] ? role : best));
    sentences[sector] = `${TheSector(sectorLabels[sector] ?? sector)} brokers ${all} indirect ${all === 1 ? 'connection' : 'connections'}, most often as a ${top}: it ${ROLE_WORDS[top]}.`;
  }
  return { organisations, sectors, sentences };
}
