import * as v from 'valibot';
import * as Y from 'yjs';
import { IdSchema } from './schemas.ts';
import { NoteRefSchema } from './synthesis-doc.ts';
import { migrate } from './versions.ts';

/**
 * The organisers' own words in the published report, kept in the facilitator-only report doc
 * (`report/<eventId>`): one collaborative rich-text fragment per narrative section, the
 * recommendations (each linked to the themes and gaps behind it) and the easy-read points.
 *
 * Rich text is a small ProseMirror-shaped JSON tree (the editor's own `getJSON()` shape) with only
 * headings, paragraphs, lists, quotes, bold, italic and links, plus a participant's note quoted by
 * reference (`noteQuote` with the note's `<tableId>/<noteId>`), so a note hidden later drops out of
 * every edition. Anything else read from the doc is dropped, never rendered.
 */

/** The recommendations' entries (the `recommendations` root is the section's own rich text). */
export const RECOMMENDATION_ROOT = 'recommendationItems';

export const NARRATIVE_SECTIONS = ['introduction', 'howTheDayRan', 'keyMessages', 'recommendations', 'acknowledgements'] as const;
export type NarrativeSectionId = (typeof NARRATIVE_SECTIONS)[number];

/** The whole narrative's text may be this long (characters), a generous short report. */
export const MAX_NARRATIVE_CHARS = 60_000;
const MAX_TEXT_RUN = 10_000;
const MAX_DEPTH = 6;

export type RichMark = { type: 'bold' } | { type: 'italic' } | { type: 'link'; attrs: { href: string } };
export interface RichText {
  type: 'text';
  text: string;
  marks?: RichMark[];
}
export type RichBlock =
  | { type: 'paragraph'; content?: RichText[] }
  | { type: 'heading'; attrs: { level: 2 | 3 }; content?: RichText[] }
  | { type: 'bulletList' | 'orderedList'; content: RichListItem[] }
  | { type: 'blockquote'; content: RichBlock[] }
  | { type: 'noteQuote'; attrs: { noteId: string } };
export interface RichListItem {
  type: 'listItem';
  content: RichBlock[];
}
export interface RichDoc {
  type: 'doc';
  content: RichBlock[];
}

