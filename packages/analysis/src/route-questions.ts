/**
 * Pinned route questions answered in plain words for the report ("from Eastfield GP to Crisis Housing,
 * by referral only"): the shortest route, how many simple routes up to the length asked, the
 * organisations on every route (bottlenecks) and which organisations on the route are cut vertices of
 * the network the chosen kinds of link make. "No route" is said plainly, and a question whose organisation has since been
 * merged into another is answered for that one; one that was deleted says so instead of failing.
 */
import { RELATIONSHIP_KINDS, type RelationshipKindId } from '@tablemap/model';
import type { MergedMap } from './merge.ts';
import { cutVertices, findPathways, findSectorRoute, resolveOrganisation } from './pathways.ts';
import { theSector } from './sector-words.ts';

export interface RouteQuestion {
  between: 'organisations' | 'sectors';
  /** Merged-map organisation ids, or sector ids. */
  from: string;
  to: string;
  /** The names as they were when the question was pinned. */
  fromName: string;
  toName: string;
  kinds: readonly RelationshipKindId[];
  directed: boolean;
  maxLength: number;
}

export interface RouteQuestionAnswer {
  /** The question in words, e.g. "From Eastfield GP to Crisis Housing, by links where one refers people to the other". */
  question: string;
  status: 'found' | 'no-route' | 'same-organisation' | 'missing';
  /** The answer, one plain sentence each. */
  sentences: string[];
  /** Names along the shortest route ([] when there is none). */
  shortest: string[];
}

/** Most routes counted: beyond this the count says "at least". */
const MAX_COUNTED_ROUTES = 200;

const kindWords = (kinds: readonly RelationshipKindId[]) =>
  kinds.length === 0 ? 'any kind of link' : `only links where one organisation ${kinds.map((id) => RELATIONSHIP_KINDS.find((kind) => kind.id === id)?.label ?? id).join(' or ')} the other`;
const listWords = (names: string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);
const steps = (count: number) => `${count} ${count === 1 ? 'step' : 'steps'}`;

/** The question in words, as the Insights page lists it and the report heads its answer. */
export function describeRouteQuestion(question: RouteQuestion, sectorLabel: (id: string) => string = (id) => id): string {
  const [from, to] = question.between === 'sectors' ? [theSector(sectorLabel(question.from)), theSector(sectorLabel(question.to))] : [question.fromName, question.toName];
  const direction = question.directed ? ', following the direction links were drawn in' : '';
  return `From ${from} to ${to}, using ${kindWords(question.kinds)}${direction}`;
}

