import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { monotonicNow, newId } from './ids.ts';
import { IdSchema, LIMITS, VocabularyIdSchema, type Note } from './schemas.ts';
import { parseInput, readValidEntries, type ReadProblem } from './validate.ts';
import type { Actor } from './table-doc.ts';

/**
 * A table's own theme board, in the table doc: the table groups its notes into themes it names
 * (affinity clustering). Two root maps:
 * - `tableThemes`: theme id → { id, title, description, addedByGroup, createdAt };
 * - `notePlacements`: note id → theme id. Keyed by note, so a note sits in at most one theme by
 *   construction, and two phones moving the same note at once settle on one theme.
 * Themes and notes live in the same doc, so a note can only ever be placed in a theme of its own table.
 */

type Entry = Y.Map<unknown>;

const tableThemes = (doc: Y.Doc) => doc.getMap<Entry>('tableThemes');
const notePlacements = (doc: Y.Doc) => doc.getMap<string>('notePlacements');
const notes = (doc: Y.Doc) => doc.getMap<Entry>('notes');

const oneLine = (max: number, what: string) =>
  v.pipe(
    v.string(`${what} must be text`),
    v.trim(),
    v.regex(/^[^\n\r\u2028\u2029]*$/, `${what} must be one line`),
    v.maxLength(max, `${what} must be at most ${max} characters`),
  );

const TitleSchema = v.pipe(oneLine(LIMITS.tableThemeTitle, 'Theme title'), v.minLength(1, 'Theme title is required'));
const DescriptionSchema = oneLine(LIMITS.tableThemeDescription, 'Theme description');

export const TableThemeInputSchema = v.object({
  title: TitleSchema,
  description: v.optional(DescriptionSchema, ''),
});
export type TableThemeInput = v.InferInput<typeof TableThemeInputSchema>;

const TableThemePatchSchema = v.partial(v.object({ title: TitleSchema, description: DescriptionSchema }));
export type TableThemePatch = v.InferInput<typeof TableThemePatchSchema>;

/** A table theme as stored. */
export const TableThemeEntrySchema = v.object({
  id: IdSchema,
  title: TitleSchema,
  description: v.optional(DescriptionSchema, ''),
  addedByGroup: VocabularyIdSchema,
  createdAt: v.number(),
});

/** A table theme as read back: its notes (in the table's note order) and how many come from each group. */
export interface TableTheme extends v.InferOutput<typeof TableThemeEntrySchema> {
  noteIds: string[];
  /** Stakeholder group → number of this theme's notes written by that group. */
  groups: Record<string, number>;
}

const NoteIdsSchema = v.pipe(v.array(IdSchema, 'notes must be a list of note ids'), v.minLength(1, 'Choose at least one note'), v.maxLength(500));

function requireTheme(doc: Y.Doc, id: string): Entry {
  const entry = tableThemes(doc).get(id);
  if (!(entry instanceof Y.Map)) throw new ModelError('not_found', 'That theme no longer exists at this table');
  return entry;
}

function requireNotes(doc: Y.Doc, noteIds: readonly string[]): string[] {
  const unique = [...new Set(parseInput(NoteIdsSchema, noteIds, 'notes'))];
  const missing = unique.filter((id) => !(notes(doc).get(id) instanceof Y.Map));
  if (missing.length > 0) throw new ModelError('not_found', `${missing.length === 1 ? 'A note was' : 'Some notes were'} deleted meanwhile`, missing);
  return unique;
}

/** Theme titles compare equal at a table when they differ only in case and spacing. */
function titleKey(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function assertTitleFree(doc: Y.Doc, title: string, exceptId?: string): void {
  const key = titleKey(title);
  for (const [id, entry] of tableThemes(doc)) {
    const existing = entry instanceof Y.Map ? entry.get('title') : undefined;
    if (id !== exceptId && typeof existing === 'string' && titleKey(existing) === key) {
      throw new ModelError('duplicate', `This table already has a theme called "${existing}"`, [id]);
    }
  }
}

/**
 * Makes a theme at this table, optionally putting notes straight into it (the tap path: select notes,
 * then "Move to a new theme"). Returns the theme id.
 */
export function createTableTheme(doc: Y.Doc, input: TableThemeInput, actor: Pick<Actor, 'group'>, noteIds: readonly string[] = []): string {
  const valid = parseInput(TableThemeInputSchema, input, 'theme');
  const addedByGroup = parseInput(VocabularyIdSchema, actor.group, 'stakeholder group');
  assertTitleFree(doc, valid.title);
  const moving = noteIds.length > 0 ? requireNotes(doc, noteIds) : [];
  const id = newId();
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [key, value] of Object.entries({ ...valid, id, addedByGroup, createdAt: monotonicNow() })) entry.set(key, value);
    tableThemes(doc).set(id, entry);
    for (const noteId of moving) notePlacements(doc).set(noteId, id);
  });
  return id;
}

