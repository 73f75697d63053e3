import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import {
  CURRENT_SCHEMA_VERSION,
  IdSchema,
  LIMITS,
  MAX_TABLES,
  ModelError,
  VocabularyIdSchema,
  eventDocName,
  initEventDoc,
  migrate,
  newId,
  readEvent,
  readTable,
  recordConsent,
  schemaVersionOf,
  tableDocName,
  type EventSnapshot,
} from '@tablemap/model';
import { bearerToken, TokenError, type TokenSigner } from './auth.ts';
import type { Limits } from './config.ts';
import type { Logger } from './logger.ts';
import { KeyedRateLimiter } from './rate-limit.ts';
import type { EventIndex, EventRecord } from './storage/doc-store.ts';
import type { DocRegistry } from './sync/doc-registry.ts';
import { HttpError, parseBody, readJsonBody, sendJson } from './http-util.ts';
import { newJoinCode, normaliseJoinCode } from './join-codes.ts';
import { reportRoutes } from './reports/routes.ts';
import { handleRevoke, type RevokeDeps } from './revocation.ts';
import { roomRoutes } from './room-routes.ts';

export interface ApiOptions {
  signer: TokenSigner;
  registry: DocRegistry;
  events: EventIndex;
  limits: Limits;
  logger: Logger;
  organiserKey?: string | undefined;
  /** Revocation (src/revocation.ts); without it the revoke route answers 404. */
  revoke?: Omit<RevokeDeps, 'signer' | 'maxBodyBytes' | 'logger'>;
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

/** The JSON API (protocol.md "HTTP API"). */
export class HttpApi {
  private readonly options: ApiOptions;
  private readonly routes: Route[];
  private readonly joinLimiter: KeyedRateLimiter;
  private readonly unknownCodeLimiter: KeyedRateLimiter;
  private readonly lookupCache = new Map<string, { at: number; organisations: string[] }>();

  constructor(options: ApiOptions) {
    this.options = options;
    this.joinLimiter = new KeyedRateLimiter(options.limits.joinBurstPerCode, options.limits.joinRefillPerSecond);
    this.unknownCodeLimiter = new KeyedRateLimiter(options.limits.unknownCodeBurst, options.limits.unknownCodeRefillPerSecond);
    this.routes = [
      { pattern: /^\/healthz$/, methods: { GET: async (_req, res) => sendJson(res, 200, { ok: true }) } },
      { pattern: /^\/api\/time$/, methods: { GET: async (_req, res) => sendJson(res, 200, { now: Date.now() }) } },
      { pattern: /^\/api\/events$/, methods: { POST: (req, res) => this.createEvent(req, res) } },
      { pattern: /^\/api\/join$/, methods: { POST: (req, res) => this.join(req, res) } },
      { pattern: /^\/api\/join\/([^/]+)$/, methods: { GET: (req, res, params) => this.lookup(req, res, params) } },
      { pattern: /^\/api\/events\/([^/]+)\/scribe$/, methods: { POST: (req, res, params) => this.scribe(req, res, params) } },
      // Reports, exports, analysis and import (src/reports, src/exports).
      ...reportRoutes({ ...options, requireOrganiserKey: (req) => this.requireOrganiserKey(req) }),
      { pattern: /^\/api\/events\/([^/]+)\/revoke$/, methods: { POST: (req, res, params) => this.revoke(req, res, params) } },
      // "We're done" from phones, co-facilitator links (src/room-routes.ts).
      ...roomRoutes({ signer: options.signer, registry: options.registry, maxBodyBytes: options.limits.maxBodyBytes, logger: options.logger }),
    ];
  }

  handles(pathname: string): boolean {
    return pathname === '/healthz' || pathname === '/api' || pathname.startsWith('/api/');
  }

  async handle(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
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

  private async createEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requireOrganiserKey(req);
    const input = parseBody(CreateEventSchema, await readJsonBody(req, this.options.limits.maxBodyBytes));
    const eventId = newId();
    const joinCode = await this.uniqueJoinCode();
    const docName = eventDocName(eventId);
    const tables = await this.options.registry.withDoc(docName, { kind: 'event', eventId }, (entry) =>
      initEventDoc(entry.doc, { eventId, title: input.title, tableCount: input.tableCount }),
    );
    await this.options.events.createEvent({ eventId, joinCode, title: input.title, createdAt: Date.now() });
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

  /** Finds the event for a join code, rate-limited per code (never per IP) and, for unknown codes, overall. */
  private async eventForCode(rawCode: string): Promise<{ record: EventRecord; event: EventSnapshot }> {
    const code = normaliseJoinCode(rawCode);
    if (code && !this.joinLimiter.tryTake(code)) {
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
    const event = await this.options.registry.withDoc(
      eventDocName(record.eventId),
      { kind: 'event', eventId: record.eventId },
      (entry) => readEvent(entry.doc),
    );
    return { record, event };
  }

  private async lookup(_req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const { record, event } = await this.eventForCode(params[0] ?? '');
    sendJson(res, 200, {
      eventId: record.eventId,
      title: event.title,
      tables: event.tables.map((table) => ({ id: table.id, name: table.name })),
      groups: event.groups.map((group) => ({ id: group.id, label: group.label })),
      organisations: await this.organisationNames(record.eventId, event),
    });
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
    const { record, event } = await this.eventForCode(input.joinCode);
    const table = event.tables.find((entry) => entry.id === input.tableId);
    if (!table) throw new HttpError(404, 'unknown_table', 'That table is not part of this event');
    const group = event.groups.find((entry) => entry.id === input.group);
    if (!group || !v.is(VocabularyIdSchema, group.id)) {
      throw new HttpError(400, 'unknown_group', 'Please choose one of the stakeholder groups listed for this event');
    }
    const { eventId } = record;
    await this.options.registry.withDoc(tableDocName(eventId, table.id), { kind: 'table', eventId, tableId: table.id }, (entry) => {
      if (schemaVersionOf(entry.doc) < CURRENT_SCHEMA_VERSION) migrate(entry.doc, 'table');
      recordConsent(entry.doc, group.id);
    });
    const participantId = newId();
    const token = await this.options.signer.sign({ eventId, role: 'participant', tableId: table.id, group: group.id, participantId });
    sendJson(res, 200, { token, eventId, tableId: table.id, participantId, group: group.id });
  }

  private async revoke(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const { revoke, signer, limits, logger } = this.options;
    if (!revoke) throw new HttpError(404, 'not_found', 'There is no such API address');
    await handleRevoke({ ...revoke, signer, maxBodyBytes: limits.maxBodyBytes, logger }, req, res, params[0] ?? '');
  }

  private async scribe(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void> {
    const eventId = params[0] ?? '';
    let claims;
    try {
      ({ claims } = await this.options.signer.verify(bearerToken(req.headers.authorization)));
    } catch (error) {
      if (error instanceof TokenError) throw new HttpError(401, 'unauthorized', error.message);
      throw error;
    }
    if (claims.role !== 'facilitator' || claims.eventId !== eventId) {
      throw new HttpError(403, 'forbidden', 'Only this event’s facilitator can create scribe links');
    }
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

/** ModelErrors raised by the model's own validation become 400s with its message. */
export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof ModelError) return new HttpError(error.code === 'not_found' ? 404 : 400, error.code, error.message);
  return null;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}
