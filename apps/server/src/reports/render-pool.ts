import { ReportInputError } from '@tablemap/report';
import { OnDemandWorker, type WorkerError } from '../on-demand-worker.ts';
import type { RenderJob } from './render-jobs.ts';

/**
 * Reports, easy-read summaries and table packs are built on a worker thread, started on first use and
 * stopped after a minute with nothing to do. Why:
 * - a 50-table PDF takes seconds of CPU; on the main thread every phone's edits would wait for it;
 * - pdfmake runs about a third faster with a large young generation (64 MB semi-spaces), which the sync
 *   server itself does not want: it would hold that memory all day. The worker gets it only while it lives.
 */
const IDLE_STOP_MS = 60_000;
/** Three 64 MB semi-spaces' worth: the young generation pdfmake renders fastest with. */
const WORKER_YOUNG_GENERATION_MB = 192;

/** The report's own refusal stays a ReportInputError (a 400 with its message); anything else is a plain Error. */
function rebuildError(error: WorkerError): Error {
  if (error.name === 'ReportInputError') return new ReportInputError(error.message, error.details);
  return new Error(error.message);
}

const pool = new OnDemandWorker<RenderJob, Uint8Array | string>(new URL('./render-worker.ts', import.meta.url), {
  label: 'the report worker',
  idleStopMs: IDLE_STOP_MS,
  workerOptions: { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } },
  rebuildError,
});

/** Builds a PDF or Word file on the report worker. */
export async function renderBytes(job: RenderJob): Promise<Uint8Array> {
  const body = await pool.run(job);
  if (typeof body === 'string') throw new Error(`the report worker returned text for ${job.kind}`);
  return body;
}

/** Builds an HTML edition on the report worker. */
export async function renderText(job: RenderJob): Promise<string> {
  const body = await pool.run(job);
  if (typeof body !== 'string') throw new Error(`the report worker returned bytes for ${job.kind}`);
  return body;
}