/** Renames a theme or changes its one-line description. */
export function updateTableTheme(doc: Y.Doc, id: string, patch: TableThemePatch): void {
  const valid = parseInput(TableThemePatchSchema, patch, 'theme change');
  const entry = requireTheme(doc, id);
  if (valid.title !== undefined) assertTitleFree(doc, valid.title, id);
  doc.transact(() => {
    for (const [key, value] of Object.entries(valid)) if (value !== undefined) entry.set(key, value);
  });
}

/** Deletes a theme; its notes go back to the unsorted pile rather than disappearing. */
export function removeTableTheme(doc: Y.Doc, id: string): void {
  requireTheme(doc, id);
  doc.transact(() => {
    for (const [noteId, themeId] of [...notePlacements(doc).entries()]) if (themeId === id) notePlacements(doc).delete(noteId);
    tableThemes(doc).delete(id);
  });
}

/** Puts notes into a theme (moving them out of any other), or back to unsorted with `null`. */
export function moveNotesToTableTheme(doc: Y.Doc, noteIds: readonly string[], themeId: string | null): void {
  if (themeId !== null) requireTheme(doc, parseInput(IdSchema, themeId, 'theme id'));
  const moving = requireNotes(doc, noteIds);
  doc.transact(() => {
    for (const noteId of moving) {
      if (themeId === null) notePlacements(doc).delete(noteId);
      else notePlacements(doc).set(noteId, themeId);
    }
  });
}

/** Moves every note of `fromId` into `intoId` and removes `fromId`. */
export function mergeTableThemes(doc: Y.Doc, fromId: string, intoId: string): void {
  if (fromId === intoId) throw new ModelError('invalid_input', 'A theme cannot be merged into itself');
  requireTheme(doc, fromId);
  requireTheme(doc, intoId);
  doc.transact(() => {
    for (const [noteId, themeId] of [...notePlacements(doc).entries()]) if (themeId === fromId) notePlacements(doc).set(noteId, intoId);
    tableThemes(doc).delete(fromId);
  });
}

/** Drops a deleted note's placement, in the same transaction as the deletion. */
export function forgetPlacement(doc: Y.Doc, noteId: string): void {
  notePlacements(doc).delete(noteId);
}

export interface TableBoard {
  themes: TableTheme[];
  /** note id → theme id, only for notes and themes that exist. */
  placements: Record<string, string>;
}

/**
 * Reads the board against the table's valid notes. A placement of a deleted note (say, deleted on one
 * phone while another moved it) or into a removed theme is skipped and reported, never shown.
 */
export function readTableBoard(doc: Y.Doc, liveNotes: readonly Note[], problems: ReadProblem[]): TableBoard {
  const stored = readValidEntries(tableThemes(doc).entries(), TableThemeEntrySchema, 'tableThemes', problems);
  const themes: TableTheme[] = stored
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .map((theme) => ({ ...theme, noteIds: [], groups: {} }));
  const themeById = new Map(themes.map((theme) => [theme.id, theme]));
  const noteById = new Map(liveNotes.map((note) => [note.id, note]));
  const placements: Record<string, string> = {};
  for (const [noteId, themeId] of notePlacements(doc)) {
    const key = noteId.slice(0, 80);
    if (typeof themeId !== 'string') problems.push({ collection: 'notePlacements', key, reason: 'placement is not a theme id' });
    else if (!noteById.has(noteId)) problems.push({ collection: 'notePlacements', key, reason: 'places a note that was deleted' });
    else if (!themeById.has(themeId)) problems.push({ collection: 'notePlacements', key, reason: 'places a note in a theme that was removed' });
    else placements[noteId] = themeId;
  }
  for (const note of liveNotes) {
    const theme = themeById.get(placements[note.id] ?? '');
    if (!theme) continue;
    theme.noteIds.push(note.id);
    theme.groups[note.group] = (theme.groups[note.group] ?? 0) + 1;
  }
  return { themes, placements };
}

