/**
 * GEXF 1.3 and GraphML of the merged map, for Gephi and other network tools. Every link is exported,
 * whatever its status, so researchers can filter on the `status` attribute themselves.
 */
import { consensusLayer } from './consensus.ts';
import type { InfluenceLayer } from './influence.ts';
import type { EcosystemAnalysis } from './metrics.ts';
import { escapeXml, escapeXmlText, xmlAttributes } from './xml.ts';

interface AttributeSpec {
  id: string;
  type: 'string' | 'integer' | 'double' | 'boolean';
}

const NODE_ATTRIBUTES: readonly AttributeSpec[] = [
  { id: 'sector', type: 'string' },
  { id: 'size', type: 'string' },
  { id: 'locality', type: 'string' },
  { id: 'remit', type: 'string' },
  { id: 'tables', type: 'string' },
  { id: 'degree', type: 'integer' },
  { id: 'betweenness', type: 'double' },
  { id: 'agreement', type: 'double' },
  { id: 'groups', type: 'string' },
  // The power round: the median influence rating (0–5) and how many ratings it is from; absent when unrated.
  { id: 'influence', type: 'double' },
  { id: 'influence_ratings', type: 'integer' },
];

export interface ResearchExportOptions {
  /** Median influence per merged organisation (`influenceLayer`), written as node attributes when given. */
  influence?: InfluenceLayer;
}

const EDGE_ATTRIBUTES: readonly AttributeSpec[] = [
  { id: 'kind', type: 'string' },
  { id: 'status', type: 'string' },
  { id: 'strength', type: 'double' },
  { id: 'tables', type: 'string' },
  { id: 'conflict', type: 'boolean' },
  { id: 'agreement', type: 'double' },
  { id: 'groups', type: 'string' },
  { id: 'contested', type: 'boolean' },
  { id: 'lived_experience_only', type: 'boolean' },
];

function nodeValues(analysis: EcosystemAnalysis, options: ResearchExportOptions) {
  const tableName = new Map(analysis.tables.map((table) => [table.id, table.name]));
  const consensus = new Map(consensusLayer(analysis).organisations.map((entry) => [entry.id, entry]));
  const influence = new Map((options.influence?.points ?? []).map((point) => [point.id, point]));
  return analysis.organisations.map((org) => ({
    id: org.id,
    label: org.name,
    values: {
      sector: org.sector,
      size: org.size ?? '',
      locality: org.locality,
      remit: org.remit,
      tables: org.tableIds.map((id) => tableName.get(id) ?? id).join('; '),
      degree: org.degree,
      betweenness: org.betweenness,
      agreement: consensus.get(org.id)?.agreement ?? 0,
      groups: consensus.get(org.id)?.groups.join('; ') ?? '',
      // Missing values are left out of the file rather than written as 0 (0 is a rating).
      influence: influence.get(org.id)?.influence ?? undefined,
      influence_ratings: influence.get(org.id)?.ratings,
    } as Record<string, unknown>,
  }));
}

function edgeValues(analysis: EcosystemAnalysis) {
  const tableName = new Map(analysis.tables.map((table) => [table.id, table.name]));
  const consensus = new Map(consensusLayer(analysis).links.map((entry) => [entry.id, entry]));
  return analysis.links.map((link) => ({
    link,
    values: {
      kind: link.kind,
      status: link.status,
      strength: link.strength,
      tables: link.tableIds.map((id) => tableName.get(id) ?? id).join('; '),
      conflict: link.conflict,
      agreement: consensus.get(link.id)?.agreement ?? 0,
      groups: consensus.get(link.id)?.groups.join('; ') ?? '',
      contested: consensus.get(link.id)?.contested ?? false,
      lived_experience_only: consensus.get(link.id)?.livedExperienceOnly ?? false,
    } as Record<string, unknown>,
  }));
}

export function toGexf(analysis: EcosystemAnalysis, title = 'Tablemap merged ecosystem map', options: ResearchExportOptions = {}): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">',
    `  <meta><creator>Tablemap</creator><description>${escapeXml(title)}</description></meta>`,
    '  <graph mode="static" defaultedgetype="directed">',
    '    <attributes class="node">',
    ...NODE_ATTRIBUTES.map((spec) => `      <attribute${xmlAttributes({ id: spec.id, title: spec.id, type: spec.type })}/>`),
    '    </attributes>',
    '    <attributes class="edge">',
    ...EDGE_ATTRIBUTES.map((spec) => `      <attribute${xmlAttributes({ id: spec.id, title: spec.id, type: spec.type })}/>`),
    '    </attributes>',
    '    <nodes>',
  ];
  for (const node of nodeValues(analysis, options)) {
    lines.push(`      <node${xmlAttributes({ id: node.id, label: node.label })}><attvalues>`);
    for (const spec of NODE_ATTRIBUTES) {
      if (node.values[spec.id] !== undefined) lines.push(`        <attvalue${xmlAttributes({ for: spec.id, value: node.values[spec.id] })}/>`);
    }
    lines.push('      </attvalues></node>');
  }
  lines.push('    </nodes>', '    <edges>');
  for (const { link, values } of edgeValues(analysis)) {
    const type = link.mutual ? 'undirected' : 'directed';
    lines.push(`      <edge${xmlAttributes({ id: link.id, source: link.source, target: link.target, type, weight: link.strength })}><attvalues>`);
    for (const spec of EDGE_ATTRIBUTES) lines.push(`        <attvalue${xmlAttributes({ for: spec.id, value: values[spec.id] })}/>`);
    lines.push('      </attvalues></edge>');
  }
  lines.push('    </edges>', '  </graph>', '</gexf>', '');
  return lines.join('\n');
}

export function toGraphML(analysis: EcosystemAnalysis, options: ResearchExportOptions = {}): string {
  const key = (domain: 'node' | 'edge', spec: AttributeSpec) =>
    `  <key${xmlAttributes({ id: `${domain[0]}_${spec.id}`, for: domain, 'attr.name': spec.id, 'attr.type': spec.type === 'integer' ? 'int' : spec.type })}/>`;
  const data = (domain: 'node' | 'edge', id: string, value: unknown) =>
    `<data${xmlAttributes({ key: `${domain[0]}_${id}` })}>${escapeXmlText(value)}</data>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    `  <key${xmlAttributes({ id: 'n_label', for: 'node', 'attr.name': 'label', 'attr.type': 'string' })}/>`,
    ...NODE_ATTRIBUTES.map((spec) => key('node', spec)),
    ...EDGE_ATTRIBUTES.map((spec) => key('edge', spec)),
    '  <graph id="merged-map" edgedefault="directed">',
  ];
  for (const node of nodeValues(analysis, options)) {
    const present = NODE_ATTRIBUTES.filter((spec) => node.values[spec.id] !== undefined);
    const cells = [data('node', 'label', node.label), ...present.map((spec) => data('node', spec.id, node.values[spec.id]))];
    lines.push(`    <node${xmlAttributes({ id: node.id })}>${cells.join('')}</node>`);
  }
  for (const { link, values } of edgeValues(analysis)) {
    const cells = EDGE_ATTRIBUTES.map((spec) => data('edge', spec.id, values[spec.id]));
    lines.push(`    <edge${xmlAttributes({ id: link.id, source: link.source, target: link.target, directed: String(!link.mutual) })}>${cells.join('')}</edge>`);
  }
  lines.push('  </graph>', '</graphml>', '');
  return lines.join('\n');
}
