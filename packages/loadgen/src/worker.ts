import { parentPort } from 'node:worker_threads';
import { PhoneGroup } from './phone-group.ts';

/** Runs a PhoneGroup in a worker thread: each message `{id, method, args}` is answered `{id, result | error}`. */
process.setMaxListeners(0); // every y-websocket provider adds a process 'exit' listener
const group = new PhoneGroup();
const port = parentPort!;

port.on('message', async ({ id, method, args }: { id: number; method: keyof PhoneGroup; args: unknown[] }) => {
  try {
    const fn = group[method] as (...params: unknown[]) => unknown;
    const result = await fn.apply(group, args);
    port.postMessage({ id, result });
    if (method === 'close') port.close();
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.stack ?? error.message : String(error) });
  }
});
