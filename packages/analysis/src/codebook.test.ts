import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { codebookToCsv, codebookToQdc, themeGuid } from './codebook.ts';
import type { CodebookNote, Theme } from './codebook.ts';

const notes: CodebookNote[] = [
  { id: 'n1', text: 'Nobody knows the crisis line number', kind: 'gap', group: 'lived_experience', tableId: 't1' },
  { id: 'n2', text: '=cmd|" /C calc"!A0', kind: 'quote', group: 'carer', tableId: 't2' },
  { id: 'n3', text: 'GPs & housing <never> talk', kind: 'observation', group: 'housing', tableId: 't3' },
];
const themes: Theme[] = [
  { id: 'th1', title: 'Access & awareness', description: 'People do not know what exists', noteIds: ['n1', 'n2'] },
  { id: 'th2', title: 'Silos', description: '', noteIds: ['n3', 'missing-note'] },
  { id: 'th3', title: 'Digital exclusion', description: 'No notes yet', noteIds: [] },
];
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

describe('codebookToCsv', () => {
  const rows = Papa.parse<Record<string, string>>(codebookToCsv(themes, notes), { header: true, skipEmptyLines: true }).data;

  it('has a row per theme and note, and a row for an empty theme', () => {
    expect(rows.map((row) => [row.theme, row.note_id])).toEqual([
      ['Access & awareness', 'n1'],
      ['Access & awareness', 'n2'],
      ['Silos', 'n3'],
      ['Digital exclusion', ''],
    ]);
    expect(rows[0]).toMatchObject({ stakeholder_group: 'lived_experience', note_kind: 'gap', table_id: 't1' });
  });

  it('neutralises formulas and never exports author ids', () => {
    expect(rows[1]!.note_text).toBe(`'=cmd|" /C calc"!A0`);
    expect(Object.keys(rows[0]!)).not.toContain('authorId');
  });

  it('refuses a theme without a title', () => {
    expect(() => codebookToCsv([{ id: 'x', title: ' ', description: '', noteIds: [] }], notes)).toThrow(/theme title is required/);
  });
});

describe('codebookToQdc', () => {
  const xml = codebookToQdc(themes, notes);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, _p, _l, attr) => !attr && name === 'Code' }).parse(xml);

  it('is a well-formed REFI-QDA codebook with one code per theme', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(doc.CodeBook.xmlns).toBe('urn:QDA-XML:codebook:1.0');
    const codes = doc.CodeBook.Codes.Code;
    expect(codes.map((code: { name: string }) => code.name)).toEqual(['Access & awareness', 'Silos', 'Digital exclusion']);
    for (const code of codes) {
      expect(code.guid).toMatch(GUID);
      expect(code.isCodable).toBe('true');
    }
  });

  it('keeps the same GUID for a theme across exports, and different GUIDs for different themes', () => {
    expect(themeGuid('th1')).toBe(themeGuid('th1'));
    expect(new Set(themes.map((theme) => themeGuid(theme.id))).size).toBe(3);
    expect(codebookToQdc(themes, notes)).toBe(xml);
  });

  it("puts the description and the theme's notes, escaped, into the code's description", () => {
    const silos = doc.CodeBook.Codes.Code[1];
    expect(silos.Description).toBe('Notes:\n- [housing] GPs & housing <never> talk');
    expect(xml).not.toContain('<never>');
  });
});

describe('table themes as sub-codes', () => {
  const withSubs: Theme[] = [
    {
      id: 'th1',
      title: 'Access & awareness',
      description: '',
      noteIds: ['n1', 'n2'],
      subThemes: [
        { id: 't1/a', title: 'Nobody knows', tableId: 't1', noteIds: ['n1'] },
        { id: 't2/b', title: 'Where to go', tableId: 't2', noteIds: ['n2'] },
      ],
    },
  ];

  it('nests each table theme as a code inside its event theme in the REFI-QDA codebook', () => {
    const xml = codebookToQdc(withSubs, notes);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, _p, _l, attr) => !attr && name === 'Code' }).parse(xml);
    const [parent] = doc.CodeBook.Codes.Code;
    expect(parent.name).toBe('Access & awareness');
    expect(parent.Code.map((code: { name: string }) => code.name)).toEqual(['Nobody knows', 'Where to go']);
    expect(parent.Code[0].Description).toBe('Raised by table t1.\n\nNotes:\n- [lived_experience] Nobody knows the crisis line number');
    expect(new Set([parent.guid, ...parent.Code.map((code: { guid: string }) => code.guid)]).size).toBe(3);
    for (const code of parent.Code) expect(code.guid).toMatch(GUID);
  });

  it('names the table theme each note came through in the CSV', () => {
    const rows = Papa.parse<Record<string, string>>(codebookToCsv(withSubs, notes), { header: true, skipEmptyLines: true }).data;
    expect(rows.map((row) => [row.note_id, row.table_theme_id, row.table_theme])).toEqual([
      ['n1', 't1/a', 'Nobody knows'],
      ['n2', 't2/b', 'Where to go'],
    ]);
  });

  it('refuses a table theme without a title', () => {
    expect(() => codebookToQdc([{ ...withSubs[0]!, subThemes: [{ id: 't1/a', title: '', tableId: 't1', noteIds: [] }] }], notes)).toThrow(/table theme title is required/);
  });
});
