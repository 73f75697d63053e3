/**
 * The report worker's thread: builds PDF, HTML and Word files away from the sockets' event loop, in an
 * isolate with a young generation sized for pdfmake (see render-pool.ts). Replies carry either the file or
 * the error's name, message and details, so the main thread can rethrow the same kind of error.
 */
import { parentPort } from 'node:worker_threads';
import { workerError } from '../on-demand-worker.ts';
import { runRenderJob, type RenderJob } from './render-jobs.ts';

const port = parentPort!;
port.on('message', async ({ id, request }: { id: number; request: RenderJob }) => {
  try {
    const result = await runRenderJob(request);
    // Copied, not transferred: pdfmake's bytes can sit in Node's shared Buffer pool, which cannot be moved.
    port.postMessage({ id, result });
  } catch (error) {
    port.postMessage({ id, error: workerError(error) });
  }
});
