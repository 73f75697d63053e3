import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PDFMAKE_DIR } from './fonts.ts';
import { installBidiLineOrder, reportFonts, withScripts } from './scripts.ts';

type Pdfmake = typeof import('pdfmake');
let loading: Promise<Pdfmake> | null = null;

/**
 * Loads pdfmake on the first render (it adds about 30 MB to a process that imports it, and a sync server
 * that never renders a report should not carry that), gives it Roboto and the Noto fallbacks (from memory)
 * and forbids every fetch, local or remote, outside its own folder.
 */
function configuredPdfmake(): Promise<Pdfmake> {
  loading ??= import('pdfmake').then((loaded) => {
    const pdfmake = (loaded as { default?: Pdfmake }).default ?? loaded;
    /** pdfmake's in-memory file system (present at run time, missing from @types/pdfmake). */
    const virtualFiles = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, bytes: Buffer): void } }).virtualfs;
    pdfmake.setFonts(reportFonts((name, bytes) => virtualFiles.writeFileSync(name, bytes)));
    pdfmake.setUrlAccessPolicy(() => false);
    pdfmake.setLocalAccessPolicy((requested) => requested.startsWith(PDFMAKE_DIR));
    installBidiLineOrder();
    return pdfmake;
  });
  return loading;
}

export interface RenderOptions {
  /** Called with the share of pages drawn so far (0–1), for a progress bar on large events. */
  onProgress?: (fraction: number) => void;
}

export async function renderPdf(definition: TDocumentDefinitions, options: RenderOptions = {}): Promise<Uint8Array> {
  const pdfmake = await configuredPdfmake();
  // pdfmake keeps one global progress callback but reads it inside createPdf, which is synchronous,
  // so setting and clearing it around the call gives each render its own callback.
  pdfmake.setProgressCallback(options.onProgress ?? (() => {}));
  const document = pdfmake.createPdf(withScripts(definition));
  pdfmake.setProgressCallback(() => {});
  const buffer = await document.getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
