import type { ClientAddress } from '../client-address.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as v from 'valibot';
import { IdSchema, MAX_NARRATIVE_CHARS, NARRATIVE_SECTIONS, RichDocSchema, narrativeLength, readReportNarrative, reportDocName, writeRichText, type NarrativeSectionId, type TokenClaims } from '@tablemap/model';
import { AnalysisError } from '@tablemap/analysis';
import { EASY_READ_LANGUAGES, HTML_EDITION_CSP, ReportInputError, howTheDayRanFor, validateLogo, type EasyReadLanguage } from '@tablemap/report';
import { requireEventFacilitator, type TokenSigner } from '../auth.ts';
import type { Limits } from '../config.ts';
import { ImportError, MAX_IMPORT_BYTES, importEvent } from '../exports/import-event.ts';
import { HttpError, parseBody, readJsonBody, sendJson } from '../http-util.ts';
import type { Logger } from '../logger.ts';
import type { EventIndex } from '../storage/doc-store.ts';
import type { PrivacyStore } from '../privacy/privacy-store.ts';
import type { DocRegistry } from '../sync/doc-registry.ts';
import { registrySource, type DocSource } from './doc-source.ts';
import { EventNotFoundError, buildEventSnapshot, mergeSuggestions } from './event-snapshot.ts';
import {
  OutputOptionError,
  easyReadEdition,
  exportFile,
  parseExportFormat,
  reportEdition,
  sharedReportHtml,
  parseSections,
  reportPdf,
  tablePacksPdf,
  type FileOutput,
  type ReportEdition,
} from './outputs.ts';
import { ReportShares } from './shares.ts';

