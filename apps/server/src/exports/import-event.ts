import * as Y from 'yjs';
import { newId } from '@tablemap/model';
import type { TokenSigner } from '../auth.ts';
import { newJoinCode } from '../join-codes.ts';
import type { EventIndex } from '../storage/doc-store.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import { ImportError, prepareImport } from './event-export.ts';

/** No table seats more than this: a larger count in a file is not taken as it is. */
const MAX_CONSENTS_PER_GROUP = 1000;

export interface ImportedEvent {
  eventId: string;
  joinCode: string;
  facilitatorToken: string;
  observerToken: string;
  tables: { id: string; name: string }[];
  /** Entries of the file that were dropped (not defined by the model); everything else was imported. */
  warnings: string[];
}

export interface ImportDeps {
  registry: DocRegistry;
  events: EventIndex;
  signer: TokenSigner;
  maxDocBytes: number;
}

/**
 * Creates a NEW event (new id, join code and tokens) from a parsed export. Everything is validated in
 * memory first; the docs are then written through the registry (so they are durable like any edit) and
 * the event is entered in the join-code index last, so a failure part-way leaves nothing reachable.
 */
export async function importEvent(raw: unknown, deps: ImportDeps): Promise<ImportedEvent> {
  const eventId = newId();
  const prepared = prepareImport(raw, eventId, deps.maxDocBytes);
  try {
    for (const { name, ref, doc } of prepared.docs) {
      await deps.registry.withDoc(name, ref, (entry) => {
        if (entry.doc.store.clients.size > 0) throw new ImportError('conflict', `${name} already exists`);
        Y.applyUpdate(entry.doc, Y.encodeStateAsUpdate(doc), 'import');
      });
    }
  } finally {
    for (const { doc } of prepared.docs) doc.destroy();
  }
  // The consent counts the file carried become the new event's records (group and table only, as at join).
  for (const [tableId, counts] of Object.entries(prepared.consentByTable)) {
    for (const [group, count] of Object.entries(counts)) {
      for (let index = 0; index < Math.min(count, MAX_CONSENTS_PER_GROUP); index++) await deps.events.recordConsent(eventId, tableId, group, newId());
    }
  }
  const joinCode = await uniqueJoinCode(deps.events);
  await deps.events.createEvent({ eventId, joinCode, title: prepared.title, createdAt: Date.now() });
  const facilitatorToken = await deps.signer.sign({ eventId, role: 'facilitator', participantId: newId() });
  const observerToken = await deps.signer.sign({ eventId, role: 'observer', participantId: newId() });
  return { eventId, joinCode, facilitatorToken, observerToken, tables: prepared.tables, warnings: prepared.warnings };
}

async function uniqueJoinCode(events: EventIndex): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = newJoinCode();
    if (!(await events.findByJoinCode(code))) return code;
  }
  throw new Error('Could not find a free join code');
}
