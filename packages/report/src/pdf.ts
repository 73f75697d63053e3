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

export async function renderPdf(definition: TDocumentDefinitions): Promise<Uint8Array> {
  configurePdfmake();
  const buffer = await pdfmake.createPdf(definition).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