/** Answers one pinned question on the merged map. */
export function answerRouteQuestion(map: Pick<MergedMap, 'organisations' | 'links'>, question: RouteQuestion, options: { sectorLabel?: (id: string) => string } = {}): RouteQuestionAnswer {
  const sectorLabel = options.sectorLabel ?? ((id: string) => id);
  const words = describeRouteQuestion(question, sectorLabel);
  const routeOptions = { kinds: [...question.kinds], directed: question.directed, maxLength: question.maxLength };
  const nameOf = new Map(map.organisations.map((org) => [org.id, org.name]));
  const sentences: string[] = [];

  let fromId: string;
  let toId: string;
  if (question.between === 'sectors') {
    const sectorRoute = findSectorRoute(map, question.from, question.to, routeOptions);
    const empty = [question.from, question.to].filter((sector) => !map.organisations.some((org) => org.sector === sector));
    if (empty.length > 0) {
      return { question: words, status: 'missing', shortest: [], sentences: [`No organisation on the merged map is in ${listWords(empty.map((sector) => theSector(sectorLabel(sector))))}, so there is no route to find.`] };
    }
    if (sectorRoute.shortest.length === 0) {
      return { question: words, status: 'no-route', shortest: [], sentences: [`There is no route from any organisation in ${theSector(sectorLabel(question.from))} to any in ${theSector(sectorLabel(question.to))} using ${kindWords(question.kinds)}.`] };
    }
    [fromId, toId] = [sectorRoute.shortest[0]!, sectorRoute.shortest.at(-1)!];
    if (fromId === toId) {
      return { question: words, status: 'same-organisation', shortest: [nameOf.get(fromId)!], sentences: [`${nameOf.get(fromId)} is in both sectors, so no route is needed.`] };
    }
    sentences.push(`The closest pair is ${nameOf.get(fromId)} and ${nameOf.get(toId)}.`);
  } else {
    // The id it was pinned with, else the name it had: an organisation merged into another is found under its new name.
    const resolve = (id: string, name: string) => {
      const found = resolveOrganisation(map, id) ?? resolveOrganisation(map, name);
      return found ? { id: found.id, asked: name } : null;
    };
    const from = resolve(question.from, question.fromName);
    const to = resolve(question.to, question.toName);
    const missing = [from ? null : question.fromName, to ? null : question.toName].filter((name): name is string => name !== null);
    if (!from || !to) {
      const them = missing.length === 1 ? 'it' : 'them';
      return {
        question: words,
        status: 'missing',
        shortest: [],
        sentences: [`${listWords(missing)} ${missing.length === 1 ? 'is' : 'are'} no longer on the merged map (deleted, or merged under another name), so this question cannot be answered. Pin it again to ask about ${them} under ${missing.length === 1 ? 'its' : 'their'} current name.`],
      };
    }
    for (const end of [from, to]) {
      const now = nameOf.get(end.id)!;
      if (now !== end.asked) sentences.push(`${end.asked} has since been merged into ${now}; the answer is for ${now}.`);
    }
    [fromId, toId] = [from.id, to.id];
  }

  const answer = findPathways(map, { from: fromId, to: toId, ...routeOptions, maxPaths: MAX_COUNTED_ROUTES });
  if (answer.status === 'same-organisation') {
    return { question: words, status: 'same-organisation', shortest: [], sentences: [...sentences, `Both ends are now the same organisation, ${nameOf.get(answer.organisation)}, so there is no route to find.`] };
  }
  if (answer.status !== 'found') {
    return { question: words, status: 'no-route', shortest: [], sentences: [...sentences, `There is no route from ${nameOf.get(fromId)} to ${nameOf.get(toId)} using ${kindWords(question.kinds)}.`] };
  }
  const shortest = answer.shortest.map((id) => nameOf.get(id)!);
  const longest = Math.max(question.maxLength, answer.shortest.length - 1);
  sentences.push(`The shortest route takes ${steps(answer.shortest.length - 1)}: ${shortest.join(' → ')}.`);
  const count = `${answer.truncated ? 'at least ' : ''}${answer.paths.length}`;
  sentences.push(answer.paths.length === 1 ? `It is the only route of up to ${steps(longest)}.` : `There are ${count} routes of up to ${steps(longest)}.`);
  const bottlenecks = answer.bottlenecks.map((id) => nameOf.get(id)!);
  sentences.push(bottlenecks.length > 0 ? `Every route passes through ${listWords(bottlenecks)}: ${bottlenecks.length === 1 ? 'it is a bottleneck' : 'they are bottlenecks'}.` : 'No single organisation is on every route.');
  // Cut vertices of the network made of the chosen kinds of link: closing one splits that network.
  const cuts = new Set(cutVertices(map, { kinds: routeOptions.kinds }));
  // Only the organisations a person passes through: the two ends are the question itself.
  const fragile = answer.shortest.slice(1, -1).filter((id) => cuts.has(id)).map((id) => nameOf.get(id)!);
  if (fragile.length === 1) sentences.push(`${fragile[0]} holds the network together: if it closed, part of the network these links make would be cut off.`);
  if (fragile.length > 1) sentences.push(`${listWords(fragile)} hold the network together: if any of them closed, part of the network these links make would be cut off.`);
  return { question: words, status: 'found', shortest, sentences };
}
