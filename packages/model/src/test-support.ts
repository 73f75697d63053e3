/** Helpers shared by this package's tests (not exported from the package). */
import * as Y from 'yjs';
import { initEventDoc } from './event-doc.ts';
import { ModelError } from './errors.ts';

/** The ModelError code an action throws, or 'no error'. Any other error is rethrown. */
export function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ModelError) return error.code;
    throw error;
  }
  return 'no error';
}

/** A new event doc with N tables. */
export function freshEvent(tableCount = 3, title = 'Riverside learning exchange'): Y.Doc {
  const doc = new Y.Doc();
  initEventDoc(doc, { eventId: 'ev1', title, tableCount });
  return doc;
}
