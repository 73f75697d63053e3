import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';

/** What a worker answers: its result, or the error's name, message and details (errors do not cross threads). */
export interface WorkerReply<Result> {
  id: number;
  result?: Result;
  error?: WorkerError;
}

export interface WorkerError {
  name: string;
  message: string;
  details: readonly string[];
}

export interface OnDemandWorkerOptions {
  /** What the worker does, for the error when it stops unexpectedly ("the report worker"). */
  label: string;
  /** A worker with nothing to do for this long is stopped; the next request starts a fresh one. */
  idleStopMs: number;
  workerOptions?: WorkerOptions;
  /** Rebuilds a worker's error on this thread (default: a plain Error with its message). */
  rebuildError?: (error: WorkerError) => Error;
}

/**
 * A worker thread started on first use and stopped after a while with nothing to do, so work that would
 * block the sockets' event loop (a report, a snapshot) runs beside it without holding a thread all day.
 * The worker receives `{ id, request }` and answers a `WorkerReply`. A request in flight keeps the process
 * alive (a command-line run waits for its file); an idle worker never does.
 */
export class OnDemandWorker<Request, Result> {
  private readonly url: URL;
  private readonly options: OnDemandWorkerOptions;
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (result: Result) => void; reject: (error: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(url: URL, options: OnDemandWorkerOptions) {
    this.url = url;
    this.options = options;
  }

  run(request: Request, transfer: readonly Transferable[] = []): Promise<Result> {
    const worker = this.started();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request }, transfer);
    });
  }

  /** Stops the worker now; requests in flight are refused. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.failAll(new Error(`${this.options.label} was stopped`));
    if (worker) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.url, this.options.workerOptions);
    worker.on('message', (reply: WorkerReply<Result>) => this.settle(reply));
    const fail = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.options.label} stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private settle(reply: WorkerReply<Result>): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (reply.error) call.reject(this.options.rebuildError?.(reply.error) ?? new Error(reply.error.message));
    else call.resolve(reply.result as Result);
    if (this.pending.size === 0) this.idle();
  }

  private idle(): void {
    const worker = this.worker;
    if (!worker) return;
    worker.unref();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size > 0 || this.worker !== worker) return;
      this.worker = null;
      void worker.terminate();
    }, this.options.idleStopMs);
    this.idleTimer.unref();
  }
}

/** The reply for a failed request, on the worker's side. */
export function workerError(error: unknown): WorkerError {
  const { name, message, details } = error as { name?: string; message?: string; details?: readonly string[] };
  return { name: name ?? 'Error', message: message ?? String(error), details: details ?? [] };
}
