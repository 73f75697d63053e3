import { timingSafeEqual } from 'node:crypto';
import type { ClientAddress } from './client-address.ts';
import { DemoLimitError, type DemoEvents } from './demo/demo-events.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import {
  IdSchema,
  LIMITS,
  MAX_TABLES,
  ModelError,
  VocabularyIdSchema,
  eventDocName,
  initEventDoc,
  newId,
  readEvent,
  readTable,
  publishConsentCounts,
  tableDocName,
  type EventSnapshot,
} from '@tablemap/model';
import { bearerToken, requireEventFacilitator, type TokenSigner } from './auth.ts';
import type { Limits } from './config.ts';
import type { Logger } from './logger.ts';
import { KeyedRateLimiter } from './rate-limit.ts';
import type { EventIndex, EventRecord } from './storage/doc-store.ts';
import { OverMemoryBudgetError, type DocRegistry } from './sync/doc-registry.ts';
import { HttpError, parseBody, readJsonBody, sendJson } from './http-util.ts';
import { newJoinCode, normaliseJoinCode } from './join-codes.ts';
import { reportRoutes } from './reports/routes.ts';
import { handleRevoke, type RevokeDeps } from './revocation.ts';
import { roomRoutes } from './room-routes.ts';
import { handlePurge } from './purge.ts';
import type { Authorship } from './extensions/authorship.ts';
import { defaultDeleteAfter, type PrivacyStore } from './privacy/privacy-store.ts';
import type { PrivacyService } from './privacy/privacy-service.ts';
import { joinPrivacyNotice, privacyRoutes } from './privacy/routes.ts';

export interface ApiOptions {
  signer: TokenSigner;
  registry: DocRegistry;
  events: EventIndex;
  limits: Limits;
  logger: Logger;
  organiserKey?: string | undefined;
  /** What each participant's app sessions wrote, for the purge route (src/purge.ts). */
  authorship?: Authorship;
  /** Revocation (src/revocation.ts); without it the revoke route answers 404. */
  revoke?: Omit<RevokeDeps, 'signer' | 'maxBodyBytes' | 'logger'>;
  /** Data protection (src/privacy): deletion, retention, withdrawal, access log. Without it those routes answer 404. */
  privacy?: { store: PrivacyStore; service: PrivacyService };
  /** Demo events (src/demo); without it POST /api/demo answers 404. */
  demo?: DemoEvents;
  /** The client's address and scheme, honouring X-Forwarded-* only behind a trusted proxy (TRUST_PROXY). */
  client: ClientAddress;
}

const CreateEventSchema = v.object({
  title: v.pipe(v.string('title must be text'), v.trim(), v.minLength(1, 'title is required'), v.maxLength(LIMITS.title)),
  tableCount: v.pipe(
    v.number('tableCount must be a number'),
    v.integer('tableCount must be a whole number'),
    v.minValue(1, 'an event needs at least one table'),
    v.maxValue(MAX_TABLES, `an event can have at most ${MAX_TABLES} tables`),
  ),
});

const JoinSchema = v.object({
  joinCode: v.pipe(v.string('joinCode must be text'), v.maxLength(32)),
  tableId: v.pipe(v.string('tableId must be text'), v.maxLength(64)),
  group: v.pipe(v.string('group must be text'), v.maxLength(64)),
  consent: v.optional(v.unknown()),
  organisation: v.optional(v.pipe(v.string('organisation must be text'), v.trim(), v.maxLength(LIMITS.organisationName))),
});

const ScribeSchema = v.object({ tableId: IdSchema });

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;
interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

/** How long a join lookup's organisation list is reused: many phones look up the same code at once. */
const LOOKUP_CACHE_MS = 5000;

/** The JSON API (apps/server/README.md, "HTTP API"). */
export class HttpApi {
  private readonly options: ApiOptions;
  private readonly routes: Route[];
  /** Joins per join code; lookups have their own bucket, so looking a code up can never stop the room joining. */
  private readonly joinLimiter: KeyedRateLimiter;
  private readonly lookupLimiter: KeyedRateLimiter;
  /** A generous bucket per client IP beside the per-code ones: a venue's phones share one IP behind NAT. */
  private readonly ipLimiter: KeyedRateLimiter;
  private readonly unknownCodeLimiter: KeyedRateLimiter;
  private readonly lookupCache = new Map<string, { at: number; organisations: string[] }>();
  /** Whole lookup answers per join code, reused for a few seconds (a room of phones looks up one code at once). */
  private readonly lookupAnswers = new Map<string, { at: number; body: { eventId: string; title: string } }>();

