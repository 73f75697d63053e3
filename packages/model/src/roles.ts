import * as v from 'valibot';
import type { DocRef } from './doc-names.ts';
import { IdSchema, VocabularyIdSchema } from './schemas.ts';

export const ROLES = ['facilitator', 'participant', 'scribe', 'observer'] as const;
export type Role = (typeof ROLES)[number];

/** What a signed token says about its holder. Validated again wherever a token is read. */
export const TokenClaimsSchema = v.object({
  eventId: IdSchema,
  role: v.picklist(ROLES),
  tableId: v.optional(IdSchema),
  group: v.optional(VocabularyIdSchema),
  /** Anonymous per-join id; never a name. */
  participantId: IdSchema,
});
export type TokenClaims = v.InferOutput<typeof TokenClaimsSchema>;

export type Access = 'none' | 'read' | 'write';

/**
 * The role rules, as data: for each role, the access to each doc kind.
 * `ownTable` applies to the table named in the token; `otherTable` to the rest.
 */
export const ROLE_RULES: Record<
  Role,
  { event: Access; ownTable: Access; otherTable: Access; roster: Access; synthesis: Access; report: Access }
> = {
  facilitator: { event: 'write', ownTable: 'write', otherTable: 'write', roster: 'write', synthesis: 'write', report: 'write' },
  // Participants see the theme board read-only; their votes on themes live in their own table doc.
  participant: { event: 'read', ownTable: 'write', otherTable: 'none', roster: 'none', synthesis: 'read', report: 'none' },
  scribe: { event: 'read', ownTable: 'write', otherTable: 'none', roster: 'none', synthesis: 'read', report: 'none' },
  observer: { event: 'read', ownTable: 'read', otherTable: 'read', roster: 'none', synthesis: 'read', report: 'none' },
};

export function docAccess(claims: TokenClaims, ref: DocRef): Access {
  if (claims.eventId !== ref.eventId) return 'none';
  const rules = ROLE_RULES[claims.role];
  if (ref.kind === 'event') return rules.event;
  if (ref.kind === 'roster') return rules.roster;
  if (ref.kind === 'synthesis') return rules.synthesis;
  // The report draft stays with the organisers until they publish it.
  if (ref.kind === 'report') return rules.report;
  // A private-round notes doc: its author (same table, same participant id) and the facilitators, nobody else.
  if (ref.kind === 'private') {
    if (claims.role === 'facilitator') return 'write';
    const isAuthor = (claims.role === 'participant' || claims.role === 'scribe') && claims.tableId === ref.tableId && claims.participantId === ref.participantId;
    return isAuthor ? 'write' : 'none';
  }
  return ref.tableId === claims.tableId ? rules.ownTable : rules.otherTable;
}

/** Presence is relayed only for connections that may write: observers and read-only viewers stay invisible. */
export function mayShareAwareness(access: Access): boolean {
  return access === 'write';
}
