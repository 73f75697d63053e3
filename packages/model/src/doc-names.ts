import { isValidId } from './ids.ts';

/**
 * Document names, as used in `/sync/<docName>`:
 * - `event/<eventId>`: event setup, phase, prompts, the table list;
 * - `table/<eventId>/<tableId>`: one table's organisations, links, notes and votes;
 * - `roster/<eventId>`: attendee names and seating, facilitators only;
 * - `synthesis/<eventId>`: themes, note clustering, redactions and organisation merges;
 * - `report/<eventId>`: the organisers' narrative for the published report, facilitators only;
 * - `private/<eventId>/<tableId>/<participantId>`: one participant's notes in a private round, readable
 *   only by their author and the facilitators until the server copies them into the table doc (the reveal).
 */
export type DocRef =
  | { kind: 'event'; eventId: string }
  | { kind: 'table'; eventId: string; tableId: string }
  | { kind: 'roster'; eventId: string }
  | { kind: 'synthesis'; eventId: string }
  | { kind: 'report'; eventId: string }
  | { kind: 'private'; eventId: string; tableId: string; participantId: string };

export type DocKind = DocRef['kind'];

export function eventDocName(eventId: string): string {
  return `event/${eventId}`;
}

export function tableDocName(eventId: string, tableId: string): string {
  return `table/${eventId}/${tableId}`;
}

export function rosterDocName(eventId: string): string {
  return `roster/${eventId}`;
}

export function synthesisDocName(eventId: string): string {
  return `synthesis/${eventId}`;
}

export function reportDocName(eventId: string): string {
  return `report/${eventId}`;
}

export function privateDocName(eventId: string, tableId: string, participantId: string): string {
  return `private/${eventId}/${tableId}/${participantId}`;
}

export function formatDocName(ref: DocRef): string {
  if (ref.kind === 'table') return tableDocName(ref.eventId, ref.tableId);
  if (ref.kind === 'private') return privateDocName(ref.eventId, ref.tableId, ref.participantId);
  return `${ref.kind}/${ref.eventId}`;
}

/** Parses a doc name strictly; anything else is `null`, so no doc is ever created for it. */
export function parseDocName(name: string): DocRef | null {
  const parts = name.split('/');
  const [kind, eventId, tableId, participantId] = parts;
  if (!eventId || !isValidId(eventId)) return null;
  if ((kind === 'event' || kind === 'roster' || kind === 'synthesis' || kind === 'report') && parts.length === 2) return { kind, eventId };
  if (kind === 'table' && parts.length === 3 && tableId && isValidId(tableId)) {
    return { kind, eventId, tableId };
  }
  if (kind === 'private' && parts.length === 4 && tableId && isValidId(tableId) && participantId && isValidId(participantId)) {
    return { kind, eventId, tableId, participantId };
  }
  return null;
}
