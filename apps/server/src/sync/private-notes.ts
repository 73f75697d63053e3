import * as Y from 'yjs';
import { notesPrivateAt, type EventSnapshot } from '@tablemap/model';

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/**
 * Does this update write an entry into the doc's root map `name` (a new or overwritten key)? Reads only the
 * update's structs: an item whose parent is the root type `name` is a write to that map.
 */
export function writesRootMap({ structs }: DecodedUpdate, name: string): boolean {
  // In a decoded update a root parent is its name (a string), whatever the Item type says.
  return structs.some((struct) => struct instanceof Y.Item && (struct.parent as unknown) === name);
}

/**
 * In a private round a participant's notes go to their own private doc; a new note written straight into
 * the shared table doc would reach every phone at the table before the reveal, so it is refused.
 */
export function privateNoteRefused(event: EventSnapshot, tableId: string, update: DecodedUpdate): boolean {
  return notesPrivateAt(event, tableId) && writesRootMap(update, 'notes');
}
