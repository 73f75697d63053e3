import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { IdSchema, eventDocName, readEvent, rosterDocName, type TokenClaims } from '@tablemap/model';
import { readRoster } from '@tablemap/roster';
import { toSafeCsv } from '@tablemap/analysis';
import { bearerToken, TokenError, type TokenSigner } from '../auth.ts';
import { HttpError, parseBody, readJsonBody, sendJson } from '../http-util.ts';
import { StorageError, type EventIndex } from '../storage/doc-store.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import { sendFile } from '../reports/routes.ts';
import { DAY_MS, type PrivacyNotice, type PrivacyStore } from './privacy-store.ts';
import { PrivacyError, type PrivacyService } from './privacy-service.ts';

export interface PrivacyRoutesOptions {
  signer: TokenSigner;
  registry: DocRegistry;
  events: EventIndex;
  privacy: PrivacyStore;
  service: PrivacyService;
  maxBodyBytes: number;
  organiserKey?: string | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;
export interface PrivacyRoute {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

/** Who is asking: the facilitator (by token) or the organiser (by key); what the access log records. */
export interface Requester {
  role: string;
  tokenId: string;
  claims: TokenClaims | null;
}

/** The longest an event may be kept; a DPO can always shorten it. */
const MAX_RETENTION_DAYS = 3 * 365;

const IsoDateSchema = v.pipe(
  v.string('dates must be written YYYY-MM-DD'),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'dates must be written YYYY-MM-DD'),
  v.check((text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), 'that date does not exist'),
);
const noticeText = (what: string, max: number) =>
  v.pipe(v.string(`${what} must be text`), v.trim(), v.minLength(1, `${what} is required`), v.maxLength(max, `${what} must be at most ${max} characters`));
const NoticeSchema = v.object({
  controller: noticeText('Controller', 200),
  contact: noticeText('Contact', 200),
  purpose: noticeText('Purpose', 1000),
});
const PrivacyUpdateSchema = v.object({
  deleteAfter: v.optional(IsoDateSchema),
  rosterRedactAfter: v.optional(v.nullable(IsoDateSchema)),
  notice: v.optional(NoticeSchema),
});
const WithdrawSchema = v.object({ participantId: v.optional(IdSchema) });
const PurgeNoteSchema = v.object({ tableId: IdSchema, noteId: IdSchema });

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);
const startOfDay = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** The notice the join screen shows until the organiser writes their own. */
export function defaultNotice(title: string): PrivacyNotice {
  return {
    controller: `The organisers of “${title}”`,
    contact: 'Ask the facilitator in the room',
    purpose:
      'To map how local services connect and write a short report of what the tables said. What you write is anonymous: it carries only the stakeholder group you choose, never your name.',
  };
}

/**
 * Data protection routes: delete an event, retention and the privacy notice, roster redaction,
 * withdrawal, purging a redacted note, the access log, the roster CSV and the subject-access export.
 */
