import { describe, expect, it } from 'vitest';
import { inkShare, layoutLines, pdfInfo, pdfPages, rasterisePage, readingOrderLines, type TextRun } from './pdf.ts';

/** A one-page A6 PDF written by hand: two columns of Helvetica text and a red square at the top left. */
function handMadePdf(): Uint8Array {
  const content = [
    'q 1 0 0 rg 20 340 60 60 re f Q',
    'BT /F1 12 Tf 20 300 Td (Measure) Tj ET',
    'BT /F1 12 Tf 200 300 Td (Count) Tj ET',
    'BT /F1 12 Tf 20 280 Td (Tables) Tj ET',
    'BT /F1 12 Tf 200 280 Td (3) Tj ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 420] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Title (Hand-made test page) /Author (Tablemap tests) >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = body.length;
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

const run = (text: string, x: number, y: number, width = text.length * 6, size = 12): TextRun => ({ text, x, y, width, size });

describe('text lines from positioned runs', () => {
  it('lays a table row out on one line with its columns apart, top line first', () => {
    const runs = [run('3', 200, 280), run('Tables', 20, 280), run('Count', 200, 300), run('Measure', 20, 300)];
    const lines = layoutLines(runs);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Measure {2,}Count$/);
    expect(lines[1]!.split(/\s+/)).toEqual(['Tables', '3']);
  });

  it('keeps a wrapped table cell together in reading order, so its words read as one phrase', () => {
    // Drawn cell by cell: "Commissioners (integrated" / "care boards)", then the next column's "3 months".
    const runs = [run('Commissioners (integrated', 20, 300), run('care boards)', 20, 286), run('3 months', 200, 300)];
    expect(readingOrderLines(runs).join(' ')).toBe('Commissioners (integrated care boards) 3 months');
    expect(layoutLines(runs).join(' ')).not.toContain('(integrated care boards)');
  });

  it('does not split a word drawn as touching runs', () => {
    expect(layoutLines([run('Zaż', 20, 300, 18), run('ółć', 38, 300)])).toEqual(['Zażółć']);
  });
});

describe('a real PDF read by pdf.js', () => {
  const pdf = handMadePdf();

  it('extracts the text layer laid out like the page', async () => {
    const [page] = await pdfPages(pdf);
    expect(page!.split('\n').map((line) => line.trim().split(/\s+/))).toEqual([
      ['Measure', 'Count'],
      ['Tables', '3'],
    ]);
  });

  it('reads the document information and page count', async () => {
    expect(await pdfInfo(pdf)).toMatchObject({ Title: 'Hand-made test page', Author: 'Tablemap tests', Pages: '1' });
  });

  it('draws the page: the red square is there, in the top-left corner only', async () => {
    const raster = await rasterisePage(pdf, 1, 72);
    expect(raster.width).toBe(298);
    expect(raster.height).toBe(420);
    // The square spans x 20-80, y 20-80 from the top; text is black, so only the square has colour.
    expect(inkShare(raster, { top: 20 / 420, left: 20 / 298, bottom: 80 / 420, right: 80 / 298 }, true)).toBeGreaterThan(0.95);
    expect(inkShare(raster, { top: 0.3, left: 0, bottom: 1, right: 1 }, true)).toBe(0);
    expect(inkShare(raster, { top: 0.2, left: 0, bottom: 0.4, right: 1 })).toBeGreaterThan(0.005);
  });

  it('refuses a page that is not in the file, and bytes that are not a PDF', async () => {
    await expect(rasterisePage(pdf, 2)).rejects.toThrow('page 2 is not in this 1-page PDF');
    await expect(pdfPages(new TextEncoder().encode('not a pdf'))).rejects.toThrow();
  });
});
