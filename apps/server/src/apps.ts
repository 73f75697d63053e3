import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from './logger.ts';

/** The `handler` a SvelteKit adapter-node build exports (polka-style middleware). */
export type AppHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export interface MountedApp {
  name: 'participant' | 'facilitator';
  dir: string;
  handler: AppHandler | null;
}

export const DEFAULT_APP_DIRS = {
  participant: fileURLToPath(new URL('../../participant/build', import.meta.url)),
  facilitator: fileURLToPath(new URL('../../facilitator/build', import.meta.url)),
} as const;

/** Imports a built app's handler; a missing build is logged clearly and served as a 503 page instead. */
export async function loadApp(name: MountedApp['name'], dir: string, logger: Logger): Promise<MountedApp> {
  const absolute = resolve(dir);
  const file = join(absolute, 'handler.js');
  if (!existsSync(file)) {
    logger.warn({ app: name, looked: file }, `${name} app is not built; run "pnpm --filter @tablemap/${name} build" (serving 503 until then)`);
    return { name, dir: absolute, handler: null };
  }
  try {
    const module = (await import(pathToFileURL(file).href)) as { handler?: AppHandler };
    if (typeof module.handler !== 'function') throw new Error('handler.js does not export a handler');
    logger.info({ app: name, dir: absolute }, `${name} app mounted`);
    return { name, dir: absolute, handler: module.handler };
  } catch (error) {
    logger.error({ app: name, err: error }, `${name} app could not be loaded (serving 503)`);
    return { name, dir: absolute, handler: null };
  }
}

export function sendAppMissing(res: ServerResponse, app: MountedApp): void {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tablemap: not built yet</title></head>
<body><h1>The ${app.name} app is not available</h1>
<p>This server is running, but the ${app.name} app has not been built.</p>
<p>Run <code>pnpm --filter @tablemap/${app.name} build</code> (or <code>pnpm start</code> from the repository root), then restart the server.</p>
</body></html>`;
  res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Retry-After': '30' });
  res.end(body);
}
