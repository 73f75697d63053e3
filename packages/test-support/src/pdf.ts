/**
 * Reading PDFs in tests the way a reader's viewer does: pdf.js (Firefox's PDF engine) parses the file,
 * extracts its text layer and draws its pages onto a canvas (@napi-rs/canvas), all from npm packages.
 */
import { createCanvas } from '@napi-rs/canvas';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/types/src/display/api.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
// The legacy build is the one that runs in Node; loaded once, on first use.
const loadPdfJs = (): Promise<PdfJs> => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

async function withPdf<T>(pdf: Uint8Array, use: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  const { getDocument } = await loadPdfJs();
  // pdf.js takes ownership of (and detaches) the buffer it is given, so it gets a copy.
  const loading = getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: `${PDFJS_DIR}/standard_fonts/`,
    cMapUrl: `${PDFJS_DIR}/cmaps/`,
    wasmUrl: `${PDFJS_DIR}/wasm/`,
    verbosity: 0,
  });
  try {
    return await use(await loading.promise);
  } finally {
    await loading.destroy();
  }
}

/** One run of text as placed on the page: x and y of its baseline (PDF units, y up), width and font size. */
export interface TextRun {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/**
 * Runs grouped into lines by baseline, top to bottom, each line left to right; a gap between runs becomes
 * as many spaces as it is wide, so table columns stay apart (like `pdftotext -layout`).
 */
export function layoutLines(runs: TextRun[]): string[] {
  const lines: { y: number; size: number; runs: TextRun[] }[] = [];
  for (const run of [...runs].sort((a, b) => b.y - a.y || a.x - b.x)) {
    const line = lines.find((candidate) => Math.abs(candidate.y - run.y) < Math.min(candidate.size, run.size) * 0.5);
    if (line) line.runs.push(run);
    else lines.push({ y: run.y, size: run.size, runs: [run] });
  }
  return lines.map((line) => joinRuns(line.runs.sort((a, b) => a.x - b.x), (gap, size) => ' '.repeat(Math.max(1, Math.round(gap / (size * 0.5))))));
}

/**
 * Runs in the order the PDF draws them (its reading order: a table cell's wrapped lines stay together),
 * a new line wherever the baseline moves, and one space for a gap within a line.
 */
export function readingOrderLines(runs: TextRun[]): string[] {
  const lines: TextRun[][] = [];
  for (const run of runs) {
    const line = lines.at(-1);
    const previous = line?.at(-1);
    if (line && previous && Math.abs(previous.y - run.y) < Math.min(previous.size, run.size) * 0.5 && run.x >= previous.x) line.push(run);
    else lines.push([run]);
  }
  return lines.map((line) => joinRuns(line, () => ' '));
}

/** Joins runs of one line, putting `space(gap, size)` where a run starts clearly after the previous one ends. */
function joinRuns(runs: TextRun[], space: (gap: number, size: number) => string): string {
  let text = '';
  let end = Number.NEGATIVE_INFINITY;
  for (const run of runs) {
    const gap = run.x - end;
    if (text && gap > run.size * 0.15 && !text.endsWith(' ') && !run.text.startsWith(' ')) text += space(gap, run.size);
    text += run.text;
    end = Math.max(end, run.x + run.width);
  }
  return text.trimEnd();
}

interface StructNode {
  alt?: string;
  children?: (StructNode | { type: string; id: string })[];
}

/** Marked-content id → the text its structure element says it stands for (ActualText or Alt). */
function actualTexts(node: StructNode | null, found = new Map<string, string>()): Map<string, string> {
  for (const child of node?.children ?? []) {
    if ('type' in child && child.type === 'content') {
      if (node?.alt !== undefined) found.set(child.id, node.alt);
    } else actualTexts(child as StructNode, found);
  }
  return found;
}

/**
 * The page's text runs. Where the PDF says what a piece of text stands for (a tagged structure element's
 * ActualText, as copy and search in Acrobat and Chrome use it), that text replaces the glyphs' own: shaped
 * scripts draw glyphs in visual order, and one glyph may stand for several letters.
 */
async function pageRuns(doc: PDFDocumentProxy, pageNumber: number): Promise<TextRun[]> {
  const page = await doc.getPage(pageNumber);
  const content = await page.getTextContent({ includeMarkedContent: true });
  const actual = actualTexts((await page.getStructTree()) as StructNode | null);
  const runs: TextRun[] = [];
  let replaced: { text: string; runs: TextRun[] } | null = null;
  const depth: (string | null)[] = [];
  for (const item of content.items) {
    if ('type' in item) {
      if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') {
        const id = 'id' in item ? (item.id as string | null) : null;
        depth.push(id);
        if (id && actual.has(id)) replaced = { text: actual.get(id)!, runs: [] };
      } else if (item.type === 'endMarkedContent') {
        const id = depth.pop();
        if (id && replaced && actual.has(id)) {
          const placed = replaced.runs;
          if (placed.length > 0) {
            const left = Math.min(...placed.map((run) => run.x));
            const right = Math.max(...placed.map((run) => run.x + run.width));
            runs.push({ text: replaced.text, x: left, y: placed[0]!.y, width: right - left, size: placed[0]!.size });
          }
          replaced = null;
        }
      }
      continue;
    }
    if (!('str' in item) || item.str === '') continue;
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform as number[];
    const run = { text: item.str, x, y, width: item.width, size: Math.hypot(c, d) || item.height };
    if (replaced) replaced.runs.push(run);
    else runs.push(run);
  }
  return runs;
}

