/**
 * Routes through the merged map: how a person gets from one organisation (or sector) to another using
 * only the link kinds chosen, the shortest route and every simple route up to a length, the
 * organisations on every route (bottlenecks), and the cut vertices of the whole network.
 * Breadth-first search over plain adjacency lists: a query on 500 organisations takes well under a
 * millisecond, and no dependency is needed for it.
 */
import * as v from 'valibot';
import { LINK_STATUSES, RELATIONSHIP_KIND_IDS, type LinkStatus, type RelationshipKindId } from '@tablemap/model';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import type { MergedMap } from './merge.ts';
import { nameGroupId } from './merge.ts';

export const MAX_PATH_LENGTH = 8;

export interface RouteOptions {
  /** Link kinds a route may use; all kinds when absent or empty. */
  kinds?: RelationshipKindId[];
  /** Statuses (as the merged map resolves them) that count as a way through. Default: existing only. */
  statuses?: LinkStatus[];
  /** Follow the direction links were drawn in (a mutual link goes both ways). Default false. */
  directed?: boolean;
  /** Longest route listed, in links (1…8). Default 4. */
  maxLength?: number;
  /** Most routes listed. Default 50. */
  maxPaths?: number;
}

export interface PathwayQuery extends RouteOptions {
  from: string;
  to: string;
}

export interface Redirect {
  requested: string;
  mergedInto: string;
}

interface AnswerBase {
  /** One plain-English sentence saying what was found. */
  message: string;
  /** Ids that no longer exist because the organisation was merged into another. */
  redirected: Redirect[];
}

export type PathwayAnswer =
  | (AnswerBase & { status: 'found'; from: string; to: string; shortest: string[]; paths: string[][]; truncated: boolean; bottlenecks: string[] })
  | (AnswerBase & { status: 'no-route'; from: string; to: string })
  | (AnswerBase & { status: 'same-organisation'; organisation: string })
  | (AnswerBase & { status: 'unknown-organisation'; missing: string[] });

const OptionsSchema = v.object({
  kinds: v.optional(v.array(v.picklist(RELATIONSHIP_KIND_IDS, 'kinds must be known relationship kinds'))),
  statuses: v.optional(v.array(v.picklist(LINK_STATUSES, 'statuses must be existing, wanted or broken'))),
  directed: v.optional(v.boolean('directed must be true or false')),
  maxLength: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'maxLength must be at least 1'), v.maxValue(MAX_PATH_LENGTH, `maxLength must be at most ${MAX_PATH_LENGTH}`))),
  maxPaths: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000, 'maxPaths must be at most 1000'))),
});
const QuerySchema = v.object({
  ...OptionsSchema.entries,
  from: v.pipe(v.string('from must be an organisation id'), v.minLength(1, 'from is required')),
  to: v.pipe(v.string('to must be an organisation id'), v.minLength(1, 'to is required')),
});

function checkQuery<T>(schema: v.GenericSchema<T>, value: unknown): T {
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) throw new AnalysisError('The route question is malformed', describeIssues(parsed.issues));
  return parsed.output;
}

export type Adjacency = Map<string, string[]>;

/** Who can be reached from whom, using only links with a chosen kind and status. */
export function routeGraph(map: Pick<MergedMap, 'organisations' | 'links'>, options: RouteOptions = {}): Adjacency {
  const kinds = options.kinds && options.kinds.length > 0 ? new Set<string>(options.kinds) : null;
  const statuses = new Set<string>(options.statuses ?? ['existing']);
  const next = new Map<string, Set<string>>(map.organisations.map((org) => [org.id, new Set()]));
  for (const link of map.links) {
    // The link's status as the merged map resolves it (as the metrics use it); its kinds and directions as each table drew it.
    if (!statuses.has(link.status)) continue;
    for (const assertion of link.assertions) {
      if (kinds && !kinds.has(assertion.kind)) continue;
      const from = next.get(assertion.source);
      const back = next.get(assertion.target);
      if (!from || !back) continue;
      from.add(assertion.target);
      if (!options.directed || assertion.mutual) back.add(assertion.source);
    }
  }
  return new Map([...next].map(([id, set]) => [id, [...set]]));
}

