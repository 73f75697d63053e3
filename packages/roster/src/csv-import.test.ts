import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEFAULT_STAKEHOLDER_GROUPS, ModelError } from '@tablemap/model';
import { applyFixes, confirmImport, parseAttendeeCsv, type ImportPreview } from './csv-import.ts';
import { importAttendees, readRoster } from './roster-doc.ts';

const groups = DEFAULT_STAKEHOLDER_GROUPS;
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const codesByLine = (preview: ImportPreview) =>
  Object.fromEntries(preview.rows.map((row) => [row.line, row.problems.map((problem) => problem.code)]));

describe('attendees-messy.csv', () => {
  const preview = parseAttendeeCsv(fixture('attendees-messy.csv'), { groups });

  it('reports exactly its listed problems, each on its own row', () => {
    expect(preview.fatal).toBeUndefined();
    expect(codesByLine(preview)).toEqual({
      2: [],
      3: [],
      4: ['missing_name'],
      5: ['formula_injection'],
      6: ['duplicate_person'],
      7: ['unknown_group'],
      8: ['blank_line'],
      9: ['bad_email'],
    });
  });

  it('reads the BOM, CRLF, header spelling and quoted comma correctly', () => {
    expect(preview.columns.fields.group?.header).toBe('Stakeholder Group');
    const first = preview.rows[0]!;
    expect(first.attendee).toEqual({ name: 'Smith, Jo', organisation: 'Northshore Mind', group: 'vcse', email: 'jo@example.org', needs: [] });
    // "lived experience" is the lived_experience id written with a space, not an unknown group.
    expect(preview.rows.find((row) => row.line === 3)?.attendee?.group).toBe('lived_experience');
    expect(preview.rows.every((row) => !row.raw.name.includes('\uFEFF'))).toBe(true);
  });

  it('neutralises the formula but keeps the row', () => {
    const row = preview.rows.find((entry) => entry.line === 5)!;
    expect(row.skip).toBe(false);
    expect(row.attendee?.organisation.startsWith("'=HYPERLINK")).toBe(true);
    expect(row.problems[0]?.message).toMatch(/formula/);
  });

  it('explains each blocking problem and points the duplicate at the earlier line', () => {
    const row = (line: number) => preview.rows.find((entry) => entry.line === line)!;
    expect(row(6).problems[0]?.message).toMatch(/line 5/);
    expect(row(7).problems[0]?.message).toMatch(/astronaut/);
    expect(row(7).problems[0]?.suggestion).toBe('other');
    expect(row(9).problems[0]?.message).toMatch(/not-an-email/);
    expect(preview.rows.filter((entry) => entry.skip).map((entry) => entry.line)).toEqual([4, 6, 7, 8, 9]);
  });

  it('changes nothing in the roster until the facilitator confirms', () => {
    const roster = new Y.Doc();
    importAttendees(roster, [{ id: 'existing1', name: 'Ada Lovelace', organisation: 'University of Northshore', group: 'academic', needs: [] }]);
    const before = Y.encodeStateAsUpdate(roster);
    const parsed = parseAttendeeCsv(fixture('attendees-messy.csv'), { groups, existing: readRoster(roster).attendees });
    expect(Y.encodeStateAsUpdate(roster)).toEqual(before);
    expect(readRoster(roster).attendees.map((attendee) => attendee.name)).toEqual(['Ada Lovelace']);

    importAttendees(roster, confirmImport(parsed));
    expect(readRoster(roster).attendees.map((attendee) => attendee.name).sort()).toEqual(['Ada Lovelace', 'Ali Khan', 'Sam Gill', 'Smith, Jo']);
  });
});

