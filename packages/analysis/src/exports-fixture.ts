/** A small merged map with hostile names, shared by the export tests. */
import { mergeTableMaps } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { link, org, table } from './testing.ts';

export const HOSTILE_NAME = '<script>alert("x")</script> & Sons';
export const FORMULA_NAME = '=HYPERLINK("http://evil.example","click")';

export function exportFixture() {
  const tables = [
    table('t1', [
      org('a', HOSTILE_NAME, 'vcse', { size: 'grassroots', locality: 'Northshore & District', remit: 'Peer "support"\nand more' }),
      org('b', 'Riverside Housing', 'housing', { size: 'regional', locality: 'Riverside' }),
      org('c', FORMULA_NAME, 'other', { remit: '+44 1234 567890' }),
    ], [link('1', 'a', 'b', 'refers_to', 'existing', 3), link('2', 'b', 'c', 'collaborates', 'wanted', 1)], 'Table <1> & co'),
    table('t2', [org('x', 'Riverside Housing', 'housing'), org('y', '@Crisis line', 'nhs_secondary', { remit: '-1 wait' })], [
      link('3', 'x', 'y', 'shares_information', 'broken', 2),
    ], 'Table 2'),
  ];
  return analyseEcosystem(mergeTableMaps(tables), [
    { id: 'vcse', label: 'Voluntary sector' },
    { id: 'housing', label: 'Housing' },
    { id: 'nhs_secondary', label: 'NHS secondary care' },
  ]);
}
