/**
 * Deterministic synthetic events for the benchmark and the scale tests: fictional organisations,
 * each mentioned at several tables under slightly different spellings.
 */
import { DEFAULT_SECTORS, LINK_STATUSES, ORGANISATION_SIZES, RELATIONSHIP_KINDS, seededRandom } from '@tablemap/model';
import type { Link, Organisation } from '@tablemap/model';
import type { NameEntry } from './dedupe.ts';
import type { TableMapInput } from './merge.ts';


const PLACES = ['Northshore', 'Riverside', 'Mersey Vale', 'Eastfield', 'Coastline', 'Westbrook', 'Highmoor', 'Oakdale', 'Saltmarsh', 'Kingsford', 'Ashby', 'Brookhaven', 'Fernhill', 'Greywater', 'Hollins', 'Lowther', 'Millbank', 'Redcliffe', 'Stonebridge', 'Thornbury'];
const FOCUS = ['Carers', 'Recovery', 'Wellbeing', 'Housing', 'Crisis', 'Youth', 'Community', 'Peer Support', 'Family', 'Employment', 'Women\'s', 'Veterans', 'Refugee', 'Arts', 'Sports', 'Faith', 'Student', 'Older People\'s', 'Addiction', 'Bereavement', 'Talking Therapies', 'Debt Advice', 'Homeless', 'Befriending', 'Dementia'];
const FORMS = ['Network', 'Centre', 'Trust', 'Project', 'Service', 'Hub', 'Alliance', 'Collective', 'Partnership', 'Forum'];

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** `count` distinct fictional organisation names. */
export function distinctNames(count: number, random: () => number): string[] {
  const names = new Set<string>();
  while (names.size < count) {
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    names.add(`${pick(PLACES)} ${pick(FOCUS)} ${pick(FORMS)}`);
  }
  return [...names];
}

/** A spelling a table might use for the same organisation: same after normalisation. */
function sameNameVariant(name: string, random: () => number): string {
  const roll = random();
  if (roll < 0.2) return name.toUpperCase();
  if (roll < 0.4) return `  ${name.toLowerCase()} `;
  if (roll < 0.5) return name.replace(/ and /g, ' & ');
  return name;
}

/** A spelling only fuzzy matching would catch: word order, a dropped word, a typo. */
export function fuzzyVariant(name: string, random: () => number): string {
  const words = name.split(' ');
  const roll = random();
  if (roll < 0.33) return [...words.slice(1), words[0]].join(' ');
  if (roll < 0.66) return words.slice(0, -1).join(' ');
  const at = Math.floor(random() * words.length);
  const word = words[at]!;
  if (word.length >= 5) words[at] = word.slice(0, -2) + word.slice(-1) + word.slice(-2, -1);
  return words.join(' ');
}

export interface SyntheticEvent {
  tables: TableMapInput[];
  sectors: { id: string; label: string }[];
}

export function syntheticEvent(options: { tables: number; organisations: number; mentionsPerOrganisation: number; links: number; seed?: number }): SyntheticEvent {
  const random = seededRandom(options.seed ?? 42);
  const names = distinctNames(options.organisations, random);
  const sectors = DEFAULT_SECTORS.map((sector) => ({ id: sector.id, label: sector.label }));
  const tables: TableMapInput[] = Array.from({ length: options.tables }, (_, index) => ({
    tableId: `t${index + 1}`,
    tableName: `Table ${index + 1}`,
    organisations: [],
    links: [],
  }));
  names.forEach((name, index) => {
    const sector = sectors[index % sectors.length]!.id;
    const size = ORGANISATION_SIZES[index % ORGANISATION_SIZES.length]!;
    const atTables = shuffle(tables.slice(), random).slice(0, options.mentionsPerOrganisation);
    for (const table of atTables) {
      const org: Organisation = {
        id: `o${index}`,
        name: sameNameVariant(name, random),
        sector,
        size,
        locality: PLACES[index % PLACES.length]!,
        remit: '',
        addedByGroup: 'vcse',
        createdAt: 0,
      };
      table.organisations.push(org);
    }
  });
  for (let n = 0; n < options.links; n++) {
    const table = tables[n % tables.length]!;
    if (table.organisations.length < 2) continue;
    const source = table.organisations[Math.floor(random() * table.organisations.length)]!;
    let target = table.organisations[Math.floor(random() * table.organisations.length)]!;
    if (target.id === source.id) target = table.organisations[(table.organisations.indexOf(source) + 1) % table.organisations.length]!;
    const kind = RELATIONSHIP_KINDS[Math.floor(random() * RELATIONSHIP_KINDS.length)]!;
    const link: Link = {
      id: `l${n}`,
      source: source.id,
      target: target.id,
      kind: kind.id,
      mutual: kind.mutual,
      strength: 1 + Math.floor(random() * 3),
      status: LINK_STATUSES[random() < 0.8 ? 0 : random() < 0.5 ? 1 : 2]!,
      note: '',
      addedByGroup: 'vcse',
      createdAt: 0,
    };
    table.links.push(link);
  }
  return { tables, sectors };
}

/** `count` names as a facilitator would see them: distinct organisations plus their variants. */
export function syntheticNames(count: number, seed = 7): NameEntry[] {
  const random = seededRandom(seed);
  const base = distinctNames(Math.ceil(count / 3), random);
  const entries: NameEntry[] = [];
  for (const name of base) {
    entries.push({ id: `n${entries.length}`, name });
    entries.push({ id: `n${entries.length}`, name: sameNameVariant(name, random) });
    entries.push({ id: `n${entries.length}`, name: fuzzyVariant(name, random) });
  }
  return entries.slice(0, count);
}
