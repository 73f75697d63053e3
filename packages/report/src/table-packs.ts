import QRCode from 'qrcode';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { parseReportInput } from './errors.ts';
import { printable } from './fonts.ts';
import { renderPdf, type RenderOptions } from './pdf.ts';
import { REPORT_STYLES } from './styles.ts';
import { TablePacksInputSchema, TablePacksOptionsSchema, type TablePacksInput, type TablePacksOptions } from './types.ts';

/** The link a table's QR code opens: the join page with the event code and table preselected. */
/** The table's QR link: the participant app's `/join/<code>/<tableId>` route under `joinBaseUrl`. */
export function tableJoinUrl(joinBaseUrl: string, joinCode: string, tableId: string): string {
  const url = new URL(joinBaseUrl);
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = `${base}/${encodeURIComponent(joinCode)}/${encodeURIComponent(tableId)}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** A QR code as a vector SVG (qrcode does the encoding; we only draw its modules as one path). */
export function qrCodeSvg(text: string, size = 200): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4; // the quiet zone scanners need around the symbol
  const total = modules.size + quiet * 2;
  let path = '';
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.data[row * modules.size + col]) path += `M${col + quiet} ${row + quiet}h1v1h-1z`;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges"><rect width="${total}" height="${total}" fill="#ffffff"/><path d="${path}" fill="#000000"/></svg>`;
}

/** First names only: anything after the first space is dropped, so a full name never prints. */
const firstNameOnly = (name: string) => name.trim().split(/\s+/)[0] ?? '';

export function buildTablePacksDefinition(input: TablePacksInput, options: TablePacksOptions = {}): TDocumentDefinitions {
  const valid = parseReportInput(TablePacksInputSchema, input, 'table pack input');
  const { includeFirstNames } = parseReportInput(TablePacksOptionsSchema, options, 'table pack options');
  const tables = [...valid.event.tables].sort((a, b) => a.order - b.order);
  const prompts = [...valid.event.prompts].sort((a, b) => a.order - b.order);
  const seatedByTable = new Map(valid.seated.map((entry) => [entry.tableId, entry.firstNames]));

  const content: Content[] =
    tables.length === 0
      ? [{ text: 'This event has no tables yet, so there are no table packs to print.', style: 'body' }]
      : tables.map((table, index): Content => {
          const url = tableJoinUrl(valid.joinBaseUrl, valid.joinCode, table.id);
          const page: Content[] = [
            { text: printable(valid.event.title), style: 'subtitle', alignment: 'center', margin: [0, 0, 0, 6] },
            { text: printable(table.name), style: 'packTitle', margin: [0, 0, 0, 16] },
            { svg: qrCodeSvg(url), width: 200, alignment: 'center' },
            { text: 'Scan to join, or go to', fontSize: 12, color: '#5a6470', alignment: 'center', margin: [0, 10, 0, 2] },
            { text: valid.joinBaseUrl, fontSize: 14, alignment: 'center' },
            { text: 'and enter the code', fontSize: 12, color: '#5a6470', alignment: 'center', margin: [0, 2, 0, 0] },
            { text: valid.joinCode, style: 'joinCode', margin: [0, 4, 0, 16] },
          ];
          if (prompts.length > 0) {
            page.push({ text: 'Prompts for this session', style: 'h2' });
            page.push({ ol: prompts.map((prompt) => printable(prompt.text)), fontSize: 14, lineHeight: 1.3 });
          }
          if (includeFirstNames) {
            const names = (seatedByTable.get(table.id) ?? []).map(firstNameOnly).filter((name) => name !== '');
            page.push({ text: 'Seated here', style: 'h2' });
            page.push(
              names.length > 0
                ? { text: names.map(printable).join(', '), fontSize: 14 }
                : { text: 'No one is seated at this table yet.', style: 'empty' },
            );
          }
          return { stack: page, pageBreak: index === 0 ? undefined : 'before' };
        });

  return {
    info: { title: `Table packs: ${valid.event.title}`, author: 'Tablemap', subject: 'Printable table packs', creator: 'Tablemap' },
    language: 'en-GB',
    displayTitle: true,
    pageSize: 'A4',
    pageMargins: [50, 50, 50, 50],
    content,
    styles: REPORT_STYLES,
    defaultStyle: { font: 'Roboto', fontSize: 11 },
  };
}

export async function renderTablePacks(
  input: TablePacksInput,
  options: TablePacksOptions = {},
  render: RenderOptions = {},
): Promise<Uint8Array> {
  return renderPdf(buildTablePacksDefinition(input, options), render);
}
