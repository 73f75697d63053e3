import {
  renderEasyReadHtml,
  renderEasyReadPdf,
  renderReport,
  renderReportDocx,
  renderReportHtml,
  renderTablePacks,
  type EasyReadOptions,
  type ReportOptions,
  type ReportSnapshot,
  type TablePacksInput,
  type TablePacksOptions,
} from '@tablemap/report';

/** One file for the report worker to build: which edition, and the plain data it is built from. */
export type RenderJob =
  | { kind: 'report-pdf' | 'report-html' | 'report-docx'; snapshot: ReportSnapshot; options: ReportOptions }
  | { kind: 'easy-read-pdf' | 'easy-read-html'; snapshot: ReportSnapshot; options: EasyReadOptions }
  | { kind: 'table-packs'; input: TablePacksInput; options: TablePacksOptions };

/** Builds one file. Runs inside the report worker (render-worker.ts); tests may call it directly. */
export function runRenderJob(job: RenderJob): Promise<Uint8Array | string> | string {
  switch (job.kind) {
    case 'report-pdf':
      return renderReport(job.snapshot, job.options);
    case 'report-html':
      return renderReportHtml(job.snapshot, job.options);
    case 'report-docx':
      return renderReportDocx(job.snapshot, job.options);
    case 'easy-read-pdf':
      return renderEasyReadPdf(job.snapshot, job.options);
    case 'easy-read-html':
      return renderEasyReadHtml(job.snapshot, job.options);
    case 'table-packs':
      return renderTablePacks(job.input, job.options);
  }
}