  constructor(options: ApiOptions) {
    this.options = options;
    this.joinLimiter = new KeyedRateLimiter(options.limits.joinBurstPerCode, options.limits.joinRefillPerSecond);
    this.lookupLimiter = new KeyedRateLimiter(options.limits.lookupBurstPerCode, options.limits.lookupRefillPerSecond);
    this.ipLimiter = new KeyedRateLimiter(options.limits.joinBurstPerIp, options.limits.joinRefillPerSecondPerIp);
    this.unknownCodeLimiter = new KeyedRateLimiter(options.limits.unknownCodeBurst, options.limits.unknownCodeRefillPerSecond);
    this.routes = [
      { pattern: /^\/healthz$/, methods: { GET: async (_req, res) => sendJson(res, 200, { ok: true }) } },
      { pattern: /^\/api\/time$/, methods: { GET: async (_req, res) => sendJson(res, 200, { now: Date.now() }) } },
      { pattern: /^\/api\/events$/, methods: { POST: (req, res) => this.createEvent(req, res) } },
      { pattern: /^\/api\/demo$/, methods: { POST: (req, res) => this.createDemo(req, res) } },
      { pattern: /^\/api\/join$/, methods: { POST: (req, res) => this.join(req, res) } },
      { pattern: /^\/api\/join\/([^/]+)$/, methods: { GET: (req, res, params) => this.lookup(req, res, params) } },
      { pattern: /^\/api\/events\/([^/]+)\/scribe$/, methods: { POST: (req, res, params) => this.scribe(req, res, params) } },
      // Reports, exports, analysis and import (src/reports, src/exports).
      ...reportRoutes({
        ...options,
        privacy: options.privacy?.store,
        requireOrganiserKey: (req) => this.requireOrganiserKey(req),
        recordAccess: options.privacy
          ? (eventId, claims, what, logged) =>
              options.privacy!.store.recordAccess(eventId, { at: Date.now(), role: claims.role, tokenId: claims.participantId, what, options: logged })
          : undefined,
      }),
      { pattern: /^\/api\/events\/([^/]+)\/revoke$/, methods: { POST: (req, res, params) => this.revoke(req, res, params) } },
      // "We're done" from phones, co-facilitator links (src/room-routes.ts).
      ...roomRoutes({ signer: options.signer, registry: options.registry, maxBodyBytes: options.limits.maxBodyBytes, logger: options.logger }),
      { pattern: /^\/api\/events\/([^/]+)\/purge$/, methods: { POST: (req, res, params) => this.purge(req, res, params) } },
      // Deletion, retention, withdrawal, access log, roster CSV and subject access (src/privacy).
      ...(options.privacy
        ? privacyRoutes({ ...options, privacy: options.privacy.store, service: options.privacy.service, maxBodyBytes: options.limits.maxBodyBytes })
        : []),
    ];
  }

  handles(pathname: string): boolean {
    return pathname === '/healthz' || pathname === '/api' || pathname.startsWith('/api/') || pathname.startsWith('/shared/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    await this.refuseDeletedEvent(pathname);
    for (const route of this.routes) {
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const handler = route.methods[method];
      if (!handler) {
        const allow = Object.keys(route.methods).join(', ');
        throw new HttpError(405, 'method_not_allowed', `Use ${allow} for this address`, { Allow: allow });
      }
      return handler(req, res, match.slice(1).map((part) => safeDecode(part)));
    }
    throw new HttpError(404, 'not_found', 'There is no such API address');
  }

  /** Every address of a deleted event answers 410 Gone (a second DELETE included). */
  private async refuseDeletedEvent(pathname: string): Promise<void> {
    const eventId = /^\/api\/events\/([^/]+)(?:\/|$)/.exec(pathname)?.[1];
    if (!eventId || eventId === 'import' || !this.options.privacy) return;
    if (await this.options.privacy.service.deletion.isDeleted(safeDecode(eventId))) {
      throw new HttpError(410, 'event_deleted', 'This event has been deleted');
    }
  }

  private async createEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requireOrganiserKey(req);
    const input = parseBody(CreateEventSchema, await readJsonBody(req, this.options.limits.maxBodyBytes));
    const eventId = newId();
    const joinCode = await this.uniqueJoinCode();
    const docName = eventDocName(eventId);
    const tables = await this.options.registry.withDoc(docName, { kind: 'event', eventId }, (entry) =>
      initEventDoc(entry.doc, { eventId, title: input.title, tableCount: input.tableCount }),
    );
    const createdAt = Date.now();
    await this.options.events.createEvent({ eventId, joinCode, title: input.title, createdAt });
    // The retention date is fixed now (90 days on), so a later change of the default does not move it.
    await this.options.privacy?.store.setRetention(eventId, { deleteAfter: defaultDeleteAfter(createdAt), rosterRedactAfter: null });
    const { signer } = this.options;
    const facilitatorToken = await signer.sign({ eventId, role: 'facilitator', participantId: newId() });
    const observerToken = await signer.sign({ eventId, role: 'observer', participantId: newId() });
    this.options.logger.info({ eventId, tables: tables.length }, 'event created');
    sendJson(res, 201, {
      eventId,
      joinCode,
      facilitatorToken,
      observerToken,
      tables: tables.map((table) => ({ id: table.id, name: table.name })),
    });
  }

