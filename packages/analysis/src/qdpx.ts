/**
 * A REFI-QDA project (.qdpx) of the event's qualitative material, for QualCoder, NVivo, ATLAS.ti and
 * MAXQDA: every note is a text source (its text in `sources/<guid>.txt`), every theme a code, a note's
 * whole text a segment coded with each theme it belongs to, every table a case holding its notes, and
 * stakeholder group, table and note kind variables on each source. Notes carry their group, never their
 * anonymous author id. GUIDs are derived from ids, so exporting the same event twice gives the same file.
 *
 * The project file is valid against the REFI-QDA Project 1.0 schema (namespace urn:QDA-XML:project:1.0;
 * the tests validate it with the standard's XSD): the children of <Project> in the schema's order (Users,
 * CodeBook, Variables, Cases, Sources), and a collection left out when it would be empty.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import * as v from 'valibot';
import { themeGuid, type CodebookNote, type Theme } from './codebook.ts';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { escapeXmlText, xmlAttributes } from './xml.ts';

export interface QdaProjectInput {
  title: string;
  /** When the export was made; written as every object's creation time. */
  exportedAt: string;
  tables: { id: string; name: string }[];
  notes: (CodebookNote & { tableId: string })[];
  themes: Theme[];
  /** Labels for stakeholder group ids; the id is written when absent. */
  groupLabels?: Record<string, string>;
}

const InputSchema = v.object({
  title: v.pipe(v.string('title must be text'), v.trim(), v.minLength(1, 'the project needs a title')),
  exportedAt: v.pipe(v.string(), v.isoTimestamp('exportedAt must be an ISO date and time')),
  tables: v.array(v.object({ id: v.pipe(v.string(), v.minLength(1, 'table id is required')), name: v.string() })),
  notes: v.array(v.looseObject({ id: v.pipe(v.string(), v.minLength(1, 'note id is required')), text: v.string('note text must be text'), kind: v.string(), group: v.string(), tableId: v.string() })),
  themes: v.array(v.looseObject({ id: v.pipe(v.string(), v.minLength(1, 'theme id is required')), title: v.pipe(v.string(), v.trim(), v.minLength(1, 'theme title is required')), description: v.optional(v.string(), ''), noteIds: v.array(v.string()) })),
  groupLabels: v.optional(v.record(v.string(), v.string())),
});

export const QDA_PROJECT_NAMESPACE = 'urn:QDA-XML:project:1.0';

/** Deterministic GUIDs per kind of object, so a note and a theme with the same id never collide. */
export const qdaGuid = (kind: 'note' | 'selection' | 'coding' | 'table' | 'variable' | 'user' | 'theme', id: string) =>
  kind === 'theme' ? themeGuid(id) : themeGuid(`${kind}\u0000${id}`);

/** Positions in REFI-QDA count characters (code points), not UTF-16 units. */
const characters = (text: string) => [...text].length;

function variableValue(variableGuid: string, value: string): string {
  return `<VariableValue><VariableRef${xmlAttributes({ targetGUID: variableGuid })}/><TextValue>${escapeXmlText(value)}</TextValue></VariableValue>`;
}

export interface QdaProject {
  /** project.qde */
  xml: string;
  /** Source files by path inside the archive (sources/<guid>.txt). */
  sources: Record<string, string>;
}

