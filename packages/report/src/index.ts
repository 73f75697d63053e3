export { buildReportDefinition, buildReportDocument, howTheDayRanFor, renderReport, renderReportDocx, renderReportHtml } from './report.ts';
export type { Block, Cell, CoverBlock, DocumentSection, ReportDocument, ResolvedQuote } from './blocks.ts';
export { reportHtml, HTML_EDITION_CSP } from './html-edition.ts';
export { howTheDayRanPrefill } from './narrative-sections.ts';
export { raisedBy } from './raised-by.ts';
export type { RenderOptions } from './pdf.ts';
export { buildTablePacksDefinition, renderTablePacks, qrCodeSvg, tableJoinUrl } from './table-packs.ts';
export { renderMapSvg, layoutOrganisations, escapeXml, sectorColour } from './map-svg.ts';
export type { MapInput, MapLink, MapOrganisation, MapSector, MapSvgOptions } from './map-svg.ts';
export { validateLogo, MAX_LOGO_BYTES } from './logo.ts';
export type { ValidLogo } from './logo.ts';
export { ReportInputError } from './errors.ts';
export { printable } from './fonts.ts';
export { placeInVisualOrder, scriptInlines, undrawable } from './scripts.ts';
export type { RenderedInline, ScriptInline } from './scripts.ts';
export { SECTION_TITLES } from './sections.ts';
export {
  SECTION_IDS,
  ReportAnalysisSchema,
  ReportChangeSchema,
  ReportInsightsSchema,
  ReportOptionsSchema,
  ReportSnapshotSchema,
  TablePacksInputSchema,
  TablePacksOptionsSchema,
} from './types.ts';
export type {
  DirectoryRow,
  ReportAnalysis,
  ReportChange,
  ReportEvent,
  ReportInsights,
  ReportLink,
  ReportNote,
  ReportOptions,
  ReportOrganisation,
  ReportSnapshot,
  ReportTable,
  ReportTheme,
  SectionId,
  TablePacksInput,
  TablePacksOptions,
} from './types.ts';
export { EASY_READ_LANGUAGES, EasyReadOptionsSchema, easyReadContent, easyReadDefinition, easyReadHtml, iconSvg, renderEasyReadHtml, renderEasyReadPdf } from './easy-read.ts';
export type { EasyReadContent, EasyReadLanguage, EasyReadOptions } from './easy-read.ts';
