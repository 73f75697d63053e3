import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { nameGroupId } from './merge.ts';
import { HOSTILE_NAME, exportFixture } from './exports-fixture.ts';
import { influenceLayer } from './influence.ts';
import { toGexf, toGraphML } from './research.ts';

const analysis = exportFixture();
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  // Character references such as &#10; (line breaks inside attribute values) must be decoded too.
  htmlEntities: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['node', 'edge', 'attvalue', 'attribute', 'attributes', 'data', 'key'].includes(name),
});
type Attrs = Record<string, string>;
const hostile = nameGroupId(HOSTILE_NAME);

describe('toGexf', () => {
  const xml = toGexf(analysis);
  const doc = parser.parse(xml);

  it('is well-formed GEXF 1.3', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(doc.gexf.version).toBe('1.3');
    expect(doc.gexf.xmlns).toBe('http://gexf.net/1.3');
  });

  it('never lets a name become markup', () => {
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;');
    const node = doc.gexf.graph.nodes.node.find((n: Attrs) => n.id === hostile);
    expect(node.label).toBe(HOSTILE_NAME);
  });

  it('nodes carry sector, size and locality', () => {
    const node = doc.gexf.graph.nodes.node.find((n: Attrs) => n.id === hostile);
    const values = Object.fromEntries(node.attvalues.attvalue.map((a: Attrs) => [a.for, a.value]));
    expect(values).toMatchObject({ sector: 'vcse', size: 'grassroots', locality: 'Northshore & District', remit: 'Peer "support"\nand more', degree: '1' });
    expect(doc.gexf.graph.nodes.node).toHaveLength(analysis.organisations.length);
  });

  it('edges carry kind, status, strength and the tables that asserted them', () => {
    const edges = doc.gexf.graph.edges.edge;
    expect(edges).toHaveLength(3);
    const wanted = edges.find((e: Attrs) => e.source === nameGroupId('Riverside Housing') || e.target === nameGroupId('Riverside Housing'));
    expect(wanted).toBeDefined();
    const byStatus = Object.fromEntries(
      edges.map((e: { attvalues: { attvalue: Attrs[] }; type: string; weight: string }) => {
        const values = Object.fromEntries(e.attvalues.attvalue.map((a) => [a.for, a.value]));
        return [values.status, { ...values, type: e.type, weight: e.weight }];
      }),
    );
    expect(byStatus.existing).toMatchObject({ kind: 'refers_to', strength: '3', tables: 'Table <1> & co', type: 'directed', weight: '3' });
    expect(byStatus.wanted).toMatchObject({ kind: 'collaborates', strength: '1', type: 'undirected' });
    expect(byStatus.broken).toMatchObject({ kind: 'shares_information', tables: 'Table 2', conflict: 'false' });
    // Every edge endpoint is a declared node.
    const ids = new Set(doc.gexf.graph.nodes.node.map((n: Attrs) => n.id));
    for (const edge of edges) expect(ids.has(edge.source) && ids.has(edge.target)).toBe(true);
  });

  it('drops characters XML cannot carry instead of writing a broken file', () => {
    const bad = { ...analysis, organisations: [{ ...analysis.organisations[0]!, name: 'Bell\u0007 & Whistle' }], links: [] };
    const out = toGexf(bad);
    expect(XMLValidator.validate(out)).toBe(true);
    expect(parser.parse(out).gexf.graph.nodes.node[0].label).toBe('Bell & Whistle');
  });
});

