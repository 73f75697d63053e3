/** Test helpers around poppler-utils (pdftotext, pdftoppm, pdfinfo): the real tools a reader's viewer resembles. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function writeTemp(pdf: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tablemap-report-'));
  const file = path.join(dir, 'out.pdf');
  writeFileSync(file, pdf);
  return file;
}

/** The text layer, one string per page (pdftotext separates pages with form feeds). */
export function pdfPages(pdf: Uint8Array, layout = true): string[] {
  const file = writeTemp(pdf);
  const text = execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return text.split('\f').slice(0, -1);
}

export function pdfText(pdf: Uint8Array, layout = true): string {
  return pdfPages(pdf, layout).join('\n');
}

export function pdfInfo(pdf: Uint8Array): Record<string, string> {
  const file = writeTemp(pdf);
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((line) => line.includes(':')).map((line) => {
    const at = line.indexOf(':');
    return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
  }));
}

export interface Raster {
  width: number;
  height: number;
  /** RGB bytes, row by row. */
  pixels: Uint8Array;
}

/** Renders one page (1-based) to a PPM at the given resolution and parses it. */
export function rasterisePage(pdf: Uint8Array, page: number, dpi = 40): Raster {
  const file = writeTemp(pdf);
  const prefix = path.join(path.dirname(file), 'page');
  execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, prefix]);
  const bytes = readFileSync(`${prefix}.ppm`);
  // P6 header: magic, width, height, maxval, each separated by whitespace, then one whitespace byte.
  const header: string[] = [];
  let offset = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[offset] ?? 32))) offset++;
    let token = '';
    while (!/\s/.test(String.fromCharCode(bytes[offset] ?? 32))) token += String.fromCharCode(bytes[offset++] ?? 32);
    header.push(token);
  }
  offset++;
  if (header[0] !== 'P6') throw new Error(`not a binary PPM: ${header[0]}`);
  return { width: Number(header[1]), height: Number(header[2]), pixels: bytes.subarray(offset) };
}

/**
 * Share of pixels in a region (fractions of the page) that are inked: not near-white, or with
 * `colourOnly`, clearly coloured (so black text and grey frames do not count).
 */
export function inkShare(raster: Raster, region = { top: 0, left: 0, bottom: 1, right: 1 }, colourOnly = false): number {
  const x0 = Math.floor(region.left * raster.width);
  const x1 = Math.floor(region.right * raster.width);
  const y0 = Math.floor(region.top * raster.height);
  const y1 = Math.floor(region.bottom * raster.height);
  let inked = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * raster.width + x) * 3;
      const rgb = [raster.pixels[i] ?? 255, raster.pixels[i + 1] ?? 255, raster.pixels[i + 2] ?? 255];
      const darkest = Math.min(...rgb);
      if (colourOnly ? Math.max(...rgb) - darkest > 60 : darkest < 235) inked++;
    }
  }
  return inked / Math.max(1, (x1 - x0) * (y1 - y0));
}
