import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PDFMAKE_DIR, REPORT_FONTS } from './fonts.ts';

let configured = false;

/** Points pdfmake at its bundled Roboto and forbids every fetch, local or remote, outside it. */
function configurePdfmake(): void {
  if (configured) return;
  pdfmake.setFonts(REPORT_FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((requested) => requested.startsWith(PDFMAKE_DIR));
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
  const document = pdfmake.createPdf(definition);
  pdfmake.setProgressCallback(() => {});
  const buffer = await document.getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
