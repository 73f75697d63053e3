import * as v from 'valibot';
import * as Y from 'yjs';
import { ModelError } from './errors.ts';
import { monotonicNow, newId } from './ids.ts';
import { IdSchema, LIMITS, VocabularyIdSchema } from './schemas.ts';
import { parseInput, readValidEntries, type ReadProblem } from './validate.ts';
import { schemaVersionOf } from './versions.ts';

/**
 * The synthesis doc (`synthesis/<eventId>`) holds the facilitators' cross-table work: themes, which note
 * sits in which theme, gap and key-message flags, redactions, and confirmed organisation merges.
 * Table docs are never rewritten by synthesis; notes are referred to as `<tableId>/<noteId>`.
 */

export const MAX_QUOTES_PER_THEME = 3;

export function noteRef(tableId: string, noteId: string): string {
  return `${tableId}/${noteId}`;
}

export const NoteRefSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,63}\/[a-z0-9][a-z0-9_-]{0,63}$/, 'note reference is malformed'));

const NextStepSchema = v.object({
  action: v.pipe(v.string(), v.trim(), v.minLength(1, 'Action is required'), v.maxLength(LIMITS.label)),
  ownerSector: v.optional(v.nullable(VocabularyIdSchema), null),
  timescale: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(80)), ''),
});
export type NextStep = v.InferOutput<typeof NextStepSchema>;

const ThemeFieldsSchema = v.object({
  title: v.pipe(v.string('Title must be text'), v.trim(), v.minLength(1, 'Theme title is required'), v.maxLength(LIMITS.title)),
  description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(LIMITS.description)), ''),
  isGap: v.optional(v.boolean(), false),
  isKeyMessage: v.optional(v.boolean(), false),
});
export type ThemeInput = v.InferInput<typeof ThemeFieldsSchema>;

export const ThemeSchema = v.object({
  ...ThemeFieldsSchema.entries,
  id: IdSchema,
  order: v.number(),
  quoteNoteRefs: v.optional(v.pipe(v.array(NoteRefSchema), v.maxLength(MAX_QUOTES_PER_THEME)), []),
  nextSteps: v.optional(v.array(NextStepSchema), []),
  createdAt: v.number(),
});
export type Theme = v.InferOutput<typeof ThemeSchema>;

export const NoteFlagsSchema = v.object({ gap: v.optional(v.boolean(), false), keyMessage: v.optional(v.boolean(), false) });
export type NoteFlags = v.InferOutput<typeof NoteFlagsSchema>;

const themes = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>('themes');
const noteThemes = (doc: Y.Doc) => doc.getMap<string>('noteThemes');
const noteFlags = (doc: Y.Doc) => doc.getMap<NoteFlags>('noteFlags');
const hiddenNotes = (doc: Y.Doc) => doc.getMap<boolean>('hiddenNotes');
const aliases = (doc: Y.Doc) => doc.getMap<string>('aliases');
const rejectedMerges = (doc: Y.Doc) => doc.getMap<boolean>('rejectedMerges');
/** `<tableId>/<tableThemeId>` → event theme id: which tables' own themes the facilitator merged into which theme. */
const themeSources = (doc: Y.Doc) => doc.getMap<string>('themeSources');

/** A table theme, named from the synthesis doc: `<tableId>/<tableThemeId>`. */
export function tableThemeRef(tableId: string, tableThemeId: string): string {
  return `${tableId}/${tableThemeId}`;
}

function requireTheme(doc: Y.Doc, id: string): Y.Map<unknown> {
  const theme = themes(doc).get(id);
  if (!(theme instanceof Y.Map)) throw new ModelError('not_found', 'That theme does not exist');
  return theme;
}

export function createTheme(doc: Y.Doc, input: ThemeInput): string {
  const valid = parseInput(ThemeFieldsSchema, input, 'theme');
  const id = newId();
  const entry = new Y.Map<unknown>();
  for (const [key, value] of Object.entries({ ...valid, id, order: themes(doc).size, quoteNoteRefs: [], nextSteps: [], createdAt: monotonicNow() })) {
    entry.set(key, value);
  }
  doc.transact(() => themes(doc).set(id, entry));
  return id;
}

export function updateTheme(doc: Y.Doc, id: string, patch: Partial<ThemeInput>): void {
  const valid = parseInput(v.partial(ThemeFieldsSchema), patch, 'theme change');
  const theme = requireTheme(doc, id);
  doc.transact(() => {
    for (const [key, value] of Object.entries(valid)) if (value !== undefined) theme.set(key, value);
  });
}

/** Deletes a theme; its notes go back to the unsorted pile rather than disappearing. */
export function removeTheme(doc: Y.Doc, id: string): void {
  requireTheme(doc, id);
  doc.transact(() => {
    for (const [ref, themeId] of [...noteThemes(doc).entries()]) if (themeId === id) noteThemes(doc).delete(ref);
    for (const [ref, themeId] of [...themeSources(doc).entries()]) if (themeId === id) themeSources(doc).delete(ref);
    themes(doc).delete(id);
  });
}