export function qdaProject(input: QdaProjectInput): QdaProject {
  const parsed = v.safeParse(InputSchema, input);
  if (!parsed.success) throw new AnalysisError('The qualitative project cannot be exported', describeIssues(parsed.issues));
  const { title, exportedAt, tables, notes, themes } = parsed.output;
  const labels = parsed.output.groupLabels ?? {};
  const user = qdaGuid('user', 'tablemap');
  const created = { creatingUser: user, creationDateTime: exportedAt };
  const variables = { group: qdaGuid('variable', 'group'), table: qdaGuid('variable', 'table'), kind: qdaGuid('variable', 'kind') };
  const tableName = new Map(tables.map((table) => [table.id, table.name]));
  const noteIds = new Set(notes.map((note) => note.id));
  const themesOf = new Map<string, string[]>();
  for (const theme of themes) for (const noteId of new Set(theme.noteIds)) if (noteIds.has(noteId)) themesOf.set(noteId, [...(themesOf.get(noteId) ?? []), theme.id]);

  const codes = themes.map((theme) => `      <Code${xmlAttributes({ guid: qdaGuid('theme', theme.id), name: theme.title, isCodable: 'true' })}><Description>${escapeXmlText(theme.description)}</Description></Code>`);
  const cases = tables.map((table) => {
    const refs = notes.filter((note) => note.tableId === table.id).map((note) => `<SourceRef${xmlAttributes({ targetGUID: qdaGuid('note', note.id) })}/>`);
    return `    <Case${xmlAttributes({ guid: qdaGuid('table', table.id), name: table.name })}>${variableValue(variables.table, table.name)}${refs.join('')}</Case>`;
  });
  const sources: Record<string, string> = {};
  const textSources = notes.map((note) => {
    const guid = qdaGuid('note', note.id);
    sources[`sources/${guid}.txt`] = note.text;
    const codings = (themesOf.get(note.id) ?? []).map(
      (themeId) => `<Coding${xmlAttributes({ guid: qdaGuid('coding', `${note.id}\u0000${themeId}`), ...created })}><CodeRef${xmlAttributes({ targetGUID: qdaGuid('theme', themeId) })}/></Coding>`,
    );
    const selection = codings.length === 0 ? '' : `<PlainTextSelection${xmlAttributes({ guid: qdaGuid('selection', note.id), name: 'Whole note', startPosition: 0, endPosition: characters(note.text), ...created })}>${codings.join('')}</PlainTextSelection>`;
    const values = [
      variableValue(variables.group, labels[note.group] ?? note.group),
      variableValue(variables.table, tableName.get(note.tableId) ?? note.tableId),
      variableValue(variables.kind, note.kind),
    ].join('');
    return `    <TextSource${xmlAttributes({ guid, name: `${tableName.get(note.tableId) ?? note.tableId} · ${note.kind} · ${note.id}`, plainTextPath: `internal://${guid}.txt`, ...created })}>${selection}${values}</TextSource>`;
  });

  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Project${xmlAttributes({ xmlns: QDA_PROJECT_NAMESPACE, name: title, origin: 'Tablemap', creatingUserGUID: user, creationDateTime: exportedAt })}>`,
    `  <Users><User${xmlAttributes({ guid: user, name: 'Tablemap export' })}/></Users>`,
    // The schema wants at least one child in Codes, Cases and Sources, so an empty collection is left out.
    ...(codes.length === 0 ? [] : ['  <CodeBook>', '    <Codes>', ...codes, '    </Codes>', '  </CodeBook>']),
    '  <Variables>',
    `    <Variable${xmlAttributes({ guid: variables.group, name: 'Stakeholder group', typeOfVariable: 'Text' })}/>`,
    `    <Variable${xmlAttributes({ guid: variables.table, name: 'Table', typeOfVariable: 'Text' })}/>`,
    `    <Variable${xmlAttributes({ guid: variables.kind, name: 'Note kind', typeOfVariable: 'Text' })}/>`,
    '  </Variables>',
    ...(cases.length === 0 ? [] : ['  <Cases>', ...cases, '  </Cases>']),
    ...(textSources.length === 0 ? [] : ['  <Sources>', ...textSources, '  </Sources>']),
    '</Project>',
    '',
  ];
  return { xml: lines.join('\n'), sources };
}

/** The .qdpx archive: a zip with project.qde and the sources folder. */
export function toQdpx(input: QdaProjectInput): Uint8Array {
  const project = qdaProject(input);
  const files: Zippable = { 'project.qde': strToU8(project.xml) };
  // Notes are short: deflating hundreds of tiny files costs more time than it saves bytes, so they are stored.
  for (const [path, text] of Object.entries(project.sources)) files[path] = [strToU8(text), { level: 0 }];
  // A fixed date inside the zip keeps repeated exports byte-identical.
  return zipSync(files, { level: 6, mtime: new Date(Date.parse(input.exportedAt)) });
}