describe('confirmImport', () => {
  const preview = parseAttendeeCsv(fixture('attendees-messy.csv'), { groups });

  it('imports only rows without blocking problems, with fresh ids', () => {
    const attendees = confirmImport(preview);
    expect(attendees.map((attendee) => attendee.name)).toEqual(['Smith, Jo', 'Ali Khan', 'Sam Gill']);
    expect(new Set(attendees.map((attendee) => attendee.id)).size).toBe(3);
  });

  it('skips lines on request and forces in overridable ones (a bad email is then dropped)', () => {
    const attendees = confirmImport(preview, { skipLines: [2], includeLines: [6, 9] });
    expect(attendees.map((attendee) => attendee.name)).toEqual(['Ali Khan', 'Sam Gill', 'Sam Gill', 'Noor Aziz']);
    expect(attendees.find((attendee) => attendee.name === 'Noor Aziz')?.email).toBeUndefined();
  });

  it('refuses to force in a row with no name or an unknown group, or a line that is not there', () => {
    expect(() => confirmImport(preview, { includeLines: [4] })).toThrow(/Line 4.*Name is missing/);
    expect(() => confirmImport(preview, { includeLines: [7] })).toThrow(/astronaut/);
    expect(() => confirmImport(preview, { skipLines: [42] })).toThrow(/Line 42/);
  });

  it('accepts fixes: a chosen group and a typed-in name clear their problems', () => {
    const fixed = applyFixes(preview, { 7: { group: 'other' }, 4: { name: 'Pat Doe' } });
    expect(codesByLine(fixed)[7]).toEqual([]);
    expect(codesByLine(fixed)[4]).toEqual([]);
    expect(codesByLine(preview)[7]).toEqual(['unknown_group']); // the old preview is untouched
    expect(confirmImport(fixed).map((attendee) => attendee.name)).toEqual(['Smith, Jo', 'Ali Khan', 'Pat Doe', 'Sam Gill', 'Lee Park']);
  });
});

describe('parseAttendeeCsv', () => {
  it('reads attendees-120.csv with no problems and detects needs', () => {
    const preview = parseAttendeeCsv(fixture('attendees-120.csv'), { groups });
    expect(preview.rows).toHaveLength(120);
    expect(preview.rows.filter((row) => row.problems.length > 0)).toEqual([]);
    const attendees = confirmImport(preview);
    expect(attendees).toHaveLength(120);
    expect(attendees.filter((attendee) => attendee.needs.includes('step-free access')).length).toBeGreaterThan(0);
  });

  it('flags everyone as a duplicate when the same list is imported twice', () => {
    const first = confirmImport(parseAttendeeCsv(fixture('attendees-120.csv'), { groups }));
    const again = parseAttendeeCsv(fixture('attendees-120.csv'), { groups, existing: first });
    expect(again.rows.every((row) => row.problems.map((problem) => problem.code).join() === 'duplicate_person')).toBe(true);
    expect(confirmImport(again)).toEqual([]);
  });

  it('understands header variants, a semicolon delimiter and split first/last names', () => {
    const csv = 'First name;Surname;Organization;stakeholder_group;E-mail;Access needs\nMia;Khan;Kestrel Youth Advice;Housing;mia@example.org;step-free access\n';
    const preview = parseAttendeeCsv(csv, { groups });
    expect(preview.rows[0]?.attendee).toEqual({
      name: 'Mia Khan',
      organisation: 'Kestrel Youth Advice',
      group: 'housing',
      email: 'mia@example.org',
      needs: ['step-free access'],
    });
  });

  it('matches group labels and suggests the nearest group for a typo', () => {
    const csv = 'Name,Group\nA One,Carers and family\nB Two,Primary Care (GP practices, PCNs)\nC Three,carers\nD Four,lived experiance\n';
    const rows = parseAttendeeCsv(csv, { groups }).rows;
    expect(rows.map((row) => row.attendee?.group)).toEqual(['carer', undefined, undefined, undefined]);
    // The unquoted comma splits the label; the nearest group is still offered.
    expect(rows[1]?.problems[0]?.suggestion).toBe('primary_care');
    expect(rows[2]?.problems[0]?.suggestion).toBe('carer');
    expect(rows[3]?.problems[0]?.suggestion).toBe('lived_experience');
  });

  it('keeps line numbers right when a quoted cell spans lines', () => {
    const csv = 'Name,Organisation,Group\r\n"Jo\r\nSmith",Mind,vcse\r\n,Mind,vcse\r\n';
    const preview = parseAttendeeCsv(csv, { groups });
    expect(preview.rows.map((row) => [row.line, row.problems.map((problem) => problem.code)])).toEqual([
      [2, []],
      [4, ['missing_name']],
    ]);
  });

  it('neutralises formulas in names and needs too', () => {
    const preview = parseAttendeeCsv('Name,Group,Needs\n@SUM(1+1),vcse,+cmd\n', { groups });
    const row = preview.rows[0]!;
    expect(row.attendee?.name).toBe("'@SUM(1+1)");
    expect(row.attendee?.needs).toEqual(["'+cmd"]);
    expect(row.problems.map((problem) => problem.field)).toEqual(['name', 'needs']);
  });

  it('reads a UTF-16 export from Excel', () => {
    const text = '\uFEFFName,Group\nZoë Åberg,carer\n';
    const bytes = new Uint8Array(text.length * 2);
    for (let index = 0; index < text.length; index++) {
      bytes[index * 2] = text.charCodeAt(index) & 0xff;
      bytes[index * 2 + 1] = text.charCodeAt(index) >> 8;
    }
    expect(parseAttendeeCsv(bytes, { groups }).rows[0]?.attendee?.name).toBe('Zoë Åberg');
  });
});

