/**
 * Every project file is validated against the REFI-QDA Project 1.0 XSD (shipped in fixtures/refi-qda)
 * with xmllint compiled to WebAssembly. The checks the schema cannot express stay here: GUIDs unique,
 * every reference resolving to an object of the right kind, selections inside their source's text, and
 * each source file present in the archive.
 */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { NOTE_KINDS } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { QDA_PROJECT_NAMESPACE, qdaGuid, toQdpx, type QdaProjectInput } from './qdpx.ts';

const PROJECT_XSD = readFileSync(new URL('./fixtures/refi-qda/Project-mrt2019.xsd', import.meta.url), 'utf8');

/** The schema's complaints about a project file: an empty list means it is valid. */
async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: 'project.qde', contents: xml }],
    schema: [{ fileName: 'Project-mrt2019.xsd', contents: PROJECT_XSD }],
  });
  return result.errors.map((error) => error.rawMessage);
}

const projectXml = (project: QdaProjectInput) => strFromU8(unzipSync(toQdpx(project))['project.qde']!);

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const input: QdaProjectInput = {
  title: 'Northshore learning exchange <2026>',
  exportedAt: '2026-11-30T10:00:00.000Z',
  tables: [{ id: 't1', name: 'Table 1' }, { id: 't2', name: 'Table & 2' }],
  notes: [
    { id: 'n1', text: 'Nobody tells carers what happens after discharge.', kind: 'gap', group: 'carer', tableId: 't1' },
    { id: 'n2', text: 'The crisis café 🌙 works — when you can find it.', kind: 'quote', group: 'lived_experience', tableId: 't1' },
    { id: 'n3', text: '<script>alert(1)</script> & GP referrals bounce', kind: 'observation', group: 'primary_care', tableId: 't2' },
    { id: 'n4', text: 'Uncoded note', kind: 'idea', group: 'vcse', tableId: 't2' },
  ],
  themes: [
    { id: 'th1', title: 'Discharge', description: 'Leaving hospital', noteIds: ['n1', 'n3'] },
    { id: 'th2', title: 'Crisis support', description: '', noteIds: ['n2', 'n1', 'gone'] },
  ],
  groupLabels: { carer: 'Carers and family' },
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  preserveOrder: true,
});
type OrderedNode = Record<string, OrderedNode[]> & { ':@'?: Record<string, string>; '#text'?: string };
const nameOf = (node: OrderedNode) => Object.keys(node).find((key) => key !== ':@')!;
const childrenOf = (node: OrderedNode) => (node[nameOf(node)] as OrderedNode[]) ?? [];
function walk(node: OrderedNode, visit: (name: string, attrs: Record<string, string>, node: OrderedNode) => void) {
  const name = nameOf(node);
  if (name === '#text') return;
  visit(name, node[':@'] ?? {}, node);
  for (const child of childrenOf(node)) walk(child, visit);
}

