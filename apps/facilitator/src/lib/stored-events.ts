import * as v from 'valibot';

/** What this browser remembers about an event it facilitates. Tokens stay on this device only. */
const KnownEventSchema = v.object({
  eventId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/)),
  title: v.string(),
  facilitatorToken: v.pipe(v.string(), v.minLength(10)),
  joinCode: v.optional(v.string()),
  observerToken: v.optional(v.string()),
  /** How this laptop shows in the other facilitators' consoles ("Sam's laptop"); a co-facilitator link sets it. */
  label: v.optional(v.string()),
  savedAt: v.number(),
});
export type KnownEvent = v.InferOutput<typeof KnownEventSchema>;

const EVENTS_KEY = 'tablemap:facilitator:events';
const PROJECTOR_KEY_PREFIX = 'tablemap:projector:';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function parseJson(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Events known to this browser, newest first. Malformed entries (an old version, a hand edit) are dropped. */
export function listKnownEvents(store: KeyValueStore): KnownEvent[] {
  const raw = parseJson(store.getItem(EVENTS_KEY));
  if (!Array.isArray(raw)) return [];
  const events: KnownEvent[] = [];
  for (const item of raw) {
    const parsed = v.safeParse(KnownEventSchema, item);
    if (parsed.success) events.push(parsed.output);
  }
  return events.sort((a, b) => b.savedAt - a.savedAt);
}

export function findKnownEvent(store: KeyValueStore, eventId: string): KnownEvent | null {
  return listKnownEvents(store).find((event) => event.eventId === eventId) ?? null;
}

/** Adds or updates an event; fields not given keep their stored values. */
export function rememberEvent(
  store: KeyValueStore,
  entry: Omit<KnownEvent, 'savedAt' | 'title'> & { title?: string },
): KnownEvent {
  const others = listKnownEvents(store).filter((event) => event.eventId !== entry.eventId);
  const previous = findKnownEvent(store, entry.eventId);
  const merged: KnownEvent = v.parse(KnownEventSchema, {
    ...previous,
    ...Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)),
    title: entry.title ?? previous?.title ?? 'Untitled event',
    savedAt: Date.now(),
  });
  store.setItem(EVENTS_KEY, JSON.stringify([merged, ...others]));
  return merged;
}

export function forgetEvent(store: KeyValueStore, eventId: string): void {
  const rest = listKnownEvents(store).filter((event) => event.eventId !== eventId);
  store.setItem(EVENTS_KEY, JSON.stringify(rest));
}

export interface ProjectorSecrets {
  token: string;
  /** Shown big on the welcome slide; absent for a projector link made without it. */
  joinCode?: string | undefined;
}

/** What this screen was given for an event's projector (older versions stored the bare token). */
export function projectorSecrets(store: KeyValueStore, eventId: string): ProjectorSecrets | null {
  const raw = store.getItem(PROJECTOR_KEY_PREFIX + eventId);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as ProjectorSecrets).token === 'string') {
      const { token, joinCode } = parsed as ProjectorSecrets;
      return { token, joinCode: typeof joinCode === 'string' ? joinCode : undefined };
    }
  } catch {
    // A bare token from before the join code was kept.
  }
  return { token: raw };
}

export function rememberProjectorSecrets(store: KeyValueStore, eventId: string, secrets: ProjectorSecrets): void {
  store.setItem(PROJECTOR_KEY_PREFIX + eventId, JSON.stringify(secrets));
}

/** Secrets arrive in the URL fragment (never sent to the server); read them so the caller can strip the hash. */
export function readHashSecrets(hash: string): { token?: string; joinCode?: string; observerToken?: string; label?: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const pick = (key: string) => {
    const value = params.get(key)?.trim();
    return value ? value : undefined;
  };
  return { token: pick('token'), joinCode: pick('code'), observerToken: pick('observer'), label: pick('name')?.slice(0, 60) };
}

/**
 * The link a second facilitator opens: their own token (a co-facilitator link) or this browser's, plus the
 * join code and observer token so their dashboard is complete, and the name they show as.
 */
export function facilitatorLink(origin: string, event: KnownEvent, own?: { token: string; label: string }): string {
  const params = new URLSearchParams({ token: own?.token ?? event.facilitatorToken });
  if (own) params.set('name', own.label);
  if (event.joinCode) params.set('code', event.joinCode);
  if (event.observerToken) params.set('observer', event.observerToken);
  return `${origin}/facilitate/${encodeURIComponent(event.eventId)}#${params.toString()}`;
}

export function projectorLink(origin: string, eventId: string, observerToken: string, joinCode?: string): string {
  const params = new URLSearchParams({ token: observerToken });
  if (joinCode) params.set('code', joinCode);
  return `${origin}/facilitate/${encodeURIComponent(eventId)}/projector#${params.toString()}`;
}

export function tableJoinLink(origin: string, joinCode: string, tableId: string): string {
  return `${origin}/join/${encodeURIComponent(joinCode)}/${encodeURIComponent(tableId)}`;
}

export function scribeLink(origin: string, scribeToken: string): string {
  return `${origin}/scribe#token=${encodeURIComponent(scribeToken)}`;
}

/** A co-facilitator link this browser issued: kept so it can be shown again and revoked. */
export interface IssuedLink {
  participantId: string;
  label: string;
  link: string;
}

const ISSUED_KEY_PREFIX = 'tablemap:cofacilitators:';

export function issuedLinks(store: KeyValueStore, eventId: string): IssuedLink[] {
  const parsed = parseJson(store.getItem(ISSUED_KEY_PREFIX + eventId));
  const links = v.safeParse(v.array(v.object({ participantId: v.string(), label: v.string(), link: v.string() })), parsed);
  return links.success ? links.output : [];
}

export function saveIssuedLinks(store: KeyValueStore, eventId: string, links: IssuedLink[]): void {
  store.setItem(ISSUED_KEY_PREFIX + eventId, JSON.stringify(links));
}
