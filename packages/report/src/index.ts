export { buildReportDefinition, renderReport } from './report.ts';
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
