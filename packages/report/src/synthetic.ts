import { DEFAULT_PROMPTS, DEFAULT_SECTORS, DEFAULT_STAKEHOLDER_GROUPS, LINK_STATUSES, RELATIONSHIP_KINDS, seededRandom } from '@tablemap/model';
import type { ReportAnalysis, ReportSnapshot } from './types.ts';

export interface SyntheticSize {
  tables: number;
  notes: number;
  organisations: number;
  links: number;
  themes: number;
}

export const SYNTHETIC_SIZES: Record<'ci' | 'full', SyntheticSize> = {
  ci: { tables: 6, notes: 120, organisations: 50, links: 120, themes: 4 },
  full: { tables: 50, notes: 2000, organisations: 500, links: 1500, themes: 12 },
};

const COMMON_WORDS = 'service people support local access waiting referral community carer housing team crisis peer group funding gap digital trust partnership travel language appointment discharge'.split(' ');
const SYLLABLES = 'ka ri lo ment sta ven tor pa li sun der mo ther ac cess wel fare hos tel gra ny'.split(' ');
/** Real notes have a wide vocabulary, and pdfmake caches word widths, so the benchmark needs one too. */
const WORDS = [
  ...COMMON_WORDS,
  ...Array.from({ length: 3000 }, (_, i) => {
    const parts = [SYLLABLES[i % 20], SYLLABLES[Math.floor(i / 20) % 20], SYLLABLES[Math.floor(i / 400) % 20]];
    return parts.slice(0, 2 + (i % 2)).join('');
  }),
];

/** One note and one organisation in ten is written in another script, as at a diverse learning exchange. */
const OTHER_SCRIPTS = [
  'ذہنی صحت مرکز بریڈفورڈ', 'ہمیں اپنی زبان میں مدد چاہیے', 'نحتاج إلى مترجمين في المواعيد', 'মানসিক স্বাস্থ্য সহায়তা কেন্দ্র',
  'অনেক পরিবার জানে না কোথায় সাহায্য পাওয়া যায়', 'માનસિક આરોગ્ય સહાય જૂથ', 'ਮਾਨਸਿਕ ਸਿਹਤ ਸਹਾਇਤਾ ਕੇਂਦਰ', '華人心理健康服務中心',
  '很多老人不知道可以去哪里求助', 'Українська громада Нортшору', 'தமிழ் சமூக மனநல ஆதரவு', 'Polski Ośrodek Wsparcia Społecznego w Łodzi',
  'Peer support works 💚 🤝 more of it please 🙏', 'मानसिक स्वास्थ्य सहायता केंद्र',
];