describe('toGraphML', () => {
  const xml = toGraphML(analysis);
  const doc = parser.parse(xml);
  const keyName = new Map<string, string>(doc.graphml.key.map((k: Attrs) => [k.id, k['attr.name']]));
  const dataOf = (element: { data: { key: string; '#text'?: string }[] }) =>
    Object.fromEntries(element.data.map((d) => [keyName.get(d.key), d['#text'] ?? '']));

  it('is well-formed GraphML with declared keys', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(doc.graphml.graph.edgedefault).toBe('directed');
    for (const element of [...doc.graphml.graph.node, ...doc.graphml.graph.edge]) {
      for (const d of element.data) expect(keyName.has(d.key)).toBe(true);
    }
  });

  it('escapes names and keeps node and edge attributes', () => {
    expect(xml).not.toContain('<script>');
    const node = doc.graphml.graph.node.find((n: Attrs) => n.id === hostile);
    expect(dataOf(node)).toMatchObject({ label: HOSTILE_NAME, sector: 'vcse', size: 'grassroots', locality: 'Northshore & District' });
    const edges = doc.graphml.graph.edge.map(dataOf);
    expect(edges).toContainEqual(expect.objectContaining({ kind: 'refers_to', status: 'existing', strength: '3', tables: 'Table <1> & co' }));
    const mutual = doc.graphml.graph.edge.find((e: { directed: string }) => e.directed === 'false');
    expect(dataOf(mutual)).toMatchObject({ kind: 'collaborates', status: 'wanted' });
  });
});

describe('influence attributes in GEXF and GraphML', () => {
  it('carry the median influence and the number of ratings, and leave them out for an unrated organisation', () => {
    const [rated, unrated] = analysis.organisations;
    const influence = influenceLayer(analysis.organisations, [
      { tableId: rated!.mentions[0]!.tableId, organisationId: rated!.mentions[0]!.organisationId, value: 4 },
      { tableId: rated!.mentions[0]!.tableId, organisationId: rated!.mentions[0]!.organisationId, value: 1 },
    ]);
    const gexf = parser.parse(toGexf(analysis, 'Power', { influence }));
    const valuesOf = (id: string) => Object.fromEntries(gexf.gexf.graph.nodes.node.find((n: Attrs) => n.id === id).attvalues.attvalue.map((a: Attrs) => [a.for, a.value]));
    expect(valuesOf(rated!.id)).toMatchObject({ influence: '2.5', influence_ratings: '2' });
    expect(valuesOf(unrated!.id)).not.toHaveProperty('influence');
    expect(valuesOf(unrated!.id)).toMatchObject({ influence_ratings: '0' });
    const graphml = parser.parse(toGraphML(analysis, { influence }));
    const node = graphml.graphml.graph.node.find((n: Attrs) => n.id === rated!.id);
    expect(node.data.find((d: Attrs) => d.key === 'n_influence')['#text']).toBe('2.5');
    expect(XMLValidator.validate(toGraphML(analysis, { influence }))).toBe(true);
    // Without ratings given, no node carries an influence value.
    expect(toGexf(analysis)).not.toMatch(/for="influence"/);
  });
});

describe('consensus attributes in GEXF and GraphML', () => {
  it('carry agreement, groups, contested and lived-experience-only, so Gephi can filter on them', () => {
    const contested = { ...analysis, links: analysis.links.map((l, i) => (i === 0 ? { ...l, assertions: [
      { ...l.assertions[0]!, tableId: 't1', status: 'existing' as const, group: 'carer' },
      { ...l.assertions[0]!, tableId: 't2', status: 'broken' as const, group: 'carer' },
    ], tableIds: ['t1', 't2'] } : l)) };
    const gexf = parser.parse(toGexf(contested));
    const edgeValues = Object.fromEntries(gexf.gexf.graph.edges.edge[0].attvalues.attvalue.map((a: Attrs) => [a.for, a.value]));
    expect(edgeValues).toMatchObject({ contested: 'true', lived_experience_only: 'true', groups: 'carer' });
    const graphml = parser.parse(toGraphML(contested));
    const keys = graphml.graphml.key.map((k: Attrs) => k['attr.name']);
    expect(keys).toEqual(expect.arrayContaining(['agreement', 'groups', 'contested', 'lived_experience_only']));
  });
});
