import { m } from '#lib/paraglide/messages.js';
import { relationshipLabel, type RelationshipKindId } from '@tablemap/model';

/** A link's kind in the phone's language (the model's labels are the English source text). */
const LINK_KIND_LABELS: Record<RelationshipKindId, () => string> = {
  refers_to: m.link_kind_refers_to,
  funds: m.link_kind_funds,
  collaborates: m.link_kind_collaborates,
  shares_information: m.link_kind_shares_information,
  co_produces: m.link_kind_co_produces,
  hosts: m.link_kind_hosts,
  competes: m.link_kind_competes,
  leads: m.link_kind_leads,
  informal: m.link_kind_informal,
};

/** Falls back to the model's wording for a kind this app does not know yet. */
export function linkKindLabel(kind: string): string {
  return LINK_KIND_LABELS[kind as RelationshipKindId]?.() ?? relationshipLabel(kind);
}
