/**
 * Readers for the map formats people already have, each into the same raw rows (`RawMap`):
 * - Kumu JSON (a project export: `elements` and `connections`, fields either at the top level or
 *   under `attributes`, connections naming their ends by `_id` or by label);
 * - a spreadsheet of elements and connections: two CSV files, or one XLSX workbook with sheets named
 *   "Elements" and "Connections" (Kumu's own spreadsheet layout; otherwise the first two sheets);
 * - GraphML and GEXF (node label, a sector/type attribute, edge kind/type).
 * Malformed files are refused as a whole with a plain message; row problems are left to the preview.
 */
import { XMLParser } from 'fast-xml-parser';
import Papa from 'papaparse';
import readXlsxFile from 'read-excel-file/universal';
import {
  MAX_IMPORT_FILE_BYTES,
  previewMapImport,
  refusedImport,
  type MapImportFormat,
  type MapImportPreview,
  type RawConnection,
  type RawElement,
  type RawMap,
} from './map-import.ts';

type Cells = Record<string, unknown>;

class UnreadableFile extends Error {}

const text = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'object' ? '' : String(value)).trim();

/** The first present field, by any of several names, compared without case or punctuation. */
function field(cells: Cells, ...names: string[]): string {
  const wanted = names.map((name) => name.toLowerCase().replace(/[^a-z0-9]/g, ''));
  for (const name of wanted) {
    for (const [key, value] of Object.entries(cells)) {
      if (key.toLowerCase().replace(/[^a-z0-9]/g, '') === name && text(value)) return text(value);
    }
  }
  return '';
}

const ELEMENT_FIELDS = {
  id: ['_id', 'id'],
  label: ['label', 'name', 'organisation', 'organization'],
  type: ['element type', 'type', 'sector', 'category'],
  description: ['description', 'remit'],
  size: ['size'],
  locality: ['locality', 'location', 'place', 'area'],
};
const CONNECTION_FIELDS = {
  from: ['from', 'source'],
  to: ['to', 'target'],
  type: ['connection type', 'type', 'kind', 'relationship', 'label'],
  direction: ['direction', 'directed'],
  status: ['status', 'state'],
};

function toElement(cells: Cells, line: number): RawElement {
  return {
    line,
    id: field(cells, ...ELEMENT_FIELDS.id),
    label: field(cells, ...ELEMENT_FIELDS.label),
    type: field(cells, ...ELEMENT_FIELDS.type),
    description: field(cells, ...ELEMENT_FIELDS.description),
    size: field(cells, ...ELEMENT_FIELDS.size),
    locality: field(cells, ...ELEMENT_FIELDS.locality),
  };
}

function toConnection(cells: Cells, line: number): RawConnection {
  return {
    line,
    from: field(cells, ...CONNECTION_FIELDS.from),
    to: field(cells, ...CONNECTION_FIELDS.to),
    type: field(cells, ...CONNECTION_FIELDS.type),
    direction: field(cells, ...CONNECTION_FIELDS.direction),
    status: field(cells, ...CONNECTION_FIELDS.status),
  };
}

/** Kumu keeps most fields under `attributes`; flatten them beside the top-level ones. */
const flatten = (item: unknown): Cells => {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return {};
  const { attributes, ...rest } = item as Cells;
  return { ...(attributes && typeof attributes === 'object' ? (attributes as Cells) : {}), ...rest };
};

export function readKumuJson(content: string): RawMap {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new UnreadableFile('The file is not valid JSON.');
  }
  const project = json as { elements?: unknown; connections?: unknown };
  if (!project || typeof project !== 'object' || !Array.isArray(project.elements)) {
    throw new UnreadableFile('This is not a Kumu export: it has no "elements" list.');
  }
  const connections = Array.isArray(project.connections) ? project.connections : [];
  return {
    format: 'kumu',
    elements: project.elements.map((item, index) => toElement(flatten(item), index + 1)),
    connections: connections.map((item, index) => toConnection(flatten(item), index + 1)),
  };
}

function csvRows(content: string): Cells[] {
  const parsed = Papa.parse<Cells>(content.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
  if (parsed.meta.fields === undefined || parsed.meta.fields.length === 0) throw new UnreadableFile('The CSV file has no header row.');
  return parsed.data;
}

/** Elements CSV and, optionally, connections CSV. Line numbers count the header as line 1. */
export function readSpreadsheetCsv(elements: string, connections = ''): RawMap {
  return {
    format: 'csv',
    elements: csvRows(elements).map((cells, index) => toElement(cells, index + 2)),
    connections: connections.trim() ? csvRows(connections).map((cells, index) => toConnection(cells, index + 2)) : [],
  };
}

function sheetRows(data: unknown[][]): Cells[] {
  const [header = [], ...rows] = data;
  const names = header.map((cell) => text(cell));
  return rows
    .filter((row) => row.some((cell) => text(cell) !== ''))
    .map((row) => Object.fromEntries(names.map((name, index) => [name, row[index]])));
}

export async function readSpreadsheetXlsx(content: ArrayBuffer): Promise<RawMap> {
  let sheets: { sheet: string; data: unknown[][] }[];
  try {
    sheets = await readXlsxFile(content);
  } catch {
    throw new UnreadableFile('The file is not an Excel workbook (.xlsx) that can be read.');
  }
  const named = (name: string) => sheets.find((sheet) => sheet.sheet.trim().toLowerCase() === name);
  const elements = named('elements') ?? sheets[0];
  const connections = named('connections') ?? sheets.find((sheet) => sheet !== elements);
  if (!elements) throw new UnreadableFile('The workbook has no sheets.');
  return {
    format: 'xlsx',
    elements: sheetRows(elements.data).map((cells, index) => toElement(cells, index + 2)),
    connections: connections ? sheetRows(connections.data).map((cells, index) => toConnection(cells, index + 2)) : [],
  };
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['node', 'edge', 'data', 'key', 'attvalue', 'attribute', 'attributes'].includes(name),
});

