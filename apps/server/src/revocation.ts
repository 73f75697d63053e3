import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { IdSchema } from '@tablemap/model';
import { requireEventFacilitator, type TokenSigner } from './auth.ts';
import { HttpError, parseBody, readJsonBody, sendJson } from './http-util.ts';
import type { Logger } from './logger.ts';
import type { RevocationList } from './storage/doc-store.ts';

const RevokeSchema = v.object({ participantId: IdSchema });

export interface RevokeDeps {
  signer: TokenSigner;
  revocations: RevocationList;
  /** Closes the holder's live sockets (4401); returns how many were open. */
  closeHolder: (eventId: string, participantId: string) => number;
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * `POST /api/events/<eventId>/revoke` `{participantId}` with the facilitator's bearer token:
 * records the revocation on disk first (so a restart keeps it), then closes the holder's sockets.
 */
export async function handleRevoke(deps: RevokeDeps, req: IncomingMessage, res: ServerResponse, eventId: string): Promise<void> {
  const claims = await requireEventFacilitator(deps.signer, req.headers.authorization, eventId, 'revoke access');
  const input = parseBody(RevokeSchema, await readJsonBody(req, deps.maxBodyBytes));
  if (input.participantId === claims.participantId) {
    throw new HttpError(400, 'cannot_revoke_self', 'A facilitator cannot revoke their own access');
  }
  await deps.revocations.revoke(eventId, input.participantId);
  const closedSockets = deps.closeHolder(eventId, input.participantId);
  deps.logger.info({ eventId, participantId: input.participantId, closedSockets }, 'access revoked');
  sendJson(res, 200, { revoked: true, participantId: input.participantId, closedSockets });
}