/** Puts a note into a theme (a note sits in at most one), or back to unsorted with `null`. */
export function assignNoteToTheme(doc: Y.Doc, ref: string, themeId: string | null): void {
  parseInput(NoteRefSchema, ref, 'note reference');
  if (themeId !== null) requireTheme(doc, themeId);
  doc.transact(() => {
    if (themeId === null) noteThemes(doc).delete(ref);
    else noteThemes(doc).set(ref, themeId);
    for (const [id, theme] of themes(doc)) {
      const quotes = theme.get('quoteNoteRefs');
      if (id !== themeId && Array.isArray(quotes) && quotes.includes(ref)) theme.set('quoteNoteRefs', quotes.filter((q) => q !== ref));
    }
  });
}

/** Moves every note of `fromId` into `intoId` and removes `fromId`. */
export function mergeThemes(doc: Y.Doc, fromId: string, intoId: string): void {
  if (fromId === intoId) throw new ModelError('invalid_input', 'A theme cannot be merged into itself');
  const from = requireTheme(doc, fromId);
  const into = requireTheme(doc, intoId);
  doc.transact(() => {
    for (const [ref, themeId] of [...noteThemes(doc).entries()]) if (themeId === fromId) noteThemes(doc).set(ref, intoId);
    for (const [ref, themeId] of [...themeSources(doc).entries()]) if (themeId === fromId) themeSources(doc).set(ref, intoId);
    const quotes = [...((into.get('quoteNoteRefs') as string[]) ?? []), ...((from.get('quoteNoteRefs') as string[]) ?? [])];
    into.set('quoteNoteRefs', [...new Set(quotes)].slice(0, MAX_QUOTES_PER_THEME));
    into.set('nextSteps', [...((into.get('nextSteps') as NextStep[]) ?? []), ...((from.get('nextSteps') as NextStep[]) ?? [])]);
    themes(doc).delete(fromId);
  });
}

/** Splits the given notes out of a theme into a new theme; returns the new theme's id. */
export function splitTheme(doc: Y.Doc, themeId: string, refs: string[], input: ThemeInput): string {
  requireTheme(doc, themeId);
  const moving = refs.filter((ref) => noteThemes(doc).get(ref) === themeId);
  if (moving.length === 0) throw new ModelError('invalid_input', 'Choose at least one note of this theme to split off');
  let newThemeId = '';
  doc.transact(() => {
    newThemeId = createTheme(doc, input);
    for (const ref of moving) assignNoteToTheme(doc, ref, newThemeId);
  });
  return newThemeId;
}

/**
 * Chooses up to three representative quotes for the report, all from the theme's own notes: placed there
 * on the board, or (`viaTableThemes`) arriving through a table theme merged into it.
 */
export function setThemeQuotes(doc: Y.Doc, themeId: string, refs: string[], viaTableThemes: readonly string[] = []): void {
  const theme = requireTheme(doc, themeId);
  const unique = [...new Set(refs)];
  if (unique.length > MAX_QUOTES_PER_THEME) {
    throw new ModelError('invalid_input', `A theme can have at most ${MAX_QUOTES_PER_THEME} representative quotes`);
  }
  const inherited = new Set(viaTableThemes);
  const outside = unique.filter((ref) => {
    const placed = noteThemes(doc).get(ref);
    return placed !== themeId && !(placed === undefined && inherited.has(ref));
  });
  if (outside.length > 0) throw new ModelError('invalid_input', 'Quotes must come from the notes in this theme');
  doc.transact(() => theme.set('quoteNoteRefs', unique));
}

export function setThemeNextSteps(doc: Y.Doc, themeId: string, steps: v.InferInput<typeof NextStepSchema>[]): void {
  const valid = parseInput(v.pipe(v.array(NextStepSchema), v.maxLength(20)), steps, 'next steps');
  const theme = requireTheme(doc, themeId);
  doc.transact(() => theme.set('nextSteps', valid));
}

export function flagNote(doc: Y.Doc, ref: string, flags: Partial<NoteFlags>): void {
  parseInput(NoteRefSchema, ref, 'note reference');
  const next = parseInput(NoteFlagsSchema, { ...(noteFlags(doc).get(ref) ?? {}), ...flags }, 'note flags');
  doc.transact(() => {
    if (!next.gap && !next.keyMessage) noteFlags(doc).delete(ref);
    else noteFlags(doc).set(ref, next);
  });
}

/** Redaction: a hidden note stays in its table but never appears in any report or export. */
export function setNoteHidden(doc: Y.Doc, ref: string, hidden: boolean): void {
  parseInput(NoteRefSchema, ref, 'note reference');
  doc.transact(() => {
    if (hidden) hiddenNotes(doc).set(ref, true);
    else hiddenNotes(doc).delete(ref);
  });
}

const TableThemeRefsSchema = v.pipe(v.array(NoteRefSchema), v.minLength(1, 'Choose at least one table theme'), v.maxLength(500));

/**
 * Merges tables' own themes into one event theme: into `target` (an existing theme's id), or into a new
 * theme made from `target`'s title. The facilitator confirms every merge; nothing calls this by itself.
 * The table themes' notes follow them into the event theme, unless a note was placed elsewhere by hand.
 */
