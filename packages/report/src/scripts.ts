/**
 * Every script in the report: fonts fall back by script, text is split into runs per font and per
 * direction, and right-to-left runs are put in visual order line by line.
 *
 * - Fonts: pdfmake's Roboto first (Latin with Polish and Welsh letters, Cyrillic, Greek), then the Noto
 *   families from @fontsource (Noto Sans for any Latin, Cyrillic or Greek letter Roboto lacks; Noto Sans
 *   Arabic, which covers Urdu; Noto Serif Bengali; Noto Sans Devanagari, Gujarati, Gurmukhi and Tamil;
 *   Noto Sans SC, which also holds the traditional characters; monochrome Noto Emoji). Each file is its own pdfmake family;
 *   pdfmake embeds only the glyphs used, so unused fonts cost nothing.
 * - Shaping: pdfkit lays text out with fontkit, whose Arabic shaper joins letters and whose Indic shapers
 *   reorder vowel signs and form conjuncts. Words in those scripts are handed to pdfmake whole (`noWrap`),
 *   because pdfmake's line breaker would otherwise split a cluster such as "ন্দ্র" into separately shaped
 *   pieces.
 * - Direction: bidi-js gives each character its Unicode bidi level. Runs carry their level to the renderer
 *   as a font feature tag ('rtla' right-to-left, 'ltra' left-to-right inside right-to-left), and
 *   `installBidiLineOrder` reorders each laid-out line's runs visually (rule L2 of the Unicode bidi
 *   algorithm). fontkit already reverses the glyphs inside a right-to-left run. A paragraph whose first
 *   strong letter is right-to-left (Urdu, Arabic) is right-aligned, so its wrapped lines end at one edge,
 *   unless the document gives it an alignment of its own.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- fontkit ships no types; consumers type-checking this source need them too
/// <reference path="./fontkit.d.ts" />
import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import bidiModule, { type Bidi } from 'bidi-js';
import type * as fontkit from 'fontkit';
import { PDFMAKE_DIR } from './fonts.ts';
import { woffToSfnt } from './woff.ts';
import { textLabel, type LabelPlacement } from './map-svg.ts';

const require = createRequire(import.meta.url);
const ROBOTO_DIR = path.join(PDFMAKE_DIR, 'fonts', 'Roboto');

export interface FontFiles {
  normal: string;
  bold: string;
  italics: string;
  bolditalics: string;
}

interface Family {
  name: string;
  files: FontFiles;
  /** Words in this font are shaped as wholes (joining or reordering scripts). */
  complex: boolean;
}

/** Noto packages in fallback order, and which of each package's subset files to use. */
const NOTO_PACKAGES: readonly { pkg: string; subsets: RegExp; complex: boolean }[] = [
  { pkg: 'noto-sans', subsets: /^noto-sans-(latin-ext|latin|cyrillic-ext|cyrillic|greek-ext|greek|vietnamese)$/, complex: false },
  { pkg: 'noto-sans-arabic', subsets: /-arabic$/, complex: true },
  // Noto Serif Bengali: fontkit misplaces ra-phala and reph with Noto Sans Bengali's decomposed glyphs.
  { pkg: 'noto-serif-bengali', subsets: /-bengali$/, complex: true },
  { pkg: 'noto-sans-devanagari', subsets: /-devanagari$/, complex: true },
  { pkg: 'noto-sans-gujarati', subsets: /-gujarati$/, complex: true },
  { pkg: 'noto-sans-gurmukhi', subsets: /-gurmukhi$/, complex: true },
  { pkg: 'noto-sans-tamil', subsets: /-tamil$/, complex: true },
  { pkg: 'noto-sans-sc', subsets: /^noto-sans-sc-(\d+|chinese-simplified)$/, complex: false },
  { pkg: 'noto-emoji', subsets: /^noto-emoji-\d+$/, complex: false },
];

const ROBOTO: Family = {
  name: 'Roboto',
  files: {
    normal: path.join(ROBOTO_DIR, 'Roboto-Regular.ttf'),
    bold: path.join(ROBOTO_DIR, 'Roboto-Medium.ttf'),
    italics: path.join(ROBOTO_DIR, 'Roboto-Italic.ttf'),
    bolditalics: path.join(ROBOTO_DIR, 'Roboto-MediumItalic.ttf'),
  },
  complex: false,
};

