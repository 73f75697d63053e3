import type { RichDoc } from '@tablemap/model';
import type { MapInput } from './map-svg.ts';

/**
 * The report as edition-neutral blocks: every section builder writes these once, and the PDF, HTML
 * and DOCX editions each render the same list. So the three carry the same headings, themes and
 * quotes by construction, and privacy rules (hidden notes, anonymity, section choices) are applied
 * once, before any edition sees the data.
 */

export type Cell = string | { text: string; align?: 'left' | 'center' | 'right'; bold?: boolean; colour?: string };

/** A participant's note quoted in the narrative, resolved by reference (hidden notes never resolve). */
export interface ResolvedQuote {
  text: string;
  attribution: string;
}

export type Block =
  | { kind: 'heading'; level: 2 | 3; text: string; /** listed in the contents under its section */ inContents?: boolean; /** PDF: starts a new page */ pageBreak?: boolean }
  | { kind: 'paragraph'; text: string; tone?: 'meta' | 'empty' }
  | { kind: 'list'; items: string[]; ordered?: boolean; tone?: 'small' }
  | { kind: 'table'; headers: string[]; rows: Cell[][]; /** PDF column widths */ widths: (string | number)[]; fontSize: number }
  | { kind: 'map'; input: MapInput; width: number; height: number; maxLabels: number; caption: string; /** the text alternative */ description: string }
  | { kind: 'quote'; text: string; attribution: string }
  | { kind: 'note'; text: string; detail: string }
  /** The organisers' rich text: quotes by reference are already resolved or dropped. */
  | { kind: 'rich'; doc: RichDoc; quotes: Record<string, ResolvedQuote> };

export interface CoverBlock {
  kind: 'cover';
  title: string;
  subtitle: string;
  details: string;
  description: string;
  preparedBy: string;
}

export interface DocumentSection {
  id: string;
  title: string;
  blocks: Block[];
}

/** One report, ready for any edition. */
export interface ReportDocument {
  title: string;
  language: string;
  author: string;
  retainUntil: string;
  /** A demo event with made-up data: every edition says so on every page. */
  demo: boolean;
  cover: CoverBlock | null;
  sections: DocumentSection[];
}

export const cellText = (cell: Cell): string => (typeof cell === 'string' ? cell : cell.text);

/** Stable anchor ids for headings (HTML contents and DOCX bookmarks). */
export function anchorFor(text: string, used: Set<string>): string {
  const base = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50) || 'section';
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

export const h2 = (text: string): Block => ({ kind: 'heading', level: 2, text });
export const h3 = (text: string): Block => ({ kind: 'heading', level: 3, text });
export const para = (text: string): Block => ({ kind: 'paragraph', text });
export const meta = (text: string): Block => ({ kind: 'paragraph', text, tone: 'meta' });
export const emptyNote = (text: string): Block => ({ kind: 'paragraph', text, tone: 'empty' });
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The mark on every edition of a demo event's report, so a copy cannot pass for a real event's. */
export const DEMO_MARK = 'DEMO · made-up data';
