import type { StyleDictionary } from 'pdfmake/interfaces.js';

const INK = '#1b2a3a';
const ACCENT = '#1f4e79';
const MUTED = '#5a6470';

/** Readable type: 10.5pt body with generous leading; a clear step between heading levels. */
export const REPORT_STYLES: StyleDictionary = {
  title: { fontSize: 28, bold: true, color: ACCENT },
  subtitle: { fontSize: 14, color: MUTED },
  h1: { fontSize: 20, bold: true, color: ACCENT, margin: [0, 0, 0, 12] },
  h2: { fontSize: 14, bold: true, color: INK, margin: [0, 14, 0, 6] },
  h3: { fontSize: 11.5, bold: true, color: INK, margin: [0, 10, 0, 4] },
  body: { fontSize: 10.5, lineHeight: 1.3, margin: [0, 0, 0, 6] },
  note: { fontSize: 9.5, lineHeight: 1.25, margin: [0, 0, 0, 5] },
  meta: { fontSize: 8.5, color: MUTED, margin: [0, 0, 0, 6] },
  small: { fontSize: 8.5, color: MUTED },
  empty: { fontSize: 10.5, italics: true, color: MUTED, margin: [0, 2, 0, 8] },
  attribution: { fontSize: 9.5, color: MUTED, margin: [0, 2, 0, 0] },
  tocSub: { fontSize: 9.5, color: MUTED },
  tableHeader: { bold: true, color: INK },
  packTitle: { fontSize: 30, bold: true, color: ACCENT, alignment: 'center' },
  joinCode: { fontSize: 54, bold: true, alignment: 'center', characterSpacing: 6 },
};