function notoFamilies(): Family[] {
  const families: Family[] = [];
  for (const { pkg, subsets, complex } of NOTO_PACKAGES) {
    const dir = path.join(path.dirname(require.resolve(`@fontsource/${pkg}/package.json`)), 'files');
    const names = readdirSync(dir);
    const subsetNames = names
      .filter((file) => file.endsWith('-400-normal.woff'))
      .map((file) => file.slice(0, -'-400-normal.woff'.length))
      .filter((subset) => subsets.test(subset))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const subset of subsetNames) {
      const normal = path.join(dir, `${subset}-400-normal.woff`);
      const bold = names.includes(`${subset}-700-normal.woff`) ? path.join(dir, `${subset}-700-normal.woff`) : normal;
      families.push({ name: `Noto ${subset}`, files: { normal, bold, italics: normal, bolditalics: bold }, complex });
    }
  }
  return families;
}

let families: Family[] | undefined;
/** Every font family the report may use, Roboto first. */
function allFamilies(): Family[] {
  return (families ??= [ROBOTO, ...notoFamilies()]);
}

const sfntCache = new Map<string, Buffer>();
/** A font file's bytes as plain sfnt (WOFF unpacked once, see woff.ts). */
function fontBytes(file: string): Buffer {
  let bytes = sfntCache.get(file);
  if (!bytes) {
    const raw = readFileSync(file);
    bytes = file.endsWith('.woff') ? woffToSfnt(raw) : raw;
    sfntCache.set(file, bytes);
  }
  return bytes;
}

/**
 * Fonts for pdfmake.setFonts: Roboto by its path, and every Noto fallback by a name under which `store`
 * receives the unpacked bytes (pdfmake's virtual file system), so no font is unpacked twice.
 */
export function reportFonts(store: (name: string, bytes: Buffer) => void): Record<string, FontFiles> {
  // Roboto stays a file on disk: maps' SVG text opens fonts by path, outside pdfmake's virtual files.
  const named = (file: string) => {
    if (!file.endsWith('.woff')) return file;
    const name = `tablemap-fonts/${path.basename(file).replace(/\.woff$/, '.otf')}`;
    store(name, fontBytes(file));
    return name;
  };
  return Object.fromEntries(
    allFamilies().map((family) => [
      family.name,
      { normal: named(family.files.normal), bold: named(family.files.bold), italics: named(family.files.italics), bolditalics: named(family.files.bolditalics) },
    ]),
  );
}

let coverage: Map<number, Family> | undefined;
/** Code point → the first family that draws it; built once from the fonts' character maps (~0.2 s). */
function coverageIndex(): Map<number, Family> {
  if (coverage) return coverage;
  coverage = new Map();
  for (const family of allFamilies()) {
    let font: fontkit.Font;
    try {
      font = openFont(family);
      for (const codePoint of font.characterSet) if (!coverage.has(codePoint)) coverage.set(codePoint, family);
    } catch {
      // A subset file without a character map (one empty CJK slice) draws nothing; skip it.
    }
  }
  return coverage;
}

/** Joiners, variation selectors and skin-tone modifiers: they belong to the character before them. */
function isAttached(codePoint: number): boolean {
  return (
    codePoint === 0x200c ||
    codePoint === 0x200d ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff) ||
    (codePoint >= 0xe0020 && codePoint <= 0xe007f)
  );
}

/** Characters that would draw as garbage or as an empty box: control characters and emoji presentation selectors. */
function isDropped(codePoint: number, family: Family | undefined): boolean {
  if ((codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a) || codePoint === 0x7f) return true;
  // The monochrome emoji font has no glyph for the colour/text presentation selectors; they change nothing in print.
  return (codePoint === 0xfe0e || codePoint === 0xfe0f) && family?.name.startsWith('Noto noto-emoji') !== false;
}

// The package's CommonJS export is the factory; its types describe it as the module's default.
const bidi: Bidi = (bidiModule as unknown as () => Bidi)();

/** Characters no report font can draw (they would print as an empty box); empty when all are covered. */
export function undrawable(text: string): string[] {
  const index = coverageIndex();
  return [...new Set([...text].filter((char) => {
    const codePoint = char.codePointAt(0)!;
    return !(char === '\n' || char === '\t' || isAttached(codePoint) || isDropped(codePoint, undefined) || index.has(codePoint));
  }))];
}

/** An inline pdfmake text piece: a font, and a bidi level carried as a feature tag. */
export interface ScriptInline {
  text: string;
  font?: string;
  fontFeatures?: string[];
  noWrap?: boolean;
}

interface Run {
  text: string;
  family: Family;
  level: number;
}

