import type { Content, ContentText, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { RichBlock, RichText } from '@tablemap/model';
import { DEMO_MARK, type Block, type Cell, type CoverBlock, type ReportDocument, type ResolvedQuote } from './blocks.ts';
import { printable } from './fonts.ts';
import type { ValidLogo } from './logo.ts';
import { renderMapSvg } from './map-svg.ts';
import { svgLabel } from './scripts.ts';
import { REPORT_STYLES } from './styles.ts';

/** Rows a table may have and still be kept whole on one page (single-line rows at 8–10 pt). */
const MAX_UNBROKEN_ROWS = 30;
const LINK_COLOUR = '#1f4e79';

/** Page numbers, and the date the event's data is deleted so a reader knows how long it is kept. */
const footerFor =
  (retainUntil: string) =>
  (currentPage: number, pageCount: number): Content => ({
    text: `Page ${currentPage} of ${pageCount}${retainUntil ? ` · Event data is deleted on ${retainUntil}` : ''}`,
    alignment: 'center',
    fontSize: 8,
    color: '#5a6470',
    margin: [0, 12, 0, 0],
  });

function coverContent(cover: CoverBlock, logo: ValidLogo | undefined): Content[] {
  const content: Content[] = [];
  if (logo) content.push({ image: logo.dataUrl, fit: [180, 90], margin: [0, 0, 0, 30] });
  content.push({ text: cover.title, style: 'title', margin: [0, logo ? 40 : 140, 0, 12] });
  content.push({ text: cover.subtitle, style: 'subtitle' });
  if (cover.details) content.push({ text: cover.details, style: 'subtitle', margin: [0, 6, 0, 0] });
  if (cover.description) content.push({ text: cover.description, style: 'body', margin: [0, 30, 0, 0] });
  if (cover.preparedBy) content.push({ text: cover.preparedBy, style: 'small', margin: [0, 30, 0, 0] });
  return content;
}

function pdfCell(cell: Cell): TableCell {
  if (typeof cell === 'string') return cell;
  const out: Record<string, unknown> = { text: cell.text };
  if (cell.align) out.alignment = cell.align;
  if (cell.bold) out.bold = true;
  if (cell.colour) out.color = cell.colour;
  return out as TableCell;
}

function pdfTable(block: Extract<Block, { kind: 'table' }>): Content {
  // Number-only headers label number columns, so they line up with the centred counts below.
  const headerCells = block.headers.map((text): TableCell => (/^\d+$/.test(text) ? { text, style: 'tableHeader', alignment: 'center' } : { text, style: 'tableHeader' }));
  const table: Content = {
    table: { headerRows: 1, keepWithHeaderRows: 1, widths: block.widths, body: [headerCells, ...block.rows.map((row) => row.map(pdfCell))], dontBreakRows: true },
    layout: 'lightHorizontalLines',
    fontSize: block.fontSize,
    margin: [0, 4, 0, 10],
  };
  // A table that fits on one page is never split: split near a page end it would leave a row or two
  // stranded alone on the next page. Longer tables break, repeating their header row.
  return block.rows.length <= MAX_UNBROKEN_ROWS ? ({ unbreakable: true, stack: [table] } as Content) : table;
}

const quoteContent = (quote: ResolvedQuote): Content => ({
  stack: [
    { text: `“${quote.text}”`, italics: true },
    { text: `— ${quote.attribution}`, style: 'attribution' },
  ],
  margin: [18, 4, 18, 6],
});

function inlineRuns(runs: RichText[] | undefined): ContentText['text'] {
  return (runs ?? []).map((run) => {
    const piece: Record<string, unknown> = { text: run.text };
    for (const mark of run.marks ?? []) {
      if (mark.type === 'bold') piece.bold = true;
      if (mark.type === 'italic') piece.italics = true;
      if (mark.type === 'link') Object.assign(piece, { link: mark.attrs.href, color: LINK_COLOUR, decoration: 'underline' });
    }
    return piece;
  }) as unknown as ContentText['text'];
}

function richContent(blocks: RichBlock[], quotes: Record<string, ResolvedQuote>): Content[] {
  return blocks.flatMap((block): Content[] => {
    switch (block.type) {
      case 'paragraph':
        return [{ text: inlineRuns(block.content), style: 'body' }];
      case 'heading':
        return [{ text: inlineRuns(block.content), style: block.attrs.level === 2 ? 'h2' : 'h3', headlineLevel: block.attrs.level }];
      case 'bulletList':
      case 'orderedList': {
        const items = block.content.map((item) => ({ stack: richContent(item.content, quotes) }));
        return [block.type === 'bulletList' ? { ul: items, margin: [0, 0, 0, 6] } : { ol: items, margin: [0, 0, 0, 6] }];
      }
      case 'blockquote':
        return [{ stack: richContent(block.content, quotes), italics: true, margin: [18, 4, 18, 6] }];
      case 'noteQuote': {
        const quote = quotes[block.attrs.noteId];
        return quote ? [quoteContent(quote)] : [];
      }
    }
  });
}

function blockContent(block: Block): Content[] {
  switch (block.kind) {
    case 'heading': {
      const heading: Record<string, unknown> = { text: block.text, style: `h${block.level}`, headlineLevel: block.level };
      // Themes are what funders look for first, so each gets its own indented line in the contents.
      if (block.inContents) Object.assign(heading, { tocItem: true, tocMargin: [14, 0, 0, 0], tocStyle: 'tocSub' });
      if (block.pageBreak) heading.pageBreak = 'before';
      return [heading as unknown as Content];
    }
    case 'paragraph':
      return [{ text: block.text, style: block.tone ?? 'body' }];
    case 'list':
      return [block.ordered ? { ol: block.items, style: block.tone ?? 'body', margin: [0, 0, 0, 10] } : { ul: block.items, style: block.tone ?? 'body', margin: [0, 2, 0, 8] }];
    case 'table':
      return [pdfTable(block)];
    case 'map':
      return [
        {
          svg: renderMapSvg(block.input, { width: block.width, height: block.height, maxLabels: block.maxLabels, label: (text, at) => svgLabel(printable(text), at) }),
          width: block.width,
          margin: [0, 4, 0, 8],
        },
      ];
    case 'quote':
      return [quoteContent(block)];
    case 'note':
      return [{ text: [{ text: block.text }, { text: `  ${block.detail}`, style: 'meta' }], style: 'note' }];
    case 'rich':
      return richContent(block.doc.content, block.quotes);
  }
}

/** The PDF edition: pdfmake's document definition for a report document. */
export function pdfDefinition(document: ReportDocument, logo: ValidLogo | undefined): TDocumentDefinitions {
  const content: Content[] = [];
  if (document.cover) {
    content.push({ stack: coverContent(document.cover, logo) });
    content.push({ toc: { title: { text: 'Contents', style: 'h1' } }, pageBreak: 'before' });
  } else if (document.sections.length > 0) {
    content.push({ text: printable(document.title), style: 'title', margin: [0, 0, 0, 16] });
    content.push({ toc: { title: { text: 'Contents', style: 'h1' } } });
  }
  for (const section of document.sections) {
    content.push({ text: section.title, style: 'h1', tocItem: true, headlineLevel: 1, pageBreak: 'before' });
    for (const block of section.blocks) content.push(...blockContent(block));
  }
  // Metadata is Unicode text read by viewers and screen readers, not drawn with Roboto: keep it whole.
  return {
    info: {
      title: document.title,
      author: document.author || 'Tablemap',
      subject: `Post-event report: ${document.title}`,
      keywords: 'learning exchange, ecosystem mapping, mental health',
      creator: 'Tablemap',
    },
    language: document.language,
    displayTitle: true,
    pageSize: 'A4',
    pageMargins: [40, 48, 40, 48],
    footer: footerFor(document.retainUntil),
    ...(document.demo ? { watermark: { text: DEMO_MARK, color: '#b91c1c', opacity: 0.15, bold: true, fontSize: 64, angle: -40 } } : {}),
    content,
    styles: REPORT_STYLES,
    defaultStyle: { font: 'Roboto', fontSize: 10.5 },
  };
}
