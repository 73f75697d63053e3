import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { IdSchema, currentRoundKey, eventDocName, newId, readEvent, setTableDone, type TokenClaims } from '@tablemap/model';
import { bearerToken, TokenError, type TokenSigner } from './auth.ts';
import { HttpError, parseBody, readJsonBody, sendJson } from './http-util.ts';
import type { Logger } from './logger.ts';
import type { DocRegistry } from './sync/doc-registry.ts';

/**
 * Control-room routes that a phone or a second facilitator calls over HTTP because they need a server
 * decision, not a doc edit:
 * - `POST /api/events/<id>/done` `{done}`: a participant's (or scribe's) table says "we're done" for the
 *   current round. Phones cannot write the event doc, so the server writes the mark, choosing the round
 *   itself.
 * - `POST /api/events/<id>/facilitators` `{label}`: a facilitator mints a co-facilitator link: a token of
 *   its own (its own participantId), so the existing revoke route can withdraw it alone.
 */

const DoneSchema = v.object({ done: v.boolean('done must be true or false') });
const CoFacilitatorSchema = v.object({
  label: v.pipe(v.string('label must be text'), v.trim(), v.minLength(1, 'Give the link a name, e.g. "Sam’s laptop"'), v.maxLength(60, 'label must be at most 60 characters')),
});

export interface RoomRouteDeps {
  signer: TokenSigner;
  registry: DocRegistry;
  maxBodyBytes: number;
  logger: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;

export function roomRoutes(deps: RoomRouteDeps): { pattern: RegExp; methods: Record<string, Handler> }[] {
  return [
    { pattern: /^\/api\/events\/([^/]+)\/done$/, methods: { POST: (req, res, params) => markDone(deps, req, res, params[0] ?? '') } },
    {
      pattern: /^\/api\/events\/([^/]+)\/facilitators$/,
      methods: { POST: (req, res, params) => addCoFacilitator(deps, req, res, params[0] ?? '') },
    },
  ];
}

async function claimsFor(deps: RoomRouteDeps, req: IncomingMessage, eventId: string): Promise<TokenClaims> {
  if (!v.is(IdSchema, eventId)) throw new HttpError(404, 'not_found', 'There is no such event');
  try {
    const { claims } = await deps.signer.verify(bearerToken(req.headers.authorization));
    if (claims.eventId !== eventId) throw new HttpError(403, 'forbidden', 'This token belongs to another event');
    return claims;
  } catch (error) {
    if (error instanceof TokenError) throw new HttpError(401, 'unauthorized', error.message);
    throw error;
  }
}

async function markDone(deps: RoomRouteDeps, req: IncomingMessage, res: ServerResponse, eventId: string): Promise<void> {
  const claims = await claimsFor(deps, req, eventId);
  if ((claims.role !== 'participant' && claims.role !== 'scribe') || !claims.tableId) {
    throw new HttpError(403, 'forbidden', 'Only someone seated at a table can say their table is done');
  }
  const tableId = claims.tableId;
  const input = parseBody(DoneSchema, await readJsonBody(req, deps.maxBodyBytes));
  const result = await deps.registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => {
    const event = readEvent(entry.doc);
    if (!event.tables.some((table) => table.id === tableId)) throw new HttpError(404, 'unknown_table', 'This table is no longer part of the event');
    if (event.phase === 'setup' || event.phase === 'closed') {
      throw new HttpError(409, 'no_round', 'There is no round running to be done with');
    }
    const round = currentRoundKey(event);
    setTableDone(entry.doc, tableId, input.done ? round : null, Date.now());
    return { tableId, done: input.done, round };
  });
  deps.logger.info({ eventId, tableId, done: input.done }, 'table done mark');
  sendJson(res, 200, result);
}

async function addCoFacilitator(deps: RoomRouteDeps, req: IncomingMessage, res: ServerResponse, eventId: string): Promise<void> {
  const claims = await claimsFor(deps, req, eventId);
  if (claims.role !== 'facilitator') throw new HttpError(403, 'forbidden', 'Only this event’s facilitator can add a co-facilitator');
  const input = parseBody(CoFacilitatorSchema, await readJsonBody(req, deps.maxBodyBytes));
  const participantId = newId();
  const token = await deps.signer.sign({ eventId, role: 'facilitator', participantId });
  deps.logger.info({ eventId, participantId }, 'co-facilitator link issued');
  sendJson(res, 201, { token, participantId, label: input.label });
}
