import {
  codebookToCsv,
  codebookToQdc,
  directoryRows,
  directoryToCsv,
  directoryToHsds,
  toGexf,
  toGraphML,
  toQdpx,
} from '@tablemap/analysis';
import { ModelError } from '@tablemap/model';
import { SECTION_IDS, type EasyReadLanguage, type ReportSnapshot, type SectionId } from '@tablemap/report';
import { exportEvent } from '../exports/event-export.ts';
import type { DocSource } from './doc-source.ts';
import { buildEventSnapshot, changeForReport, codebookInput, type EventBundle } from './event-snapshot.ts';
import { renderBytes, renderText } from './render-pool.ts';

/** A file ready to be downloaded or written: bytes (or text), its media type and a suggested name. */
export interface FileOutput {
  body: Uint8Array | string;
  contentType: string;
  filename: string;
}

export const EXPORT_FORMATS = ['json', 'gexf', 'graphml', 'directory-csv', 'hsds', 'codebook-csv', 'qdc', 'qdpx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Bad options from a person (unknown section or format): shown to them as is. */
export class OutputOptionError extends ModelError<'invalid_option'> {
  constructor(message: string) {
    super('invalid_option', message);
    this.name = 'OutputOptionError';
  }
}

/** Short names people may type for the report sections, besides the ids themselves. */
const SECTION_ALIASES: Record<string, SectionId> = {
  glance: 'at-a-glance',
  room: 'who-was-in-the-room',
  who: 'who-was-in-the-room',
  gaps: 'gaps-and-next-steps',
  'next-steps': 'gaps-and-next-steps',
  map: 'ecosystem',
  agreement: 'agreement-and-statistics',
  statistics: 'agreement-and-statistics',
  appendix: 'table-appendix',
  tables: 'table-appendix',
};

/** Parses `cover,glance,themes` into section ids, in the order given. */
export function parseSections(list: string | null | undefined): SectionId[] | undefined {
  if (list === null || list === undefined || list.trim() === '') return undefined;
  return list.split(',').map((raw) => {
    const name = raw.trim().toLowerCase();
    const id = (SECTION_IDS as readonly string[]).includes(name) ? (name as SectionId) : SECTION_ALIASES[name];
    if (!id) throw new OutputOptionError(`Unknown report section "${raw.trim().slice(0, 40)}"; use ${SECTION_IDS.join(', ')}`);
    return id;
  });
}

export function parseExportFormat(raw: string | null | undefined): ExportFormat {
  const format = (raw ?? '').trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new OutputOptionError(`Unknown export format "${format.slice(0, 40)}"; use ${EXPORT_FORMATS.join(', ')}`);
  }
  return format as ExportFormat;
}

export interface ReportRequest {
  sections?: SectionId[] | undefined;
  /** An earlier event's full JSON export, for the change-over-time section. */
  earlier?: unknown;
  includeAttendeeList?: boolean | undefined;
  logo?: Uint8Array | undefined;
}

/** The post-event report as a PDF. The roster is read only when the attendee list is asked for. */
export async function reportPdf(eventId: string, docs: DocSource, request: ReportRequest = {}): Promise<FileOutput> {
  const includeAttendeeList = request.includeAttendeeList === true;
  const bundle = await buildEventSnapshot(eventId, docs, { includeRoster: includeAttendeeList });
  const report = request.earlier === undefined ? bundle.report : { ...bundle.report, change: changeForReport(bundle, request.earlier) };
  const options = { ...(request.sections ? { sections: request.sections } : {}), includeAttendeeList, ...(request.logo ? { logo: request.logo } : {}) };
  const body = await renderBytes({ kind: 'report-pdf', snapshot: report, options });
  return { body, contentType: 'application/pdf', filename: `${fileStem(bundle.event.title)}-report.pdf` };
}

export const REPORT_EDITIONS = ['pdf', 'html', 'docx'] as const;
export type ReportEdition = (typeof REPORT_EDITIONS)[number];