/** Only web and mail links: no `javascript:` or `data:` address ever reaches an edition. */
export const SafeHrefSchema = v.pipe(v.string(), v.maxLength(2000), v.regex(/^(https?:\/\/|mailto:)[^\s<>"]+$/i, 'a link must start with http://, https:// or mailto:'));

/** A quoted note: `<tableId>/<noteId>` as the synthesis names notes (a bare note id inside one table's data). */
const NoteIdSchema = v.union([NoteRefSchema, IdSchema], 'note reference is malformed');

const MarkSchema = v.variant('type', [
  v.object({ type: v.literal('bold') }),
  v.object({ type: v.literal('italic') }),
  v.object({ type: v.literal('link'), attrs: v.object({ href: SafeHrefSchema }) }),
]);
const TextSchema = v.object({
  type: v.literal('text'),
  text: v.pipe(v.string(), v.maxLength(MAX_TEXT_RUN)),
  marks: v.optional(v.array(MarkSchema)),
});
const inline = v.optional(v.array(TextSchema));

const BlockSchema: v.GenericSchema<RichBlock> = v.variant('type', [
  v.object({ type: v.literal('paragraph'), content: inline }),
  v.object({ type: v.literal('heading'), attrs: v.object({ level: v.picklist([2, 3]) }), content: inline }),
  v.object({ type: v.picklist(['bulletList', 'orderedList']), content: v.array(v.object({ type: v.literal('listItem'), content: v.array(v.lazy(() => BlockSchema)) })) }),
  v.object({ type: v.literal('blockquote'), content: v.array(v.lazy(() => BlockSchema)) }),
  v.object({ type: v.literal('noteQuote'), attrs: v.object({ noteId: NoteIdSchema }) }),
]) as v.GenericSchema<RichBlock>;

export const RichDocSchema = v.object({ type: v.literal('doc'), content: v.array(BlockSchema) });

export const RecommendationSchema = v.object({
  id: IdSchema,
  text: v.pipe(v.string(), v.trim(), v.minLength(1, 'a recommendation needs text'), v.maxLength(1000, 'a recommendation must be at most 1,000 characters')),
  /** Event theme ids (gaps are themes flagged as gaps) that support it. */
  themeIds: v.optional(v.pipe(v.array(IdSchema), v.maxLength(50)), []),
  order: v.optional(v.number(), 0),
});
export type Recommendation = v.InferOutput<typeof RecommendationSchema>;

export const EASY_READ_PARTS = ['heard', 'next', 'contact'] as const;
export type EasyReadPart = (typeof EASY_READ_PARTS)[number];
/** Names of the bundled icons an easy-read point may show (drawn by the report package). */
export const EASY_READ_ICONS = ['message', 'users', 'heart', 'home', 'calendar', 'check', 'phone', 'mail', 'map', 'lightbulb', 'alert', 'hand'] as const;

export const EasyReadPointSchema = v.object({
  id: IdSchema,
  part: v.picklist(EASY_READ_PARTS, 'an easy-read point is in "heard", "next" or "contact"'),
  /** One short idea per point. */
  text: v.pipe(v.string(), v.trim(), v.minLength(1, 'an easy-read point needs text'), v.maxLength(200, 'an easy-read point must be at most 200 characters')),
  icon: v.optional(v.picklist(EASY_READ_ICONS), 'message'),
  order: v.optional(v.number(), 0),
});
export type EasyReadPoint = v.InferOutput<typeof EasyReadPointSchema>;

export const ReportNarrativeSchema = v.pipe(
  v.object({
    sections: v.optional(v.partial(v.object(Object.fromEntries(NARRATIVE_SECTIONS.map((id) => [id, RichDocSchema])) as Record<NarrativeSectionId, typeof RichDocSchema>)), {}),
    recommendations: v.optional(v.pipe(v.array(RecommendationSchema), v.maxLength(100)), []),
    easyRead: v.optional(v.pipe(v.array(EasyReadPointSchema), v.maxLength(60)), []),
  }),
  v.check((narrative) => narrativeLength(narrative) <= MAX_NARRATIVE_CHARS, `the narrative must be at most ${MAX_NARRATIVE_CHARS.toLocaleString('en-GB')} characters`),
);
export type ReportNarrative = v.InferOutput<typeof ReportNarrativeSchema>;

/** Characters of text in a narrative (what the size limit counts). */
export function narrativeLength(narrative: { sections?: Partial<Record<string, RichDoc>>; recommendations?: { text: string }[]; easyRead?: { text: string }[] }): number {
  let total = 0;
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const { text, content } = node as { text?: unknown; content?: unknown };
    if (typeof text === 'string') total += text.length;
    if (Array.isArray(content)) for (const child of content) walk(child);
  };
  for (const doc of Object.values(narrative.sections ?? {})) walk(doc);
  for (const entry of [...(narrative.recommendations ?? []), ...(narrative.easyRead ?? [])]) total += entry.text.length;
  return total;
}

/** Plain text of a rich doc (quotes by reference are left out), for prefills and tests. */
export function richPlainText(doc: RichDoc): string[] {
  const lines: string[] = [];
  const walk = (block: RichBlock): void => {
    if (block.type === 'paragraph' || block.type === 'heading') lines.push((block.content ?? []).map((run) => run.text).join(''));
    else if (block.type === 'bulletList' || block.type === 'orderedList') for (const item of block.content) item.content.forEach(walk);
    else if (block.type === 'blockquote') block.content.forEach(walk);
  };
  doc.content.forEach(walk);
  return lines;
}

// ── The report doc in Yjs ────────────────────────────────────────────────────────────────────────
// Each section is a root Y.XmlFragment in the layout y-prosemirror writes: elements named after the
// node type with its attrs as attributes, and text as Y.XmlText whose formatting attributes are the marks.

const BLOCK_NODES = new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'blockquote', 'noteQuote']);

function marksOf(attributes: Record<string, unknown> | undefined): RichMark[] {
  const marks: RichMark[] = [];
  if (!attributes) return marks;
  if (attributes.bold) marks.push({ type: 'bold' });
  if (attributes.italic) marks.push({ type: 'italic' });
  const href = (attributes.link as { href?: unknown } | undefined)?.href;
  if (typeof href === 'string' && v.is(SafeHrefSchema, href)) marks.push({ type: 'link', attrs: { href } });
  return marks;
}

function textRuns(text: Y.XmlText): RichText[] {
  const runs: RichText[] = [];
  for (const op of text.toDelta() as { insert?: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== 'string' || op.insert === '') continue;
    const marks = marksOf(op.attributes);
    runs.push(marks.length > 0 ? { type: 'text', text: op.insert, marks } : { type: 'text', text: op.insert });
  }
  return runs;
}

function inlineOf(element: Y.XmlElement): RichText[] {
  return element.toArray().flatMap((child) => (child instanceof Y.XmlText ? textRuns(child) : []));
}

function blocksOf(children: (Y.XmlElement | Y.XmlText | Y.XmlHook)[], depth: number): RichBlock[] {
  if (depth > MAX_DEPTH) return [];
  const blocks: RichBlock[] = [];
  for (const child of children) {
    if (!(child instanceof Y.XmlElement) || !BLOCK_NODES.has(child.nodeName)) continue;
    const block = blockOf(child, depth);
    if (block) blocks.push(block);
  }
  return blocks;
}

