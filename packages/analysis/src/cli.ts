/**
 * Research exports from the command line:
 *
 *   node packages/analysis/src/cli.ts <gexf|graphml|directory-csv|hsds|analysis> <input.json> [output]
 *
 * The input is JSON: { "tables": TableMapInput[], "aliases"?: AliasMap, "rejected"?: string[],
 * "sectors"?: {id,label}[] } (sectors default to the model's DEFAULT_SECTORS). Output goes to stdout
 * when no output path is given. The file is validated before anything is written.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as v from 'valibot';
import { DEFAULT_SECTORS, LinkSchema, OrganisationSchema, VocabularyIdSchema } from '@tablemap/model';
import { directoryRows, directoryToCsv, directoryToHsds } from './directory.ts';
import { describeIssues } from '@tablemap/model';
import { AnalysisError } from './errors.ts';
import { mergeTableMaps } from './merge.ts';
import { analyseEcosystem } from './metrics.ts';
import { toGexf, toGraphML } from './research.ts';

const MAX_INPUT_BYTES = 50 * 1024 * 1024;

const InputSchema = v.object({
  tables: v.array(
    v.object({
      tableId: v.pipe(v.string(), v.minLength(1, 'tableId is required')),
      tableName: v.string(),
      organisations: v.array(OrganisationSchema),
      links: v.array(LinkSchema),
    }),
  ),
  aliases: v.optional(v.record(v.string(), v.string()), {}),
  rejected: v.optional(v.array(v.string()), []),
  sectors: v.optional(v.array(v.object({ id: VocabularyIdSchema, label: v.pipe(v.string(), v.minLength(1, 'a sector needs a label')) }))),
});

const FORMATS = {
  gexf: toGexf,
  graphml: toGraphML,
  'directory-csv': (analysis: ReturnType<typeof analyseEcosystem>) => directoryToCsv(directoryRows(analysis)),
  hsds: (analysis: ReturnType<typeof analyseEcosystem>) => `${JSON.stringify(directoryToHsds(directoryRows(analysis)), null, 2)}\n`,
  analysis: (analysis: ReturnType<typeof analyseEcosystem>) => `${JSON.stringify(analysis, null, 2)}\n`,
} as const;

/** Runs the export and returns its text; throws AnalysisError with a clear message on bad input. */
export function runExport(format: string, inputPath: string): string {
  const exporter = FORMATS[format as keyof typeof FORMATS];
  if (!exporter) throw new AnalysisError(`Unknown format "${format}"; use one of ${Object.keys(FORMATS).join(', ')}`);
  if (statSync(inputPath).size > MAX_INPUT_BYTES) throw new AnalysisError(`${inputPath} is larger than 50 MB`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(inputPath, 'utf8'));
  } catch (error) {
    throw new AnalysisError(`${inputPath} is not JSON`, [(error as Error).message]);
  }
  const parsed = v.safeParse(InputSchema, raw);
  if (!parsed.success) throw new AnalysisError(`${inputPath} is not a Tablemap analysis input`, describeIssues(parsed.issues));
  const input = parsed.output;
  const map = mergeTableMaps(input.tables, input.aliases, input.rejected);
  return exporter(analyseEcosystem(map, input.sectors ?? DEFAULT_SECTORS.map((s) => ({ id: s.id, label: s.label }))));
}

if (import.meta.main) {
  const [format, inputPath, outputPath] = process.argv.slice(2);
  if (!format || !inputPath) {
    console.error('usage: node src/cli.ts <gexf|graphml|directory-csv|hsds|analysis> <input.json> [output]');
    process.exit(2);
  }
  try {
    const text = runExport(format, inputPath);
    if (outputPath) writeFileSync(outputPath, text);
    else process.stdout.write(text);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
