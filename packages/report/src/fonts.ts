import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The pdfmake package directory: its bundled Roboto is the first font; Noto fonts fill in other scripts (see scripts.ts). */
export const PDFMAKE_DIR = path.dirname(require.resolve('pdfmake/package.json'));

/** Control characters other than tab and newline would otherwise render as garbage. */
function isControl(codePoint: number): boolean {
  return (codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a) || codePoint === 0x7f;
}

/**
 * Makes text safe to print: control characters are dropped; every other character is kept, in any
 * script (the report's fonts fall back by script, see scripts.ts). Plain ASCII takes a fast path.
 */
export function printable(text: string): string {
  if (/^[\u0020-\u007e\n\t]*$/.test(text)) return text;
  let out = '';
  for (const char of text) if (!isControl(char.codePointAt(0) ?? 0)) out += char;
  return out;
}
