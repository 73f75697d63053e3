import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { IdSchema, eventDocName, readEvent, removeParticipantContent, tableDocName, type RemovedContent } from '@tablemap/model';
import { requireEventFacilitator, type TokenSigner } from './auth.ts';
import type { Authorship } from './extensions/authorship.ts';
import { parseBody, readJsonBody, sendJson } from './http-util.ts';
import type { Logger } from './logger.ts';
import type { DocRegistry } from './sync/doc-registry.ts';

const PurgeSchema = v.object({ participantId: IdSchema });

export interface PurgeDeps {
  signer: TokenSigner;
  registry: DocRegistry;
  authorship: Authorship;
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * `POST /api/events/<eventId>/purge` `{participantId}` with the facilitator's bearer token: removes
 * everything that participant wrote on every table (notes, votes, and what their sessions created),
 * then compacts each table so the removed content stops taking space. Pair it with revoke.
 */
export async function handlePurge(deps: PurgeDeps, req: IncomingMessage, res: ServerResponse, eventId: string): Promise<void> {
  await requireEventFacilitator(deps.signer, req.headers.authorization, eventId, 'purge a participant’s content');
  const { participantId } = parseBody(PurgeSchema, await readJsonBody(req, deps.maxBodyBytes));
  const event = await deps.registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => readEvent(entry.doc));
  const total: RemovedContent = { notes: 0, votes: 0, organisations: 0, links: 0, positions: 0, ratings: 0 };
  for (const table of event.tables) {
    const name = tableDocName(eventId, table.id);
    const entry = await deps.registry.acquire(name, { kind: 'table', eventId, tableId: table.id });
    try {
      const removed = removeParticipantContent(entry.doc, participantId, deps.authorship.clientIdsOf(name, participantId));
      for (const key of Object.keys(total) as (keyof RemovedContent)[]) total[key] += removed[key];
      await deps.registry.compactNow(entry);
    } finally {
      deps.registry.release(entry);
    }
  }
  deps.logger.info({ eventId, participantId, ...total }, 'participant content purged');
  sendJson(res, 200, { purged: true, participantId, removed: total });
}
