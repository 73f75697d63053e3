import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { Block, ReportDocument } from './blocks.ts';
import { buildContext, type ReportContext } from './context.ts';
import { parseReportInput } from './errors.ts';
import { validateLogo, type ValidLogo } from './logo.ts';
import type { RichDoc } from '@tablemap/model';
import { acknowledgementsSection, howTheDayRanPrefill, howTheDayRanSection, introductionSection, recommendationsSection } from './narrative-sections.ts';
import { pdfDefinition } from './pdf-edition.ts';
import { reportHtml } from './html-edition.ts';
import { renderPdf, type RenderOptions } from './pdf.ts';
import {
  SECTION_TITLES,
  agreementSection,
  atAGlanceSection,
  changeSection,
  routesSection,
  coverSection,
  directorySection,
  ecosystemSection,
  gapsSection,
  tableAppendixSection,
  themesSection,
  whoWasInTheRoomSection,
} from './sections.ts';
import { ReportOptionsSchema, ReportSnapshotSchema, type ReportOptions, type ReportSnapshot, type SectionId } from './types.ts';

const BUILDERS: Record<Exclude<SectionId, 'cover'>, (ctx: ReportContext) => Block[]> = {
  introduction: introductionSection,
  'at-a-glance': atAGlanceSection,
  'how-the-day-ran': howTheDayRanSection,
  'who-was-in-the-room': whoWasInTheRoomSection,
  themes: themesSection,
  'gaps-and-next-steps': gapsSection,
  recommendations: recommendationsSection,
  ecosystem: ecosystemSection,
  'agreement-and-statistics': agreementSection,
  routes: routesSection,
  'change-over-time': changeSection,
  acknowledgements: acknowledgementsSection,
  'table-appendix': tableAppendixSection,
  directory: directorySection,
};

/** A validated snapshot and options, the context every edition is built from. */
export function reportContext(snapshot: ReportSnapshot, options: ReportOptions = {}): ReportContext {
  const validSnapshot = parseReportInput(ReportSnapshotSchema, snapshot, 'report snapshot');
  const validOptions = parseReportInput(ReportOptionsSchema, options, 'report options');
  return buildContext(validSnapshot, validOptions);
}

/**
 * Pure: the report as edition-neutral sections and blocks, with hidden notes, attendee names and
 * unchosen sections already left out. Throws ReportInputError for invalid input.
 */
export function buildReportDocument(snapshot: ReportSnapshot, options: ReportOptions = {}): ReportDocument {
  const ctx = reportContext(snapshot, options);
  return {
    title: ctx.snapshot.event.title,
    language: ctx.options.language,
    author: ctx.options.author.trim(),
    retainUntil: ctx.snapshot.event.retainUntil,
    demo: ctx.snapshot.event.demo,
    cover: ctx.options.sections.includes('cover') ? coverSection(ctx) : null,
    sections: ctx.options.sections
      .filter((id) => id !== 'cover')
      .map((id) => ({ id, title: SECTION_TITLES[id], blocks: BUILDERS[id as Exclude<SectionId, 'cover'>](ctx) })),
  };
}


/**
 * Pure: validates the snapshot and options, then returns the pdfmake document definition.
 * Throws ReportInputError for invalid input. Hidden notes and attendee names are excluded here.
 */
export function buildReportDefinition(snapshot: ReportSnapshot, options: ReportOptions = {}): TDocumentDefinitions {
  const logo: ValidLogo | undefined = options.logo ? validateLogo(parseReportInput(ReportOptionsSchema, options, 'report options').logo!) : undefined;
  return pdfDefinition(buildReportDocument(snapshot, options), logo);
}

export async function renderReport(
  snapshot: ReportSnapshot,
  options: ReportOptions = {},
  render: RenderOptions = {},
): Promise<Uint8Array> {
  return renderPdf(buildReportDefinition(snapshot, options), render);
}

/** The accessible HTML edition: one self-contained file. */
export function renderReportHtml(snapshot: ReportSnapshot, options: ReportOptions = {}): string {
  return reportHtml(buildReportDocument(snapshot, options));
}

/**
 * The Word edition. Its libraries (docx, and Skia for the map pictures) load on first use: they are
 * about 25 MB of a server's memory that most events never need.
 */
export async function renderReportDocx(snapshot: ReportSnapshot, options: ReportOptions = {}): Promise<Uint8Array> {
  const { reportDocx } = await import('./docx-edition.ts');
  return reportDocx(buildReportDocument(snapshot, options));
}

/** "How the day ran" written from the event, for the composer to start from (the organisers then edit it). */
export function howTheDayRanFor(snapshot: ReportSnapshot): RichDoc {
  return howTheDayRanPrefill(reportContext(snapshot));
}
