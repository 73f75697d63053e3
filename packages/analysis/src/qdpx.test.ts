/**
 * The REFI-QDA project XSD is not published on npm and could not be fetched here, so the project file is
 * checked against the standard's structure explicitly: namespace, the order of <Project>'s children,
 * required attributes, GUID syntax and uniqueness, every reference resolving to an object of the right
 * kind, selections inside their source's text, and each source file present in the archive.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { AnalysisError } from './errors.ts';
import { QDA_PROJECT_NAMESPACE, qdaGuid, toQdpx, type QdaProjectInput } from './qdpx.ts';

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PROJECT_CHILD_ORDER = ['Users', 'CodeBook', 'Variables', 'Cases', 'Sources', 'Notes', 'Links', 'Sets', 'Graphs', 'Description', 'NoteRef'];

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

  it('follows the REFI-QDA project structure: namespace, child order, required attributes', () => {
    expect(project[':@']).toMatchObject({ xmlns: QDA_PROJECT_NAMESPACE, name: input.title, origin: 'Tablemap' });
    const order = childrenOf(project).map(nameOf).filter((name) => name !== '#text');
    expect(order).toEqual(['Users', 'CodeBook', 'Variables', 'Cases', 'Sources']);
    const positions = order.map((name) => PROJECT_CHILD_ORDER.indexOf(name));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const required: Record<string, string[]> = {
      User: ['guid'], Code: ['guid', 'name', 'isCodable'], Variable: ['guid', 'name', 'typeOfVariable'], Case: ['guid'],
      TextSource: ['guid'], PlainTextSelection: ['guid', 'startPosition', 'endPosition'], Coding: ['guid'], CodeRef: ['targetGUID'],
      SourceRef: ['targetGUID'], VariableRef: ['targetGUID'],
    };
    walk(project, (name, attrs) => {
      for (const attribute of required[name] ?? []) expect(attrs[attribute], `${name}@${attribute}`).toBeTruthy();
      if (name === 'Variable') expect(['Text', 'Boolean', 'Integer', 'Float', 'Date', 'DateTime']).toContain(attrs.typeOfVariable);
      if (attrs.creationDateTime) expect(attrs.creationDateTime).toBe(input.exportedAt);
    });
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
