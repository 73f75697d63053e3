import { describe, expect, it } from 'vitest';
import { ReportInputError, buildTablePacksDefinition, renderTablePacks, tableJoinUrl, type TablePacksInput } from './index.ts';
import { inkShare, pdfInfo, pdfPages, rasterisePage } from '@tablemap/test-support';

const input: TablePacksInput = {
  event: {
    title: 'Leeds Learning Exchange',
    prompts: [
      { id: 'prompt2', text: 'Physical and mental health', order: 1 },
      { id: 'prompt1', text: 'Communities and connections', order: 0 },
    ],
    tables: [
      { id: 'tablea', name: 'Table Amber', order: 0 },
      { id: 'tableb', name: 'Table Blue', order: 1 },
      { id: 'tablec', name: 'Table Cedar', order: 2 },
    ],
  },
  joinBaseUrl: 'https://tablemap.example.org/join',
  joinCode: 'K7QP2M',
  seated: [
    { tableId: 'tablea', firstNames: ['Aurelia Fenwick', 'Bartholomew'] },
    { tableId: 'tableb', firstNames: ['Zażółć'] },
  ],
};

describe('printable table packs', () => {
  it('prints one page per table with its name, join code and prompts in order, and no names by default', async () => {
    const pdf = await renderTablePacks(input);
    const pages = await pdfPages(pdf, false);
    expect((await pdfInfo(pdf)).Pages).toBe('3');
    input.event.tables.forEach((table, i) => {
      const page = pages[i]!;
      expect(page).toContain(table.name);
      // The code is letter-spaced for reading across a table, so a text layer may split it into letters.
      expect(page.replace(/\s+/g, '')).toContain('K7QP2M');
      expect(page).toContain('https://tablemap.example.org/join');
      expect(page.indexOf('Communities and connections')).toBeLessThan(page.indexOf('Physical and mental health'));
      expect(page).not.toContain('Seated here');
    });
    expect(pages.join()).not.toMatch(/Aurelia|Bartholomew|Zażółć/);
  });

  it('draws the QR code', async () => {
    const pdf = await renderTablePacks(input);
    // The QR code sits centred under the table name.
    expect(inkShare(await rasterisePage(pdf, 2, 50), { top: 0.15, left: 0.3, bottom: 0.45, right: 0.7 })).toBeGreaterThan(0.2);
  });

  it('prints seated first names only, and only when asked', async () => {
    const pages = await pdfPages(await renderTablePacks(input, { includeFirstNames: true }), false);
    expect(pages[0]).toContain('Aurelia, Bartholomew');
    expect(pages[0]).not.toContain('Fenwick');
    expect(pages[1]).toContain('Zażółć');
    expect(pages[2]).toContain('No one is seated at this table yet.');
  });

  it('builds join links that carry the code and the table', () => {
    expect(tableJoinUrl('http://192.168.1.20:3000/join', 'K7QP2M', 'tableb')).toBe('http://192.168.1.20:3000/join/K7QP2M/tableb');
    expect(tableJoinUrl('https://maps.example.org/join/', 'K7QP2M', 't1')).toBe('https://maps.example.org/join/K7QP2M/t1');
  });

  it('refuses a join link that is not an http(s) URL, and a missing code', () => {
    expect(() => buildTablePacksDefinition({ ...input, joinBaseUrl: 'javascript:alert(1)' })).toThrow(ReportInputError);
    expect(() => buildTablePacksDefinition({ ...input, joinBaseUrl: 'not a url' })).toThrow(/joinBaseUrl/);
    expect(() => buildTablePacksDefinition({ ...input, joinCode: '  ' })).toThrow(/join code is required/);
  });

  it('explains an event with no tables', async () => {
    const pages = await pdfPages(await renderTablePacks({ ...input, event: { ...input.event, tables: [] } }), false);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('no tables yet');
  });
});