/** Breadth-first distances from `start` (following `graph`), skipping `without`. */
function distancesFrom(graph: Adjacency, start: string, without?: string): Map<string, number> {
  const distance = new Map([[start, 0]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const neighbour of graph.get(node) ?? []) {
      if (neighbour === without || distance.has(neighbour)) continue;
      distance.set(neighbour, distance.get(node)! + 1);
      queue.push(neighbour);
    }
  }
  return distance;
}

function reversed(graph: Adjacency): Adjacency {
  const back: Adjacency = new Map([...graph.keys()].map((id) => [id, []]));
  for (const [from, targets] of graph) for (const to of targets) back.get(to)!.push(from);
  return back;
}

function shortestPath(graph: Adjacency, from: string, toDistance: Map<string, number>): string[] {
  // Walk forward along neighbours that are one step closer to the target: deterministic (first in list).
  const path = [from];
  let node = from;
  let left = toDistance.get(from)!;
  while (left > 0) {
    node = (graph.get(node) ?? []).find((next) => toDistance.get(next) === left - 1)!;
    path.push(node);
    left -= 1;
  }
  return path;
}

/** Every simple route of at most `maxLength` links, pruned with the distance to the target. */
function simplePaths(graph: Adjacency, from: string, to: string, toDistance: Map<string, number>, maxLength: number, maxPaths: number): { paths: string[][]; truncated: boolean } {
  const paths: string[][] = [];
  const path = [from];
  const onPath = new Set([from]);
  let truncated = false;
  const walk = (node: string) => {
    if (truncated) return;
    if (node === to) {
      if (paths.length === maxPaths) truncated = true;
      else paths.push([...path]);
      return;
    }
    for (const next of graph.get(node) ?? []) {
      const remaining = toDistance.get(next);
      if (remaining === undefined || onPath.has(next) || path.length + remaining > maxLength) continue;
      path.push(next);
      onPath.add(next);
      walk(next);
      path.pop();
      onPath.delete(next);
    }
  };
  walk(from);
  return { paths: paths.sort((a, b) => a.length - b.length), truncated };
}

/** Resolves an id, a mention key (`table:organisation`) or a name to the organisation that now holds it. */
export function resolveOrganisation(map: Pick<MergedMap, 'organisations'>, requested: string): { id: string; redirected?: Redirect } | null {
  if (map.organisations.some((org) => org.id === requested)) return { id: requested };
  const asName = requested.startsWith('name:') ? requested : nameGroupId(requested);
  const holder = map.organisations.find(
    (org) =>
      org.mentions.some((mention) => `${mention.tableId}:${mention.organisationId}` === requested) ||
      org.variants.some((variant) => nameGroupId(variant) === asName),
  );
  return holder ? { id: holder.id, redirected: { requested, mergedInto: holder.id } } : null;
}

/** Routes from one organisation to another. Same organisation, merged-away and unknown ids get a plain answer. */
export function findPathways(map: Pick<MergedMap, 'organisations' | 'links'>, query: PathwayQuery): PathwayAnswer {
  const checked = checkQuery(QuerySchema, query);
  const nameOf = new Map(map.organisations.map((org) => [org.id, org.name]));
  const from = resolveOrganisation(map, checked.from);
  const to = resolveOrganisation(map, checked.to);
  const redirected = [from?.redirected, to?.redirected].filter((entry): entry is Redirect => entry !== undefined);
  const mergedNote = redirected.map((entry) => ` ${entry.requested} was merged into ${nameOf.get(entry.mergedInto)}.`).join('');
  if (!from || !to) {
    const missing = [from ? null : checked.from, to ? null : checked.to].filter((id): id is string => id !== null);
    return { status: 'unknown-organisation', missing, redirected, message: `No organisation on the merged map is called ${missing.join(' or ')}.` };
  }
  if (from.id === to.id) {
    return { status: 'same-organisation', organisation: from.id, redirected, message: `Both ends are the same organisation, ${nameOf.get(from.id)}: there is no route to find.${mergedNote}` };
  }
  const graph = routeGraph(map, checked);
  const back = checked.directed ? reversed(graph) : graph;
  const toDistance = distancesFrom(back, to.id);
  const names = `${nameOf.get(from.id)} to ${nameOf.get(to.id)}`;
  if (!toDistance.has(from.id)) {
    return { status: 'no-route', from: from.id, to: to.id, redirected, message: `There is no route from ${names} using the chosen links.${mergedNote}` };
  }
  const shortest = shortestPath(graph, from.id, toDistance);
  const maxLength = Math.max(checked.maxLength ?? 4, shortest.length - 1);
  const { paths, truncated } = simplePaths(graph, from.id, to.id, toDistance, maxLength, checked.maxPaths ?? 50);
  // An organisation on every route must be on the shortest one; it is a bottleneck when removing it cuts the route.
  const bottlenecks = shortest.slice(1, -1).filter((id) => !distancesFrom(graph, from.id, id).has(to.id));
  const steps = shortest.length - 1;
  const through = bottlenecks.length > 0 ? ` Every route passes through ${bottlenecks.map((id) => nameOf.get(id)).join(', ')}.` : '';
  return {
    status: 'found',
    from: from.id,
    to: to.id,
    shortest,
    paths,
    truncated,
    bottlenecks,
    redirected,
    message: `The shortest route from ${names} takes ${steps} ${steps === 1 ? 'step' : 'steps'}; ${paths.length}${truncated ? '+' : ''} ${paths.length === 1 ? 'route' : 'routes'} of up to ${maxLength} steps.${through}${mergedNote}`,
  };
}