/** A synthetic event of the given size, with analysis results shaped like the analysis package's. */
export function syntheticSnapshot(size: SyntheticSize, seed = 1): ReportSnapshot {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const groups = DEFAULT_STAKEHOLDER_GROUPS.map((g) => ({ ...g }));
  const sectors = DEFAULT_SECTORS.map((s) => ({ ...s }));
  const prompts = DEFAULT_PROMPTS.map((text, i) => ({ id: `prompt${i + 1}`, text, order: i }));
  const tableEntries = Array.from({ length: size.tables }, (_, i) => ({ id: `table${i + 1}`, name: `Table ${i + 1}`, order: i }));

  const organisations = Array.from({ length: size.organisations }, (_, i) => ({
    id: `org${i + 1}`,
    name: random() < 0.1
      ? `${pick(OTHER_SCRIPTS)} ${i + 1}`
      : `${pick(['North', 'South', 'East', 'West', 'Central'])} ${pick(WORDS)} ${pick(['Trust', 'Network', 'Hub', 'Project', 'Service'])} ${i + 1}`,
    sector: pick(sectors).id,
    locality: pick(['Leeds', 'Bradford', 'Wakefield', 'Kirklees']),
    remit: sentence(12),
  }));
  const links = Array.from({ length: size.links }, (_, i) => {
    const kind = pick(RELATIONSHIP_KINDS);
    const source = pick(organisations).id;
    let target = pick(organisations).id;
    if (target === source) target = organisations[(Number(source.slice(3)) % organisations.length)]?.id ?? target;
    return { id: `link${i + 1}`, source, target, kind: kind.id, mutual: kind.mutual, strength: 1 + Math.floor(random() * 3), status: random() < 0.85 ? ('existing' as const) : pick(LINK_STATUSES) };
  });
  const tableOf = (i: number) => tableEntries[i % Math.max(1, tableEntries.length)]?.id ?? 'table1';
  const tables = tableEntries.map((entry, t) => {
    const tableOrgs = organisations.filter((_, i) => i % size.tables === t);
    const ids = new Set(tableOrgs.map((o) => o.id));
    // Each table maps links among its own organisations.
    const local = (i: number) => tableOrgs[i % Math.max(1, tableOrgs.length)]?.id ?? 'org1';
    const tableLinks = links.filter((_, i) => i % size.tables === t).map((l, i) => ({ ...l, source: ids.has(l.source) ? l.source : local(i), target: local(i * 3 + 1) }));
    const notes = Array.from({ length: Math.floor(size.notes / size.tables) }, (_, i) => ({
      id: `note${t + 1}x${i + 1}`,
      text: random() < 0.1 ? `${pick(OTHER_SCRIPTS)} ${sentence(5)}` : sentence(10 + Math.floor(random() * 40)),
      kind: pick(['observation', 'quote', 'gap', 'idea', 'question']),
      promptId: pick(prompts).id,
      group: pick(groups).id,
    }));
    const consentByGroup = Object.fromEntries(groups.map((g) => [g.id, 1]));
    const votes = Object.fromEntries(notes.filter((_, i) => i % 5 === 0).map((n) => [n.id, { total: 2, byGroup: { carer: 1, housing: 1 } }]));
    return { id: entry.id, name: entry.name, organisations: tableOrgs, links: tableLinks, notes, positions: {}, consentByGroup, votes };
  });
  const allNotes = tables.flatMap((t) => t.notes);
  const themes = Array.from({ length: size.themes }, (_, i) => {
    const noteIds = allNotes.filter((_, n) => n % size.themes === i).map((n) => n.id);
    return {
      id: `theme${i + 1}`,
      title: `Theme ${i + 1}: ${sentence(3)}`,
      description: sentence(30),
      noteIds,
      quoteNoteIds: noteIds.slice(0, 3),
      isGap: i % 3 === 0,
      isKeyMessage: i % 4 === 0,
      nextSteps: [{ action: sentence(8), ownerSector: pick(sectors).id, timescale: '6 months' }],
      votes: { total: 10 + i, byGroup: { carer: 4, lived_experience: 6 + i } },
    };
  });
  return {
    event: { title: 'Synthetic learning exchange', date: '2026-11-20', venue: 'Town hall', description: sentence(20), groups, sectors, prompts, tables: tableEntries },
    tables,
    synthesis: { themes, hiddenNoteIds: allNotes.filter((_, i) => i % 50 === 0).map((n) => n.id), gaps: [sentence(8)], keyMessages: [sentence(8)] },
    analysis: syntheticAnalysis(organisations, links, sectors.map((s) => s.id), tableOf),
    attendees: Array.from({ length: size.tables * 8 }, (_, i) => ({ name: `Person ${i + 1}`, group: pick(groups).id, tableId: tableOf(i) })),
  };
}

function syntheticAnalysis(
  organisations: { id: string; name: string; sector: string }[],
  links: { id: string; source: string; target: string; kind: string; mutual: boolean; strength: number; status: 'existing' | 'wanted' | 'broken' }[],
  sectorIds: string[],
  tableOf: (i: number) => string,
): ReportAnalysis {
  const degree = new Map<string, number>();
  for (const l of links) for (const id of [l.source, l.target]) degree.set(id, (degree.get(id) ?? 0) + 1);
  const sectorOf = new Map(organisations.map((o) => [o.id, o.sector]));
  const usedSectors = sectorIds.filter((s) => organisations.some((o) => o.sector === s));
  const counts = usedSectors.map(() => usedSectors.map(() => 0));
  for (const l of links) {
    const a = usedSectors.indexOf(sectorOf.get(l.source) ?? '');
    const b = usedSectors.indexOf(sectorOf.get(l.target) ?? '');
    if (a >= 0 && b >= 0) {
      (counts[a] as number[])[b] = ((counts[a] as number[])[b] ?? 0) + 1;
      if (a !== b) (counts[b] as number[])[a] = ((counts[b] as number[])[a] ?? 0) + 1;
    }
  }
  const n = organisations.length;
  return {
    organisations: organisations.map((o, i) => ({ ...o, tableIds: [tableOf(i)], degree: degree.get(o.id) ?? 0, betweenness: (degree.get(o.id) ?? 0) / Math.max(1, links.length) })),
    links: links.map((l, i) => ({ ...l, tableIds: [tableOf(i)], conflict: false })),
    density: n > 1 ? links.length / (n * (n - 1)) : 0,
    components: 1,
    isolated: organisations.filter((o) => !degree.has(o.id)).map((o) => o.id),
    topBrokers: [...organisations]
      .sort((a, b) => (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0))
      .slice(0, 10)
      .map((o) => ({ id: o.id, name: o.name, sector: o.sector, betweenness: (degree.get(o.id) ?? 0) / Math.max(1, links.length), sectorsBridged: 3 })),
    tieMatrix: { sectors: usedSectors, counts },
    eiIndex: Object.fromEntries(usedSectors.map((s) => [s, 0.2])),
    missingSectors: sectorIds.filter((s) => !usedSectors.includes(s)),
    sectorsWithoutCrossTies: [],
    wantedLinks: links.filter((l) => l.status === 'wanted'),
    brokenLinks: links.filter((l) => l.status === 'broken'),
  };
}
