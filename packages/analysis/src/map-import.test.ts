import { DEFAULT_SECTORS } from '@tablemap/model';
import writeXlsxFile from 'write-excel-file/node';
import { describe, expect, it } from 'vitest';
import { exportFixture } from './exports-fixture.ts';
import { importedTable, MAX_IMPORT_ELEMENTS, previewMapImport } from './map-import.ts';
import { previewMapFile, readKumuJson } from './map-import-formats.ts';
import { mergeTableMaps } from './merge.ts';
import { toGexf, toGraphML } from './research.ts';

const sectors = DEFAULT_SECTORS.map(({ id, label }) => ({ id, label }));

// A Kumu export with the problems people's files have: a missing id, a duplicate label, a cycle,
// a connection to nowhere, a self-link, an unknown type.
const kumu = JSON.stringify({
  elements: [
    { _id: 'e1', attributes: { label: 'Eastfield GP', 'element type': 'Primary care (GP practices, PCNs)' } },
    { _id: 'e2', attributes: { label: 'Northshore Mind', 'element type': 'VCSE', description: 'Peer support' } },
    { attributes: { label: 'Crisis Housing', 'element type': 'Housing' } },
    { _id: 'e4', attributes: { label: 'northshore  MIND', 'element type': 'vcse' } },
    { _id: 'e5', attributes: { 'element type': 'Housing' } },
    { _id: 'e6', label: 'Moonbase', type: 'Space agency' },
  ],
  connections: [
    { from: 'e1', to: 'e2', attributes: { 'connection type': 'Referral' } },
    { from: 'e2', to: 'Crisis Housing', attributes: { 'connection type': 'refers people to' }, direction: 'directed' },
    { from: 'Crisis Housing', to: 'e1', attributes: { 'connection type': 'referral' } },
    { from: 'e4', to: 'e1', attributes: { 'connection type': 'Partnership' }, direction: 'mutual' },
    { from: 'e1', to: 'e99', attributes: { 'connection type': 'Referral' } },
    { from: 'e6', to: 'e6', attributes: { 'connection type': 'Referral' } },
    { from: 'e6', to: 'e1', attributes: { 'connection type': 'Vibes', status: 'wanted' } },
  ],
});

describe('previewMapImport (Kumu JSON)', () => {
  const preview = previewMapImport(readKumuJson(kumu), sectors);
  const element = (line: number) => preview.elements.find((row) => row.line === line)!;
  const connection = (line: number) => preview.connections.find((row) => row.line === line)!;
  const codes = (row: { problems: { code: string }[] }) => row.problems.map((p) => p.code);

  it('maps element types to the event’s sectors by label or id', () => {
    expect(element(1).organisation).toMatchObject({ name: 'Eastfield GP', sector: 'primary_care' });
    expect(element(2).organisation).toMatchObject({ name: 'Northshore Mind', sector: 'vcse', remit: 'Peer support' });
  });

  it('reports each problem on its row and leaves blocking rows out', () => {
    expect(codes(element(3))).toEqual(['missing_id']);
    expect(element(3).skip).toBe(false);
    expect(codes(element(4))).toEqual(['duplicate_label']);
    expect(element(4).skip).toBe(true);
    expect(element(4).problems[0]!.message).toBe('Same name as element 2: the two are imported as one organisation');
    expect(codes(element(5))).toEqual(['missing_label']);
    expect(codes(element(6))).toEqual(['unknown_sector']);
    expect(element(6).organisation!.sector).toBe('other');
    expect(codes(connection(5))).toEqual(['unknown_end']);
    expect(connection(5).problems[0]!.message).toBe('"e99" is not an element that is being imported');
    expect(codes(connection(6))).toEqual(['self_link']);
    expect(codes(connection(7))).toEqual(['unknown_kind']);
    expect(connection(7).link).toMatchObject({ kind: 'informal', status: 'wanted' });
  });

  it('imports a cycle as it is, and follows a duplicate’s id to the organisation it joins', () => {
    expect([1, 2, 3].map((line) => connection(line).link?.kind)).toEqual(['refers_to', 'refers_to', 'refers_to']);
    expect(connection(4).link).toMatchObject({ kind: 'collaborates', mutual: true, source: element(2).organisation!.id });
    expect(connection(4)).toMatchObject({ from: 'e4', fromName: 'Northshore Mind', toName: 'Eastfield GP' });
    expect(connection(5)).toMatchObject({ fromName: 'Eastfield GP' });
    expect(connection(5).toName).toBeUndefined();
    expect(preview.counts).toEqual({ organisations: 4, links: 5, skipped: 4, withProblems: 7 });
  });

  it('becomes one table’s map that merges like any other (a seed map or the earlier event)', () => {
    const seed = importedTable(preview);
    expect(seed.organisations).toHaveLength(4);
    const map = mergeTableMaps([seed]);
    expect(map.problems).toEqual([]);
    // GP -> Mind (referral) and Mind <-> GP (partnership) are one pair on the merged map.
    expect(map.links).toHaveLength(4);
    expect(map.links.flatMap((l) => l.assertions)).toHaveLength(5);
  });

  it('keeps a referral each way but drops a repeated connection', () => {
    const twoWays = previewMapImport(readKumuJson(JSON.stringify({
      elements: [{ _id: 'a', label: 'A' }, { _id: 'b', label: 'B' }],
      connections: [{ from: 'a', to: 'b', type: 'referral' }, { from: 'b', to: 'a', type: 'referral' }, { from: 'a', to: 'b', type: 'referral' }, { from: 'b', to: 'a', type: 'partnership' }, { from: 'a', to: 'b', type: 'partnership' }],
    })), sectors);
    expect(twoWays.connections.map((row) => row.problems.map((p) => p.code))).toEqual([[], [], ['duplicate_connection'], [], ['duplicate_connection']]);
  });

  it('refuses a map over 10,000 elements, and an empty one, with a plain message', () => {
    const huge = { elements: Array.from({ length: MAX_IMPORT_ELEMENTS + 1 }, (_, i) => ({ _id: `e${i}`, label: `Org ${i}` })), connections: [] };
    const refused = previewMapImport(readKumuJson(JSON.stringify(huge)), sectors);
    expect(refused.fatal).toEqual({ code: 'too_many_elements', message: 'The file has 10,001 elements; at most 10,000 can be imported. Split the map or remove elements first.' });
    expect(refused.elements).toEqual([]);
    expect(previewMapImport(readKumuJson('{"elements": []}'), sectors).fatal?.code).toBe('empty');
  });

  it('previews exactly 10,000 elements with problems on their rows', () => {
    const many = { elements: Array.from({ length: MAX_IMPORT_ELEMENTS }, (_, i) => ({ label: i % 2 ? `Org ${i}` : `Org ${i - 1}`, type: 'vcse' })), connections: [] };
    const preview = previewMapImport(readKumuJson(JSON.stringify(many)), sectors);
    expect(preview.fatal).toBeUndefined();
    expect(preview.counts.organisations).toBe(5000);
    expect(preview.elements.filter((row) => row.problems.some((p) => p.code === 'duplicate_label'))).toHaveLength(5000);
  });
});

