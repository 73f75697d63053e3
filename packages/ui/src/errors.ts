import { ModelError } from '@tablemap/model';
import { ApiError } from '@tablemap/sync-client';

/**
 * Every code a person can meet, in plain English: the model's refusals, the server's HTTP refusals
 * (`{ error, message }`) and the request failures of `requestJson`. A code the server adds must be added
 * here too (a test lists the server's codes and checks each has a message).
 */
export const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  // The model's own refusals (a local ModelError says the specific reason in its message).
  invalid_input: 'Some of what was entered is not valid. Check it and try again.',
  not_found: 'We could not find that. It may have been removed.',
  duplicate: 'That is already there.',
  vote_limit: 'You have used all your votes.',
  not_allowed: 'That is not allowed here.',
  wrong_doc: 'That belongs to a different document. Reload the page and try again.',
  pin_limit: 'Too many route questions are pinned. Remove one first.',
  // Request failures before the server answered.
  network: 'No connection to the event server. Check your Wi-Fi and try again.',
  http: 'Something went wrong on the server. Please try again.',
  bad_response: 'The server sent something unexpected. Please try again.',
  no_download: 'This server does not offer that download yet.',
  // The server's HTTP refusals.
  forbidden: 'This link does not allow that. Ask the facilitator for the right link.',
  unauthorized: 'This link is no longer valid. Ask the facilitator for a new one.',
  organiser_key_required: 'Creating an event needs the organiser key.',
  unknown_event: 'We could not find that event.',
  unknown_table: 'That table is not part of this event.',
  unknown_code: 'We could not find that. Check the code and try again.',
  unknown_group: 'Please choose one of the stakeholder groups listed for this event.',
  unknown_attendee: 'That attendee is not on the list.',
  event_deleted: 'This event has been deleted.',
  rate_limited: 'Lots of people are joining right now. Please wait a few seconds and try again.',
  consent_required: 'Please read and accept the consent note before joining.',
  invalid_json: 'The file or request is not valid JSON.',
  body_too_large: 'That is too large to send.',
  too_large: 'That file is too large.',
  method_not_allowed: 'That request is not possible here.',
  upgrade_required: 'That address only works for live sync.',
  no_round: 'There is no round running at the moment.',
  cannot_revoke_self: 'You cannot withdraw your own link.',
  cannot_withdraw_self: 'A facilitator cannot withdraw themselves as a participant.',
  retention_too_long: 'That deletion date is further away than this server allows.',
  redaction_after_deletion: 'The names must be removed before the event is deleted, not after.',
  date_in_past: 'That date is in the past.',
  invalid_option: 'One of the chosen options is not available.',
  invalid_logo: 'The logo must be a PNG or JPEG image under 2 MB.',
  invalid_host: 'This server does not answer to that address.',
  invalid_export: 'That file is not a complete Tablemap export.',
  conflict: 'An event with that identity is already on this server.',
  not_hidden: 'Only a hidden note can be removed for good.',
  over_budget: 'The server is very busy. Please wait a few seconds and try again.',
  storage_unavailable: 'The server could not save or read that just now. Please try again.',
  internal_error: 'Something went wrong on the server. Please try again.',
  purge_pending: 'The event is closed to everyone; its data will be removed from storage at the next retry, within the hour.',
  wrong_version: 'That file was made by a newer version of Tablemap. Update this server first.',
  no_database: 'There is no Tablemap database in that folder.',
  // Refusals of a live-sync connection before it opens (the app reconnects by itself).
  shutting_down: 'The server is restarting. Your changes are kept and will be sent when it is back.',
  busy: 'The server is very busy. Please wait a few seconds and try again.',
  timeout: 'The connection took too long. Please try again.',
  newer_schema: 'This event was saved by a newer version of Tablemap. Update this server first.',
  unavailable: 'That could not be opened just now. Please try again.',
  invalid_doc: 'That address is not part of any event.',
  cooling_down: 'Too many changes were refused just now. Wait a minute and try again.',
  event_busy: 'This event has too many screens connected. Please try again shortly.',
  board_rule: 'That change to the theme board was refused: a theme title is one line, and notes and themes stay at their own table.',
  too_many_connections: 'This link is open on too many screens at once. Close one and try again.',
  // The report composer and its share links.
  narrative_too_long: 'The report is too long to save. Shorten a section and try again.',
  not_empty: 'The section “How the day ran” already has text. Clear it first to start again from the event.',
  unknown_share: 'That share link does not exist or was already withdrawn.',
  // Demo events, backups and restore.
  too_many_demos: 'Too many demo events are running. Delete one, or restart the server, and try again.',
  demo_limit: 'Too many demo events are running. Delete one, or restart the server, and try again.',
  deletion_log: 'The list of deleted events could not be read, so nothing was restored. Check the data folder.',
  not_tablemap: 'That file is not a Tablemap database.',
};

/** Codes whose message from the server (or model) already names the specific problem in plain words. */
const SPECIFIC_MESSAGE = new Set(['invalid_input', 'invalid_option', 'invalid_export', 'invalid_logo', 'duplicate', 'not_allowed', 'vote_limit']);

/**
 * A refusal in words a person understands: a model refusal's own reason (field problems without their
 * paths), the plain message of a server or network code, else the error's message.
 */
export function friendlyError(error: unknown, fallback = 'Something went wrong.'): string {
  if (error instanceof ModelError) {
    if (error.code === 'invalid_input' && error.details.length > 0) {
      return error.details.map((detail) => detail.replace(/^[\w.]+: /, '')).join('. ');
    }
    const known = ERROR_MESSAGES[error.code];
    if (error instanceof ApiError) return (SPECIFIC_MESSAGE.has(error.code) && error.message) || known || error.message;
    return error.message || known || fallback;
  }
  return error instanceof Error && error.message ? error.message : fallback;
}

/**
 * Runs one model mutation for a screen. Returns '' when it went through, or why it was refused (in plain
 * words) for the screen to show.
 */
export function tryChange(action: () => void, fallback = 'That change was refused.'): string {
  try {
    action();
    return '';
  } catch (err) {
    return friendlyError(err, fallback);
  }
}

/** Builds a screen's data; a refusal becomes `problem` (in plain words) for the screen to show instead. */
export function tryBuild<T>(build: () => T, fallback: string): { value: T | null; problem: string } {
  try {
    return { value: build(), problem: '' };
  } catch (err) {
    return { value: null, problem: friendlyError(err, fallback) };
  }
}

/** tryChange for a request to the server: '' when it went through, else why not in plain words. */
export async function tryRequest(action: () => Promise<unknown>, fallback = 'That did not reach the server. Try again.'): Promise<string> {
  try {
    await action();
    return '';
  } catch (err) {
    return friendlyError(err, fallback);
  }
}
