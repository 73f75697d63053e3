import Fuse from 'fuse.js';
import Papa from 'papaparse';
import * as v from 'valibot';
import { ModelError, newId, type VocabularyEntry } from '@tablemap/model';
import {
  ATTENDEE_LIMITS,
  AttendeeSchema,
  EmailSchema,
  personNameKey,
  splitNeeds,
  type Attendee,
  type AttendeeDraft,
} from './attendee.ts';

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 5000;

export type ImportProblemCode =
  | 'missing_name'
  | 'unknown_group'
  | 'duplicate_person'
  | 'formula_injection'
  | 'bad_email'
  | 'blank_line'
  | 'too_long'
  | 'malformed_row';

export type ImportField = 'name' | 'organisation' | 'group' | 'email' | 'needs' | 'language';

export interface ImportProblem {
  code: ImportProblemCode;
  message: string;
  /** For an unknown group: the id of the nearest known group. */
  suggestion?: string;
  field?: ImportField;
  /** A blocking problem keeps the row out of the import unless it is fixed (or, for some, forced in). */
  blocking: boolean;
}

/** The cells of one row as read, after the header mapping; the preview shows these. */
export type RawRow = Record<ImportField, string>;

export interface PreviewRow {
  /** 1-based line number in the file, as a spreadsheet shows it (the header is line 1). */
  line: number;
  raw: RawRow;
  /** Present when the row can become an attendee (it has a name and a known group). */
  attendee?: AttendeeDraft;
  problems: ImportProblem[];
  /** True when the row will be left out unless the facilitator fixes it or forces it in. */
  skip: boolean;
}

export type ColumnRole = ImportField | 'firstName' | 'lastName';

export interface ColumnMapping {
  /** Which column (0-based index and its header text) feeds each field. */
  fields: Partial<Record<ColumnRole, { index: number; header: string }>>;
  /** Headers that were not recognised and are ignored. */
  ignored: string[];
}

export type ImportFatalCode =
  | 'too_large'
  | 'binary'
  | 'bad_encoding'
  | 'empty'
  | 'no_columns'
  | 'missing_column'
  | 'too_many_rows'
  | 'no_groups';

export interface ImportPreview {
  rows: PreviewRow[];
  columns: ColumnMapping;
  /** The group list the rows were checked against; fixes are re-checked against it too. */
  groups: VocabularyEntry[];
  /** Set when the whole file is refused; `rows` is then empty. */
  fatal?: { code: ImportFatalCode; message: string };
}

export interface ParseOptions {
  groups: readonly VocabularyEntry[];
  maxBytes?: number;
  maxRows?: number;
  /** Attendees already in the roster, so re-importing the same people is flagged as duplicates. */
  existing?: readonly Pick<Attendee, 'name' | 'email'>[];
}

/** Problems that a facilitator may override with `includeLines` (the row is still a usable attendee). */
const OVERRIDABLE: ReadonlySet<ImportProblemCode> = new Set(['duplicate_person', 'bad_email']);

/** Header spellings seen in real exports, compared after lower-casing and dropping non-letters. */
const HEADER_ALIASES: Record<ColumnRole, readonly string[]> = {
  name: ['name', 'fullname', 'attendee', 'attendeename', 'participant', 'participantname', 'person', 'delegate', 'delegatename'],
  firstName: ['firstname', 'forename', 'givenname', 'first'],
  lastName: ['lastname', 'surname', 'familyname', 'last'],
  organisation: ['organisation', 'organization', 'org', 'organisationname', 'organizationname', 'company', 'employer', 'affiliation'],
  group: ['stakeholdergroup', 'group', 'stakeholder', 'stakeholdergroupid', 'stakeholdertype', 'groupid'],
  email: ['email', 'emailaddress', 'mail'],
  language: ['language', 'preferredlanguage', 'languagespoken', 'firstlanguage', 'mainlanguage'],
  needs: ['needs', 'accessneeds', 'accessibility', 'requirements', 'accessrequirements', 'additionalneeds', 'accessibilityneeds'],
};

/**
 * Reads an attendee CSV into a per-row preview. Nothing is stored: the facilitator reviews the
 * preview and `confirmImport` turns the accepted rows into attendees.
 */
