import { m } from '#lib/paraglide/messages.js';
import { DEFAULT_SECTORS, DEFAULT_STAKEHOLDER_GROUPS, type OrganisationSize, type VocabularyEntry } from '@tablemap/model';

/** The default sector and stakeholder-group names in the phone's language, by id (they share ids). */
const DEFAULT_NAMES: Readonly<Record<string, () => string>> = {
  lived_experience: m.vocab_lived_experience,
  carer: m.vocab_carer,
  vcse: m.vocab_vcse,
  nhs_secondary: m.vocab_nhs_secondary,
  primary_care: m.vocab_primary_care,
  social_care: m.vocab_social_care,
  housing: m.vocab_housing,
  public_health: m.vocab_public_health,
  commissioner: m.vocab_commissioner,
  local_authority: m.vocab_local_authority,
  police_justice: m.vocab_police_justice,
  academic: m.vocab_academic,
  other: m.vocab_other,
  peer_led: m.vocab_peer_led,
  faith_community: m.vocab_faith_community,
  education: m.vocab_education,
  employment_welfare: m.vocab_employment_welfare,
  private_provider: m.vocab_private_provider,
};

const DEFAULT_LABELS = new Map([...DEFAULT_STAKEHOLDER_GROUPS, ...DEFAULT_SECTORS].map((entry) => [entry.id, entry.label]));

/**
 * A sector's or group's name for the phone: a default name (unchanged by the facilitator) in the
 * phone's language; a name the facilitator typed or changed, as they typed it.
 */
export function vocabularyLabel(entry: VocabularyEntry): string {
  const translated = DEFAULT_LABELS.get(entry.id) === entry.label ? DEFAULT_NAMES[entry.id] : undefined;
  return translated?.() ?? entry.label;
}

/** Organisation sizes in the phone's language. */
export const SIZE_NAMES: Readonly<Record<OrganisationSize, () => string>> = {
  grassroots: m.org_size_grassroots,
  local: m.org_size_local,
  regional: m.org_size_regional,
  national: m.org_size_national,
};
