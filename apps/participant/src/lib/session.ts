import * as v from 'valibot';
import { IdSchema, VocabularyIdSchema } from '@tablemap/model';

/** What this phone remembers about its place at a table. No names: only ids and a stakeholder group. */
export const SessionSchema = v.object({
  token: v.pipe(v.string(), v.minLength(10)),
  eventId: IdSchema,
  tableId: IdSchema,
  participantId: IdSchema,
  group: VocabularyIdSchema,
  role: v.picklist(['participant', 'scribe']),
  /** Kept so the organisation-name autocomplete can ask the server for the event's names. */
  joinCode: v.optional(v.string()),
});
export type Session = v.InferOutput<typeof SessionSchema>;

const SESSION_KEY = 'tablemap:session';

/** localStorage, or a stand-in in tests. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Reads the stored session; anything malformed (old version, tampering) counts as no session. */
export function loadSession(store: KeyValueStore = localStorage): Session | null {
  const raw = store.getItem(SESSION_KEY);
  if (!raw) return null;
  try {
    const parsed = v.safeParse(SessionSchema, JSON.parse(raw));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session, store: KeyValueStore = localStorage): void {
  store.setItem(SESSION_KEY, JSON.stringify(v.parse(SessionSchema, session)));
}

export function clearSession(store: KeyValueStore = localStorage): void {
  store.removeItem(SESSION_KEY);
}

const ScribeClaimsSchema = v.object({
  eventId: IdSchema,
  tableId: IdSchema,
  participantId: IdSchema,
  role: v.literal('scribe'),
  group: v.optional(VocabularyIdSchema, 'other'),
});

/**
 * Builds a session from a scribe link's token. The payload is only read here (the server verifies
 * the signature on every connection); a token that does not look like a scribe token is refused.
 */
export function sessionFromScribeToken(token: string): Session | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0)),
    );
    const claims = v.safeParse(ScribeClaimsSchema, JSON.parse(json));
    if (!claims.success) return null;
    return { token, ...claims.output, role: 'scribe' };
  } catch {
    return null;
  }
}
