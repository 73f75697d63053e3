/**
 * Codebook exports of the synthesis themes: CSV (one row per theme and note) and a REFI-QDA codebook
 * (.qdc, urn:QDA-XML:codebook:1.0) that Taguette, NVivo, ATLAS.ti and MAXQDA import. Notes carry their
 * stakeholder group, never their anonymous author id.
 */
import * as v from 'valibot';
import type { Note } from '@tablemap/model';
import { toSafeCsv } from './csv.ts';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { escapeXmlText, xmlAttributes } from './xml.ts';

export interface Theme {
  id: string;
  title: string;
  description: string;
  noteIds: string[];
  /** The tables' own themes merged into this one: sub-codes in the codebook. Their notes are also in `noteIds`. */
  subThemes?: SubTheme[];
}

/** A table's own theme, under the event theme it was merged into. */
export interface SubTheme {
  /** `<tableId>/<tableThemeId>` */
  id: string;
  title: string;
  tableId: string;
  noteIds: string[];
}

export type CodebookNote = Pick<Note, 'id' | 'text' | 'kind' | 'group'> & { tableId?: string };

const ThemesSchema = v.array(
  v.object({
    id: v.pipe(v.string('theme id must be text'), v.minLength(1, 'theme id is required')),
    title: v.pipe(v.string('theme title must be text'), v.trim(), v.minLength(1, 'theme title is required')),
    description: v.optional(v.string('theme description must be text'), ''),
    noteIds: v.array(v.string('note ids must be text')),
    subThemes: v.optional(
      v.array(
        v.object({
          id: v.pipe(v.string('table theme id must be text'), v.minLength(1, 'table theme id is required')),
          title: v.pipe(v.string('table theme title must be text'), v.trim(), v.minLength(1, 'table theme title is required')),
          tableId: v.string('table id must be text'),
          noteIds: v.array(v.string('note ids must be text')),
        }),
      ),
      [],
    ),
  }),
);

function checkThemes(themes: readonly Theme[]): Required<Theme>[] {
  const parsed = v.safeParse(ThemesSchema, themes);
  if (!parsed.success) throw new AnalysisError('The themes are malformed', describeIssues(parsed.issues));
  return parsed.output;
}

export function codebookToCsv(themes: readonly Theme[], notes: readonly CodebookNote[]): string {
  const noteById = new Map(notes.map((note) => [note.id, note]));
  const rows: unknown[][] = [];
  for (const theme of checkThemes(themes)) {
    const themeNotes = theme.noteIds.flatMap((id) => noteById.get(id) ?? []);
    const subThemeOf = new Map(theme.subThemes.flatMap((sub) => sub.noteIds.map((id) => [id, sub] as const)));
    if (themeNotes.length === 0) rows.push([theme.id, theme.title, theme.description, '', '', '', '', '', '', '']);
    for (const note of themeNotes) {
      const sub = subThemeOf.get(note.id);
      rows.push([theme.id, theme.title, theme.description, note.id, note.kind, note.group, note.tableId ?? '', note.text, sub?.id ?? '', sub?.title ?? '']);
    }
  }
  return toSafeCsv(
    ['theme_id', 'theme', 'theme_description', 'note_id', 'note_kind', 'stakeholder_group', 'table_id', 'note_text', 'table_theme_id', 'table_theme'],
    rows,
  );
}

/** FNV-1a, 32 bits: a deterministic GUID per theme so re-exports stay identical (and no node:crypto in browsers). */
function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function themeGuid(themeId: string): string {
  const hex = [1, 2, 3, 4].map((seed) => fnv1a(themeId, seed).toString(16).padStart(8, '0')).join('');
  // Shape it as a version-8 (custom) UUID so strict GUID patterns in the QDA schema accept it.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

export function codebookToQdc(themes: readonly Theme[], notes: readonly CodebookNote[]): string {
  const noteById = new Map(notes.map((note) => [note.id, note]));
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Tablemap">',
    '  <Codes>',
  ];
  for (const theme of checkThemes(themes)) {
    const examples = theme.noteIds.flatMap((id) => noteById.get(id) ?? []).map((note) => `- [${note.group}] ${note.text}`);
    const description = [theme.description, examples.length > 0 ? `Notes:\n${examples.join('\n')}` : ''].filter(Boolean).join('\n\n');
    lines.push(
      `    <Code${xmlAttributes({ guid: themeGuid(theme.id), name: theme.title, isCodable: 'true' })}>`,
      `      <Description>${escapeXmlText(description)}</Description>`,
    );
    // The tables' own themes become sub-codes, so the table's reading of what it heard is kept.
    for (const sub of theme.subThemes) {
      const subExamples = sub.noteIds.flatMap((id) => noteById.get(id) ?? []).map((note) => `- [${note.group}] ${note.text}`);
      const subDescription = [`Raised by table ${sub.tableId}.`, subExamples.length > 0 ? `Notes:\n${subExamples.join('\n')}` : ''].filter(Boolean).join('\n\n');
      lines.push(
        `      <Code${xmlAttributes({ guid: themeGuid(`${theme.id}>${sub.id}`), name: sub.title, isCodable: 'true' })}>`,
        `        <Description>${escapeXmlText(subDescription)}</Description>`,
        '      </Code>',
      );
    }
    lines.push('    </Code>');
  }
  lines.push('  </Codes>', '</CodeBook>', '');
  return lines.join('\n');
}