const EDITION_TYPES: Record<ReportEdition, string> = {
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** The report in one of its three editions, from the same snapshot (narrative included). */
export async function reportEdition(eventId: string, docs: DocSource, edition: ReportEdition, request: ReportRequest = {}): Promise<FileOutput> {
  if (edition === 'pdf') return reportPdf(eventId, docs, request);
  const includeAttendeeList = request.includeAttendeeList === true;
  const bundle = await buildEventSnapshot(eventId, docs, { includeRoster: includeAttendeeList });
  const options = { ...(request.sections ? { sections: request.sections } : {}), includeAttendeeList };
  const body =
    edition === 'html'
      ? await renderText({ kind: 'report-html', snapshot: bundle.report, options })
      : await renderBytes({ kind: 'report-docx', snapshot: bundle.report, options });
  return { body, contentType: EDITION_TYPES[edition], filename: `${fileStem(bundle.event.title)}-report.${edition}` };
}

/** The anonymised HTML edition served through a share link: every section, never the attendee list. */
export async function sharedReportHtml(eventId: string, docs: DocSource): Promise<string> {
  const bundle = await buildEventSnapshot(eventId, docs, { includeRoster: false });
  return renderText({ kind: 'report-html', snapshot: bundle.report, options: { includeAttendeeList: false } });
}

/** The easy-read summary (PDF or HTML) in one of the participant app's languages. */
export async function easyReadEdition(eventId: string, docs: DocSource, format: 'pdf' | 'html', language: EasyReadLanguage): Promise<FileOutput> {
  const bundle = await buildEventSnapshot(eventId, docs, { includeRoster: false });
  const report: ReportSnapshot = bundle.report;
  const body =
    format === 'pdf'
      ? await renderBytes({ kind: 'easy-read-pdf', snapshot: report, options: { language } })
      : await renderText({ kind: 'easy-read-html', snapshot: report, options: { language } });
  return { body, contentType: EDITION_TYPES[format], filename: `${fileStem(bundle.event.title)}-easy-read-${language}.${format}` };
}

/** One printable page per table; first names of seated attendees only when asked for. */
export async function tablePacksPdf(
  eventId: string,
  docs: DocSource,
  request: { joinBaseUrl: string; includeFirstNames?: boolean },
): Promise<FileOutput> {
  const includeFirstNames = request.includeFirstNames === true;
  const bundle = await buildEventSnapshot(eventId, docs, { includeRoster: includeFirstNames });
  const seated = bundle.event.tables.map((table) => ({
    tableId: table.id,
    firstNames: (bundle.roster?.attendees ?? []).filter((attendee) => bundle.roster?.seating[attendee.id] === table.id).map((attendee) => firstNameOf(attendee.name)),
  }));
  const body = await renderBytes({
    kind: 'table-packs',
    input: { event: bundle.report.event, joinBaseUrl: request.joinBaseUrl, joinCode: bundle.record.joinCode, seated },
    options: { includeFirstNames },
  });
  return { body, contentType: 'application/pdf', filename: `${fileStem(bundle.event.title)}-table-packs.pdf` };
}

/** Only a first name ever leaves the roster for a table pack (the report package trims again). */
const firstNameOf = (name: string) => name.trim().split(/\s+/)[0] ?? '';

/** Research and directory exports, and the full event export (`json`). */
export async function exportFile(eventId: string, docs: DocSource, format: ExportFormat): Promise<FileOutput> {
  if (format === 'json') {
    const data = await exportEvent(eventId, docs);
    return { body: JSON.stringify(data, null, 2) + '\n', contentType: 'application/json; charset=utf-8', filename: `${fileStem(data.title)}-event.json` };
  }
  const bundle = await buildEventSnapshot(eventId, docs);
  const stem = fileStem(bundle.event.title);
  return { ...derivedExport(bundle, format), filename: `${stem}-${FILE_SUFFIX[format]}` };
}

const FILE_SUFFIX: Record<Exclude<ExportFormat, 'json'>, string> = {
  gexf: 'ecosystem.gexf',
  graphml: 'ecosystem.graphml',
  'directory-csv': 'directory.csv',
  hsds: 'directory-hsds.json',
  'codebook-csv': 'codebook.csv',
  qdc: 'codebook.qdc',
  qdpx: 'notes.qdpx',
};

function derivedExport(bundle: EventBundle, format: Exclude<ExportFormat, 'json'>): Omit<FileOutput, 'filename'> {
  switch (format) {
    case 'gexf':
      return { body: toGexf(bundle.analysis, `${bundle.event.title}: merged ecosystem map`, { influence: bundle.influence }), contentType: 'application/gexf+xml; charset=utf-8' };
    case 'graphml':
      return { body: toGraphML(bundle.analysis, { influence: bundle.influence }), contentType: 'application/graphml+xml; charset=utf-8' };
    case 'directory-csv':
      return { body: directoryToCsv(directoryRows(bundle.analysis, bundle.directoryEdits)), contentType: 'text/csv; charset=utf-8' };
    case 'hsds':
      return {
        body: JSON.stringify(directoryToHsds(directoryRows(bundle.analysis, bundle.directoryEdits)), null, 2) + '\n',
        contentType: 'application/json; charset=utf-8',
      };
    case 'codebook-csv': {
      const { themes, notes } = codebookInput(bundle);
      return { body: codebookToCsv(themes, notes), contentType: 'text/csv; charset=utf-8' };
    }
    case 'qdc': {
      const { themes, notes } = codebookInput(bundle);
      return { body: codebookToQdc(themes, notes), contentType: 'application/xml; charset=utf-8' };
    }
    case 'qdpx':
      return { body: qdpxOf(bundle), contentType: 'application/zip' };
  }
}

/** The REFI-QDA project: visible notes only, tables as cases, stakeholder groups by their labels. */
function qdpxOf(bundle: EventBundle): Uint8Array {
  const { themes, notes } = codebookInput(bundle);
  return toQdpx({
    title: bundle.event.title,
    exportedAt: new Date().toISOString(),
    tables: bundle.tables.map((table) => ({ id: table.entry.id, name: table.entry.name })),
    notes: notes.map((note) => ({ ...note, tableId: note.tableId ?? '' })),
    themes,
    groupLabels: Object.fromEntries(bundle.event.groups.map((group) => [group.id, group.label])),
  });
}

/** A safe, readable file name from the event title ("Leeds exchange 2025" → "leeds-exchange-2025"). */
export function fileStem(title: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'tablemap-event';
}
