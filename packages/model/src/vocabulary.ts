/** Default vocabularies from the domain brief. Facilitators may edit the lists per event; ids stay stable. */

export interface VocabularyEntry {
  id: string;
  label: string;
}

/**
 * Languages the participant app speaks, by locale, with each language's name in itself and its
 * direction. Facilitators can translate an event's prompts and group names into the non-English ones.
 */
export const LANGUAGES = [
  { locale: 'en', name: 'English', dir: 'ltr' },
  { locale: 'cy', name: 'Cymraeg', dir: 'ltr' },
  { locale: 'pl', name: 'Polski', dir: 'ltr' },
  { locale: 'ur', name: 'اردو', dir: 'rtl' },
  { locale: 'bn', name: 'বাংলা', dir: 'ltr' },
  { locale: 'pa', name: 'ਪੰਜਾਬੀ', dir: 'ltr' },
] as const;

/** Scarce voices seating spreads first, one to a table, unless the facilitator changes the list. */
export const DEFAULT_PRIORITY_GROUPS: readonly string[] = ['lived_experience', 'carer'];

export const DEFAULT_STAKEHOLDER_GROUPS: readonly VocabularyEntry[] = [
  { id: 'lived_experience', label: 'People with lived experience / service users' },
  { id: 'carer', label: 'Carers and family' },
  { id: 'vcse', label: 'Voluntary, community and social enterprise sector' },
  { id: 'nhs_secondary', label: 'NHS secondary mental health care' },
  { id: 'primary_care', label: 'Primary care (GP practices, PCNs)' },
  { id: 'social_care', label: 'Social care' },
  { id: 'housing', label: 'Housing' },
  { id: 'public_health', label: 'Public health' },
  { id: 'commissioner', label: 'Commissioners (integrated care boards)' },
  { id: 'local_authority', label: 'Local authority' },
  { id: 'police_justice', label: 'Police and criminal justice' },
  { id: 'academic', label: 'Academics and researchers' },
  { id: 'other', label: 'Other' },
];

const GROUPS_THAT_ARE_NOT_SECTORS = new Set(['lived_experience', 'carer']);

export const DEFAULT_SECTORS: readonly VocabularyEntry[] = [
  ...DEFAULT_STAKEHOLDER_GROUPS.filter((group) => !GROUPS_THAT_ARE_NOT_SECTORS.has(group.id)),
  { id: 'peer_led', label: 'User-led and peer groups' },
  { id: 'faith_community', label: 'Faith community' },
  { id: 'education', label: 'Education' },
  { id: 'employment_welfare', label: 'Employment and welfare' },
  { id: 'private_provider', label: 'Private provider' },
];

export const ORGANISATION_SIZES = ['grassroots', 'local', 'regional', 'national'] as const;
export type OrganisationSize = (typeof ORGANISATION_SIZES)[number];

export interface RelationshipKind {
  id: string;
  label: string;
  /** Mutual kinds have no direction by default. */
  mutual: boolean;
}

export const RELATIONSHIP_KINDS = [
  { id: 'refers_to', label: 'refers people to', mutual: false },
  { id: 'funds', label: 'funds or commissions', mutual: false },
  { id: 'collaborates', label: 'works jointly with', mutual: true },
  { id: 'shares_information', label: 'shares information with', mutual: false },
  { id: 'co_produces', label: 'co-produces with', mutual: true },
  { id: 'hosts', label: 'hosts or co-locates roles with', mutual: false },
  { id: 'competes', label: 'competes for funding with', mutual: true },
  { id: 'leads', label: 'leads or convenes', mutual: false },
  { id: 'informal', label: 'has informal contact with', mutual: true },
] as const satisfies readonly RelationshipKind[];

export type RelationshipKindId = (typeof RELATIONSHIP_KINDS)[number]['id'];
export const RELATIONSHIP_KIND_IDS = RELATIONSHIP_KINDS.map((kind) => kind.id) as [
  RelationshipKindId,
  ...RelationshipKindId[],
];

export function isMutualByDefault(kind: RelationshipKindId): boolean {
  return RELATIONSHIP_KINDS.find((entry) => entry.id === kind)?.mutual ?? false;
}

export const LINK_STATUSES = ['existing', 'wanted', 'broken'] as const;
export type LinkStatus = (typeof LINK_STATUSES)[number];

export const NOTE_KINDS = ['observation', 'quote', 'gap', 'idea', 'question'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/**
 * `power`: each participant rates how much influence each organisation on their table's map has (0..5);
 * `themes`: each table groups its notes into its own themes; phones open on the theme board.
 */
export const PHASES = ['setup', 'mapping', 'power', 'discussion', 'themes', 'voting', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

/** The prompts used at the learning exchange in seed 003; a sensible starting set. */
export const DEFAULT_PROMPTS: readonly string[] = [
  'Communities and connections',
  'Physical and mental health',
  'Use of local services',
];