  /** A demo event to rehearse with (made-up data, pretend phones), deleted when the server stops. */
  private async createDemo(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requireOrganiserKey(req);
    req.resume();
    if (!this.options.demo) throw new HttpError(404, 'not_found', 'Demo events are not available on this server');
    try {
      sendJson(res, 201, await this.options.demo.create());
    } catch (error) {
      if (error instanceof DemoLimitError) throw new HttpError(429, 'too_many_demos', error.message, { 'Retry-After': '60' });
      throw error;
    }
  }

  private requireOrganiserKey(req: IncomingMessage): void {
    const expected = this.options.organiserKey;
    if (!expected) return;
    const given = bearerToken(req.headers.authorization) ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new HttpError(401, 'organiser_key_required', 'Creating an event needs the organiser key (Authorization: Bearer <key>)');
    }
  }

  private async uniqueJoinCode(): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = newJoinCode();
      if (!(await this.options.events.findByJoinCode(code))) return code;
    }
    throw new Error('Could not find a free join code');
  }

  /**
   * Finds the event for a join code, rate-limited per code (joins and lookups in separate buckets), per IP
   * (generously: one venue, one IP) and, for unknown codes, overall.
   */
  private async eventForCode(req: IncomingMessage, rawCode: string, limiter: KeyedRateLimiter): Promise<{ record: EventRecord; event: EventSnapshot }> {
    const code = normaliseJoinCode(rawCode);
    if (!this.ipLimiter.tryTake(this.options.client.ip(req))) {
      throw new HttpError(429, 'rate_limited', 'Too many join attempts from this network; wait a moment and try again', { 'Retry-After': '5' });
    }
    if (code && !limiter.tryTake(code)) {
      throw new HttpError(429, 'rate_limited', 'Too many attempts with this join code; wait a moment and try again', {
        'Retry-After': '5',
      });
    }
    const record = code ? await this.options.events.findByJoinCode(code) : null;
    if (!record) {
      if (!this.unknownCodeLimiter.tryTake('unknown')) {
        throw new HttpError(429, 'rate_limited', 'Too many unknown join codes tried; wait a moment', { 'Retry-After': '5' });
      }
      throw new HttpError(404, 'unknown_code', 'There is no event with that join code');
    }
    // Deleted but not yet purged (a storage fault): closed to everyone all the same.
    if (await this.options.privacy?.service.deletion.isDeleted(record.eventId)) {
      throw new HttpError(410, 'event_deleted', 'This event has been deleted');
    }
    const event = await this.options.registry.withDoc(
      eventDocName(record.eventId),
      { kind: 'event', eventId: record.eventId },
      (entry) => readEvent(entry.doc),
    );
    return { record, event };
  }

  private async lookup(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const code = normaliseJoinCode(params[0] ?? '');
    const cached = code ? this.lookupAnswers.get(code) : undefined;
    const fresh = cached && Date.now() - cached.at < LOOKUP_CACHE_MS && !(await this.options.privacy?.service.deletion.isDeleted(cached.body.eventId));
    if (cached && fresh) return sendJson(res, 200, { ...cached.body, privacyNotice: await this.privacyNotice(cached.body.eventId, cached.body.title) });
    const { record, event } = await this.eventForCode(req, params[0] ?? '', this.lookupLimiter);
    const body = {
      eventId: record.eventId,
      title: event.title,
      tables: event.tables.map((table) => ({ id: table.id, name: table.name })),
      groups: event.groups.map((group) => ({ id: group.id, label: group.label })),
      // The facilitator's translations of group names, by language, for the join form.
      groupTranslations: Object.fromEntries(Object.entries(event.translations).map(([locale, entry]) => [locale, entry.groups])),
      organisations: await this.organisationNames(record.eventId, event),
    };
    if (this.lookupAnswers.size > 1000) this.lookupAnswers.clear();
    if (code) this.lookupAnswers.set(code, { at: Date.now(), body });
    sendJson(res, 200, { ...body, privacyNotice: await this.privacyNotice(record.eventId, event.title) });
  }

  /** Shown in full on the join screen before anyone consents; read fresh, so an edited notice shows at once. */
  private async privacyNotice(eventId: string, title: string) {
    return this.options.privacy ? joinPrivacyNotice(this.options.privacy.store, eventId, title) : null;
  }

  /** Distinct organisation names across the event's tables, for the "which organisation are you from" autocomplete. */
  private async organisationNames(eventId: string, event: EventSnapshot): Promise<string[]> {
    const cached = this.lookupCache.get(eventId);
    if (cached && Date.now() - cached.at < LOOKUP_CACHE_MS) return cached.organisations;
    const names = new Map<string, string>();
    for (const table of event.tables) {
      const snapshot = await this.options.registry.withDoc(
        tableDocName(eventId, table.id),
        { kind: 'table', eventId, tableId: table.id },
        (entry) => readTable(entry.doc),
      );
      for (const org of snapshot.organisations) {
        const key = org.name.trim().toLowerCase();
        if (!names.has(key)) names.set(key, org.name.trim());
      }
    }
    const organisations = [...names.values()].sort((a, b) => a.localeCompare(b));
    if (this.lookupCache.size > 1000) this.lookupCache.clear();
    this.lookupCache.set(eventId, { at: Date.now(), organisations });
    return organisations;
  }

  private async join(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const input = parseBody(JoinSchema, await readJsonBody(req, this.options.limits.maxBodyBytes));
    if (input.consent !== true) {
      throw new HttpError(400, 'consent_required', 'Please read and accept the consent note before joining');
    }
    const { record, event } = await this.eventForCode(req, input.joinCode, this.joinLimiter);
    const table = event.tables.find((entry) => entry.id === input.tableId);
    if (!table) throw new HttpError(404, 'unknown_table', 'That table is not part of this event');
    const group = event.groups.find((entry) => entry.id === input.group);
    if (!group || !v.is(VocabularyIdSchema, group.id)) {
      throw new HttpError(400, 'unknown_group', 'Please choose one of the stakeholder groups listed for this event');
    }
    const { eventId } = record;
    // Consent lives in the server's database, written only here; the event doc shows the counts, read-only.
    const participantId = newId();
    await this.options.events.recordConsent(eventId, table.id, group.id, participantId);
    const counts = await this.options.events.consentCounts(eventId, table.id);
    await this.options.registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) => publishConsentCounts(entry.doc, table.id, counts));
    const token = await this.options.signer.sign({ eventId, role: 'participant', tableId: table.id, group: group.id, participantId });
    sendJson(res, 200, { token, eventId, tableId: table.id, participantId, group: group.id });
  }

  private async revoke(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const { revoke, signer, limits, logger } = this.options;
    if (!revoke) throw new HttpError(404, 'not_found', 'There is no such API address');
    await handleRevoke({ ...revoke, signer, maxBodyBytes: limits.maxBodyBytes, logger }, req, res, params[0] ?? '');
  }

  private async purge(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const { authorship, signer, registry, limits, logger } = this.options;
    if (!authorship) throw new HttpError(404, 'not_found', 'There is no such API address');
    await handlePurge({ signer, registry, authorship, maxBodyBytes: limits.maxBodyBytes, logger }, req, res, params[0] ?? '');
  }

  private async scribe(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const eventId = params[0] ?? '';
    await requireEventFacilitator(this.options.signer, req.headers.authorization, eventId, 'create scribe links');
    const input = parseBody(ScribeSchema, await readJsonBody(req, this.options.limits.maxBodyBytes));
    const event = await this.options.registry.withDoc(eventDocName(eventId), { kind: 'event', eventId }, (entry) =>
      readEvent(entry.doc),
    );
    if (!event.tables.some((table) => table.id === input.tableId)) {
      throw new HttpError(404, 'unknown_table', 'That table is not part of this event');
    }
    const token = await this.options.signer.sign({
      eventId,
      role: 'scribe',
      tableId: input.tableId,
      group: 'other',
      participantId: newId(),
    });
    sendJson(res, 200, { token, tableId: input.tableId });
  }
}

/** The HTTP status of a refusal that reached the top without one of its own; any other code is a 400. */
const STATUS_OF_CODE: Record<string, number> = {
  not_found: 404,
  unknown_event: 404,
  wrong_doc: 409,
  not_hidden: 409,
  unauthorized: 401,
  event_deleted: 410,
  storage_unavailable: 503,
};

/** Every ModelError (the model's, a package's or the server's own) becomes `{ error: code, message }`. */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof OverMemoryBudgetError) {
    return new HttpError(503, 'over_budget', error.message, { 'Retry-After': String(error.retryAfterSeconds) });
  }
  if (error instanceof ModelError) return new HttpError(STATUS_OF_CODE[error.code] ?? 400, error.code, error.message);
  return null;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}