function parseXml(content: string): Cells {
  // Entity declarations are how "billion laughs" files blow up a parser; no map file needs them.
  if (/<!DOCTYPE|<!ENTITY/i.test(content)) throw new UnreadableFile('The file declares a DOCTYPE or entities, which Tablemap does not read.');
  try {
    return xmlParser.parse(content) as Cells;
  } catch {
    throw new UnreadableFile('The file is not well-formed XML.');
  }
}

const list = (value: unknown): Cells[] => (Array.isArray(value) ? (value as Cells[]) : []);

export function readGraphML(content: string): RawMap {
  const doc = parseXml(content).graphml as Cells | undefined;
  const graph = (Array.isArray(doc?.graph) ? doc.graph[0] : doc?.graph) as Cells | undefined;
  if (!doc || !graph) throw new UnreadableFile('This is not a GraphML file: it has no <graphml><graph>.');
  const keyName = new Map(list(doc.key).map((key) => [text(key.id), text(key['attr.name']) || text(key.id)]));
  const cellsOf = (element: Cells): Cells => ({
    ...Object.fromEntries(list(element.data).map((data) => [keyName.get(text(data.key)) ?? text(data.key), data['#text']])),
    _id: element.id,
    ...(element.source !== undefined ? { from: element.source, to: element.target } : {}),
    ...(element.directed !== undefined ? { direction: element.directed === 'false' ? 'undirected' : 'directed' } : {}),
  });
  return {
    format: 'graphml',
    elements: list(graph.node).map((node, index) => toElement(cellsOf(node), index + 1)),
    connections: list(graph.edge).map((edge, index) => toConnection(cellsOf(edge), index + 1)),
  };
}

export function readGexf(content: string): RawMap {
  const doc = parseXml(content).gexf as Cells | undefined;
  const graph = doc?.graph as Cells | undefined;
  if (!doc || !graph) throw new UnreadableFile('This is not a GEXF file: it has no <gexf><graph>.');
  const titles = new Map<string, string>();
  for (const group of list(graph.attributes)) for (const attribute of list(group.attribute)) titles.set(`${text(group.class)}:${text(attribute.id)}`, text(attribute.title) || text(attribute.id));
  const cellsOf = (element: Cells, kind: 'node' | 'edge'): Cells => ({
    ...Object.fromEntries(list((element.attvalues as Cells | undefined)?.attvalue).map((value) => [titles.get(`${kind}:${text(value.for)}`) ?? text(value.for), value.value])),
    _id: element.id,
    ...(kind === 'node' ? { label: element.label } : { from: element.source, to: element.target, direction: element.type ?? graph.defaultedgetype, ...(element.label !== undefined ? { 'connection type': element.label } : {}) }),
  });
  const nodes = (graph.nodes as Cells | undefined)?.node;
  const edges = (graph.edges as Cells | undefined)?.edge;
  return {
    format: 'gexf',
    elements: list(nodes).map((node, index) => toElement(cellsOf(node, 'node'), index + 1)),
    connections: list(edges).map((edge, index) => toConnection(cellsOf(edge, 'edge'), index + 1)),
  };
}

export interface MapFile {
  format: MapImportFormat;
  /** Text for kumu, csv, graphml and gexf; the workbook's bytes for xlsx. */
  content: string | ArrayBuffer;
  /** The connections CSV, when the spreadsheet comes as two CSV files. */
  connections?: string;
}

const sizeOf = (content: string | ArrayBuffer) => (typeof content === 'string' ? new TextEncoder().encode(content).byteLength : content.byteLength);

/** Reads any supported file into a preview; a file that cannot be read at all is refused with a message. */
export async function previewMapFile(file: MapFile, sectors: readonly { id: string; label: string }[]): Promise<MapImportPreview> {
  const bytes = sizeOf(file.content) + (file.connections ? sizeOf(file.connections) : 0);
  if (bytes > MAX_IMPORT_FILE_BYTES) {
    return refusedImport(file.format, 'too_large', `The file is ${(bytes / 1024 / 1024).toFixed(1)} MB; at most ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB can be imported.`);
  }
  const asText = (content: string | ArrayBuffer) => (typeof content === 'string' ? content : new TextDecoder().decode(content));
  try {
    const raw =
      file.format === 'xlsx'
        ? await readSpreadsheetXlsx(typeof file.content === 'string' ? new TextEncoder().encode(file.content).buffer : file.content)
        : file.format === 'kumu'
          ? readKumuJson(asText(file.content))
          : file.format === 'csv'
            ? readSpreadsheetCsv(asText(file.content), file.connections)
            : file.format === 'graphml'
              ? readGraphML(asText(file.content))
              : readGexf(asText(file.content));
    return previewMapImport(raw, sectors);
  } catch (error) {
    if (error instanceof UnreadableFile) return refusedImport(file.format, 'unreadable', error.message);
    throw error;
  }
}
