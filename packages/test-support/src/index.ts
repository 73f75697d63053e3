export { inkShare, layoutLines, pagePng, pdfInfo, pdfPages, pdfRuns, pdfText, rasterisePage, readingOrderLines, type Raster, type TextRun } from './pdf.ts';
export {
  DEFAULT_CHROMIUM_PATH,
  MIN_CHROMIUM_MAJOR,
  MIN_REDIS_MAJOR,
  choosePostgres,
  decide,
  type Decision,
  type PostgresChoice,
  type SystemFacts,
} from './provision-plan.ts';
export { chromiumPath, findNginx, findOnPath, findRedisServer, findSystemPostgres, observeSystem } from './tools.ts';
export { selfSignedCertificate } from './certificates.ts';
