import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { link, org, table } from './testing.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tablemap-analysis-'));

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const input = write(
  'event.json',
  JSON.stringify({
    tables: [
      table('t1', [org('a', 'Northshore Mind'), org('b', 'Riverside Housing', 'housing')], [link('l1', 'a', 'b')]),
      table('t2', [org('x', 'NORTHSHORE MIND'), org('y', 'Mersey Vale ICB', 'commissioner')], [link('l1', 'y', 'x', 'funds')]),
    ],
  }),
);

describe('the export CLI', () => {
  it('writes a GEXF file of the merged map', () => {
    const out = join(dir, 'map.gexf');
    execFileSync(process.execPath, [CLI, 'gexf', input, out]);
    const xml = readFileSync(out, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.match(/<node /g)).toHaveLength(3); // Northshore Mind merged across the tables
    expect(xml.match(/<edge /g)).toHaveLength(2);
  });

  it('prints the directory CSV to stdout', () => {
    const csv = execFileSync(process.execPath, [CLI, 'directory-csv', input], { encoding: 'utf8' });
    expect(csv.split('\r\n')[0]).toBe('name,sector,size,locality,remit,tables,links');
    expect(csv).toContain('Northshore Mind,"Voluntary, community and social enterprise sector",,,,Table t1; Table t2,2');
  });

  it.each([
    ['not JSON', '{nope', /is not JSON/],
    ['missing fields', JSON.stringify({ tables: [{ tableId: 't1' }] }), /is not a Tablemap analysis input: tables\.0\.tableName/],
    ['a bad organisation', JSON.stringify({ tables: [table('t1', [org('A B', '')])] }), /Organisation name is required|id is malformed/],
  ])('refuses %s with a clear message and writes nothing', (_case, content, message) => {
    const bad = write(`bad-${_case.replace(/\W/g, '')}.json`, content);
    const out = join(dir, `out-${_case.replace(/\W/g, '')}.gexf`);
    const result = spawnSync(process.execPath, [CLI, 'gexf', bad, out], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown format', () => {
    const result = spawnSync(process.execPath, [CLI, 'pdf', input], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Unknown format "pdf"/);
  });
});
