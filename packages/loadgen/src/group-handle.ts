import { Worker } from 'node:worker_threads';
import { PhoneGroup, type ConnectResult, type GroupStats, type PhoneSnapshot, type RunPlan } from './phone-group.ts';
import type { PhoneSpec } from './phone.ts';

/** The same calls as PhoneGroup, whether the phones run in this thread or in a worker thread. */
export interface GroupHandle {
  connect(specs: PhoneSpec[], timeoutMs: number): Promise<ConnectResult>;
  run(plan: RunPlan): Promise<void>;
  progress(): Promise<{ deliveries: number }>;
  stats(): Promise<GroupStats>;
  closeEventDocs(): Promise<void>;
  snapshots(): Promise<PhoneSnapshot[]>;
  close(): Promise<void>;
}

export function inProcessGroup(): GroupHandle {
  process.setMaxListeners(0);
  const group = new PhoneGroup();
  return {
    connect: (specs, timeoutMs) => group.connect(specs, timeoutMs),
    run: (plan) => group.run(plan),
    progress: async () => group.progress(),
    stats: async () => group.stats(),
    closeEventDocs: async () => group.closeEventDocs(),
    snapshots: async () => group.snapshots(),
    close: async () => group.close(),
  };
}

export function workerGroup(): GroupHandle {
  const worker = new Worker(new URL('./worker.ts', import.meta.url));
  let nextId = 0;
  let closed: Promise<void> | null = null;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error !== undefined) waiter?.reject(new Error(`worker: ${error}`));
    else waiter?.resolve(result);
  });
  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`worker exited with ${code}`)));
  const call = <T>(method: keyof PhoneGroup, ...args: unknown[]): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, method, args });
    });
  return {
    connect: (specs, timeoutMs) => call('connect', specs, timeoutMs),
    run: (plan) => call('run', plan),
    progress: () => call('progress'),
    stats: () => call('stats'),
    closeEventDocs: () => call('closeEventDocs'),
    snapshots: () => call('snapshots'),
    // Idempotent: the orchestrator closes again in `finally`, after the worker may already be gone.
    close: () =>
      (closed ??= (async () => {
        await call('close');
        await worker.terminate();
      })()),
  };
}
