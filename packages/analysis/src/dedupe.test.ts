import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { suggestMerges } from './dedupe.ts';
import type { MergeSuggestion } from './dedupe.ts';
import { AnalysisError } from './errors.ts';
import { mergeTableMaps } from './merge.ts';
import { org, table } from './testing.ts';

function readFixture(file: string): Record<string, string>[] {
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

const aliasRows = readFixture('organisation-aliases.csv');
const distinctRows = readFixture('organisation-distinct.csv');

/** Every name in both fixtures, spelt exactly as in the file (trailing spaces included). */
const allNames = [...new Set([...aliasRows.flatMap((row) => [row.canonical!, row.variant!]), ...distinctRows.flatMap((row) => [row.a!, row.b!])])];
const entries = allNames.map((name, index) => ({ id: `n${index}`, name }));

/** Which alias cluster (canonical name) a spelling belongs to; names of the distinct file stand alone. */
const clusterOf = new Map<string, string>();
for (const row of aliasRows) {
  clusterOf.set(row.canonical!, row.canonical!);
  clusterOf.set(row.variant!, row.canonical!);
}
const sameCluster = (a: string, b: string) => clusterOf.has(a) && clusterOf.get(a) === clusterOf.get(b);
const suggested = (suggestions: MergeSuggestion[], a: string, b: string) =>
  suggestions.some((s) => (s.names[0] === a && s.names[1] === b) || (s.names[0] === b && s.names[1] === a));

describe('suggestMerges on the fixtures', () => {
  const suggestions = suggestMerges(entries);

  it('suggests every listed alias (recall) with few wrong suggestions (precision)', () => {
    const found = aliasRows.filter((row) => suggested(suggestions, row.canonical!, row.variant!));
    const recall = found.length / aliasRows.length;
    const correct = suggestions.filter((s) => sameCluster(s.names[0], s.names[1]));
    const precision = correct.length / suggestions.length;
    const wrong = suggestions.filter((s) => !sameCluster(s.names[0], s.names[1])).map((s) => `${s.names[0]} ~ ${s.names[1]} (${s.reason} ${s.score})`);
    console.log(`de-duplication on the fixtures: recall ${found.length}/${aliasRows.length} = ${recall.toFixed(3)}, precision ${correct.length}/${suggestions.length} = ${precision.toFixed(3)}; wrong: ${wrong.join('; ')}`);
    expect(aliasRows).toHaveLength(17);
    expect(recall).toBe(1);
    // The only wrong suggestions are "Mersey Vale" against other Mersey Vale bodies: a bare place name is
    // genuinely ambiguous, which is why suggestions are confirmed by a person.
    expect(precision).toBeGreaterThanOrEqual(0.85);
    for (const line of wrong) expect(line.startsWith('Mersey Vale ~') || line.includes('~ Mersey Vale (')).toBe(true);
  });

  it('never suggests a pair from the distinct fixture', () => {
    for (const row of distinctRows) expect(suggested(suggestions, row.a!, row.b!), `${row.a} ~ ${row.b}`).toBe(false);
  });

  it('explains each suggestion with a reason', () => {
    const reasonFor = (a: string, b: string) => suggestions.find((s) => s.names.includes(a) && s.names.includes(b))?.reason;
    expect(reasonFor('Northshore Mind', 'Northshore MIND')).toBe('same-name');
    expect(reasonFor('Northshore Mind', 'Mind Northshore')).toBe('same-words');
    expect(reasonFor('Northshore Primary Care Network', 'Northshore PCN')).toBe('abbreviation');
    expect(reasonFor('Crisis Resolution Home Treatment Team', 'CRHT')).toBe('abbreviation');
    expect(reasonFor('Eastfield Carers Centre', 'Eastfield Carers Center')).toBe('similar-spelling');
    expect(reasonFor('Riverside Housing Association', 'Riverside Housing')).toBe('contained');
  });

  it('ranks stronger evidence first', () => {
    const scores = suggestions.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const score = (a: string, b: string) => suggestions.find((s) => s.names.includes(a) && s.names.includes(b))!.score;
    expect(score('Northshore Mind', 'Northshore MIND')).toBe(1);
    expect(score('Northshore Primary Care Network', 'Northshore PCN')).toBeGreaterThan(score('Crisis Resolution Home Treatment Team', 'Crisis team'));
  });
});

describe('merging the fixtures without confirmed aliases', () => {
  it('never merges a distinct pair', () => {
    for (const row of distinctRows) {
      const map = mergeTableMaps([table('t1', [org('o1', row.a!)]), table('t2', [org('o1', row.b!)])]);
      expect(map.organisations, `${row.a} / ${row.b}`).toHaveLength(2);
    }
  });

  it('merges only the aliases that are identical after normalisation; fuzzy ones wait for the facilitator', () => {
    const merged = aliasRows.filter((row) => {
      const map = mergeTableMaps([table('t1', [org('o1', row.canonical!)]), table('t2', [org('o1', row.variant!)])]);
      return map.organisations.length === 1;
    });
    expect(merged.map((row) => row.variant)).toEqual(['Northshore MIND', 'northshore mind ', 'Mersey Vale NHS FT']);
  });
});

describe('suggestMerges options and input', () => {
  const names = [
    { id: 'a', name: 'Riverside Housing Association' },
    { id: 'b', name: 'Riverside HA' },
    { id: 'c', name: 'Riverside Housing' },
  ];

  it('leaves out pairs the facilitator rejected, in either order', () => {
    // "Riverside HA" / "Riverside Housing" share too little to be suggested directly; both pair with a.
    const all = suggestMerges(names);
    expect(all.map((s) => s.ids.join('+')).sort()).toEqual(['a+b', 'a+c']);
    const left = suggestMerges(names, { rejected: [['b', 'a']] });
    expect(left.map((s) => s.ids.join('+'))).toEqual(['a+c']);
  });

  it('drops suggestions below the threshold', () => {
    const strict = suggestMerges(names, { threshold: 0.85 });
    expect(strict.map((s) => s.ids.join('+'))).toEqual(['a+b']);
  });

  it('does not pair an entry with itself or suggest nonsense for empty names', () => {
    expect(suggestMerges([{ id: 'a', name: 'Mind' }, { id: 'a', name: 'MIND' }])).toEqual([]);
    expect(suggestMerges([{ id: 'x', name: '!!!' }, { id: 'y', name: '???' }])).toEqual([
      { ids: ['x', 'y'], names: ['!!!', '???'], score: 1, reason: 'same-name' },
    ]);
  });

  it('refuses malformed input with a clear error', () => {
    expect(() => suggestMerges([{ id: 'a', name: 3 }] as never)).toThrow(AnalysisError);
    expect(() => suggestMerges([{ id: 'a', name: 3 }] as never)).toThrow(/name must be text/);
    expect(() => suggestMerges('names' as never)).toThrow(/list of \{ id, name \}/);
  });
});