function blockOf(element: Y.XmlElement, depth: number): RichBlock | null {
  switch (element.nodeName) {
    case 'paragraph':
      return { type: 'paragraph', content: inlineOf(element) };
    case 'heading': {
      const level = Number(element.getAttribute('level')) >= 3 ? 3 : 2;
      return { type: 'heading', attrs: { level }, content: inlineOf(element) };
    }
    case 'bulletList':
    case 'orderedList': {
      const items = element
        .toArray()
        .filter((item): item is Y.XmlElement => item instanceof Y.XmlElement && item.nodeName === 'listItem')
        .map((item): RichListItem => ({ type: 'listItem', content: blocksOf(item.toArray(), depth + 1) }));
      return { type: element.nodeName, content: items };
    }
    case 'blockquote':
      return { type: 'blockquote', content: blocksOf(element.toArray(), depth + 1) };
    case 'noteQuote': {
      const noteId = element.getAttribute('noteId');
      return typeof noteId === 'string' && v.is(NoteIdSchema, noteId) ? { type: 'noteQuote', attrs: { noteId } } : null;
    }
    default:
      return null;
  }
}

/** A section's fragment as a rich doc; anything outside the allowed schema is dropped. */
export function readRichText(fragment: Y.XmlFragment): RichDoc {
  return { type: 'doc', content: blocksOf(fragment.toArray(), 0) };
}

function writeBlocks(parent: Y.XmlFragment | Y.XmlElement, blocks: RichBlock[]): void {
  for (const block of blocks) {
    const element = new Y.XmlElement(block.type);
    parent.insert(parent.length, [element]);
    if (block.type === 'heading') element.setAttribute('level', block.attrs.level as unknown as string);
    if (block.type === 'noteQuote') element.setAttribute('noteId', block.attrs.noteId);
    if (block.type === 'paragraph' || block.type === 'heading') {
      const text = new Y.XmlText();
      element.insert(0, [text]);
      for (const run of block.content ?? []) {
        const attributes: Record<string, unknown> = {};
        for (const mark of run.marks ?? []) attributes[mark.type] = mark.type === 'link' ? { href: mark.attrs.href } : {};
        text.insert(text.length, run.text, attributes);
      }
    } else if (block.type === 'bulletList' || block.type === 'orderedList') {
      for (const item of block.content) {
        const listItem = new Y.XmlElement('listItem');
        element.insert(element.length, [listItem]);
        writeBlocks(listItem, item.content);
      }
    } else if (block.type === 'blockquote') {
      writeBlocks(element, block.content);
    }
  }
}

/** Replaces a section's text with a rich doc (one transaction): used to prefill a section and by tests. */
export function writeRichText(doc: Y.Doc, section: NarrativeSectionId, content: RichDoc): void {
  const valid = v.parse(RichDocSchema, content);
  doc.transact(() => {
    const fragment = doc.getXmlFragment(section);
    if (fragment.length > 0) fragment.delete(0, fragment.length);
    writeBlocks(fragment, valid.content);
  });
}

function entriesOf<T>(map: Y.Map<unknown>, schema: v.GenericSchema<unknown, T>): T[] {
  const out: T[] = [];
  for (const value of map.values()) {
    const plain = value instanceof Y.Map ? value.toJSON() : value;
    const parsed = v.safeParse(schema, plain);
    if (parsed.success) out.push(parsed.output);
  }
  return out;
}

/** The whole narrative, read from a report doc; malformed entries are skipped. */
export function readReportNarrative(doc: Y.Doc): ReportNarrative {
  const sections: Partial<Record<NarrativeSectionId, RichDoc>> = {};
  for (const id of NARRATIVE_SECTIONS) {
    // Only read a fragment that exists: asking for a root creates it, and a read must not change the doc.
    if (doc.share.has(id)) {
      const content = readRichText(doc.getXmlFragment(id));
      if (content.content.length > 0) sections[id] = content;
    }
  }
  const byOrder = <T extends { order: number; id: string }>(a: T, b: T) => a.order - b.order || a.id.localeCompare(b.id);
  return {
    sections,
    recommendations: doc.share.has(RECOMMENDATION_ROOT) ? entriesOf(doc.getMap(RECOMMENDATION_ROOT), RecommendationSchema).sort(byOrder) : [],
    easyRead: doc.share.has('easyRead') ? entriesOf(doc.getMap('easyRead'), EasyReadPointSchema).sort(byOrder) : [],
  };
}

function setEntry(map: Y.Map<unknown>, entry: Record<string, unknown> & { id: string }): void {
  const yEntry = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(entry)) if (value !== undefined) yEntry.set(key, value);
  map.set(entry.id, yEntry);
}

/** Adds or replaces a recommendation (validated; throws valibot's error on bad input). */
export function setRecommendation(doc: Y.Doc, input: v.InferInput<typeof RecommendationSchema>): Recommendation {
  const valid = v.parse(RecommendationSchema, input);
  migrate(doc, 'report');
  doc.transact(() => setEntry(doc.getMap(RECOMMENDATION_ROOT), { ...valid, themeIds: [...valid.themeIds] }));
  return valid;
}

/** Adds or replaces an easy-read point. */
export function setEasyReadPoint(doc: Y.Doc, input: v.InferInput<typeof EasyReadPointSchema>): EasyReadPoint {
  const valid = v.parse(EasyReadPointSchema, input);
  migrate(doc, 'report');
  doc.transact(() => setEntry(doc.getMap('easyRead'), valid));
  return valid;
}