describe('toQdpx', () => {
  const archive = unzipSync(toQdpx(input));
  const xml = strFromU8(archive['project.qde']!);
  const project = (parser.parse(xml) as OrderedNode[]).find((node) => nameOf(node) === 'Project')!;

  it('is a zip holding project.qde and one text file per note', () => {
    expect(Object.keys(archive).sort()).toEqual(['project.qde', ...input.notes.map((note) => `sources/${qdaGuid('note', note.id)}.txt`)].sort());
    expect(strFromU8(archive[`sources/${qdaGuid('note', 'n2')}.txt`]!)).toBe(input.notes[1]!.text);
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('is valid against the REFI-QDA project schema, in the standard namespace', async () => {
    expect(await schemaErrors(xml)).toEqual([]);
    expect(project[':@']).toMatchObject({ xmlns: QDA_PROJECT_NAMESPACE, name: input.title, origin: 'Tablemap' });
    walk(project, (_name, attrs) => {
      if (attrs.creationDateTime) expect(attrs.creationDateTime).toBe(input.exportedAt);
    });
  });

  it('is caught by the schema when a required attribute is missing or children are out of order', async () => {
    const withoutCodable = xml.replace(/ isCodable="true"/, '');
    expect((await schemaErrors(withoutCodable)).join('\n')).toMatch(/isCodable.*is required/);
    const swapped = xml.replace(/(<CodeBook>[\s\S]*<\/CodeBook>)\n(\s*<Variables>[\s\S]*<\/Variables>)/, '$2\n$1');
    expect(swapped).not.toBe(xml);
    expect((await schemaErrors(swapped)).join('\n')).toMatch(/CodeBook.*not expected/);
  });

  it('gives every object a unique, well-formed GUID and every reference a target of the right kind', () => {
    const kindOf = new Map<string, string>();
    const refs: [string, string][] = [];
    walk(project, (name, attrs) => {
      if (attrs.guid) {
        expect(attrs.guid).toMatch(GUID);
        expect(kindOf.has(attrs.guid), `duplicate guid ${attrs.guid}`).toBe(false);
        kindOf.set(attrs.guid, name);
      }
      if (attrs.targetGUID) refs.push([name, attrs.targetGUID]);
      for (const user of ['creatingUser', 'creatingUserGUID']) if (attrs[user]) refs.push(['UserRef', attrs[user]!]);
    });
    const expected: Record<string, string> = { CodeRef: 'Code', SourceRef: 'TextSource', VariableRef: 'Variable', UserRef: 'User' };
    for (const [ref, target] of refs) expect(kindOf.get(target), `${ref} → ${target}`).toBe(expected[ref]);
  });

  it('codes each note’s whole text with its themes, and tables are cases holding their notes', () => {
    const sources = new Map<string, OrderedNode>();
    walk(project, (name, attrs, node) => { if (name === 'TextSource') sources.set(attrs.guid!, node); });
    const codedWith = (noteId: string) => {
      const codes: string[] = [];
      let range: [number, number] | null = null;
      walk(sources.get(qdaGuid('note', noteId))!, (name, attrs) => {
        if (name === 'PlainTextSelection') range = [Number(attrs.startPosition), Number(attrs.endPosition)];
        if (name === 'CodeRef') codes.push(attrs.targetGUID!);
      });
      return { codes, range };
    };
    expect(codedWith('n1')).toEqual({ codes: [qdaGuid('theme', 'th1'), qdaGuid('theme', 'th2')], range: [0, input.notes[0]!.text.length] });
    // The moon is one character, two UTF-16 units: positions count characters.
    expect(codedWith('n2').range).toEqual([0, [...input.notes[1]!.text].length]);
    expect(codedWith('n4')).toEqual({ codes: [], range: null });
    const caseRefs: Record<string, string[]> = {};
    walk(project, (name, attrs, node) => {
      if (name !== 'Case') return;
      caseRefs[attrs.name!] = [];
      walk(node, (child, childAttrs) => { if (child === 'SourceRef') caseRefs[attrs.name!]!.push(childAttrs.targetGUID!); });
    });
    expect(caseRefs).toEqual({ 'Table 1': [qdaGuid('note', 'n1'), qdaGuid('note', 'n2')], 'Table & 2': [qdaGuid('note', 'n3'), qdaGuid('note', 'n4')] });
  });

  it('writes the stakeholder group (by its label), table and kind as variables on each source, never an author id', () => {
    const values: string[] = [];
    walk(project, (name, _attrs, node) => {
      if (name === 'TextValue') values.push(childrenOf(node).map((child) => child['#text'] ?? '').join(''));
    });
    expect(values).toEqual(expect.arrayContaining(['Carers and family', 'lived_experience', 'Table 1', 'Table & 2', 'gap']));
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/author/i);
  });

  it('is byte-identical when exported twice', () => {
    expect(toQdpx(input)).toEqual(toQdpx(input));
  });

  it('refuses malformed input with a clear error', () => {
    expect(() => toQdpx({ ...input, title: ' ' })).toThrow(AnalysisError);
    expect(() => toQdpx({ ...input, exportedAt: 'yesterday' })).toThrow(/exportedAt must be an ISO date and time/);
    expect(() => toQdpx({ ...input, themes: [{ id: 'x', title: '', description: '', noteIds: [] }] })).toThrow(/theme title is required/);
  });
});

describe('toQdpx on a realistic event', () => {
  // Every note of the multilingual fixture (right-to-left Urdu and Arabic, Bengali, Chinese, emoji, mixed
  // scripts) at every one of twelve tables, from five stakeholder groups, under themes whose titles and
  // descriptions quote people.
  const rows = Papa.parse<{ kind: string; text: string }>(readFileSync(new URL('./fixtures/multilingual.csv', import.meta.url), 'utf8'), { header: true, skipEmptyLines: true }).data;
  const sayings = rows.filter((row) => row.kind === 'note').map((row) => row.text);
  const groups = ['carer', 'lived_experience', 'primary_care', 'vcse', 'housing'];
  const kinds = NOTE_KINDS;
  const tables = Array.from({ length: 12 }, (_, t) => ({ id: `table-${t + 1}`, name: t === 3 ? 'طاولة ٤' : `Table ${t + 1} "by the window"` }));
  const notes = tables.flatMap((table, t) => sayings.map((text, n) => ({ id: `${table.id}-note-${n}`, text: `${text} (${table.name})`, kind: kinds[(t + n) % kinds.length]!, group: groups[n % groups.length]!, tableId: table.id })));
  const themes = [
    { id: 'language', title: 'Help in "my own language"', description: 'People said: "we need interpreters" — نحتاج إلى مترجمين', noteIds: notes.filter((_, i) => i % 3 === 0).map((note) => note.id) },
    { id: 'peer', title: 'Peer support 💚', description: "Carers' <peer> groups & cafés", noteIds: notes.filter((_, i) => i % 4 === 1).map((note) => note.id) },
    { id: 'access', title: 'Getting through the door', description: '', noteIds: notes.filter((_, i) => i % 5 === 2).map((note) => note.id) },
    { id: 'empty', title: 'Nothing yet', description: 'A theme no note belongs to', noteIds: [] },
  ];
  const realistic: QdaProjectInput = { title: 'Northshore & Riverside learning exchange — 2026 «annual»', exportedAt: '2026-11-30T14:05:00.000Z', tables, notes, themes, groupLabels: { carer: 'Carers and family', lived_experience: 'People with lived experience' } };

  it('is valid against the schema, with every source file in the archive and every selection inside its text', async () => {
    const archive = unzipSync(toQdpx(realistic));
    const xml = strFromU8(archive['project.qde']!);
    expect(notes.length).toBeGreaterThan(100);
    expect(await schemaErrors(xml)).toEqual([]);
    const project = (parser.parse(xml) as OrderedNode[]).find((node) => nameOf(node) === 'Project')!;
    const textOf = new Map(notes.map((note) => [qdaGuid('note', note.id), note.text]));
    let selections = 0;
    walk(project, (name, attrs, node) => {
      if (name !== 'TextSource') return;
      const text = textOf.get(attrs.guid!)!;
      expect(strFromU8(archive[`sources/${attrs.guid}.txt`]!)).toBe(text);
      expect(attrs.plainTextPath).toBe(`internal://${attrs.guid}.txt`);
      walk(node, (child, range) => {
        if (child !== 'PlainTextSelection') return;
        selections += 1;
        expect(Number(range.startPosition)).toBe(0);
        expect(Number(range.endPosition)).toBe([...text].length);
      });
    });
    expect(selections).toBeGreaterThan(0);
  });

  it('is valid when the event has no themes, no notes or no tables yet', async () => {
    expect(await schemaErrors(projectXml({ ...realistic, themes: [] }))).toEqual([]);
    expect(await schemaErrors(projectXml({ ...realistic, notes: [], themes: [] }))).toEqual([]);
    expect(await schemaErrors(projectXml({ ...realistic, tables: [], notes: [], themes: [] }))).toEqual([]);
  });
});