export interface SectorRoute {
  fromSector: string;
  toSector: string;
  /** The shortest route from any organisation of one sector to any of the other; empty when none. */
  shortest: string[];
  message: string;
}

/** The shortest route between two sectors: from any organisation in one to any in the other. */
export function findSectorRoute(map: Pick<MergedMap, 'organisations' | 'links'>, fromSector: string, toSector: string, options: RouteOptions = {}): SectorRoute {
  checkQuery(OptionsSchema, options);
  const graph = routeGraph(map, options);
  const starts = map.organisations.filter((org) => org.sector === fromSector).map((org) => org.id);
  const ends = new Set(map.organisations.filter((org) => org.sector === toSector).map((org) => org.id));
  if (starts.length === 0 || ends.size === 0) {
    const missing = starts.length === 0 ? fromSector : toSector;
    return { fromSector, toSector, shortest: [], message: `No organisation on the merged map is in the sector ${missing}.` };
  }
  const previous = new Map<string, string | null>(starts.map((id) => [id, null]));
  const queue = [...starts];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (ends.has(node)) {
      const path = [node];
      for (let step = previous.get(node); step; step = previous.get(step)) path.unshift(step);
      return { fromSector, toSector, shortest: path, message: `The shortest route from ${fromSector} to ${toSector} takes ${path.length - 1} steps.` };
    }
    for (const next of graph.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return { fromSector, toSector, shortest: [], message: `There is no route from ${fromSector} to ${toSector} using the chosen links.` };
}

/**
 * Cut vertices (articulation points) of the undirected route network: organisations whose removal splits
 * it. Tarjan's low-link algorithm, iterative so a long chain cannot overflow the stack.
 */
export function cutVertices(map: Pick<MergedMap, 'organisations' | 'links'>, options: Omit<RouteOptions, 'directed'> = {}): string[] {
  checkQuery(OptionsSchema, options);
  const graph = routeGraph(map, { ...options, directed: false });
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const cut = new Set<string>();
  let counter = 0;
  for (const root of graph.keys()) {
    if (order.has(root)) continue;
    order.set(root, counter);
    low.set(root, counter++);
    let rootChildren = 0;
    const stack: { node: string; parent: string | null; next: number }[] = [{ node: root, parent: null, next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const neighbours = graph.get(frame.node)!;
      if (frame.next < neighbours.length) {
        const child = neighbours[frame.next++]!;
        if (child === frame.parent) continue;
        if (order.has(child)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, order.get(child)!));
        } else {
          order.set(child, counter);
          low.set(child, counter++);
          if (frame.node === root) rootChildren += 1;
          stack.push({ node: child, parent: frame.node, next: 0 });
        }
        continue;
      }
      stack.pop();
      const parent = frame.parent;
      if (parent === null) continue;
      low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      if (parent !== root && low.get(frame.node)! >= order.get(parent)!) cut.add(parent);
    }
    if (rootChildren > 1) cut.add(root);
  }
  return [...cut];
}