export interface ReportRoutesOptions {
  signer: TokenSigner;
  registry: DocRegistry;
  events: EventIndex;
  limits: Limits;
  logger: Logger;
  /** The API's own organiser-key check (401 when a key is configured and not given). */
  requireOrganiserKey(req: IncomingMessage): void;
  /** Retention dates, notice and access log for the JSON export and the report footer. */
  privacy?: PrivacyStore | undefined;
  /** Records a download that can hold personal data in the event's access log (privacy/). */
  recordAccess?: (eventId: string, claims: TokenClaims, what: string, options: Record<string, unknown>) => Promise<void>;
  /** Whether the phone reached us over https (directly, or through a trusted proxy): the QR links follow it. */
  client: ClientAddress;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void>;
export interface ReportRoute {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

/** Base64 of a 2 MB logo, an earlier event's export for the change-over-time section, and the rest. */
const REPORT_BODY_BYTES = 24 * 1024 * 1024;

const ReportBodySchema = v.object({
  sections: v.optional(v.union([v.array(v.pipe(v.string(), v.maxLength(40))), v.pipe(v.string(), v.maxLength(400))], 'sections must be a list of section ids')),
  includeAttendeeList: v.optional(v.boolean('includeAttendeeList must be true or false'), false),
  /** An earlier event's full JSON export; checked by the analysis package's reader. */
  earlier: v.optional(v.unknown()),
  logo: v.optional(
    v.pipe(
      v.string('logo must be base64 text'),
      v.regex(/^(data:image\/(png|jpeg);base64,)?[A-Za-z0-9+/\s]*={0,2}\s*$/, 'logo must be a base64-encoded PNG or JPEG'),
    ),
  ),
});

/**
 * Facilitator downloads (report, table packs, exports, analysis) and the event import.
 * Registered into HttpApi's route table; errors use the API's `{error, message}` shape.
 */
export function reportRoutes(options: ReportRoutesOptions): ReportRoute[] {
  const docs = registrySource(options.registry, options.events, options.privacy);
  const facilitator = (handler: (req: IncomingMessage, res: ServerResponse, eventId: string, claims: TokenClaims) => Promise<void>): Handler =>
    async (req, res, params) => {
      const eventId = params[0] ?? '';
      const claims = await requireFacilitator(req, eventId, options.signer, docs);
      await translateErrors(() => handler(req, res, eventId, claims));
    };
  // Logged before the file is built, so a JSON backup carries its own download in its access log.
  const logAccess = (eventId: string, claims: TokenClaims, what: string, logged: Record<string, unknown>) =>
    options.recordAccess?.(eventId, claims, what, logged) ?? Promise.resolve();
  const url = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://localhost');
  const shares = new ReportShares(options.registry);

  return [
    {
      pattern: /^\/api\/events\/import$/,
      methods: {
        POST: async (req, res) => {
          options.requireOrganiserKey(req);
          const raw = await readImportBody(req);
          const created = await translateErrors(() =>
            importEvent(raw, { registry: options.registry, events: options.events, signer: options.signer, maxDocBytes: options.limits.maxDocBytes }),
          );
          options.logger.info({ eventId: created.eventId, tables: created.tables.length }, 'event imported');
          sendJson(res, 201, created);
        },
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/report\.pdf$/,
      methods: {
        GET: facilitator(async (req, res, eventId, claims) => {
          const query = url(req).searchParams;
          const sections = parseSections(query.get('sections'));
          const includeAttendeeList = isOn(query.get('attendees'));
          if (includeAttendeeList) await logAccess(eventId, claims, 'report.pdf', { includeAttendeeList, sections });
          sendFile(res, await reportPdf(eventId, docs, { sections, includeAttendeeList }));
        }),
        POST: facilitator(async (req, res, eventId, claims) => {
          const body = parseBody(ReportBodySchema, await readJsonBody(req, REPORT_BODY_BYTES));
          const sections = Array.isArray(body.sections) ? parseSections(body.sections.join(',')) : parseSections(body.sections);
          const logo = body.logo === undefined ? undefined : decodeLogo(body.logo);
          if (body.includeAttendeeList) await logAccess(eventId, claims, 'report.pdf', { includeAttendeeList: true, sections });
          sendFile(res, await reportPdf(eventId, docs, { sections, includeAttendeeList: body.includeAttendeeList, logo, earlier: body.earlier }));
        }),
      },
    },
    {
      // The accessible HTML and the Word editions of the same report (the PDF is above).
      pattern: /^\/api\/events\/([^/]+)\/report\.(html|docx)$/,
      methods: {
        GET: async (req, res, params) => {
          const edition = params[1] as ReportEdition;
          await facilitator(async (_req, _res, eventId, claims) => {
            const query = url(req).searchParams;
            const sections = parseSections(query.get('sections'));
            const includeAttendeeList = isOn(query.get('attendees'));
            if (includeAttendeeList) await logAccess(eventId, claims, `report.${edition}`, { includeAttendeeList, sections });
            sendFile(res, await reportEdition(eventId, docs, edition, { sections, includeAttendeeList }));
          })(req, res, params);
        },
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/easy-read\.(pdf|html)$/,
      methods: {
        GET: async (req, res, params) => {
          const format = params[1] as 'pdf' | 'html';
          await facilitator(async (_req, _res, eventId) => {
            sendFile(res, await easyReadEdition(eventId, docs, format, parseLanguage(url(req).searchParams.get('language'))));
          })(req, res, params);
        },
      },
    },
    {
      // The organisers' text for one section, set in one go (the composer's prefill, or a client without the editor).
      pattern: /^\/api\/events\/([^/]+)\/report\/sections\/([^/]+)$/,
      methods: {
        PUT: async (req, res, params) => {
          const section = parseNarrativeSection(params[1] ?? '');
          await facilitator(async (_req, _res, eventId) => {
            const content = parseBody(RichDocSchema, await readJsonBody(req, NARRATIVE_BODY_BYTES));
            await options.registry.withDoc(reportDocName(eventId), { kind: 'report', eventId }, (entry) => {
              const current = readReportNarrative(entry.doc);
              const total = narrativeLength({ ...current, sections: { ...current.sections, [section]: content } });
              if (total > MAX_NARRATIVE_CHARS) {
                throw new HttpError(413, 'narrative_too_long', `The report's narrative would be ${total.toLocaleString('en-GB')} characters; the most is ${MAX_NARRATIVE_CHARS.toLocaleString('en-GB')}. Nothing was changed`);
              }
              writeRichText(entry.doc, section, content);
            });
            sendJson(res, 200, { section, content });
          })(req, res, params);
        },
      },
    },
    {
      // "How the day ran" written from the event (tables, rounds and prompts, groups in the room), for the organisers to edit.
      pattern: /^\/api\/events\/([^/]+)\/report\/prefill-how-the-day-ran$/,
      methods: {
        POST: facilitator(async (_req, res, eventId) => {
          const bundle = await buildEventSnapshot(eventId, docs);
          const content = howTheDayRanFor(bundle.report);
          const written = await options.registry.withDoc(reportDocName(eventId), { kind: 'report', eventId }, (entry) => {
            if (readReportNarrative(entry.doc).sections.howTheDayRan) return false;
            writeRichText(entry.doc, 'howTheDayRan', content);
            return true;
          });
          if (!written) throw new HttpError(409, 'not_empty', '“How the day ran” already has text; clear it first to start again from the event');
          sendJson(res, 200, { section: 'howTheDayRan', content });
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/report-shares$/,
      methods: {
        GET: facilitator(async (_req, res, eventId) => sendJson(res, 200, { shares: await shares.list(eventId) })),
        POST: facilitator(async (_req, res, eventId, claims) => {
          const { share, token } = await shares.create(eventId);
          await logAccess(eventId, claims, 'report-share.create', { shareId: share.id });
          sendJson(res, 201, { ...share, path: `/shared/report/${eventId}/${token}` });
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/report-shares\/([^/]+)$/,
      methods: {
        DELETE: async (req, res, params) => {
          const shareId = params[1] ?? '';
          await facilitator(async (_req, _res, eventId) => {
            const revoked = v.is(IdSchema, shareId) ? await shares.revoke(eventId, shareId) : null;
            if (!revoked) throw new HttpError(404, 'unknown_share', 'This event has no such share link');
            sendJson(res, 200, revoked);
          })(req, res, params);
        },
      },
    },
    {
      // A share link, opened by anyone who has it: the anonymised HTML edition, read-only, under a CSP that lets it load nothing.
      pattern: /^\/shared\/report\/([^/]+)\/([^/]+)$/,
      methods: {
        GET: async (_req, res, params) => {
          const [eventId = '', token = ''] = params;
          const known = v.is(IdSchema, eventId) && (await docs.findEvent(eventId)) !== null;
          const state = known ? await shares.lookup(eventId, token) : 'unknown';
          if (state === 'live') return sendSharedPage(res, 200, await sharedReportHtml(eventId, docs));
          if (state === 'revoked') return sendSharedPage(res, 410, plainPage('This link has been withdrawn', 'The organisers withdrew this link to the report. Ask them for the report if you still need it.'));
          return sendSharedPage(res, 404, plainPage('No report here', 'This link does not open a report. Check that the whole link was copied.'));
        },
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/table-packs\.pdf$/,
      methods: {
        GET: facilitator(async (req, res, eventId, claims) => {
          const includeFirstNames = isOn(url(req).searchParams.get('firstNames'));
          if (includeFirstNames) await logAccess(eventId, claims, 'table-packs.pdf', { includeFirstNames });
          sendFile(res, await tablePacksPdf(eventId, docs, { joinBaseUrl: joinBaseUrl(req, options.client), includeFirstNames }));
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/export$/,
      methods: {
        GET: facilitator(async (req, res, eventId, claims) => {
          const format = parseExportFormat(url(req).searchParams.get('format') ?? 'json');
          // The JSON backup holds the roster and hidden notes; the other formats hold neither.
          if (format === 'json') await logAccess(eventId, claims, 'export.json', { format });
          sendFile(res, await exportFile(eventId, docs, format));
        }),
      },
    },
    {
      pattern: /^\/api\/events\/([^/]+)\/analysis$/,
      methods: {
        GET: facilitator(async (_req, res, eventId) => {
          const bundle = await buildEventSnapshot(eventId, docs);
          sendJson(res, 200, { ...bundle.analysis, suggestions: mergeSuggestions(bundle), problems: bundle.merged.problems });
        }),
      },
    },
  ];
}

/** 401 without a valid token, 403 for anyone but this event's facilitator, 404 for an unknown event. */
async function requireFacilitator(req: IncomingMessage, eventId: string, signer: TokenSigner, docs: DocSource): Promise<TokenClaims> {
  const claims = await requireEventFacilitator(signer, req.headers.authorization, eventId, 'download its reports and exports');
  if (!(await docs.findEvent(eventId))) throw new HttpError(404, 'unknown_event', 'There is no such event');
  return claims;
}

/** The errors of the report, export and import code become the API's JSON errors. */
async function translateErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof EventNotFoundError) throw new HttpError(404, 'unknown_event', 'There is no such event');
    if (error instanceof OutputOptionError) throw new HttpError(400, 'invalid_option', error.message);
    if (error instanceof ReportInputError) throw new HttpError(400, 'invalid_input', error.message);
    if (error instanceof AnalysisError) throw new HttpError(400, 'invalid_input', error.message);
    if (error instanceof ImportError) throw new HttpError(error.code === 'too_large' ? 413 : 400, error.code, error.message);
    throw error;
  }
}

/** The import body may be up to 50 MB (this route only); size and JSON problems get import-specific messages. */
async function readImportBody(req: IncomingMessage): Promise<unknown> {
  try {
    return await readJsonBody(req, MAX_IMPORT_BYTES);
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) {
      throw new HttpError(413, 'too_large', 'The file is larger than 50 MB, the most an event export can be; nothing was created', error.headers);
    }
    if (error instanceof HttpError && error.code === 'invalid_json') {
      throw new HttpError(400, 'invalid_json', 'The file is not JSON; choose a Tablemap event export (.json). Nothing was created');
    }
    throw error;
  }
}

function decodeLogo(text: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(text.replace(/^data:image\/(png|jpeg);base64,/, ''), 'base64'));
  try {
    validateLogo(bytes);
  } catch (error) {
    if (error instanceof ReportInputError) throw new HttpError(400, 'invalid_logo', error.message);
    throw error;
  }
  return bytes;
}

/** The narrative may be 60,000 characters of text; its JSON is a few times that. */
const NARRATIVE_BODY_BYTES = 1024 * 1024;

function parseNarrativeSection(raw: string): NarrativeSectionId {
  if (!(NARRATIVE_SECTIONS as readonly string[]).includes(raw)) {
    throw new HttpError(400, 'invalid_option', `Unknown narrative section "${raw.slice(0, 40)}"; use ${NARRATIVE_SECTIONS.join(', ')}`);
  }
  return raw as NarrativeSectionId;
}

function parseLanguage(raw: string | null): EasyReadLanguage {
  const language = (raw ?? 'en').trim();
  if (!(EASY_READ_LANGUAGES as readonly string[]).includes(language)) {
    throw new HttpError(400, 'invalid_option', `Unknown language "${language.slice(0, 20)}"; use ${EASY_READ_LANGUAGES.join(', ')}`);
  }
  return language as EasyReadLanguage;
}

/** A shared page: its own strict CSP (nothing may load, nothing may frame it) and never cached. */
function sendSharedPage(res: ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': body.byteLength,
    'Content-Security-Policy': `${HTML_EDITION_CSP}; frame-ancestors 'none'`,
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
  });
  res.end(body);
}

const plainPage = (title: string, message: string) =>
  `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1b2a3a}</style></head><body><main><h1>${title}</h1><p>${message}</p></main></body></html>`;

function isOn(value: string | null): boolean {
  return value === '1' || value === 'true' || value === 'yes';
}

/** Phones scan the QR code, so the link uses the address the facilitator reached this server on. */
function joinBaseUrl(req: IncomingMessage, client: ClientAddress): string {
  const host = req.headers.host ?? '';
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) {
    throw new HttpError(400, 'invalid_host', 'The request has no usable Host header to build the join link from');
  }
  const protocol = client.secure(req) ? 'https' : 'http';
  return `${protocol}://${host}/join`;
}

export function sendFile(res: ServerResponse, file: FileOutput): void {
  const body = typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : Buffer.from(file.body.buffer, file.body.byteOffset, file.body.byteLength);
  const ascii = file.filename.replace(/[^A-Za-z0-9._-]/g, '_');
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': body.byteLength,
    'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}
