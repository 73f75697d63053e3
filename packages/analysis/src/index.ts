export { normaliseOrganisationName } from './normalise.ts';
export { suggestMerges } from './dedupe.ts';
export type { MergeReason, MergeSuggestion, NameEntry, SuggestOptions } from './dedupe.ts';
export { aliasesToMerge, mentionKey, mergeTableMaps, nameGroupId, namesForSuggestions } from './merge.ts';
export type {
  AliasMap,
  LinkAssertion,
  Mention,
  MergeProblem,
  MergedLink,
  MergedMap,
  MergedOrganisation,
  RejectedMerges,
  TableMapInput,
} from './merge.ts';
export { analyseEcosystem } from './metrics.ts';
export type { AnalyseOptions, AnalysedOrganisation, Broker, EcosystemAnalysis, SectorEntry } from './metrics.ts';
export { DIRECTORY_CSV_HEADER, DirectoryEditsSchema, directoryRows, directoryToCsv, directoryToHsds } from './directory.ts';
export type { DirectoryEdits, DirectoryRow } from './directory.ts';
export { toGexf, toGraphML } from './research.ts';
export { codebookToCsv, codebookToQdc, themeGuid } from './codebook.ts';
export type { CodebookNote, SubTheme, Theme } from './codebook.ts';
export { suggestThemeMerges } from './theme-merge.ts';
export type { TableThemeEntry, ThemeMergeSuggestion, ThemeSuggestOptions } from './theme-merge.ts';
export { AnalysisError } from './errors.ts';
export { toSafeCsv } from './csv.ts';
