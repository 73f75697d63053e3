import { Worker } from 'node:worker_threads';
import { ReportInputError } from '@tablemap/report';
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

type Reply = { id: number; body?: Uint8Array | string; error?: { name: string; message: string; details: readonly string[] } };

class RenderPool {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (body: Uint8Array | string) => void; reject: (error: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;

  run(job: RenderJob): Promise<Uint8Array | string> {
    const worker = this.started();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.pending.size === 0) worker.ref(); // a file being built keeps a command-line run alive until it is done
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, job });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./render-worker.ts', import.meta.url), {
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (reply: Reply) => this.settle(reply));
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the report worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (reply.error) call.reject(rebuildError(reply.error));
    else call.resolve(reply.body instanceof Uint8Array || typeof reply.body === 'string' ? reply.body : new Uint8Array(0));
    if (this.pending.size === 0) this.idle();
  }

  private idle(): void {
    const worker = this.worker;
    if (!worker) return;
    worker.unref(); // an idle worker never keeps the process alive
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size > 0 || this.worker !== worker) return;
      this.worker = null;
      void worker.terminate();
    }, IDLE_STOP_MS);
    this.idleTimer.unref();
  }
}

/** The report's own refusal stays a ReportInputError (a 400 with its message); anything else is a plain Error. */
function rebuildError(error: { name: string; message: string; details: readonly string[] }): Error {
  if (error.name === 'ReportInputError') return new ReportInputError(error.message, error.details);
  return new Error(error.message);
}

const pool = new RenderPool();

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
