import * as v from 'valibot';
import type * as Y from 'yjs';
import { DirectoryEditsSchema, type DirectoryEdits } from '@tablemap/analysis';
import { ModelError } from '@tablemap/model';

/**
 * The facilitator's corrections to the directory of services (fixed spellings, added remits), kept in
 * the synthesis doc's `directoryEdits` root map: merged organisation id → plain `{ name?, sector?, size?,
 * locality?, remit? }`. The server's report and exports read the same map, so edits reach every download.
 * Table docs are never rewritten.
 */
export type DirectoryEdit = DirectoryEdits[string];

const editsMap = (doc: Y.Doc) => doc.getMap<unknown>('directoryEdits');

/** Reads every valid entry; a malformed one (from an old or hostile client) is skipped, not fatal. */
export function readDirectoryEdits(doc: Y.Doc): DirectoryEdits {
  const edits: DirectoryEdits = {};
  for (const [id, raw] of editsMap(doc).entries()) {
    const plain = raw && typeof raw === 'object' && 'toJSON' in raw ? (raw as { toJSON(): unknown }).toJSON() : raw;
    const parsed = v.safeParse(DirectoryEditsSchema, { [id]: plain });
    if (parsed.success) Object.assign(edits, parsed.output);
  }
  return edits;
}

export class DirectoryEditError extends ModelError<'invalid_input'> {
  constructor(message: string) {
    super('invalid_input', message);
    this.name = 'DirectoryEditError';
  }
}

/**
 * Replaces the edit for one organisation. Empty strings mean "no override" and are dropped, so clearing a
 * field goes back to what the tables said. Invalid input throws and leaves the doc unchanged.
 */
export function setDirectoryEdit(doc: Y.Doc, organisationId: string, edit: Record<string, string | undefined>): void {
  if (!organisationId || organisationId.length > 300) throw new DirectoryEditError('That organisation id is not valid');
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(edit)) {
    if (typeof value === 'string' && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = v.safeParse(DirectoryEditsSchema, { [organisationId]: cleaned });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new DirectoryEditError(issue ? `${issue.path?.at(-1)?.key ?? 'edit'}: ${issue.message}` : 'That edit is not valid');
  }
  const valid = parsed.output[organisationId] ?? {};
  doc.transact(() => {
    if (Object.keys(valid).length === 0) editsMap(doc).delete(organisationId);
    else editsMap(doc).set(organisationId, valid);
  });
}

export function clearDirectoryEdit(doc: Y.Doc, organisationId: string): void {
  doc.transact(() => editsMap(doc).delete(organisationId));
}