export function privacyRoutes(options: PrivacyRoutesOptions): PrivacyRoute[] {
  const { privacy, service } = options;
  const asFacilitator = (handler: (req: IncomingMessage, res: ServerResponse, eventId: string, who: Requester, params: string[]) => Promise<void>): Handler =>
    async (req, res, params) => {
      const eventId = params[0] ?? '';
      const who = await requireFacilitator(options, req, eventId, false);
      await handler(req, res, eventId, who, params);
    };
  const log = (eventId: string, who: Requester, what: string, logged: Record<string, unknown>) =>
    privacy.recordAccess(eventId, { at: Date.now(), role: who.role, tokenId: who.tokenId, what, options: logged });

  return [
    {
      pattern: /^\/api\/events\/([^/]+)$/,
      methods: {
        DELETE: async (req, res, params) => {
          const eventId = params[0] ?? '';
          await requireFacilitator(options, req, eventId, true);
          let outcome;
          try {
            outcome = await service.deletion.delete(eventId);
          } catch (error) {
            if (!(error instanceof StorageError)) throw error;
            throw new HttpError(503, 'storage_unavailable', 'Storage is unavailable, so nothing was deleted; try again in a moment', { 'Retry-After': '5' });
          }
          if (!outcome.purged) {
            throw new HttpError(
              503,
              'purge_pending',
              'The event is closed to everyone, but its data could not be removed from storage yet; it is retried at the next start and every hour',
              { 'Retry-After': '3600' },
            );
          }
          res.writeHead(204, { 'Cache-Control': 'no-store' });
          res.end();
        },
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/privacy$/,
      methods: {
        GET: asFacilitator(async (_req, res, eventId) => sendJson(res, 200, await privacySettings(options, eventId))),
        PUT: asFacilitator(async (req, res, eventId) => {
          const input = parseBody(PrivacyUpdateSchema, await readJsonBody(req, options.maxBodyBytes));
          const current = await privacy.getPrivacy(eventId);
          if (!current) throw new HttpError(404, 'unknown_event', 'There is no such event');
          const deleteAfter = input.deleteAfter ? startOfDay(input.deleteAfter) : current.deleteAfter;
          const rosterRedactAfter = input.rosterRedactAfter === undefined ? current.rosterRedactAfter : input.rosterRedactAfter === null ? null : startOfDay(input.rosterRedactAfter);
          const now = service.now();
          if (input.deleteAfter && deleteAfter <= now) {
            throw new HttpError(400, 'date_in_past', 'The deletion date must be in the future; to delete the event now, use Delete event');
          }
          if (deleteAfter > now + MAX_RETENTION_DAYS * DAY_MS) {
            throw new HttpError(400, 'retention_too_long', `An event can be kept for at most ${MAX_RETENTION_DAYS / 365} years`);
          }
          if (rosterRedactAfter !== null && rosterRedactAfter > deleteAfter) {
            throw new HttpError(400, 'redaction_after_deletion', 'The date to remove attendee names must be on or before the deletion date');
          }
          if (input.deleteAfter !== undefined || input.rosterRedactAfter !== undefined) await privacy.setRetention(eventId, { deleteAfter, rosterRedactAfter });
          if (input.notice) await privacy.setNotice(eventId, input.notice);
          sendJson(res, 200, await privacySettings(options, eventId));
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/roster\/redact$/,
      methods: {
        POST: asFacilitator(async (_req, res, eventId) => {
          const counts = await service.redactRoster(eventId);
          sendJson(res, 200, { redacted: true, counts });
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/withdraw$/,
      methods: {
        POST: async (req, res, params) => {
          const eventId = params[0] ?? '';
          const claims = await verify(options.signer, req);
          if (claims.eventId !== eventId) throw new HttpError(403, 'forbidden', 'This token belongs to another event');
          const input = parseBody(WithdrawSchema, await readJsonBody(req, options.maxBodyBytes));
          let participantId: string;
          if (claims.role === 'facilitator') {
            if (!input.participantId) throw new HttpError(400, 'invalid_input', 'participantId: give the anonymous id of the participant who asked to withdraw');
            if (input.participantId === claims.participantId) throw new HttpError(400, 'cannot_withdraw_self', 'A facilitator cannot withdraw their own access');
            participantId = input.participantId;
          } else if (claims.role === 'participant' || claims.role === 'scribe') {
            if (input.participantId && input.participantId !== claims.participantId) {
              throw new HttpError(403, 'forbidden', 'You can only remove what you wrote yourself');
            }
            participantId = claims.participantId;
          } else {
            throw new HttpError(403, 'forbidden', 'Observers have nothing to withdraw');
          }
          if (!(await options.events.findById(eventId))) throw new HttpError(404, 'unknown_event', 'There is no such event');
          const removed = await service.withdraw(eventId, participantId);
          sendJson(res, 200, { withdrawn: true, participantId, removed });
        },
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/notes\/purge$/,
      methods: {
        POST: asFacilitator(async (req, res, eventId) => {
          const input = parseBody(PurgeNoteSchema, await readJsonBody(req, options.maxBodyBytes));
          try {
            await service.purgeHiddenNote(eventId, input.tableId, input.noteId);
          } catch (error) {
            if (error instanceof PrivacyError) throw new HttpError(error.code === 'not_found' ? 404 : 409, error.code, error.message);
            throw error;
          }
          sendJson(res, 200, { purged: true, tableId: input.tableId, noteId: input.noteId });
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/access-log$/,
      methods: {
        GET: asFacilitator(async (_req, res, eventId) => {
          const entries = await privacy.accessLog(eventId);
          sendJson(res, 200, { entries: entries.map((entry) => ({ ...entry, at: new Date(entry.at).toISOString() })) });
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/roster\.csv$/,
      methods: {
        GET: asFacilitator(async (_req, res, eventId, who) => {
          const { roster, tables } = await rosterWithTables(options.registry, eventId);
          await log(eventId, who, 'roster.csv', {});
          const rows = roster.attendees.map((attendee) => {
            const tableId = roster.seating[attendee.id];
            return [attendee.name, attendee.organisation, attendee.group, attendee.email ?? '', attendee.needs.join('; '), tableId ? (tables.get(tableId) ?? tableId) : ''];
          });
          sendDownload(res, toSafeCsv(['name', 'organisation', 'stakeholder_group', 'email', 'needs', 'table'], rows), 'text/csv; charset=utf-8', 'attendees.csv');
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/attendees\/([^/]+)\/export$/,
      methods: {
        GET: asFacilitator(async (_req, res, eventId, who, params) => {
          const attendeeId = params[1] ?? '';
          const { roster, tables, title } = await rosterWithTables(options.registry, eventId);
          const attendee = roster.attendees.find((entry) => entry.id === attendeeId);
          if (!attendee) throw new HttpError(404, 'unknown_attendee', 'There is no such attendee in this event’s roster');
          await log(eventId, who, 'subject-access.json', { attendeeId });
          const tableId = roster.seating[attendee.id] ?? null;
          const body = {
            format: 'tablemap-subject-access',
            exportedAt: new Date().toISOString(),
            event: { id: eventId, title },
            attendee: { id: attendee.id, name: attendee.name, organisation: attendee.organisation, stakeholderGroup: attendee.group, email: attendee.email ?? null, needs: attendee.needs },
            seat: tableId ? { tableId, tableName: tables.get(tableId) ?? tableId } : null,
            alsoHeld:
              'Nothing else held by Tablemap names this person. Notes, organisations and links people add at tables are anonymous (stakeholder group and a random per-join id) and are never linked to the roster.',
          };
          sendDownload(res, JSON.stringify(body, null, 2) + '\n', 'application/json; charset=utf-8', `subject-access-${attendee.id}.json`);
        }),
      },
    },
  ];
}

/** What the facilitator's privacy panel and the export show: dates as YYYY-MM-DD, the notice in force. */
async function privacySettings(options: PrivacyRoutesOptions, eventId: string) {
  const settings = await options.privacy.getPrivacy(eventId);
  const record = await options.events.findById(eventId);
  if (!settings || !record) throw new HttpError(404, 'unknown_event', 'There is no such event');
  return {
    deleteAfter: dayOf(settings.deleteAfter),
    rosterRedactAfter: settings.rosterRedactAfter === null ? null : dayOf(settings.rosterRedactAfter),
    rosterRedactedAt: settings.rosterRedactedAt === null ? null : new Date(settings.rosterRedactedAt).toISOString(),
    notice: settings.notice ?? defaultNotice(record.title),
    noticeIsDefault: settings.notice === null,
  };
}

/** The notice and deletion date the join screen shows before consent; null for an unknown event. */
export async function joinPrivacyNotice(privacy: PrivacyStore, eventId: string, title: string): Promise<(PrivacyNotice & { deleteAfter: string }) | null> {
  const settings = await privacy.getPrivacy(eventId);
  if (!settings) return null;
  return { ...(settings.notice ?? defaultNotice(title)), deleteAfter: dayOf(settings.deleteAfter) };
}

async function rosterWithTables(registry: DocRegistry, eventId: string) {
  const event = await registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => readEvent(entry.doc));
  const roster = await registry.withDoc(rosterDocName(eventId), { kind: 'roster', eventId }, (entry) => readRoster(entry.doc));
  return { roster, title: event.title, tables: new Map(event.tables.map((table) => [table.id, table.name])) };
}

async function verify(signer: TokenSigner, req: IncomingMessage): Promise<TokenClaims> {
  try {
    return (await signer.verify(bearerToken(req.headers.authorization))).claims;
  } catch (error) {
    if (error instanceof TokenError) throw new HttpError(401, 'unauthorized', error.message);
    throw error;
  }
}

/**
 * This event's facilitator (403 for anyone else, another event's facilitator included), or, where
 * `allowOrganiserKey`, the organiser key. 404 for an event that does not exist.
 */
async function requireFacilitator(options: PrivacyRoutesOptions, req: IncomingMessage, eventId: string, allowOrganiserKey: boolean): Promise<Requester> {
  const given = bearerToken(req.headers.authorization) ?? '';
  let who: Requester;
  if (allowOrganiserKey && options.organiserKey && sameSecret(given, options.organiserKey)) {
    who = { role: 'organiser', tokenId: 'organiser-key', claims: null };
  } else {
    const claims = await verify(options.signer, req);
    if (claims.role !== 'facilitator' || claims.eventId !== eventId) {
      throw new HttpError(403, 'forbidden', 'Only this event’s facilitator can do this');
    }
    who = { role: claims.role, tokenId: claims.participantId, claims };
  }
  if (!(await options.events.findById(eventId))) throw new HttpError(404, 'unknown_event', 'There is no such event');
  return who;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendDownload(res: ServerResponse, body: string, contentType: string, filename: string): void {
  sendFile(res, { body, contentType, filename });
}
