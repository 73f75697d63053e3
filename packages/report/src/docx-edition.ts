import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import type { RichBlock, RichText } from '@tablemap/model';
import { DEMO_MARK, type Block, type Cell, type ReportDocument, type ResolvedQuote } from './blocks.ts';
import { renderMapSvg } from './map-svg.ts';
import { svgToPng } from './map-png.ts';

/**
 * The Word edition, for organisers who finish the report with colleagues: real Title and Heading 1–3
 * styles (Word's navigation pane and contents work), tables with a repeated, shaded header row, maps
 * as pictures with their text summary as alternative text, and quotes in Word's "Quote" style.
 */

type DocxChild = Paragraph | Table | TableOfContents;
const ORDERED = 'report-ordered';
const INK = '1B2A3A';
const ACCENT = '1F4E79';
const MUTED = '4D5661';
/** Page width inside the margins, in pixels at 96 dpi (A4 with 2 cm margins). */
const PICTURE_WIDTH = 600;

interface DocxState {
  lists: number;
}

const HEADINGS = { 1: HeadingLevel.HEADING_1, 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3 } as const;

const plain = (text: string, tone?: 'meta' | 'empty'): Paragraph =>
  new Paragraph({ children: [new TextRun({ text, ...(tone ? { color: MUTED, italics: tone === 'empty', size: tone === 'meta' ? 20 : undefined } : {}) })], spacing: { after: 120 } });

function cellOf(cell: Cell, header: boolean): TableCell {
  const text = typeof cell === 'string' ? cell : cell.text;
  const align = typeof cell === 'string' ? undefined : cell.align;
  return new TableCell({
    children: [
      new Paragraph({
        alignment: align === 'right' ? AlignmentType.RIGHT : align === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT,
        children: [new TextRun({ text, bold: header || (typeof cell !== 'string' && cell.bold === true), color: typeof cell !== 'string' && cell.colour ? cell.colour.replace('#', '') : undefined })],
      }),
    ],
    ...(header ? { shading: { type: ShadingType.CLEAR, fill: 'EEF2F6', color: 'auto' } } : {}),
  });
}

function tableOf(block: Extract<Block, { kind: 'table' }>): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: block.headers.map((text) => cellOf(text, true)) }),
      ...block.rows.map((row) => new TableRow({ cantSplit: true, children: row.map((cell) => cellOf(cell, false)) })),
    ],
  });
}

const quoteParagraphs = (quote: ResolvedQuote): Paragraph[] => [
  new Paragraph({ style: 'Quote', children: [new TextRun(`“${quote.text}”`)] }),
  new Paragraph({ style: 'QuoteAttribution', children: [new TextRun(`— ${quote.attribution}`)] }),
];

function runsOf(runs: RichText[] | undefined): ParagraphChild[] {
  return (runs ?? []).map((run) => {
    const bold = run.marks?.some((mark) => mark.type === 'bold') ?? false;
    const italics = run.marks?.some((mark) => mark.type === 'italic') ?? false;
    const link = run.marks?.find((mark) => mark.type === 'link');
    if (link && link.type === 'link') return new ExternalHyperlink({ link: link.attrs.href, children: [new TextRun({ text: run.text, bold, italics, style: 'Hyperlink' })] });
    return new TextRun({ text: run.text, bold, italics });
  });
}

function richChildren(blocks: RichBlock[], quotes: Record<string, ResolvedQuote>, state: DocxState, list?: { ordered: boolean; level: number; instance: number }, quoted = false): DocxChild[] {
  return blocks.flatMap((block): DocxChild[] => {
    switch (block.type) {
      case 'paragraph': {
        const listing = list ? (list.ordered ? { numbering: { reference: ORDERED, level: list.level, instance: list.instance } } : { bullet: { level: list.level } }) : {};
        return [new Paragraph({ children: runsOf(block.content), ...(quoted ? { style: 'Quote' } : {}), ...listing })];
      }
      case 'heading':
        return [new Paragraph({ heading: block.attrs.level === 2 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3, children: runsOf(block.content) })];
      case 'bulletList':
      case 'orderedList': {
        const instance = ++state.lists;
        const level = list ? Math.min(list.level + 1, 5) : 0;
        return block.content.flatMap((item) => richChildren(item.content, quotes, state, { ordered: block.type === 'orderedList', level, instance }, quoted));
      }
      case 'blockquote':
        return richChildren(block.content, quotes, state, list, true);
      case 'noteQuote': {
        const quote = quotes[block.attrs.noteId];
        return quote ? quoteParagraphs(quote) : [];
      }
    }
  });
}

