import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError, describeIssues } from './errors.ts';
import { IdSchema, LIMITS } from './schemas.ts';
import { RELATIONSHIP_KIND_IDS } from './vocabulary.ts';
import { migrate } from './versions.ts';

/**
 * The facilitators' analysis choices, kept in the facilitator-only report doc (`report/<eventId>`) so
 * they survive a reload and reach every organiser's laptop live, and participants can neither read nor
 * write them (the server refuses them the doc):
 * - match decisions for change over time: an organisation of an earlier event is "the same" as one of
 *   this event, or "different" from the one of that name;
 * - pinned route questions ("from GP to crisis housing") the report answers in a section of its own;
 * - the earlier event on the same server this event is linked to for change over time (its id and
 *   title only: each laptop fetches its export with that event's own facilitator token, if it has one).
 * Every root holds plain values the server checks against these schemas on every write.
 */

export const MATCH_DECISION_ROOT = 'changeMatches';
export const PINNED_ROUTE_ROOT = 'pinnedRoutes';
export const LINKED_EVENT_ROOT = 'linkedEvent';
/** The one key of the linked-event root: an event is linked to at most one earlier event. */
export const LINKED_EVENT_KEY = 'earlier';
/** The longest route a pinned question lists, in links (the pathway finder's own limit). */
export const MAX_PINNED_ROUTE_LENGTH = 8;
/** Enough for any real report; a bound so the doc cannot grow without limit. */
export const MAX_PINNED_ROUTES = 30;

const MAX_REF = 300;
const Ref = (what: string) => v.pipe(v.string(`${what} must be text`), v.minLength(1, `${what} is required`), v.maxLength(MAX_REF, `${what} is too long`));
const Name = (what: string) => v.pipe(v.string(`${what} must be text`), v.trim(), v.minLength(1, `${what} is required`), v.maxLength(LIMITS.label, `${what} is too long`));

/**
 * One decision about one organisation of an earlier event. `earlierEvent` names that event (its event id
 * for a Tablemap export, the file name for another tool's map), so decisions about different earlier
 * events never mix; `earlierId` and `currentId` are merged-map ids.
 */
export const MatchDecisionSchema = v.variant('decision', [
  v.strictObject({ earlierEvent: Ref('the earlier event'), earlierId: Ref('the earlier organisation'), decision: v.literal('same'), currentId: Ref('the current organisation') }),
  v.strictObject({ earlierEvent: Ref('the earlier event'), earlierId: Ref('the earlier organisation'), decision: v.literal('different') }),
]);
export type MatchDecision = v.InferOutput<typeof MatchDecisionSchema>;
export const MatchDecisionKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(2 * MAX_REF + 8));

/** The key a decision is stored under: one decision per earlier organisation of one earlier event. */
export const matchDecisionKey = (earlierEvent: string, earlierId: string) => JSON.stringify([earlierEvent, earlierId]);

/** What `compareEvents` takes: earlier id → current id for "same", earlier ids for "different". */
export interface MatchDecisions {
  confirmed: Record<string, string>;
  separate: string[];
  decisions: MatchDecision[];
}

function checked<T>(schema: v.GenericSchema<unknown, T>, input: unknown, what: string): T {
  const parsed = v.safeParse(schema, input);
  if (!parsed.success) {
    const details = describeIssues(parsed.issues);
    throw new ModelError('invalid_input', `Invalid ${what}: ${details.join('; ')}`, details);
  }
  return parsed.output;
}

/** Records (or replaces) a decision. Bad input is refused (invalid_input) and leaves the doc unchanged. */
export function setMatchDecision(doc: Y.Doc, input: v.InferInput<typeof MatchDecisionSchema>): MatchDecision {
  const valid = checked(MatchDecisionSchema, input, 'match decision');
  migrate(doc, 'report');
  doc.getMap(MATCH_DECISION_ROOT).set(matchDecisionKey(valid.earlierEvent, valid.earlierId), { ...valid });
  return valid;
}

/** Undoes a decision: the organisation is matched by the name rules again, and suggested again. */
export function clearMatchDecision(doc: Y.Doc, earlierEvent: string, earlierId: string): void {
  if (!doc.share.has(MATCH_DECISION_ROOT)) return;
  doc.getMap(MATCH_DECISION_ROOT).delete(matchDecisionKey(earlierEvent, earlierId));
}

/** Every decision, about any earlier event; malformed entries are skipped. */
export function readMatchDecisionList(doc: Y.Doc): MatchDecision[] {
  // Only read a root that exists: asking for it creates it, and a read must not change the doc.
  if (!doc.share.has(MATCH_DECISION_ROOT)) return [];
  const out: MatchDecision[] = [];
  for (const value of doc.getMap(MATCH_DECISION_ROOT).values()) {
    const parsed = v.safeParse(MatchDecisionSchema, value);
    if (parsed.success) out.push(parsed.output);
  }
  return out.sort((a, b) => a.earlierId.localeCompare(b.earlierId));
}

/** The decisions about one earlier event, in the shape the comparison takes. */
export function matchDecisionsFor(list: readonly MatchDecision[], earlierEvent: string): MatchDecisions {
  const out: MatchDecisions = { confirmed: {}, separate: [], decisions: [] };
  for (const decision of list) {
    if (decision.earlierEvent !== earlierEvent) continue;
    out.decisions.push(decision);
    if (decision.decision === 'same') out.confirmed[decision.earlierId] = decision.currentId;
    else out.separate.push(decision.earlierId);
  }
  return out;
}