export function mergeTableThemesInto(doc: Y.Doc, refs: readonly string[], target: string | ThemeInput): string {
  const valid = [...new Set(parseInput(TableThemeRefsSchema, refs, 'table themes'))];
  if (typeof target === 'string') requireTheme(doc, target);
  else parseInput(ThemeFieldsSchema, target, 'theme');
  let themeId = typeof target === 'string' ? target : '';
  doc.transact(() => {
    if (typeof target !== 'string') themeId = createTheme(doc, target);
    for (const ref of valid) themeSources(doc).set(ref, themeId);
  });
  return themeId;
}

/** Takes a table theme back out of its event theme (a merge undone by hand). */
export function detachTableTheme(doc: Y.Doc, ref: string): void {
  parseInput(NoteRefSchema, ref, 'table theme reference');
  if (!themeSources(doc).has(ref)) throw new ModelError('not_found', 'That table theme is not merged into any theme');
  doc.transact(() => themeSources(doc).delete(ref));
}

export const MentionKeySchema = v.pipe(v.string(), v.minLength(1), v.maxLength(300));

function pairKey(a: string, b: string): string {
  return [a, b].sort().join('~');
}

/** Confirms that organisation mention `alias` is the same organisation as `canonical` (an alias-map entry). */
export function confirmOrganisationMerge(doc: Y.Doc, alias: string, canonical: string): void {
  parseInput(MentionKeySchema, alias, 'organisation key');
  parseInput(MentionKeySchema, canonical, 'organisation key');
  if (alias === canonical) throw new ModelError('invalid_input', 'An organisation cannot be merged with itself');
  doc.transact(() => {
    aliases(doc).set(alias, canonical);
    rejectedMerges(doc).delete(pairKey(alias, canonical));
  });
}

/** Undoes a merge (a split by hand). */
export function splitOrganisationMerge(doc: Y.Doc, alias: string): void {
  if (!aliases(doc).has(alias)) throw new ModelError('not_found', 'That organisation is not merged');
  doc.transact(() => aliases(doc).delete(alias));
}

/** Records that two organisations were suggested as duplicates but are distinct, so they are not suggested again. */
export function rejectOrganisationMerge(doc: Y.Doc, a: string, b: string): void {
  parseInput(MentionKeySchema, a, 'organisation key');
  parseInput(MentionKeySchema, b, 'organisation key');
  doc.transact(() => rejectedMerges(doc).set(pairKey(a, b), true));
}

export function isMergeRejected(snapshot: SynthesisSnapshot, a: string, b: string): boolean {
  return snapshot.rejectedMerges.includes(pairKey(a, b));
}

export interface SynthesisSnapshot {
  schemaVersion: number;
  themes: Theme[];
  /** note ref → theme id */
  noteThemes: Record<string, string>;
  noteFlags: Record<string, NoteFlags>;
  /** table theme ref → event theme id */
  themeSources: Record<string, string>;
  hiddenNoteRefs: string[];
  aliases: Record<string, string>;
  rejectedMerges: string[];
  problems: ReadProblem[];
}

export function readSynthesis(doc: Y.Doc): SynthesisSnapshot {
  const problems: ReadProblem[] = [];
  const themeList = readValidEntries(themes(doc).entries(), ThemeSchema, 'themes', problems).sort(
    (a, b) => a.order - b.order || a.createdAt - b.createdAt,
  );
  const themeIds = new Set(themeList.map((theme) => theme.id));
  const assignments: Record<string, string> = {};
  for (const [ref, themeId] of noteThemes(doc)) if (typeof themeId === 'string' && themeIds.has(themeId)) assignments[ref] = themeId;
  const sources: Record<string, string> = {};
  for (const [ref, themeId] of themeSources(doc)) {
    if (typeof themeId === 'string' && themeIds.has(themeId) && v.is(NoteRefSchema, ref)) sources[ref] = themeId;
    else problems.push({ collection: 'themeSources', key: ref.slice(0, 80), reason: 'merges a table theme into a theme that was removed' });
  }
  const flags: Record<string, NoteFlags> = {};
  for (const [ref, raw] of noteFlags(doc)) {
    const parsed = v.safeParse(NoteFlagsSchema, raw);
    if (parsed.success) flags[ref] = parsed.output;
  }
  const aliasMap: Record<string, string> = {};
  for (const [alias, canonical] of aliases(doc)) if (typeof canonical === 'string') aliasMap[alias] = canonical;
  return {
    schemaVersion: schemaVersionOf(doc),
    themes: themeList,
    noteThemes: assignments,
    noteFlags: flags,
    themeSources: sources,
    hiddenNoteRefs: [...hiddenNotes(doc).keys()].sort(),
    aliases: aliasMap,
    rejectedMerges: [...rejectedMerges(doc).keys()].sort(),
    problems,
  };
}

export function observeSynthesis(doc: Y.Doc, callback: (snapshot: SynthesisSnapshot) => void): () => void {
  const handler = () => callback(readSynthesis(doc));
  doc.on('update', handler);
  handler();
  return () => doc.off('update', handler);
}
