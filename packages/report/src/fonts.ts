// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- fontkit ships no types; consumers type-checking this source need them too
/// <reference path="./fontkit.d.ts" />
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Fontkit from 'fontkit';

const require = createRequire(import.meta.url);

/** The pdfmake package directory: its bundled Roboto is the only font the report uses. */
export const PDFMAKE_DIR = path.dirname(require.resolve('pdfmake/package.json'));
const ROBOTO_DIR = path.join(PDFMAKE_DIR, 'fonts', 'Roboto');

export const REPORT_FONTS = {
  Roboto: {
    normal: path.join(ROBOTO_DIR, 'Roboto-Regular.ttf'),
    bold: path.join(ROBOTO_DIR, 'Roboto-Medium.ttf'),
    italics: path.join(ROBOTO_DIR, 'Roboto-Italic.ttf'),
    bolditalics: path.join(ROBOTO_DIR, 'Roboto-MediumItalic.ttf'),
  },
};

/**
 * Shown in place of characters Roboto cannot draw (Arabic/Urdu, Gujarati, emoji, CJK…).
 * pdfmake has no font fallback, so without this the text would print as empty boxes.
 */
export const UNSUPPORTED_MARKER = '[?]';

let roboto: Fontkit.Font | undefined;
const coverage = new Map<number, boolean>();

function robotoHasGlyph(codePoint: number): boolean {
  let known = coverage.get(codePoint);
  if (known === undefined) {
    // Loaded on the first non-ASCII character, not at import: most processes that import the report never need it.
    roboto ??= (require('fontkit') as typeof Fontkit).openSync(REPORT_FONTS.Roboto.normal);
    known = roboto.hasGlyphForCodePoint(codePoint);
    coverage.set(codePoint, known);
  }
  return known;
}

/** Joiners, variation selectors and skin-tone modifiers belong to the unsupported run around them (e.g. inside an emoji). */
function isInvisibleModifier(codePoint: number): boolean {
  return (
    codePoint === 0x200c ||
    codePoint === 0x200d ||
    codePoint === 0xfe0e ||
    codePoint === 0xfe0f ||
    (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff)
  );
}

/** Control characters other than tab and newline would otherwise render as garbage. */
function isControl(codePoint: number): boolean {
  return (codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a) || codePoint === 0x7f;
}

/**
 * Makes text safe for the report's font: every run of characters Roboto lacks becomes one
 * UNSUPPORTED_MARKER, and control characters are dropped. Plain ASCII takes a fast path.
 */
export function printable(text: string): string {
  if (/^[\u0020-\u007e\n\t]*$/.test(text)) return text;
  let out = '';
  let inUnsupportedRun = false;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (isControl(codePoint)) continue;
    const drawable = char === '\n' || char === '\t' || (!isInvisibleModifier(codePoint) && robotoHasGlyph(codePoint));
    if (drawable) {
      out += char;
      inUnsupportedRun = false;
    } else if (!inUnsupportedRun) {
      out += UNSUPPORTED_MARKER;
      inUnsupportedRun = true;
    }
  }
  return out;
}