export const readMatchDecisions = (doc: Y.Doc, earlierEvent: string): MatchDecisions => matchDecisionsFor(readMatchDecisionList(doc), earlierEvent);

/**
 * A route question pinned for the report. `from` and `to` are merged-map organisation ids (or sector ids
 * when `between` is 'sectors'); their names are kept as asked, so a question whose organisation was
 * merged away or deleted can still say which one it was.
 */
export const PinnedRouteSchema = v.object({
  id: IdSchema,
  between: v.picklist(['organisations', 'sectors'], 'a route runs between organisations or sectors'),
  from: Ref('where the route starts'),
  to: Ref('where the route ends'),
  fromName: Name('the start’s name'),
  toName: Name('the end’s name'),
  /** Link kinds a route may use; none means any. */
  kinds: v.pipe(v.array(v.picklist(RELATIONSHIP_KIND_IDS, 'kinds must be known relationship kinds')), v.maxLength(RELATIONSHIP_KIND_IDS.length)),
  directed: v.boolean('directed must be true or false'),
  maxLength: v.pipe(v.number(), v.integer(), v.minValue(1, 'the longest route must be at least 1 step'), v.maxValue(MAX_PINNED_ROUTE_LENGTH, `the longest route may be at most ${MAX_PINNED_ROUTE_LENGTH} steps`)),
  /** When it was pinned (ms since the epoch): the report lists questions in that order. */
  pinnedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
});
export type PinnedRoute = v.InferOutput<typeof PinnedRouteSchema>;

/** Pins a question (or replaces the one with its id). Refuses bad input and more than MAX_PINNED_ROUTES questions. */
export function pinRoute(doc: Y.Doc, input: v.InferInput<typeof PinnedRouteSchema>): PinnedRoute {
  const valid = checked(PinnedRouteSchema, input, 'route question');
  if (valid.from === valid.to) throw new ModelError('invalid_input', 'A route needs two different ends.');
  const pinned = doc.share.has(PINNED_ROUTE_ROOT) ? doc.getMap(PINNED_ROUTE_ROOT) : null;
  if (pinned && !pinned.has(valid.id) && pinned.size >= MAX_PINNED_ROUTES) throw new ModelError('pin_limit', `At most ${MAX_PINNED_ROUTES} route questions can be pinned; remove one first.`);
  migrate(doc, 'report');
  const routes = doc.getMap(PINNED_ROUTE_ROOT);
  routes.set(valid.id, { ...valid, kinds: [...valid.kinds] });
  return valid;
}

export function unpinRoute(doc: Y.Doc, id: string): void {
  if (doc.share.has(PINNED_ROUTE_ROOT)) doc.getMap(PINNED_ROUTE_ROOT).delete(id);
}

/** The pinned questions in the order they were pinned; malformed entries are skipped. */
export function readPinnedRoutes(doc: Y.Doc): PinnedRoute[] {
  if (!doc.share.has(PINNED_ROUTE_ROOT)) return [];
  const out: PinnedRoute[] = [];
  for (const [key, value] of doc.getMap(PINNED_ROUTE_ROOT).entries()) {
    const parsed = v.safeParse(PinnedRouteSchema, value);
    if (parsed.success && parsed.output.id === key) out.push(parsed.output);
  }
  return out.sort((a, b) => a.pinnedAt - b.pinnedAt || a.id.localeCompare(b.id));
}

/**
 * The earlier event on this server that this event is compared with. Never a token: a laptop that has
 * that event's facilitator link fetches its export with it; any other laptop says it cannot.
 */
export const LinkedEventSchema = v.strictObject({
  eventId: v.pipe(v.string('the earlier event’s id must be text'), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'the earlier event’s id is malformed')),
  title: v.pipe(v.string('the earlier event’s title must be text'), v.trim(), v.minLength(1, 'the earlier event’s title is required'), v.maxLength(LIMITS.title, 'the earlier event’s title is too long')),
});
export type LinkedEvent = v.InferOutput<typeof LinkedEventSchema>;
export const LinkedEventKeySchema = v.literal(LINKED_EVENT_KEY);

/** Links this event to an earlier one (replacing any link). Refuses bad input and the event itself, leaving the doc unchanged. */
export function linkEarlierEvent(doc: Y.Doc, currentEventId: string, input: v.InferInput<typeof LinkedEventSchema>): LinkedEvent {
  const valid = checked(LinkedEventSchema, input, 'linked event');
  if (valid.eventId === currentEventId) throw new ModelError('invalid_input', 'An event cannot be compared with itself: choose an earlier event.');
  migrate(doc, 'report');
  doc.getMap(LINKED_EVENT_ROOT).set(LINKED_EVENT_KEY, { ...valid });
  return valid;
}

/** Removes the link; match decisions about that event are kept, so linking it again brings them back. */
export function unlinkEarlierEvent(doc: Y.Doc): void {
  if (doc.share.has(LINKED_EVENT_ROOT)) doc.getMap(LINKED_EVENT_ROOT).delete(LINKED_EVENT_KEY);
}

/** The linked earlier event, or null when there is none (or the stored value is malformed). */
export function readLinkedEvent(doc: Y.Doc): LinkedEvent | null {
  if (!doc.share.has(LINKED_EVENT_ROOT)) return null;
  const parsed = v.safeParse(LinkedEventSchema, doc.getMap(LINKED_EVENT_ROOT).get(LINKED_EVENT_KEY));
  return parsed.success ? parsed.output : null;
}
