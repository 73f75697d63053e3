import * as v from 'valibot';
import { requestJson } from '@tablemap/sync-client';

const CreatedEventSchema = v.object({
  eventId: v.string(),
  joinCode: v.string(),
  facilitatorToken: v.string(),
  observerToken: v.optional(v.string()),
  tables: v.array(v.object({ id: v.string(), name: v.string() })),
});
export type CreatedEvent = v.InferOutput<typeof CreatedEventSchema>;

const ScribeTokenSchema = v.object({ token: v.string(), tableId: v.string() });

/** POSTs JSON to one of this event's facilitator routes with the facilitator's token. */
function postAsFacilitator<T>(
  origin: string,
  eventId: string,
  route: string,
  facilitatorToken: string,
  body: unknown,
  schema: v.GenericSchema<unknown, T>,
  fetchImpl: typeof fetch,
): Promise<T> {
  return requestJson(
    new URL(`/api/events/${encodeURIComponent(eventId)}/${route}`, origin).toString(),
    { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${facilitatorToken}` }, body: JSON.stringify(body) },
    schema,
    fetchImpl,
  );
}

export interface CreateEventInput {
  title: string;
  tableCount: number;
  /** Needed only when the server sets ORGANISER_KEY. */
  organiserKey?: string;
}

export function createEvent(origin: string, input: CreateEventInput, fetchImpl: typeof fetch = fetch): Promise<CreatedEvent> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (input.organiserKey) headers.authorization = `Bearer ${input.organiserKey}`;
  return requestJson(
    new URL('/api/events', origin).toString(),
    { method: 'POST', headers, body: JSON.stringify({ title: input.title, tableCount: input.tableCount }) },
    CreatedEventSchema,
    fetchImpl,
  );
}

/** A demo event to rehearse with (made-up data, pretend phones), deleted when the server stops. */
export function createDemoEvent(origin: string, organiserKey?: string, fetchImpl: typeof fetch = fetch): Promise<CreatedEvent> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (organiserKey) headers.authorization = `Bearer ${organiserKey}`;
  return requestJson(new URL('/api/demo', origin).toString(), { method: 'POST', headers, body: '{}' }, CreatedEventSchema, fetchImpl);
}

export function issueScribeToken(
  origin: string,
  eventId: string,
  facilitatorToken: string,
  tableId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ token: string; tableId: string }> {
  return postAsFacilitator(origin, eventId, 'scribe', facilitatorToken, { tableId }, ScribeTokenSchema, fetchImpl);
}

/** Reads the claims of our own token (not verified here: the server verifies; we only need our anonymous id). */
export function tokenClaims(token: string): { participantId?: string; role?: string; eventId?: string } {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(json);
    if (!claims || typeof claims !== 'object') return {};
    const record = claims as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return { participantId: text(record.participantId), role: text(record.role), eventId: text(record.eventId) };
  } catch {
    return {};
  }
}

const RevealSchema = v.object({ revealed: v.array(v.string()), notes: v.number() });

/** Ends the private round for one table (or all): the server moves each author's private notes into the table doc. */
export function revealNotes(origin: string, eventId: string, facilitatorToken: string, tableId?: string, fetchImpl: typeof fetch = fetch) {
  return postAsFacilitator(origin, eventId, 'reveal', facilitatorToken, tableId ? { tableId } : {}, RevealSchema, fetchImpl);
}

const CoFacilitatorSchema = v.object({ token: v.string(), participantId: v.string(), label: v.string() });

/** A second facilitator link with its own token, so it can be revoked alone. */
export function issueCoFacilitator(origin: string, eventId: string, facilitatorToken: string, label: string, fetchImpl: typeof fetch = fetch) {
  return postAsFacilitator(origin, eventId, 'facilitators', facilitatorToken, { label }, CoFacilitatorSchema, fetchImpl);
}

/** Withdraws a token holder's access (a co-facilitator link, say); their open connections close at once. */
export function revokeHolder(origin: string, eventId: string, facilitatorToken: string, participantId: string, fetchImpl: typeof fetch = fetch) {
  return postAsFacilitator(origin, eventId, 'revoke', facilitatorToken, { participantId }, v.object({ revoked: v.boolean() }), fetchImpl);
}

/** The head of a full event export (`format: tablemap-event`); its reader in the analysis package checks the rest. */
const EventExportSchema = v.looseObject({ format: v.literal('tablemap-event', 'That is not a Tablemap event export.') });

/**
 * Another event's full JSON export, fetched with that event's own facilitator token (the server refuses
 * any other): how an event is compared with an earlier one on the same server.
 */
export function fetchEventExport(origin: string, eventId: string, facilitatorToken: string, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  return requestJson(
    new URL(`/api/events/${encodeURIComponent(eventId)}/export?format=json`, origin).toString(),
    { method: 'GET', headers: { authorization: `Bearer ${facilitatorToken}` } },
    EventExportSchema,
    fetchImpl,
  );
}