function mapChildren(block: Extract<Block, { kind: 'map' }>): DocxChild[] {
  const svg = renderMapSvg(block.input, { width: block.width, height: block.height, maxLabels: block.maxLabels });
  const height = Math.round((PICTURE_WIDTH * block.height) / block.width);
  return [
    new Paragraph({
      children: [
        new ImageRun({
          type: 'png',
          data: svgToPng(svg, block.width, block.height),
          transformation: { width: PICTURE_WIDTH, height },
          altText: { name: block.caption, title: block.caption, description: block.description.slice(0, 4000) },
        }),
      ],
    }),
    new Paragraph({ style: 'Caption', children: [new TextRun(block.caption)] }),
    ...block.description.split('\n').map((line) => plain(line, 'meta')),
  ];
}

function blockChildren(block: Block, state: DocxState): DocxChild[] {
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ heading: HEADINGS[block.level], children: [new TextRun(block.text)], pageBreakBefore: block.pageBreak === true })];
    case 'paragraph':
      return [plain(block.text, block.tone)];
    case 'list': {
      const instance = ++state.lists;
      return block.items.map((item) => new Paragraph({ children: [new TextRun(item)], ...(block.ordered ? { numbering: { reference: ORDERED, level: 0, instance } } : { bullet: { level: 0 } }) }));
    }
    case 'table':
      return [tableOf(block), new Paragraph({ children: [] })];
    case 'map':
      return mapChildren(block);
    case 'quote':
      return quoteParagraphs(block);
    case 'note':
      return [new Paragraph({ children: [new TextRun(block.text), new TextRun({ text: `  ${block.detail}`, color: MUTED, size: 18 })], spacing: { after: 80 } })];
    case 'rich':
      return richChildren(block.doc.content, block.quotes, state);
  }
}

/** The Word (.docx) edition of a report document. */
export async function reportDocx(document: ReportDocument): Promise<Uint8Array> {
  const state: DocxState = { lists: 0 };
  const children: DocxChild[] = [new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(document.title)] })];
  if (document.demo) children.unshift(new Paragraph({ children: [new TextRun({ text: DEMO_MARK, bold: true, color: 'B91C1C' })] }));
  const cover = document.cover;
  if (cover) {
    children.push(new Paragraph({ style: 'Subtitle', children: [new TextRun(cover.subtitle)] }));
    if (cover.details) children.push(new Paragraph({ style: 'Subtitle', children: [new TextRun(cover.details)] }));
    if (cover.description) children.push(plain(cover.description));
    if (cover.preparedBy) children.push(plain(cover.preparedBy, 'meta'));
  }
  children.push(new TableOfContents('Contents', { hyperlink: true, headingStyleRange: '1-2' }));
  for (const section of document.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, pageBreakBefore: true, children: [new TextRun(section.title)] }));
    for (const block of section.blocks) children.push(...blockChildren(block, state));
  }
  if (document.retainUntil) children.push(plain(`Event data is deleted on ${document.retainUntil}.`, 'meta'));

  const doc = new Document({
    creator: document.author || 'Tablemap',
    title: document.title,
    description: `Post-event report: ${document.title}`,
    features: { updateFields: true },
    styles: {
      default: {
        document: { run: { font: 'Calibri', size: 22, color: INK } },
        title: { run: { size: 52, bold: true, color: ACCENT } },
        heading1: { run: { size: 36, bold: true, color: ACCENT }, paragraph: { spacing: { before: 240, after: 160 } } },
        heading2: { run: { size: 28, bold: true, color: INK }, paragraph: { spacing: { before: 240, after: 120 } } },
        heading3: { run: { size: 24, bold: true, color: INK }, paragraph: { spacing: { before: 200, after: 80 } } },
      },
      paragraphStyles: [
        { id: 'Subtitle', name: 'Subtitle', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { size: 28, color: MUTED } },
        { id: 'Quote', name: 'Quote', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { italics: true, color: INK }, paragraph: { indent: { left: 567, right: 567 }, spacing: { before: 120, after: 40 } } },
        { id: 'QuoteAttribution', name: 'Quote Attribution', basedOn: 'Normal', next: 'Normal', run: { color: MUTED, size: 20 }, paragraph: { indent: { left: 567 }, spacing: { after: 160 } } },
        { id: 'Caption', name: 'Caption', basedOn: 'Normal', next: 'Normal', quickFormat: true, run: { bold: true, size: 20, color: INK } },
      ],
    },
    numbering: {
      config: [
        {
          reference: ORDERED,
          levels: [0, 1, 2, 3, 4, 5].map((level) => ({ level, format: LevelFormat.DECIMAL, text: `%${level + 1}.`, alignment: AlignmentType.START, style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } } })),
        },
      ],
    },
    sections: [{ properties: { page: { margin: { top: 1134, right: 1134, bottom: 1134, left: 1134 } } }, children }],
  });
  return new Uint8Array(await Packer.toBuffer(doc));
}
