import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { IdSchema } from './schemas.ts';
import { parseInput, type ReadProblem } from './validate.ts';
import type { Actor } from './table-doc.ts';

/**
 * The power layer, Net-Map style: during the "power" round each participant rates each organisation on
 * their table's map from 0 (no influence) to 5, the height of an influence tower. One root map in the
 * table doc, `influence`: `<organisationId>:<participantId>` → a whole number 0..5. Keyed by who rated,
 * so a participant's rating is one value they replace (two taps never add up), the server can check
 * "only your own" from the key alone, and no name is ever stored.
 */

export const INFLUENCE_MAX = 5;

export const InfluenceValueSchema = v.pipe(
  v.number('an influence rating must be a number'),
  v.integer('an influence rating must be a whole number'),
  v.minValue(0, 'an influence rating is 0 to 5'),
  v.maxValue(INFLUENCE_MAX, 'an influence rating is 0 to 5'),
);

export const InfluenceKeySchema = v.pipe(
  v.string(),
  v.maxLength(129),
  v.regex(/^[a-z0-9][a-z0-9_-]{0,63}:[a-z0-9][a-z0-9_-]{0,63}$/, 'influence key is malformed'),
);

const influence = (doc: Y.Doc) => doc.getMap<number>('influence');
const organisations = (doc: Y.Doc) => doc.getMap('organisations');

export function influenceKey(organisationId: string, participantId: string): string {
  return `${organisationId}:${participantId}`;
}

export function parseInfluenceKey(key: string): { organisationId: string; participantId: string } | null {
  if (!v.is(InfluenceKeySchema, key)) return null;
  const [organisationId, participantId] = key.split(':') as [string, string];
  return { organisationId, participantId };
}

function requireOrganisation(doc: Y.Doc, organisationId: string): void {
  parseInput(IdSchema, organisationId, 'organisation id');
  if (!(organisations(doc).get(organisationId) instanceof Y.Map)) {
    throw new ModelError('not_found', `Organisation ${organisationId} does not exist at this table`);
  }
}

function actorId(actor: Actor): string {
  return parseInput(IdSchema, actor.participantId, 'participant id');
}

/** Sets (or replaces) the actor's influence rating of an organisation on this table. */
export function rateInfluence(doc: Y.Doc, organisationId: string, rating: number, actor: Actor): void {
  const value = parseInput(InfluenceValueSchema, rating, 'influence rating');
  const participantId = actorId(actor);
  requireOrganisation(doc, organisationId);
  doc.transact(() => influence(doc).set(influenceKey(organisationId, participantId), value));
}

/** Takes back the actor's rating of an organisation; doing so twice is harmless. */
export function clearInfluence(doc: Y.Doc, organisationId: string, actor: Actor): void {
  parseInput(IdSchema, organisationId, 'organisation id');
  const key = influenceKey(organisationId, actorId(actor));
  if (influence(doc).has(key)) doc.transact(() => influence(doc).delete(key));
}

/** Deletes every rating matching `which`; call inside the caller's transaction. Returns how many. */
export function deleteInfluenceRatings(doc: Y.Doc, which: (rating: { organisationId: string; participantId: string }) => boolean): number {
  let removed = 0;
  for (const key of [...influence(doc).keys()]) {
    const parsed = parseInfluenceKey(key);
    if (parsed && which(parsed)) {
      influence(doc).delete(key);
      removed++;
    }
  }
  return removed;
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface InfluenceSummary {
  organisationId: string;
  /** The table's median rating (may be a half, e.g. 2.5). */
  median: number;
  count: number;
  /** Anonymous participant id → that participant's rating. */
  ratings: Record<string, number>;
}

/** Ratings per organisation still on the map; malformed ones go to `problems`, ones of removed organisations are skipped. */
export function readInfluence(doc: Y.Doc, liveOrganisations: ReadonlySet<string>, problems: ReadProblem[]): Record<string, InfluenceSummary> {
  const byOrganisation: Record<string, InfluenceSummary> = {};
  for (const [key, value] of influence(doc)) {
    const parsed = parseInfluenceKey(key);
    if (!parsed || !v.is(InfluenceValueSchema, value)) {
      problems.push({ collection: 'influence', key: key.slice(0, 80), reason: 'malformed influence rating' });
      continue;
    }
    if (!liveOrganisations.has(parsed.organisationId)) continue;
    const summary = (byOrganisation[parsed.organisationId] ??= { organisationId: parsed.organisationId, median: 0, count: 0, ratings: {} });
    summary.ratings[parsed.participantId] = value;
  }
  for (const summary of Object.values(byOrganisation)) {
    const values = Object.values(summary.ratings);
    summary.count = values.length;
    summary.median = medianOf(values) ?? 0;
  }
  return byOrganisation;
}

export interface InfluenceRow {
  tableId: string;
  organisationId: string;
  /** The rater's anonymous per-join id; never a name. */
  participantId: string;
  value: number;
}

/** One table's ratings as plain rows, in a stable order: the analysis's input and the research export's rows. */
export function influenceRows(tableId: string, influence: Record<string, InfluenceSummary>): InfluenceRow[] {
  return Object.values(influence)
    .flatMap((summary) => Object.entries(summary.ratings).map(([participantId, value]) => ({ tableId, organisationId: summary.organisationId, participantId, value })))
    .sort((a, b) => a.organisationId.localeCompare(b.organisationId) || a.participantId.localeCompare(b.participantId));
}
