import { RELATIONSHIP_KINDS, type VocabularyEntry } from './vocabulary.ts';

/** What a description needs of an organisation and a link (the model's and the report's both fit). */
type DescribedOrganisation = { id: string; name: string; sector: string };
type DescribedLink = { source: string; target: string; kind: string; mutual: boolean; status: string };

const STATUS_WORDS: Record<string, string> = { existing: '', wanted: ' (wanted)', broken: ' (broken)' };

export function relationshipLabel(kind: string): string {
  return RELATIONSHIP_KINDS.find((entry) => entry.id === kind)?.label ?? kind.replaceAll('_', ' ');
}

const count = (value: number, word: string) => `${value} ${word}${value === 1 ? '' : 's'}`;

/** The words of a map's description; English by default, an app passes its own language's. */
export interface MapDescriptionWords {
  empty: string;
  /** "The map has 3 organisations and 2 links." */
  counts: (organisations: number, links: number) => string;
  linksHeading: string;
  removedOrganisation: string;
  /** A link's kind, e.g. "refers people to". */
  kind: (kind: string) => string;
  /** What follows a link's words for its status, e.g. " (wanted)"; '' for an existing link. */
  status: (status: string) => string;
}

export const ENGLISH_MAP_DESCRIPTION: MapDescriptionWords = {
  empty: 'The map is empty. No organisations have been added yet.',
  counts: (organisations, links) => `The map has ${count(organisations, 'organisation')} and ${count(links, 'link')}.`,
  linksHeading: 'Links:',
  removedOrganisation: 'a removed organisation',
  kind: relationshipLabel,
  status: (status) => STATUS_WORDS[status] ?? '',
};

/** One link in words, e.g. "Mind refers people to → Riverside Housing (wanted)". */
export function describeLink(link: DescribedLink, nameOf: (id: string) => string, words: MapDescriptionWords = ENGLISH_MAP_DESCRIPTION): string {
  const arrow = link.mutual ? '↔' : '→';
  return `${nameOf(link.source)} ${words.kind(link.kind)} ${arrow} ${nameOf(link.target)}${words.status(link.status)}`;
}

/**
 * A plain-text summary of the map for screen readers: counts, organisations grouped by sector,
 * then every link in words. Plain text only; render it as text, never as HTML.
 */
export function describeMap(
  organisations: readonly DescribedOrganisation[],
  links: readonly DescribedLink[],
  sectors: readonly VocabularyEntry[],
  words: MapDescriptionWords = ENGLISH_MAP_DESCRIPTION,
): string {
  if (organisations.length === 0) return words.empty;
  const names = new Map(organisations.map((org) => [org.id, org.name]));
  const nameOf = (id: string) => names.get(id) ?? words.removedOrganisation;
  const sectorLabel = (id: string) => sectors.find((sector) => sector.id === id)?.label ?? id;
  const bySector = new Map<string, string[]>();
  for (const org of organisations) bySector.set(org.sector, [...(bySector.get(org.sector) ?? []), org.name]);
  const sectorLines = [...bySector.entries()]
    .sort(([a], [b]) => sectorLabel(a).localeCompare(sectorLabel(b)))
    .map(([sector, orgNames]) => `${sectorLabel(sector)}: ${orgNames.join(', ')}.`);
  const visibleLinks = links.filter((link) => names.has(link.source) && names.has(link.target));
  const linkLines = visibleLinks.map((link) => `${describeLink(link, nameOf, words)}.`);
  return [
    words.counts(organisations.length, visibleLinks.length),
    ...sectorLines,
    ...(linkLines.length ? [words.linksHeading, ...linkLines] : []),
  ].join('\n');
}