/** Whether a paragraph runs right to left: its first strong letter does (rule P2 of the bidi algorithm). */
function isRightToLeft(text: string): boolean {
  if (!/[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/.test(text)) return false;
  return (bidi.getEmbeddingLevels(text).paragraphs[0]?.level ?? 0) % 2 === 1;
}

/**
 * Splits text into runs of one font and one bidi level. `direction` is the paragraph's when the text is one
 * piece of it (an English label inside an Urdu paragraph runs left to right inside right to left).
 */
function runsOf(text: string, direction?: 'rtl'): Run[] {
  const index = coverageIndex();
  const { levels } = bidi.getEmbeddingLevels(text, direction);
  const runs: Run[] = [];
  let offset = 0;
  let previous: Family | undefined;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const level = levels[offset]!;
    offset += char.length;
    let family: Family;
    if (isAttached(codePoint) && previous) family = previous;
    // Spaces and punctuation inside a joined or reordered script stay in its font, so its words stay one run.
    else if (/[\s\p{P}]/u.test(char) && previous?.complex && fontHas(previous, codePoint)) family = previous;
    else family = index.get(codePoint) ?? previous ?? ROBOTO;
    if (isDropped(codePoint, family)) continue;
    previous = family;
    const last = runs.at(-1);
    if (last && last.family === family && last.level === level) last.text += char;
    else runs.push({ text: char, family, level });
  }
  return runs;
}

let loadedFontkit: typeof fontkit | undefined;
const openFonts = new Map<Family, fontkit.Font>();
function openFont(family: Family): fontkit.Font {
  let font = openFonts.get(family);
  if (!font) {
    // fontkit loads on the first font opened, not at import: most processes that import the report never draw one.
    loadedFontkit ??= require('fontkit') as typeof fontkit;
    font = loadedFontkit.create(fontBytes(family.files.normal));
    openFonts.set(family, font);
  }
  return font;
}

const shapeable = new Map<string, boolean>();
/** Whether fontkit can shape the word in this font (checked once per word). */
function shapes(family: Family, word: string): boolean {
  const key = `${family.name}\u0000${word}`;
  let known = shapeable.get(key);
  if (known === undefined) {
    try {
      openFont(family).layout(word);
      known = true;
    } catch {
      known = false;
    }
    if (shapeable.size > 50_000) shapeable.clear();
    shapeable.set(key, known);
  }
  return known;
}

function fontHas(family: Family, codePoint: number): boolean {
  return openFont(family).hasGlyphForCodePoint(codePoint);
}

const LEVEL_TAGS = ['', 'rtla', 'ltra'];

/**
 * Text as pdfmake inlines, each in a font that draws it: the string itself when Roboto draws all of it
 * left to right, else inline pieces with their fonts and bidi levels. `direction: 'rtl'` when the text is
 * a piece of a right-to-left paragraph.
 */
export function scriptInlines(text: string, direction?: 'rtl'): string | ScriptInline[] {
  if (!direction && /^[\u0020-\u007e\u00a0-\u024f\n\t]*$/.test(text)) return text;
  const runs = runsOf(text, direction);
  if (runs.every((run) => run.family === ROBOTO && run.level === 0)) return runs.map((run) => run.text).join('');
  const inlines: ScriptInline[] = [];
  for (const run of runs) {
    const tag = LEVEL_TAGS[Math.min(run.level, 2)] ?? '';
    const style = { ...(run.family === ROBOTO ? {} : { font: run.family.name }), ...(tag ? { fontFeatures: [tag] } : {}) };
    if (!run.family.complex) {
      inlines.push({ text: run.text, ...style });
      continue;
    }
    // Whole words, so no cluster is shaped in pieces; the spaces between them stay breakable.
    for (const piece of run.text.split(/(\s+)/)) {
      if (piece === '') continue;
      if (/\s/.test(piece)) inlines.push({ text: piece, ...style });
      else if (shapes(run.family, piece)) inlines.push({ text: piece, ...style, noWrap: true });
      // A word the shaper cannot handle is drawn letter by letter rather than failing the whole report.
      else for (const letter of piece) inlines.push({ text: letter, ...style, noWrap: true });
    }
  }
  return inlines;
}

/** Content keys whose values are lists of content nodes. */
const CONTAINER_KEYS = ['stack', 'columns', 'ol', 'ul'] as const;

/** Scripts whose glyphs come out of the shaper reordered or merged: their text layer needs ActualText. */
const SHAPED_SCRIPTS = /[\u0590-\u08ff\u0900-\u0dff\ufb1d-\ufdff\ufe70-\ufeff]/;

/**
 * Rewrites every visible string in a pdfmake document definition into script inlines (see
 * `scriptInlines`), including table cells, lists, the table of contents and headers and footers.
 * When any text is in a shaped script (right-to-left or Indic), the document is tagged, so that each line
 * carries its text in logical order (ActualText) for copying, search and screen readers.
 */
