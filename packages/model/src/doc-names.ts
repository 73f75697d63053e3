import { isValidId } from './ids.ts';

/**
 * Document names, as used in `/sync/<docName>`:
 * - `event/<eventId>`: event setup, phase, prompts, the table list;
 * - `table/<eventId>/<tableId>`: one table's organisations, links, notes and votes;
 * - `roster/<eventId>`: attendee names and seating, facilitators only;
 * - `synthesis/<eventId>`: themes, note clustering, redactions and organisation merges.
 */
export type DocRef =
  | { kind: 'event'; eventId: string }
  | { kind: 'table'; eventId: string; tableId: string }
  | { kind: 'roster'; eventId: string }
  | { kind: 'synthesis'; eventId: string };

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

export function formatDocName(ref: DocRef): string {
  if (ref.kind === 'table') return tableDocName(ref.eventId, ref.tableId);
  return `${ref.kind}/${ref.eventId}`;
}

/** Parses a doc name strictly; anything else is `null`, so no doc is ever created for it. */
export function parseDocName(name: string): DocRef | null {
  const parts = name.split('/');
  const [kind, eventId, tableId] = parts;
  if (!eventId || !isValidId(eventId)) return null;
  if ((kind === 'event' || kind === 'roster' || kind === 'synthesis') && parts.length === 2) return { kind, eventId };
  if (kind === 'table' && parts.length === 3 && tableId && isValidId(tableId)) {
    return { kind, eventId, tableId };
  }
  return null;
}