/** The text layer, one string per page, lines separated by '\n': laid out like the page, or in reading order. */
export async function pdfPages(pdf: Uint8Array, layout = true): Promise<string[]> {
  return withPdf(pdf, async (doc) => {
    const pages: string[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const runs = await pageRuns(doc, number);
      pages.push((layout ? layoutLines(runs) : readingOrderLines(runs)).join('\n'));
    };
    return pages;
  });
}

/** Every text run of every page, with its position and font size (for type-size checks). */
export async function pdfRuns(pdf: Uint8Array): Promise<TextRun[][]> {
  return withPdf(pdf, async (doc) => {
    const pages: TextRun[][] = [];
    for (let number = 1; number <= doc.numPages; number++) pages.push(await pageRuns(doc, number));
    return pages;
  });
}

export async function pdfText(pdf: Uint8Array, layout = true): Promise<string> {
  return (await pdfPages(pdf, layout)).join('\n');
}

/** The document information dictionary (Title, Author, Subject, ...) and the page count as `Pages`. */
export async function pdfInfo(pdf: Uint8Array): Promise<Record<string, string>> {
  return withPdf(pdf, async (doc) => {
    const { info } = await doc.getMetadata();
    const fields = Object.entries(info as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    return { ...Object.fromEntries(fields), Pages: String(doc.numPages) };
  });
}

export interface Raster {
  width: number;
  height: number;
  /** RGB bytes, row by row. */
  pixels: Uint8Array;
}

async function drawPage(doc: PDFDocumentProxy, pageNumber: number, dpi: number) {
  if (pageNumber < 1 || pageNumber > doc.numPages) throw new RangeError(`page ${pageNumber} is not in this ${doc.numPages}-page PDF`);
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale: dpi / 72 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  await page.render({ canvas: canvas as unknown as Parameters<PDFPageProxy['render']>[0]['canvas'], viewport, background: 'rgb(255,255,255)' }).promise;
  return canvas;
}

/** One page (1-based) as a PNG file's bytes, for a person to look at. */
export async function pagePng(pdf: Uint8Array, pageNumber: number, dpi = 96): Promise<Uint8Array> {
  return withPdf(pdf, async (doc) => new Uint8Array(await (await drawPage(doc, pageNumber, dpi)).encode('png')));
}

/** Draws one page (1-based) at the given resolution on a white background, as a viewer would show it. */
export async function rasterisePage(pdf: Uint8Array, pageNumber: number, dpi = 40): Promise<Raster> {
  return withPdf(pdf, async (doc) => {
    const canvas = await drawPage(doc, pageNumber, dpi);
    const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const pixels = new Uint8Array(canvas.width * canvas.height * 3);
    for (let source = 0, target = 0; source < rgba.length; source += 4, target += 3) pixels.set(rgba.subarray(source, source + 3), target);
    return { width: canvas.width, height: canvas.height, pixels };
  });
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
