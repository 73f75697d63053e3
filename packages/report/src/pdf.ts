import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PDFMAKE_DIR } from './fonts.ts';
import { installBidiLineOrder, reportFonts, withScripts } from './scripts.ts';

/** pdfmake's in-memory file system (present at run time, missing from @types/pdfmake). */
const virtualFiles = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, bytes: Buffer): void } }).virtualfs;

let configured = false;

/** Gives pdfmake Roboto and the Noto fallbacks (from memory) and forbids every fetch, local or remote, outside its own folder. */
function configurePdfmake(): void {
  if (configured) return;
  pdfmake.setFonts(reportFonts((name, bytes) => virtualFiles.writeFileSync(name, bytes)));
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((requested) => requested.startsWith(PDFMAKE_DIR));
  installBidiLineOrder();
  configured = true;
}

export interface RenderOptions {
  /** Called with the share of pages drawn so far (0–1), for a progress bar on large events. */
  onProgress?: (fraction: number) => void;
}

export async function renderPdf(definition: TDocumentDefinitions, options: RenderOptions = {}): Promise<Uint8Array> {
  configurePdfmake();
  // pdfmake keeps one global progress callback but reads it inside createPdf, which is synchronous,
  // so setting and clearing it around the call gives each render its own callback.
  pdfmake.setProgressCallback(options.onProgress ?? (() => {}));
  const document = pdfmake.createPdf(withScripts(definition));
  pdfmake.setProgressCallback(() => {});
  const buffer = await document.getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