describe('previewMapFile', () => {
  it('refuses a file that is not what it says, without throwing', async () => {
    expect((await previewMapFile({ format: 'kumu', content: 'not json' }, sectors)).fatal).toEqual({ code: 'unreadable', message: 'The file is not valid JSON.' });
    expect((await previewMapFile({ format: 'kumu', content: '{"nodes": []}' }, sectors)).fatal?.message).toContain('no "elements" list');
    expect((await previewMapFile({ format: 'graphml', content: '<graphml><graph>' }, sectors)).fatal?.code).toBe('unreadable');
    expect((await previewMapFile({ format: 'xlsx', content: new ArrayBuffer(10) }, sectors)).fatal?.code).toBe('unreadable');
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><gexf><graph/></gexf>';
    expect((await previewMapFile({ format: 'gexf', content: bomb }, sectors)).fatal?.message).toContain('DOCTYPE');
    expect((await previewMapFile({ format: 'csv', content: 'x'.repeat(11 * 1024 * 1024) }, sectors)).fatal?.code).toBe('too_large');
  });

  it('reads two CSV files of elements and connections, with spreadsheet line numbers', async () => {
    const preview = await previewMapFile({
      format: 'csv',
      content: '\uFEFFLabel,Type,Locality\nEastfield GP,primary_care,Eastfield\nCrisis Housing,Housing,\n,vcse,\n',
      connections: 'From,To,Type,Status\nEastfield GP,Crisis Housing,referral,broken\n',
    }, sectors);
    expect(preview.elements.map((row) => [row.line, row.organisation?.name ?? null])).toEqual([[2, 'Eastfield GP'], [3, 'Crisis Housing'], [4, null]]);
    expect(preview.elements[0]!.organisation!.locality).toBe('Eastfield');
    expect(preview.connections[0]).toMatchObject({ line: 2, link: { kind: 'refers_to', status: 'broken' } });
  });

  it('reads an XLSX workbook with Elements and Connections sheets', async () => {
    const buffer = await writeXlsxFile([
      { sheet: 'Elements', data: [['Label', 'Type', 'Size'], ['Eastfield GP', 'Primary care', 'local'], ['Crisis Housing', 'housing', 'huge']] },
      { sheet: 'Connections', data: [['From', 'To', 'Type'], ['Eastfield GP', 'Crisis Housing', 'Funding']] },
    ]).toBuffer();
    const content = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    const preview = await previewMapFile({ format: 'xlsx', content }, sectors);
    expect(preview.fatal).toBeUndefined();
    expect(preview.elements[0]!.organisation).toMatchObject({ name: 'Eastfield GP', sector: 'primary_care', size: 'local' });
    expect(preview.elements[1]!.problems.map((p) => p.code)).toEqual(['unknown_size']);
    expect(preview.connections[0]!.link).toMatchObject({ kind: 'funds' });
  });

  it('reads back Tablemap’s own GraphML and GEXF exports: same organisations, sectors and links', async () => {
    const analysis = exportFixture();
    for (const [format, content] of [['graphml', toGraphML(analysis)], ['gexf', toGexf(analysis)]] as const) {
      const preview = await previewMapFile({ format, content }, [...sectors, { id: 'other', label: 'Other' }]);
      expect(preview.fatal).toBeUndefined();
      const names = preview.elements.map((row) => row.organisation?.name).sort();
      expect(names).toEqual(analysis.organisations.map((org) => org.name).sort());
      expect(preview.elements.find((row) => row.label === 'Riverside Housing')!.organisation!.sector).toBe('housing');
      expect(preview.connections.map((row) => [row.link?.kind, row.link?.status])).toEqual(analysis.links.map((link) => [link.kind, link.status]));
    }
  });
});
