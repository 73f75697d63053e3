import Papa from 'papaparse';

/**
 * Cells a spreadsheet would run as a formula. Papa's own `escapeFormulae: true` uses /^[=+\-@\t\r].*$/,
 * which misses a formula followed by a line break ("=HYPERLINK(...)\nx"), so we pass our own pattern.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** CSV (RFC 4180, CRLF) with every formula-like cell neutralised by a leading apostrophe. */
export function toSafeCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return Papa.unparse(
    { fields: [...header], data: rows.map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : String(cell)))) },
    { escapeFormulae: FORMULA_START, newline: '\r\n', quotes: false },
  );
}