describe('files that are refused outright', () => {
  const refused = (preview: ImportPreview) => {
    expect(preview.rows).toEqual([]);
    expect(() => confirmImport(preview)).toThrow(ModelError);
    return preview.fatal;
  };

  it('a 20 MB CSV, as text or bytes', () => {
    const row = 'Jo Smith,Northshore Mind,vcse,jo@example.org\n';
    const big = 'Name,Organisation,Group,Email\n' + row.repeat(Math.ceil((20 * 1024 * 1024) / row.length));
    const fatal = refused(parseAttendeeCsv(big, { groups }));
    expect(fatal?.code).toBe('too_large');
    expect(fatal?.message).toMatch(/20\.0 MB.*5\.0 MB/);
    expect(refused(parseAttendeeCsv(new TextEncoder().encode(big), { groups }))?.code).toBe('too_large');
    expect(refused(parseAttendeeCsv(fixture('attendees-120.csv'), { groups, maxBytes: 1000 }))?.code).toBe('too_large');
  });

  it('a PNG renamed .csv', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);
    const fatal = refused(parseAttendeeCsv(png, { groups }));
    expect(fatal?.code).toBe('binary');
    expect(fatal?.message).toMatch(/not a CSV/);
    // The same file read as text by a browser still has its NUL bytes.
    expect(refused(parseAttendeeCsv(new TextDecoder().decode(png), { groups }))?.code).toBe('binary');
  });

  it('text that is not UTF-8 (a Latin-1 export)', () => {
    const latin1 = new Uint8Array([...new TextEncoder().encode('Name,Group\nJos'), 0xe9, ...new TextEncoder().encode(',vcse\n')]);
    const fatal = refused(parseAttendeeCsv(latin1, { groups }));
    expect(fatal?.code).toBe('bad_encoding');
    expect(fatal?.message).toMatch(/CSV UTF-8/);
  });

  it('a CSV with no recognisable columns', () => {
    const fatal = refused(parseAttendeeCsv('Colour,Size,Price\nred,10,3.50\n', { groups }));
    expect(fatal?.code).toBe('no_columns');
    expect(fatal?.message).toMatch(/"Colour", "Size", "Price"/);
  });

  it('a CSV without a stakeholder group column', () => {
    const fatal = refused(parseAttendeeCsv('Name,Organisation\nJo,Mind\n', { groups }));
    expect(fatal?.code).toBe('missing_column');
    expect(fatal?.message).toMatch(/stakeholder group/);
  });

  it('an empty file, or one of blank lines', () => {
    expect(refused(parseAttendeeCsv('', { groups }))?.code).toBe('empty');
    expect(refused(parseAttendeeCsv(new Uint8Array([0xef, 0xbb, 0xbf, 0x0d, 0x0a, 0x0d, 0x0a]), { groups }))?.code).toBe('empty');
  });

  it('more rows than the limit', () => {
    expect(refused(parseAttendeeCsv(fixture('attendees-120.csv'), { groups, maxRows: 100 }))?.message).toMatch(/120 rows.*100/);
  });
});