export function parseAttendeeCsv(input: string | Uint8Array, options: ParseOptions): ImportPreview {
  const groups = [...options.groups];
  const emptyColumns: ColumnMapping = { fields: {}, ignored: [] };
  const refuse = (code: ImportFatalCode, message: string): ImportPreview => ({
    rows: [],
    columns: emptyColumns,
    groups,
    fatal: { code, message },
  });
  if (groups.length === 0) return refuse('no_groups', 'The event has no stakeholder groups yet; add them before importing attendees.');

  const decoded = decodeText(input, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if ('fatal' in decoded) return refuse(decoded.fatal.code, decoded.fatal.message);
  const text = decoded.text;
  if (text.trim() === '') return refuse('empty', 'The file is empty: there is no header row and no attendees.');

  const records = readRecords(text);
  const headerIndex = records.findIndex((record) => !isBlank(record.cells));
  const header = records[headerIndex];
  if (!header) return refuse('empty', 'The file is empty: there is no header row and no attendees.');

  const columns = mapColumns(header.cells);
  const mapped = Object.keys(columns.fields);
  const hasName = 'name' in columns.fields || 'firstName' in columns.fields || 'lastName' in columns.fields;
  if (mapped.length === 0) {
    return refuse(
      'no_columns',
      `No recognisable columns. The first row should be a header naming the columns, such as "Name, Organisation, Stakeholder group, Email, Needs"; this file's first row is: ${describeHeader(header.cells)}.`,
    );
  }
  if (!hasName || !('group' in columns.fields)) {
    const missing = [!hasName && 'a name column ("Name")', !('group' in columns.fields) && 'a stakeholder group column ("Stakeholder group")'].filter(Boolean);
    return refuse('missing_column', `The file needs ${missing.join(' and ')}. Its columns are: ${describeHeader(header.cells)}.`);
  }

  const dataRecords = dropTrailingBlanks(records.slice(headerIndex + 1));
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (dataRecords.length > maxRows) {
    return refuse('too_many_rows', `The file has ${dataRecords.length} rows; at most ${maxRows} attendees can be imported at once.`);
  }

  const rows = dataRecords.map((record) => ({
    line: record.line,
    raw: rawRowFrom(record.cells, columns),
    errors: record.errors,
    blank: isBlank(record.cells),
  }));
  return { rows: validateRows(rows, groups, options.existing ?? []), columns, groups };
}

/**
 * Re-checks a preview after the facilitator edited some cells (for example, accepting a suggested group).
 * Returns a new preview; the old one is not changed.
 */
export function applyFixes(preview: ImportPreview, fixes: Record<number, Partial<RawRow>>, existing: ParseOptions['existing'] = []): ImportPreview {
  if (preview.fatal) return preview;
  const rows = preview.rows.map((row) => {
    const fix = fixes[row.line];
    const malformed = row.problems.filter((problem) => problem.code === 'malformed_row').map((problem) => problem.message);
    const raw = fix ? { ...row.raw, ...stringsOnly(fix) } : row.raw;
    const blank = fix ? isBlank(Object.values(raw)) : row.problems.some((problem) => problem.code === 'blank_line');
    return { line: row.line, raw, errors: fix ? [] : malformed, blank };
  });
  return { ...preview, rows: validateRows(rows, preview.groups, existing) };
}

export interface ConfirmOptions {
  /** Lines to leave out even though they are fine. */
  skipLines?: readonly number[];
  /** Lines to import despite an overridable problem (a duplicate, or a bad email, which is then dropped). */
  includeLines?: readonly number[];
}

/**
 * Turns the accepted rows of a preview into attendees with fresh ids. Throws (changing nothing) when the
 * file was refused or a forced line cannot be imported.
 */
export function confirmImport(preview: ImportPreview, options: ConfirmOptions = {}): Attendee[] {
  if (preview.fatal) throw new ModelError('invalid_input', `This file cannot be imported: ${preview.fatal.message}`);
  const skip = new Set(options.skipLines ?? []);
  const include = new Set(options.includeLines ?? []);
  const known = new Set(preview.rows.map((row) => row.line));
  for (const line of [...skip, ...include]) {
    if (!known.has(line)) throw new ModelError('invalid_input', `Line ${line} is not an attendee row of this file`);
  }
  const attendees: Attendee[] = [];
  for (const row of preview.rows) {
    if (skip.has(row.line)) continue;
    if (row.skip && !include.has(row.line)) continue;
    if (row.skip) assertOverridable(row);
    if (!row.attendee) continue;
    attendees.push(v.parse(AttendeeSchema, { id: newId(), ...row.attendee }));
  }
  return attendees;
}

function assertOverridable(row: PreviewRow): void {
  const hard = row.problems.filter((problem) => problem.blocking && !OVERRIDABLE.has(problem.code));
  if (hard.length > 0 || !row.attendee) {
    const reasons = hard.map((problem) => problem.message).join('; ') || 'it has no attendee';
    throw new ModelError('invalid_input', `Line ${row.line} cannot be imported as it is: ${reasons}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding: refuse what is not a CSV before papaparse sees it.

type Decoded = { text: string } | { fatal: { code: ImportFatalCode; message: string } };

function decodeText(input: string | Uint8Array, maxBytes: number): Decoded {
  const limit = `${formatBytes(maxBytes)}`;
  const tooLarge = (bytes: number): Decoded => ({
    fatal: { code: 'too_large', message: `The file is ${formatBytes(bytes)}; the limit is ${limit}. An attendee list is usually well under 1 MB: is this the right file?` },
  });
  const binary: Decoded = {
    fatal: { code: 'binary', message: 'This is not a CSV text file (it contains binary data, like an image or a spreadsheet). Save the attendee list as "CSV UTF-8" and try again.' },
  };
  if (typeof input === 'string') {
    // Each character is at least one byte, so a long string is over the limit without encoding it.
    if (input.length > maxBytes) return tooLarge(input.length);
    const bytes = new TextEncoder().encode(input).length;
    if (bytes > maxBytes) return tooLarge(bytes);
    if (input.includes('\u0000')) return binary;
    if (input.includes('\uFFFD')) return badEncoding();
    return { text: stripBom(input) };
  }
  if (input.byteLength > maxBytes) return tooLarge(input.byteLength);
  if (input[0] === 0xff && input[1] === 0xfe) return { text: stripBom(new TextDecoder('utf-16le').decode(input)) };
  if (input.includes(0)) return binary;
  try {
    return { text: stripBom(new TextDecoder('utf-8', { fatal: true }).decode(input)) };
  } catch {
    return badEncoding();
  }
}

function badEncoding(): Decoded {
  return {
    fatal: {
      code: 'bad_encoding',
      message: 'The file is not UTF-8 text, so names with accents would be garbled. In your spreadsheet choose "Save as: CSV UTF-8" and try again.',
    },
  };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} bytes`;
}

// ---------------------------------------------------------------------------------------------
// Reading records with their line numbers (a quoted cell may span lines, so rows != lines).

interface SourceRecord {
  line: number;
  cells: string[];
  errors: string[];
}

function readRecords(text: string): SourceRecord[] {
  const records: SourceRecord[] = [];
  let line = 1;
  let previousCursor = 0;
  let linebreak = '\n';
  Papa.parse<string[]>(text, {
    skipEmptyLines: false,
    step(result) {
      linebreak = result.meta.linebreak || linebreak;
      const cursor = result.meta.cursor;
      records.push({ line, cells: result.data, errors: result.errors.map((error) => error.message) });
      line += countOccurrences(text.slice(previousCursor, cursor), linebreak);
      previousCursor = cursor;
      // The cursor stops before the row's line break; the next slice counts it.
    },
  });
  return records;
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + needle.length)) count++;
  return count;
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((cell) => cell.trim() === '');
}

/** A final line break (or a few) is not a "blank line" problem; blank lines between rows are. */
function dropTrailingBlanks(records: SourceRecord[]): SourceRecord[] {
  let end = records.length;
  while (end > 0 && isBlank(records[end - 1]!.cells)) end--;
  return records.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// Header mapping.

function headerKey(header: string): string {
  return header.toLowerCase().replace(/[^a-z]/g, '');
}

function mapColumns(headers: readonly string[]): ColumnMapping {
  const fields: ColumnMapping['fields'] = {};
  const ignored: string[] = [];
  headers.forEach((header, index) => {
    const key = headerKey(header);
    const role = (Object.keys(HEADER_ALIASES) as ColumnRole[]).find((candidate) => HEADER_ALIASES[candidate].includes(key));
    if (role && !(role in fields)) fields[role] = { index, header: header.trim() };
    else if (header.trim() !== '') ignored.push(header.trim());
  });
  return { fields, ignored };
}

function describeHeader(cells: readonly string[]): string {
  const shown = cells.slice(0, 6).map((cell) => `"${cell.trim().slice(0, 40)}"`);
  return shown.join(', ') + (cells.length > 6 ? ', …' : '');
}

function rawRowFrom(cells: readonly string[], columns: ColumnMapping): RawRow {
  const cell = (role: ColumnRole) => {
    const column = columns.fields[role];
    return column ? (cells[column.index] ?? '') : '';
  };
  const fullName = cell('name') || [cell('firstName').trim(), cell('lastName').trim()].filter(Boolean).join(' ');
  return { name: fullName, organisation: cell('organisation'), group: cell('group'), email: cell('email'), needs: cell('needs'), language: cell('language') };
}

function stringsOnly(fix: Partial<RawRow>): Partial<RawRow> {
  const clean: Partial<RawRow> = {};
  for (const [key, value] of Object.entries(fix)) if (typeof value === 'string') clean[key as ImportField] = value;
  return clean;
}

// ---------------------------------------------------------------------------------------------
// Row validation.

interface RowInput {
  line: number;
  raw: RawRow;
  errors: readonly string[];
  blank: boolean;
}

function validateRows(rows: readonly RowInput[], groups: readonly VocabularyEntry[], existing: NonNullable<ParseOptions['existing']>): PreviewRow[] {
  const resolveGroup = groupResolver(groups);
  const seen = new DuplicateIndex();
  existing.forEach((person) => seen.remember(person.name, person.email, 'already in the roster'));
  return rows.map((row) => {
    const preview = validateRow(row, resolveGroup);
    if (preview.attendee) {
      const earlier = seen.find(preview.attendee.name, preview.attendee.email);
      if (earlier) {
        preview.problems.push({
          code: 'duplicate_person',
          field: 'name',
          blocking: true,
          message: `${preview.attendee.name} looks like the same person as ${earlier}`,
        });
      } else {
        seen.remember(preview.attendee.name, preview.attendee.email, `line ${row.line}`);
      }
    }
    preview.skip = preview.problems.some((problem) => problem.blocking);
    return preview;
  });
}

function validateRow(row: RowInput, resolveGroup: (value: string) => GroupMatch): PreviewRow {
  const problems: ImportProblem[] = [];
  if (row.blank && row.errors.length === 0) {
    return { line: row.line, raw: row.raw, problems: [{ code: 'blank_line', blocking: true, message: 'Blank line: nothing to import' }], skip: true };
  }
  for (const error of row.errors) problems.push({ code: 'malformed_row', blocking: true, message: `The row could not be read: ${error}` });

  const name = neutralise(row.raw.name.trim(), 'name', 'Name', problems);
  const organisation = neutralise(row.raw.organisation.trim(), 'organisation', 'Organisation', problems);
  const needs = splitNeeds(row.raw.needs).map((need) => neutralise(need, 'needs', 'Needs', problems));
  const language = neutralise((row.raw.language ?? '').trim(), 'language', 'Language', problems);
  checkLength(language, ATTENDEE_LIMITS.language, 'language', 'Language', problems);
  if (name === '') problems.push({ code: 'missing_name', field: 'name', blocking: true, message: 'Name is missing' });
  checkLength(name, ATTENDEE_LIMITS.name, 'name', 'Name', problems);
  checkLength(organisation, ATTENDEE_LIMITS.organisation, 'organisation', 'Organisation', problems);
  if (needs.length > ATTENDEE_LIMITS.needs || needs.some((need) => need.length > ATTENDEE_LIMITS.need)) {
    problems.push({ code: 'too_long', field: 'needs', blocking: true, message: `Needs: at most ${ATTENDEE_LIMITS.needs} needs of ${ATTENDEE_LIMITS.need} characters each` });
  }

  const group = resolveGroup(row.raw.group);
  if (!group.id) {
    problems.push({
      code: 'unknown_group',
      field: 'group',
      blocking: true,
      message: row.raw.group.trim() === ''
        ? `Stakeholder group is missing${group.suggestion ? `; did you mean "${group.suggestionLabel}"?` : ''}`
        : `Unknown stakeholder group "${row.raw.group.trim()}"${group.suggestion ? `; did you mean "${group.suggestionLabel}"?` : ''}`,
      ...(group.suggestion ? { suggestion: group.suggestion } : {}),
    });
  }

  const emailText = row.raw.email.trim();
  const emailValid = emailText !== '' && v.is(EmailSchema, emailText);
  if (emailText !== '' && !emailValid) {
    problems.push({ code: 'bad_email', field: 'email', blocking: true, message: `"${emailText.slice(0, 80)}" is not a valid email address` });
  }

  const preview: PreviewRow = { line: row.line, raw: row.raw, problems, skip: true };
  if (name !== '' && group.id && !problems.some((problem) => problem.code === 'too_long')) {
    preview.attendee = { name, organisation, group: group.id, needs, ...(emailValid ? { email: emailText } : {}), ...(language ? { language } : {}) };
  }
  return preview;
}

function checkLength(value: string, max: number, field: ImportField, label: string, problems: ImportProblem[]): void {
  if (value.length > max) problems.push({ code: 'too_long', field, blocking: true, message: `${label} is longer than ${max} characters` });
}

/** Cells a spreadsheet would run as a formula when the list is exported again (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

function neutralise(value: string, field: ImportField, label: string, problems: ImportProblem[]): string {
  if (!FORMULA_START.test(value)) return value;
  if (!problems.some((problem) => problem.code === 'formula_injection' && problem.field === field)) {
    problems.push({
      code: 'formula_injection',
      field,
      blocking: false,
      message: `${label} starts with "${value[0] === '\t' ? 'tab' : value[0]}" and could run as a spreadsheet formula; it will be stored with a leading apostrophe`,
    });
  }
  return `'${value}`;
}

interface GroupMatch {
  id?: string;
  suggestion?: string;
  suggestionLabel?: string;
}

function groupKey(value: string): string {
  return value.trim().toLowerCase().replace(/[\s\-/]+/g, '_');
}

/** Exact id or label match (case and spacing aside); otherwise the nearest group by fuzzy search. */
function groupResolver(groups: readonly VocabularyEntry[]): (value: string) => GroupMatch {
  const byKey = new Map<string, string>();
  for (const group of groups) {
    byKey.set(groupKey(group.id), group.id);
    byKey.set(groupKey(group.label), group.id);
  }
  const fuse = new Fuse([...groups], { keys: ['id', 'label'], includeScore: true, threshold: 0.45, ignoreLocation: true });
  const cache = new Map<string, GroupMatch>();
  return (value) => {
    const key = groupKey(value);
    const cached = cache.get(key);
    if (cached) return cached;
    let match: GroupMatch;
    const exact = byKey.get(key);
    if (exact) match = { id: exact };
    else {
      const nearest = key === '' ? undefined : fuse.search(value.trim())[0]?.item;
      // With nothing close, "Other" is still a better offer than no way forward.
      const fallback = nearest ?? groups.find((group) => group.id === 'other');
      match = fallback ? { suggestion: fallback.id, suggestionLabel: fallback.label } : {};
    }
    cache.set(key, match);
    return match;
  };
}

/** Finds an earlier row for the same person: same email, or same name unless their emails differ. */
class DuplicateIndex {
  private readonly byEmail = new Map<string, string>();
  private readonly byName = new Map<string, { email?: string; where: string }[]>();

  remember(name: string, email: string | undefined, where: string): void {
    const emailKey = email?.trim().toLowerCase() || undefined;
    if (emailKey) this.byEmail.set(emailKey, where);
    const key = personNameKey(name);
    const list = this.byName.get(key) ?? [];
    list.push(emailKey ? { email: emailKey, where } : { where });
    this.byName.set(key, list);
  }

  find(name: string, email: string | undefined): string | undefined {
    const emailKey = email?.trim().toLowerCase() || undefined;
    if (emailKey && this.byEmail.has(emailKey)) return `${this.byEmail.get(emailKey)} (same email)`;
    const sameName = this.byName.get(personNameKey(name)) ?? [];
    const match = sameName.find((earlier) => !earlier.email || !emailKey || earlier.email === emailKey);
    return match ? `${match.where} (same name)` : undefined;
  }
}
