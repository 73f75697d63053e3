/** Property-based checks (fast-check) of the guarantees the exports and the merge make for *any* input. */
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { directoryRows, directoryToCsv } from './directory.ts';
import { mergeTableMaps } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { normaliseOrganisationName } from './normalise.ts';
import { toGexf } from './research.ts';
import { org, table } from './testing.ts';

const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

describe('properties', () => {
  it('normalising twice changes nothing', () => {
    fc.assert(fc.property(anyText, (name) => normaliseOrganisationName(normaliseOrganisationName(name)) === normaliseOrganisationName(name)));
  });

  it('without aliases, organisations merge exactly when their normalised names are equal', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('Northshore Mind', 'NORTHSHORE MIND', 'Mind Northshore', 'Riverside HA', 'riverside  ha', 'Crisis Team', 'crisis-team'), { minLength: 1, maxLength: 12 }), (names) => {
        const tables = names.map((name, i) => table(`t${i}`, [org('o1', name)]));
        const map = mergeTableMaps(tables);
        expect(map.organisations).toHaveLength(new Set(names.map(normaliseOrganisationName)).size);
      }),
    );
  });

  it('every directory CSV cell reads back as written, or apostrophe-prefixed when it could run as a formula', () => {
    fc.assert(
      fc.property(anyText.filter((s) => s.trim().length > 0), anyText, (name, remit) => {
        const analysis = analyseEcosystem(mergeTableMaps([table('t1', [org('a', name.slice(0, 120), 'vcse', { remit })])]), []);
        const row = directoryRows(analysis)[0]!;
        const [, cells] = Papa.parse<string[]>(directoryToCsv([row]), { newline: '\r\n' }).data;
        for (const [written, read] of [[row.name, cells![0]], [row.remit, cells![4]]] as const) {
          expect(read).toBe(/^[=+\-@\t\r]/.test(written) ? `'${written}` : written);
        }
      }),
    );
  });

  it('every organisation name survives a GEXF round trip as text, never as markup', () => {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, trimValues: false, isArray: (n, _p, _l, attr) => !attr && n === 'node' });
    fc.assert(
      // Names as the model stores them: trimmed and not empty.
      fc.property(anyText.map((s) => s.replace(NOT_XML, '').trim()).filter((s) => s.length > 0), (name) => {
        const analysis = analyseEcosystem(mergeTableMaps([table('t1', [org('a', name)])]), []);
        const parsed = parser.parse(toGexf(analysis));
        expect(parsed.gexf.graph.nodes.node[0].label).toBe(name);
      }),
    );
  });
});
