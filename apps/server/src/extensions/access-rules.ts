import { CLOSE_CODES, tableEditBlockedReason } from '@tablemap/model';
import { privateNoteRefused } from '../sync/private-notes.ts';
import type { Limits } from '../config.ts';
import type { Logger } from '../logger.ts';
import { updateChangesDoc } from '../sync/messages.ts';
import type { ChangeContext, Extension, Refusal } from './extension.ts';

/**
 * The doc-level rules: a read-only connection may not change anything (4403), a participant may not
 * change a locked table or a closed event (4423) nor write a new note into a private table's shared doc
 * (4423), and no doc grows past `maxDocBytes` (4413) except by
 * an update that only deletes.
 * A reconnecting client's sync-step-2 that changes nothing passes.
 */
export function accessRules(limits: Limits, logger: Logger): Extension {
  return {
    name: 'access-rules',
    validateChange(change: ChangeContext): Refusal | null {
      const { connection, entry, update, decoded } = change;
      if (connection.access !== 'write') {
        return updateChangesDoc(entry.doc, decoded) ? refusal(CLOSE_CODES.readOnly, 'read_only', 'read-only') : null;
      }
      if (editBlocked(change)) {
        return updateChangesDoc(entry.doc, decoded) ? refusal(CLOSE_CODES.tableLocked, 'table_locked', 'table locked') : null;
      }
      if (writesPrivateNote(change)) return refusal(CLOSE_CODES.tableLocked, 'notes_private', 'notes are private this round');
      // Deleting is always allowed, so a table filled to the limit can be cleaned up.
      const deletesOnly = change.facts?.deletesOnly ?? false;
      if (!deletesOnly && entry.bytes + update.byteLength > limits.maxDocBytes && updateChangesDoc(entry.doc, decoded)) {
        logger.warn({ doc: entry.name, bytes: entry.bytes, limit: limits.maxDocBytes }, 'doc size limit reached');
        return refusal(CLOSE_CODES.docTooLarge, 'doc_too_large', 'document too large');
      }
      return null;
    },
  };
}

/** Participants and scribes may not edit a locked table or a closed event; facilitators always may. */
function editBlocked({ connection, entry, eventEntry }: ChangeContext): boolean {
  if (entry.ref.kind !== 'table' || !eventEntry) return false;
  if (connection.claims.role !== 'participant' && connection.claims.role !== 'scribe') return false;
  return tableEditBlockedReason(eventEntry.readEventCached(), entry.ref.tableId) !== null;
}

/** A participant's new note in the shared table doc during a private round (see private-notes.ts). */
function writesPrivateNote({ connection, entry, eventEntry, decoded }: ChangeContext): boolean {
  if (entry.ref.kind !== 'table' || !eventEntry) return false;
  if (connection.claims.role !== 'participant' && connection.claims.role !== 'scribe') return false;
  return privateNoteRefused(eventEntry.readEventCached(), entry.ref.tableId, decoded) && updateChangesDoc(entry.doc, decoded);
}

function refusal(closeCode: number, code: string, message: string): Refusal {
  return { closeCode, code, message };
}
