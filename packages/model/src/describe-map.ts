import { RELATIONSHIP_KINDS, type VocabularyEntry } from './vocabulary.ts';

/** What a description needs of an organisation and a link (the model's and the report's both fit). */
type DescribedOrganisation = { id: string; name: string; sector: string };
type DescribedLink = { source: string; target: string; kind: string; mutual: boolean; status: string };

const STATUS_WORDS: Record<string, string> = { existing: '', wanted: ' (wanted)', broken: ' (broken)' };

export function relationshipLabel(kind: string): string {
  return RELATIONSHIP_KINDS.find((entry) => entry.id === kind)?.label ?? kind.replaceAll('_', ' ');
}

/** One link in words, e.g. "Mind refers people to → Riverside Housing (wanted)". */
export function describeLink(link: DescribedLink, nameOf: (id: string) => string): string {
  const arrow = link.mutual ? '↔' : '→';
  return `${nameOf(link.source)} ${relationshipLabel(link.kind)} ${arrow} ${nameOf(link.target)}${STATUS_WORDS[link.status] ?? ''}`;
}

const count = (value: number, word: string) => `${value} ${word}${value === 1 ? '' : 's'}`;

/**
 * A plain-text summary of the map for screen readers: counts, organisations grouped by sector,
 * then every link in words. Plain text only; render it as text, never as HTML.
 */
export function describeMap(organisations: readonly DescribedOrganisation[], links: readonly DescribedLink[], sectors: readonly VocabularyEntry[]): string {
  if (organisations.length === 0) return 'The map is empty. No organisations have been added yet.';
  const names = new Map(organisations.map((org) => [org.id, org.name]));
  const nameOf = (id: string) => names.get(id) ?? 'a removed organisation';
  const sectorLabel = (id: string) => sectors.find((sector) => sector.id === id)?.label ?? id;
  const bySector = new Map<string, string[]>();
  for (const org of organisations) bySector.set(org.sector, [...(bySector.get(org.sector) ?? []), org.name]);
  const sectorLines = [...bySector.entries()]
    .sort(([a], [b]) => sectorLabel(a).localeCompare(sectorLabel(b)))
    .map(([sector, orgNames]) => `${sectorLabel(sector)}: ${orgNames.join(', ')}.`);
  const visibleLinks = links.filter((link) => names.has(link.source) && names.has(link.target));
  const linkLines = visibleLinks.map((link) => `${describeLink(link, nameOf)}.`);
  return [
    `The map has ${count(organisations.length, 'organisation')} and ${count(visibleLinks.length, 'link')}.`,
    ...sectorLines,
    ...(linkLines.length ? ['Links:', ...linkLines] : []),
  ].join('\n');
}
