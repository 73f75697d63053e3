import * as v from 'valibot';
import { IdSchema, VocabularyIdSchema } from '@tablemap/model';
import { requestJson } from '@tablemap/sync-client';

export const JoinInfoSchema = v.object({
  eventId: IdSchema,
  title: v.string(),
  tables: v.array(v.object({ id: IdSchema, name: v.string() })),
  groups: v.array(v.object({ id: VocabularyIdSchema, label: v.string() })),
  organisations: v.optional(v.array(v.string()), []),
  /** language → group id → the facilitator's translation of that group's name. */
  groupTranslations: v.optional(v.record(v.string(), v.record(v.string(), v.string())), {}),
  /** Who is responsible for the data, how to reach them, why it is collected and when it is deleted. */
  privacyNotice: v.optional(
    v.nullable(v.object({ controller: v.string(), contact: v.string(), purpose: v.string(), deleteAfter: v.string() })),
    null,
  ),
});
export type JoinInfo = v.InferOutput<typeof JoinInfoSchema>;

export const JoinResultSchema = v.object({
  token: v.string(),
  eventId: IdSchema,
  tableId: IdSchema,
  participantId: IdSchema,
  group: VocabularyIdSchema,
});
export type JoinResult = v.InferOutput<typeof JoinResultSchema>;

function request<T extends v.GenericSchema>(url: string, schema: T, init: RequestInit = {}): Promise<v.InferOutput<T>> {
  return requestJson(url, init, schema);
}

/** Join codes are typed by people: ignore case and spaces. */
export function normaliseJoinCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

export function fetchJoinInfo(joinCode: string): Promise<JoinInfo> {
  return request(`/api/join/${encodeURIComponent(normaliseJoinCode(joinCode))}`, JoinInfoSchema);
}

export interface JoinRequest {
  joinCode: string;
  tableId: string;
  group: string;
  consent: true;
  organisation?: string;
}

export function joinTable(body: JoinRequest): Promise<JoinResult> {
  return request('/api/join', JoinResultSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, joinCode: normaliseJoinCode(body.joinCode) }),
  });
}

const DoneResultSchema = v.object({ tableId: IdSchema, done: v.boolean(), round: v.string() });

/** "We're done" (or "not yet") for this phone's table in the current round; the server picks the round. */
export function markTableDone(eventId: string, token: string, done: boolean): Promise<v.InferOutput<typeof DoneResultSchema>> {
  return request(`/api/events/${encodeURIComponent(eventId)}/done`, DoneResultSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ done }),
  });
}

const EventStatusSchema = v.object({ eventId: IdSchema, open: v.literal(true) });

/** Is this phone's event still there? A deleted event answers 410 (an ApiError with that status). */
export function fetchEventStatus(eventId: string, token: string): Promise<v.InferOutput<typeof EventStatusSchema>> {
  return request(`/api/events/${encodeURIComponent(eventId)}/status`, EventStatusSchema, { headers: { authorization: `Bearer ${token}` } });
}

const WithdrawResultSchema = v.object({
  withdrawn: v.literal(true),
  removed: v.object({ notes: v.number(), organisations: v.number(), links: v.number(), votes: v.number(), consent: v.number() }),
});
export type WithdrawResult = v.InferOutput<typeof WithdrawResultSchema>;

/** "Remove what I wrote": the server deletes this participant's contributions and consent for good. */
export function withdraw(eventId: string, token: string): Promise<WithdrawResult> {
  return request(`/api/events/${encodeURIComponent(eventId)}/withdraw`, WithdrawResultSchema, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
  });
}
