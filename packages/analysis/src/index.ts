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
export type { ResearchExportOptions } from './research.ts';
export { LIVED_EXPERIENCE_GROUPS, consensusLayer, filterMapByGroups } from './consensus.ts';
export type { ConsensusLayer, ElementConsensus, LinkConsensus, OrganisationConsensus } from './consensus.ts';
export { codebookToCsv, codebookToQdc, themeGuid } from './codebook.ts';
export type { CodebookNote, SubTheme, Theme } from './codebook.ts';
export { suggestThemeMerges } from './theme-merge.ts';
export type { TableThemeEntry, ThemeMergeSuggestion, ThemeSuggestOptions } from './theme-merge.ts';
export { AnalysisError } from './errors.ts';
export { toSafeCsv } from './csv.ts';
export { MAX_PATH_LENGTH, cutVertices, findPathways, findSectorRoute, resolveOrganisation, routeGraph } from './pathways.ts';
export type { Adjacency, PathwayAnswer, PathwayQuery, Redirect, RouteOptions, SectorRoute } from './pathways.ts';
export { answerRouteQuestion, describeRouteQuestion } from './route-questions.ts';
export type { RouteQuestion, RouteQuestionAnswer } from './route-questions.ts';
export { eiPermutationTest } from './ei-test.ts';
export type { EiFigure, EiTest } from './ei-test.ts';
export { BROKERAGE_ROLES, brokerageRoles } from './brokerage.ts';
export type { BrokerageResult, BrokerageRole, RoleCounts } from './brokerage.ts';
export { influenceLayer } from './influence.ts';
export type { InfluenceLayer, InfluencePoint, InfluenceRating, Quadrant } from './influence.ts';
export { changeRows, compareEvents } from './change.ts';
export type { DiffLink, DiffOrganisation, DiffState, EventChange, MatchSuggestion, MetricChange } from './change.ts';
export { earlierEventFromExport, earlierEventKey } from './event-export.ts';
export type { EarlierEvent } from './event-export.ts';
export { MAX_IMPORT_CONNECTIONS, MAX_IMPORT_ELEMENTS, MAX_IMPORT_FILE_BYTES, importedTable, previewMapImport } from './map-import.ts';
export type {
  ConnectionPreview,
  ElementPreview,
  ImportedLink,
  ImportedOrganisation,
  MapImportFatalCode,
  MapImportFormat,
  MapImportPreview,
  MapImportProblem,
  MapImportProblemCode,
  RawConnection,
  RawElement,
  RawMap,
} from './map-import.ts';
export { previewMapFile, readGexf, readGraphML, readKumuJson, readSpreadsheetCsv, readSpreadsheetXlsx } from './map-import-formats.ts';
export type { MapFile } from './map-import-formats.ts';
export { QDA_PROJECT_NAMESPACE, qdaGuid, qdaProject, toQdpx } from './qdpx.ts';
export type { QdaProject, QdaProjectInput } from './qdpx.ts';
