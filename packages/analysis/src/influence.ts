/**
 * The power layer, Net-Map style: participants rate each organisation on their table's map from 0 to 5
 * (the height of an influence tower). Ratings are per table mention; the merged organisation gets the
 * median of every rating of any of its mentions. Influence against connectedness (degree) gives four
 * quadrants, split at the middle of the scale (2.5) and at the median degree.
 */
import * as v from 'valibot';
import { INFLUENCE_MAX, InfluenceValueSchema, describeIssues, medianOf } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { mentionKey } from './merge.ts';
import type { AnalysedOrganisation } from './metrics.ts';

export interface InfluenceRating {
  tableId: string;
  /** The organisation's id at that table. */
  organisationId: string;
  /** 0 (no influence) … 5. */
  value: number;
}

export type Quadrant = 'influential-connected' | 'influential-peripheral' | 'connected-low-influence' | 'peripheral-low-influence';

export interface InfluencePoint {
  id: string;
  name: string;
  sector: string;
  /** Median rating; null when no one rated it. */
  influence: number | null;
  ratings: number;
  degree: number;
  quadrant: Quadrant | null;
}

export interface InfluenceLayer {
  points: InfluencePoint[];
  /** The degree that splits connected from peripheral. */
  degreeSplit: number;
  sentences: string[];
}

const RatingsSchema = v.array(
  v.object({
    tableId: v.pipe(v.string('tableId must be text'), v.minLength(1, 'tableId is required')),
    organisationId: v.pipe(v.string('organisationId must be text'), v.minLength(1, 'organisationId is required')),
    // The same rule the table doc's ratings are checked with.
    value: InfluenceValueSchema,
  }),
);

function quadrantOf(influence: number, degree: number, degreeSplit: number): Quadrant {
  const influential = influence > INFLUENCE_MAX / 2;
  const connected = degree > degreeSplit;
  if (influential) return connected ? 'influential-connected' : 'influential-peripheral';
  return connected ? 'connected-low-influence' : 'peripheral-low-influence';
}

/** Median influence per merged organisation and its quadrant. Ratings of unknown mentions are ignored. */
export function influenceLayer(organisations: readonly AnalysedOrganisation[], ratings: readonly InfluenceRating[]): InfluenceLayer {
  const parsed = v.safeParse(RatingsSchema, ratings);
  if (!parsed.success) throw new AnalysisError('The influence ratings are malformed', describeIssues(parsed.issues));
  const byMention = new Map<string, number[]>();
  for (const rating of parsed.output) {
    const key = mentionKey(rating.tableId, rating.organisationId);
    byMention.set(key, [...(byMention.get(key) ?? []), rating.value]);
  }
  const degreeSplit = medianOf(organisations.map((org) => org.degree)) ?? 0;
  const points = organisations.map((org) => {
    const values = org.mentions.flatMap((mention) => byMention.get(mentionKey(mention.tableId, mention.organisationId)) ?? []);
    const influence = medianOf(values);
    return {
      id: org.id,
      name: org.name,
      sector: org.sector,
      influence,
      ratings: values.length,
      degree: org.degree,
      quadrant: influence === null ? null : quadrantOf(influence, org.degree, degreeSplit),
    };
  });
  const hidden = points.filter((point) => point.quadrant === 'influential-peripheral').map((point) => point.name);
  const sentences = [
    points.some((point) => point.ratings > 0)
      ? `${points.filter((point) => point.quadrant === 'influential-connected').length} organisations are both seen as influential and well connected.`
      : 'No organisation has been rated for influence yet.',
    ...(hidden.length > 0 ? [`Seen as influential but with few ties on the map: ${hidden.slice(0, 5).join(', ')}${hidden.length > 5 ? ` and ${hidden.length - 5} more` : ''}.`] : []),
  ];
  return { points, degreeSplit, sentences };
}