export function withScripts<T extends object>(definition: T): T {
  const found = { shaped: false };
  const rewritten = rewrite(definition, found) as T;
  return found.shaped ? { ...rewritten, tagged: true } : rewritten;
}

interface Found {
  shaped: boolean;
}

function inlinesOf(text: string, found: Found, direction?: 'rtl'): string | ScriptInline[] {
  const inlines = scriptInlines(text, direction);
  if (typeof inlines !== 'string' && !found.shaped && SHAPED_SCRIPTS.test(text)) found.shaped = true;
  return inlines;
}

function rewrite(node: unknown, found: Found): unknown {
  if (typeof node === 'string') {
    const inlines = inlinesOf(node, found);
    if (typeof inlines === 'string') return inlines;
    return isRightToLeft(node) ? { text: inlines, alignment: 'right' } : { text: inlines };
  }
  if (Array.isArray(node)) return node.map((child) => rewrite(child, found));
  if (typeof node === 'function') {
    const produce = node as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => rewrite(produce(...args), found);
  }
  if (typeof node !== 'object' || node === null) return node;
  const source = node as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...source };
  if ('text' in source) {
    const rightToLeft = isRightToLeft(plainText(source.text));
    copy.text = rewriteText(source.text, found, rightToLeft ? 'rtl' : undefined);
    if (rightToLeft && !('alignment' in source)) copy.alignment = 'right';
  }
  for (const key of CONTAINER_KEYS) if (key in source) copy[key] = rewrite(source[key], found);
  if ('content' in source) copy.content = rewrite(source.content, found);
  for (const key of ['header', 'footer'] as const) if (key in source) copy[key] = rewrite(source[key], found);
  const table = source.table as { body?: unknown[][] } | undefined;
  if (table && Array.isArray(table.body)) {
    copy.table = { ...table, body: table.body.map((row) => (Array.isArray(row) ? row.map((cell) => rewrite(cell, found)) : row)) };
  }
  const toc = source.toc as { title?: unknown } | undefined;
  if (toc && toc.title !== undefined) copy.toc = { ...toc, title: rewrite(toc.title, found) };
  if (typeof source.svg === 'string' && !found.shaped && SHAPED_SCRIPTS.test(source.svg)) found.shaped = true;
  return copy;
}

/** The words of a pdfmake text value (a string, or pieces with their own styles), for telling its direction. */
function plainText(text: unknown): string {
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return text.map(plainText).join('');
  if (typeof text === 'object' && text !== null && 'text' in text) return plainText((text as { text: unknown }).text);
  return '';
}

function rewriteText(text: unknown, found: Found, direction?: 'rtl'): unknown {
  if (typeof text === 'string') return inlinesOf(text, found, direction);
  if (Array.isArray(text)) {
    return text.flatMap((piece) => {
      if (typeof piece === 'string') {
        const inlines = inlinesOf(piece, found, direction);
        return typeof inlines === 'string' ? [inlines] : inlines;
      }
      if (typeof piece === 'object' && piece !== null && 'text' in piece) {
        const { text: pieceText, ...style } = piece as { text: unknown };
        const rewritten = rewriteText(pieceText, found, direction);
        // A styled piece split into inlines: each inline keeps the piece's style (pdfmake does not pass it down).
        return Array.isArray(rewritten) ? rewritten.map((inline) => (typeof inline === 'string' ? { ...style, text: inline } : { ...style, ...(inline as object) })) : [{ ...style, text: rewritten }];
      }
      return [piece];
    });
  }
  return text;
}

/**
 * A map label as an SVG element. Text Roboto draws alone stays a <text>; anything else is drawn as glyph
 * outlines shaped by fontkit (svg-to-pdfkit places glyphs one by one, which breaks joined and reordered
 * scripts), runs in visual order. The map's aria-label lists every name as text.
 */
export function svgLabel(text: string, at: LabelPlacement): string {
  const inlines = scriptInlines(text);
  if (typeof inlines === 'string') return textLabel(inlines, at);
  const runs = visualOrder(runsOf(text));
  const shaped = runs.map((run) => {
    const font = openFont(run.family);
    return { font, glyphRun: font.layout(run.text), scale: at.size / font.unitsPerEm };
  });
  const width = shaped.reduce((sum, { glyphRun, scale }) => sum + glyphRun.positions.reduce((total, position) => total + position.xAdvance * scale, 0), 0);
  let x = at.anchor === 'end' ? at.x - width : at.x;
  const paths: string[] = [];
  for (const { glyphRun, scale } of shaped) {
    glyphRun.glyphs.forEach((glyph, index) => {
      const position = glyphRun.positions[index]!;
      const d = glyph.path.scale(scale, -scale).translate(x + position.xOffset * scale, at.y - position.yOffset * scale).toSVG();
      if (d) paths.push(d);
      x += position.xAdvance * scale;
    });
  }
  return `<path d="${paths.join('')}" fill="#222222"/>`;
}

