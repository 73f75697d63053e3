import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { buildContext, type ReportContext } from './context.ts';
import { parseReportInput } from './errors.ts';
import { validateLogo, type ValidLogo } from './logo.ts';
import { renderPdf, type RenderOptions } from './pdf.ts';
import {
  SECTION_TITLES,
  agreementSection,
  atAGlanceSection,
  changeSection,
  coverSection,
  directorySection,
  ecosystemSection,
  gapsSection,
  tableAppendixSection,
  themesSection,
  whoWasInTheRoomSection,
} from './sections.ts';
import { REPORT_STYLES } from './styles.ts';
import { ReportOptionsSchema, ReportSnapshotSchema, type ReportOptions, type ReportSnapshot, type SectionId } from './types.ts';

const BUILDERS: Record<Exclude<SectionId, 'cover'>, (ctx: ReportContext) => Content[]> = {
  'at-a-glance': atAGlanceSection,
  'who-was-in-the-room': whoWasInTheRoomSection,
  themes: themesSection,
  'gaps-and-next-steps': gapsSection,
  ecosystem: ecosystemSection,
  'agreement-and-statistics': agreementSection,
  'change-over-time': changeSection,
  'table-appendix': tableAppendixSection,
  directory: directorySection,
};

/** Page numbers, and the date the event's data is deleted so a reader knows how long it is kept. */
const footerFor =
  (retainUntil: string) =>
  (currentPage: number, pageCount: number): Content => ({
    text: `Page ${currentPage} of ${pageCount}${retainUntil ? ` · Event data is deleted on ${retainUntil}` : ''}`,
    alignment: 'center',
    fontSize: 8,
    color: '#5a6470',
    margin: [0, 12, 0, 0],
  });

/** Across every page of a demo event's report, so a printed copy cannot pass for a real event's. */
export const DEMO_WATERMARK = { text: 'DEMO · made-up data', color: '#b91c1c', opacity: 0.15, bold: true, fontSize: 64, angle: -40 };

/**
 * Pure: validates the snapshot and options, then returns the pdfmake document definition.
 * Throws ReportInputError for invalid input. Hidden notes and attendee names are excluded here.
 */
export function buildReportDefinition(snapshot: ReportSnapshot, options: ReportOptions = {}): TDocumentDefinitions {
  const validSnapshot = parseReportInput(ReportSnapshotSchema, snapshot, 'report snapshot');
  const validOptions = parseReportInput(ReportOptionsSchema, options, 'report options');
  const logo: ValidLogo | undefined = validOptions.logo ? validateLogo(validOptions.logo) : undefined;
  const ctx = buildContext(validSnapshot, validOptions);

  const content: Content[] = [];
  const startPage = () => (content.length === 0 ? undefined : ('before' as const));
  for (const section of validOptions.sections) {
    if (section === 'cover') {
      content.push({ stack: coverSection(ctx, logo), pageBreak: startPage() });
      content.push({ toc: { title: { text: 'Contents', style: 'h1' } }, pageBreak: 'before' });
      continue;
    }
    if (!validOptions.sections.includes('cover') && content.length === 0) {
      content.push({ text: ctx.t(validSnapshot.event.title), style: 'title', margin: [0, 0, 0, 16] });
      content.push({ toc: { title: { text: 'Contents', style: 'h1' } } });
    }
    content.push({ text: SECTION_TITLES[section], style: 'h1', tocItem: true, headlineLevel: 1, pageBreak: 'before' });
    content.push(...BUILDERS[section](ctx));
  }

  // Metadata is Unicode text read by viewers and screen readers, not drawn with Roboto: keep it whole.
  const title = validSnapshot.event.title;
  return {
    info: {
      title,
      author: validOptions.author.trim() || 'Tablemap',
      subject: `Post-event report: ${title}`,
      keywords: 'learning exchange, ecosystem mapping, mental health',
      creator: 'Tablemap',
    },
    language: validOptions.language,
    displayTitle: true,
    pageSize: 'A4',
    pageMargins: [40, 48, 40, 48],
    footer: footerFor(validSnapshot.event.retainUntil),
    ...(validSnapshot.event.demo ? { watermark: DEMO_WATERMARK } : {}),
    content,
    styles: REPORT_STYLES,
    defaultStyle: { font: 'Roboto', fontSize: 10.5 },
  };
}

export async function renderReport(
  snapshot: ReportSnapshot,
  options: ReportOptions = {},
  render: RenderOptions = {},
): Promise<Uint8Array> {
  return renderPdf(buildReportDefinition(snapshot, options), render);
}
