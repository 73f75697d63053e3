import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import {
  IdSchema,
  currentRoundKey,
  eventDocName,
  markTablesRevealed,
  moveAuthorNotes,
  newId,
  privateDocName,
  readEvent,
  setTableDone,
  tableDocName,
  type TokenClaims,
} from '@tablemap/model';
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
 * - `GET /api/events/<id>/status`: any token of the event learns that it is still open. A phone that joined
 *   without a join code (a scribe link) asks this when it cannot reconnect: a deleted event answers 410.
 * - `POST /api/events/<id>/facilitators` `{label}`: a facilitator mints a co-facilitator link: a token of
 *   its own (its own participantId), so the existing revoke route can withdraw it alone.
 * - `POST /api/events/<id>/reveal` `{tableId?}`: a facilitator ends a private round for one table or all:
 *   the tables are marked revealed first (phones then write to the shared doc), then each author's private
 *   notes are moved into the table doc, where the table can see them.
 */

const RevealSchema = v.object({ tableId: v.optional(IdSchema) });
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
    { pattern: /^\/api\/events\/([^/]+)\/status$/, methods: { GET: (req, res, params) => eventStatus(deps, req, res, params[0] ?? '') } },
    { pattern: /^\/api\/events\/([^/]+)\/reveal$/, methods: { POST: (req, res, params) => reveal(deps, req, res, params[0] ?? '') } },
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

async function eventStatus(deps: RoomRouteDeps, req: IncomingMessage, res: ServerResponse, eventId: string): Promise<void> {
  const claims = await claimsFor(deps, req, eventId);
  sendJson(res, 200, { eventId: claims.eventId, open: true });
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

async function reveal(deps: RoomRouteDeps, req: IncomingMessage, res: ServerResponse, eventId: string): Promise<void> {
  const claims = await claimsFor(deps, req, eventId);
  if (claims.role !== 'facilitator') throw new HttpError(403, 'forbidden', 'Only this event’s facilitator can reveal notes');
  const input = parseBody(RevealSchema, await readJsonBody(req, deps.maxBodyBytes));
  const eventRef = { kind: 'event', eventId } as const;
  const { targets, authors } = await deps.registry.withDoc(eventDocName(eventId), eventRef, (entry) => {
    const event = readEvent(entry.doc);
    if (input.tableId && !event.tables.some((table) => table.id === input.tableId)) {
      throw new HttpError(404, 'unknown_table', 'That table is not part of this event');
    }
    const ids = input.tableId ? [input.tableId] : event.tables.map((table) => table.id);
    markTablesRevealed(entry.doc, ids);
    return { targets: ids, authors: event.privateAuthors };
  });
  let moved = 0;
  for (const tableId of targets) {
    for (const participantId of authors[tableId] ?? []) {
      const privateRef = { kind: 'private', eventId, tableId, participantId } as const;
      const tableRef = { kind: 'table', eventId, tableId } as const;
      // Both docs held at once, so the move is one step: the notes leave the private doc as they land.
      const from = await deps.registry.acquire(privateDocName(eventId, tableId, participantId), privateRef);
      try {
        const to = await deps.registry.acquire(tableDocName(eventId, tableId), tableRef);
        try {
          moved += moveAuthorNotes(from.doc, to.doc, participantId);
          await Promise.all([from.settled(), to.settled()]);
        } finally {
          deps.registry.release(to);
        }
      } finally {
        deps.registry.release(from);
      }
    }
  }
  deps.logger.info({ eventId, tables: targets.length, moved }, 'private notes revealed');
  sendJson(res, 200, { revealed: targets, notes: moved });
}