function levelOf(features: readonly string[] | null | undefined): number {
  if (!features) return 0;
  if (features.includes('rtla')) return 1;
  if (features.includes('ltra')) return 2;
  return 0;
}

/** Rule L2: from the highest level down to 1, reverse every maximal sequence at that level or higher. */
function visualOrder<T extends { level: number }>(items: T[]): T[] {
  const ordered = [...items];
  const highest = Math.max(0, ...ordered.map((item) => item.level));
  for (let level = highest; level >= 1; level--) {
    let start = 0;
    while (start < ordered.length) {
      if (ordered[start]!.level < level) {
        start++;
        continue;
      }
      let end = start;
      while (end < ordered.length && ordered[end]!.level >= level) end++;
      ordered.splice(start, end - start, ...ordered.slice(start, end).reverse());
      start = end;
    }
  }
  return ordered;
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[name]!);
}

export interface RenderedInline {
  text: string;
  x: number;
  width: number;
  fontFeatures?: string[] | null;
}

/**
 * A laid-out line's inlines in visual order (rule L2 over their bidi levels), placed left to right from
 * where the line starts. Lines with no right-to-left run come back as they are.
 */
export function placeInVisualOrder<T extends RenderedInline>(inlines: T[]): T[] {
  if (!inlines.some((inline) => levelOf(inline.fontFeatures) > 0)) return inlines;
  let cursor = Math.min(...inlines.map((inline) => inline.x));
  const ordered = visualOrder(inlines.map((inline) => ({ inline, level: levelOf(inline.fontFeatures) }))).map(({ inline }) => inline);
  for (const inline of ordered) {
    inline.x = cursor;
    cursor += inline.width;
  }
  return ordered;
}

interface TaggablePdf {
  _root: { data: { StructTreeRoot?: unknown } };
  struct(type: string, options: { actual?: string; alt?: string }, children: (() => void)[]): unknown;
  addStructure(element: unknown): void;
}

let installed = false;
/**
 * Teaches pdfmake's renderer two things about each laid-out line:
 * - visual order: after pdfmake has broken text into lines (in logical order), a line holding
 *   right-to-left runs has its inlines reordered and placed left to right again from where it starts;
 * - logical text: in a tagged document each line is a structure element (Span) whose ActualText, when
 *   the line holds shaped text, is the line in logical order (the glyphs alone give visual order, and
 *   a glyph shared by several letters maps to only one of them).
 */
export function installBidiLineOrder(): void {
  if (installed) return;
  const Renderer = (require(path.join(PDFMAKE_DIR, 'js', 'Renderer.js')) as { default: { prototype: Record<string, unknown> } }).default;
  const renderLine = Renderer.prototype.renderLine as (this: { pdfDocument: TaggablePdf }, line: { inlines: RenderedInline[] }, x: number, y: number) => void;
  Renderer.prototype.renderLine = function (this: { pdfDocument: TaggablePdf }, line: { inlines: RenderedInline[] }, x: number, y: number) {
    const inlines = line.inlines;
    const logical = inlines.map((inline) => inline.text).join('');
    line.inlines = placeInVisualOrder(inlines);
    const pdf = this.pdfDocument;
    if (!pdf._root.data.StructTreeRoot) {
      renderLine.call(this, line, x, y);
      return;
    }
    const options = SHAPED_SCRIPTS.test(logical) ? { actual: logical.trimEnd() } : {};
    pdf.addStructure(pdf.struct('Span', options, [() => renderLine.call(this, line, x, y)]));
  };
  // A map is a Figure whose Alt text lists the names its labels show (some drawn as outlines).
  const renderSVG = Renderer.prototype.renderSVG as (this: { pdfDocument: TaggablePdf }, svg: { svg: unknown }) => void;
  Renderer.prototype.renderSVG = function (this: { pdfDocument: TaggablePdf }, svg: { svg: unknown }) {
    const pdf = this.pdfDocument;
    const label = typeof svg.svg === 'string' ? /aria-label="([^"]*)"/.exec(svg.svg)?.[1] : undefined;
    if (!pdf._root.data.StructTreeRoot || label === undefined) {
      renderSVG.call(this, svg);
      return;
    }
    pdf.addStructure(pdf.struct('Figure', { alt: unescapeXml(label) }, [() => renderSVG.call(this, svg)]));
  };
  installed = true;
}
