import type { LinkedEvent } from '@tablemap/model';
import { friendlyError } from '@tablemap/ui';
import { fetchEventExport } from './api.ts';
import { listKnownEvents, type KeyValueStore, type KnownEvent } from './stored-events.ts';

/**
 * What a laptop can do with the earlier event this event is linked to (kept in the report doc as an id
 * and a title, never a token): fetch its export with that event's own facilitator token when this laptop
 * has it, or say plainly why not.
 */
export type LinkedEarlier =
  | { state: 'loaded'; link: LinkedEvent; json: unknown }
  | { state: 'unknown'; link: LinkedEvent; message: string }
  | { state: 'failed'; link: LinkedEvent; message: string };

/** The events this laptop facilitates that this event can be linked to: every one but itself. */
export function linkableEvents(store: KeyValueStore, currentEventId: string): KnownEvent[] {
  return listKnownEvents(store).filter((event) => event.eventId !== currentEventId);
}

export function notKnownHere(link: LinkedEvent): string {
  return `Linked to ${link.title}. Open this page on a laptop that has that event’s facilitator link, or choose its export file.`;
}

/** Why the linked event's export could not be fetched: a deleted event, a withdrawn link, a refusing server. */
export function linkFailure(link: Pick<LinkedEvent, 'title'>, error: unknown): string {
  return `The earlier event “${link.title}” could not be loaded: ${friendlyError(error, 'the server refused it.')} Nothing was changed; remove the link or choose its export file.`;
}

/** Fetches the linked event's full export with the token this laptop keeps for it. */
export async function loadLinkedEarlier(link: LinkedEvent, store: KeyValueStore, origin: string, fetchImpl: typeof fetch = fetch): Promise<LinkedEarlier> {
  const known = listKnownEvents(store).find((event) => event.eventId === link.eventId);
  if (!known) return { state: 'unknown', link, message: notKnownHere(link) };
  try {
    return { state: 'loaded', link, json: await fetchEventExport(origin, link.eventId, known.facilitatorToken, fetchImpl) };
  } catch (error) {
    return { state: 'failed', link, message: linkFailure(link, error) };
  }
}
