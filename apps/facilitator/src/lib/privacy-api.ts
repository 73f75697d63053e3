import * as v from 'valibot';
import { ApiError, apiErrorOf, requestJson } from '@tablemap/sync-client';
import { eventApiUrl } from './download.ts';

const NoticeSchema = v.object({ controller: v.string(), contact: v.string(), purpose: v.string() });
export type PrivacyNotice = v.InferOutput<typeof NoticeSchema>;

const PrivacySettingsSchema = v.object({
  /** YYYY-MM-DD: everything about the event is deleted on this day. */
  deleteAfter: v.string(),
  /** YYYY-MM-DD or null: attendee names, emails and needs are removed on this day. */
  rosterRedactAfter: v.nullable(v.string()),
  rosterRedactedAt: v.nullable(v.string()),
  notice: NoticeSchema,
  noticeIsDefault: v.boolean(),
});
export type PrivacySettings = v.InferOutput<typeof PrivacySettingsSchema>;

const AccessLogSchema = v.object({
  entries: v.array(v.object({ at: v.string(), role: v.string(), tokenId: v.string(), what: v.string(), options: v.record(v.string(), v.unknown()) })),
});
export type AccessLogEntry = v.InferOutput<typeof AccessLogSchema>['entries'][number];

const WithdrawnSchema = v.object({
  participantId: v.string(),
  removed: v.object({ notes: v.number(), organisations: v.number(), links: v.number(), votes: v.number(), consent: v.number() }),
});

const headers = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

export function fetchPrivacy(eventId: string, token: string): Promise<PrivacySettings> {
  return requestJson(eventApiUrl(eventId, 'privacy'), { headers: headers(token) }, PrivacySettingsSchema, fetch);
}

export function savePrivacy(
  eventId: string,
  token: string,
  change: { deleteAfter?: string; rosterRedactAfter?: string | null; notice?: PrivacyNotice },
): Promise<PrivacySettings> {
  return requestJson(eventApiUrl(eventId, 'privacy'), { method: 'PUT', headers: headers(token), body: JSON.stringify(change) }, PrivacySettingsSchema, fetch);
}

export function fetchAccessLog(eventId: string, token: string): Promise<AccessLogEntry[]> {
  return requestJson(eventApiUrl(eventId, 'access-log'), { headers: headers(token) }, AccessLogSchema, fetch).then((log) => log.entries);
}

export function redactRosterNow(eventId: string, token: string): Promise<unknown> {
  return requestJson(eventApiUrl(eventId, 'roster/redact'), { method: 'POST', headers: headers(token), body: '{}' }, v.unknown(), fetch);
}

export function withdrawParticipant(eventId: string, token: string, participantId: string) {
  return requestJson(eventApiUrl(eventId, 'withdraw'), { method: 'POST', headers: headers(token), body: JSON.stringify({ participantId }) }, WithdrawnSchema, fetch);
}

/** Deletes the event for good (204). */
export async function deleteEvent(eventId: string, token: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/events/${encodeURIComponent(eventId)}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Nothing was deleted; try again.');
  }
  if (response.status === 204) return;
  throw await apiErrorOf(response);
}

/** Removes a note that is hidden from the report from storage for good. */
export function purgeHiddenNote(eventId: string, token: string, tableId: string, noteId: string): Promise<unknown> {
  return requestJson(eventApiUrl(eventId, 'notes/purge'), { method: 'POST', headers: headers(token), body: JSON.stringify({ tableId, noteId }) }, v.unknown(), fetch);
}
