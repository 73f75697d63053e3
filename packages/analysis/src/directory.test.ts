import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { directoryRows, directoryToCsv, directoryToHsds } from './directory.ts';
import { nameGroupId } from './merge.ts';
import { FORMULA_NAME, HOSTILE_NAME, exportFixture } from './exports-fixture.ts';

const analysis = exportFixture();
const housing = nameGroupId('Riverside Housing');

describe('directoryRows', () => {
  const rows = directoryRows(analysis);

  it('lists each merged organisation once, with the tables that mentioned it and its links', () => {
    // Sorted by name, as a reader of a directory expects (punctuation sorts first).
    expect(rows.map((row) => row.name)).toEqual(['@Crisis line', HOSTILE_NAME, FORMULA_NAME, 'Riverside Housing']);
    const row = rows.find((r) => r.id === housing)!;
    expect(row).toMatchObject({ sector: 'housing', sectorLabel: 'Housing', size: 'regional', locality: 'Riverside', tables: ['Table <1> & co', 'Table 2'], tableIds: ['t1', 't2'] });
    // Three links touch it (existing, wanted, broken); only the existing one is a tie.
    expect(row.linkCount).toBe(3);
    expect(row.degree).toBe(1);
  });

  it("applies the facilitator's edits without changing the analysis", () => {
    const edited = directoryRows(analysis, { [housing]: { name: 'Riverside Housing Association', remit: 'Supported housing' } });
    expect(edited.find((r) => r.id === housing)).toMatchObject({ name: 'Riverside Housing Association', remit: 'Supported housing' });
    expect(analysis.organisations.find((o) => o.id === housing)!.name).toBe('Riverside Housing');
  });

  it('refuses malformed edits with a clear message', () => {
    expect(() => directoryRows(analysis, { [housing]: { name: '' } })).toThrow(/name is required/);
    expect(() => directoryRows(analysis, { [housing]: { size: 'huge' } } as never)).toThrow(/size must be grassroots/);
  });
});

describe('directoryToCsv', () => {
  const csv = directoryToCsv(directoryRows(analysis));
  const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;

  it('neutralises every cell a spreadsheet would run as a formula', () => {
    const cells = parsed.flat();
    for (const cell of cells) expect(cell, cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells).toContain(`'${FORMULA_NAME}`);
    expect(cells).toContain("'@Crisis line");
    expect(cells).toContain("'+44 1234 567890");
    expect(cells).toContain("'-1 wait");
  });

  it('also neutralises a formula followed by a line break, which the stock pattern misses', () => {
    const row = { ...directoryRows(analysis)[0]!, name: '=1+1\nsecond line', remit: '\tcmd' };
    const [, data] = Papa.parse<string[]>(directoryToCsv([row]), { skipEmptyLines: true }).data;
    expect(data![0]).toBe("'=1+1\nsecond line");
    expect(data![4]).toBe("'\tcmd");
  });

  it('round-trips names with quotes, commas and markup', () => {
    expect(parsed[0]).toEqual(['name', 'sector', 'size', 'locality', 'remit', 'tables', 'links']);
    expect(parsed.find((row) => row[0] === HOSTILE_NAME)).toEqual([HOSTILE_NAME, 'Voluntary sector', 'grassroots', 'Northshore & District', 'Peer "support"\nand more', 'Table <1> & co', '1']);
  });
});

describe('directoryToHsds', () => {
  it('links organizations, services and locations by id, in the spirit of Open Referral HSDS', () => {
    const hsds = directoryToHsds(directoryRows(analysis));
    expect(hsds.organizations).toHaveLength(4);
    expect(hsds.services).toHaveLength(4);
    const orgIds = new Set(hsds.organizations.map((o) => (o as { id: string }).id));
    for (const item of [...hsds.services, ...hsds.locations]) expect(orgIds.has((item as { organization_id: string }).organization_id)).toBe(true);
    // Only organisations with a locality get a location.
    expect(hsds.locations.map((l) => (l as { name: string }).name).sort()).toEqual(['Northshore & District', 'Riverside']);
    expect(hsds.organizations).toContainEqual(expect.objectContaining({ name: HOSTILE_NAME, description: 'Peer "support"\nand more', x_sector: 'vcse' }));
    // Survives JSON serialisation unchanged.
    expect(JSON.parse(JSON.stringify(hsds))).toEqual(hsds);
  });
});
