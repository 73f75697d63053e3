export {
  DEFAULT_PRIORITY_GROUPS,
  LANGUAGES,
  DEFAULT_PROMPTS,
  DEFAULT_SECTORS,
  DEFAULT_STAKEHOLDER_GROUPS,
  LINK_STATUSES,
  NOTE_KINDS,
  ORGANISATION_SIZES,
  PHASES,
  RELATIONSHIP_KINDS,
  RELATIONSHIP_KIND_IDS,
  isMutualByDefault,
} from './vocabulary.ts';
export type {
  LinkStatus,
  NoteKind,
  OrganisationSize,
  Phase,
  RelationshipKind,
  RelationshipKindId,
  VocabularyEntry,
} from './vocabulary.ts';
export { ModelError, describeIssues } from './errors.ts';
export { CLOSE_CODES } from './close-codes.ts';
export type { CloseCode } from './close-codes.ts';
export type { ModelErrorCode } from './errors.ts';
export { ID_PATTERN, isValidId, newId } from './ids.ts';
export { seededRandom } from './random.ts';
export { eventDocName, formatDocName, parseDocName, privateDocName, reportDocName, rosterDocName, synthesisDocName, tableDocName } from './doc-names.ts';
export type { DocKind, DocRef } from './doc-names.ts';
export {
  EventDetailsSchema,
  IdSchema,
  LIMITS,
  LinkInputSchema,
  LinkSchema,
  NoteInputSchema,
  NoteSchema,
  OrganisationInputSchema,
  OrganisationSchema,
  PhaseSchema,
  PositionSchema,
  MAX_TABLE_LANGUAGES,
  TableEntrySchema,
  TableFeaturesSchema,
  VocabularyIdSchema,
} from './schemas.ts';
export type {
  EventDetails,
  Link,
  LinkInput,
  LinkPatch,
  Note,
  NoteInput,
  NotePatch,
  Organisation,
  OrganisationInput,
  OrganisationPatch,
  Position,
  PromptEntry,
  TableEntry,
  TableFeatures,
  Timer,
} from './schemas.ts';
export { parseInput, readValidEntries } from './validate.ts';
export type { ReadProblem } from './validate.ts';
export { CURRENT_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersionOf } from './versions.ts';
export type { Migration, MigrationResult } from './versions.ts';
export {
  addOrganisation,
  castThemeVote,
  castVote,
  combineVoteTallies,
  findOrganisationByName,
  linkOrganisations,
  observeTable,
  purgeNote,
  readTable,
  removeDanglingLinks,
  removeParticipantContent,
  removeLink,
  moveAuthorNotes,
  removeNote,
  removeOrganisation,
  retractThemeVote,
  retractVote,
  sameNameKey,
  setPosition,
  setPositions,
  updateLink,
  updateNote,
  updateOrganisation,
  votesUsedBy,
  withdrawParticipant,
  addNote,
} from './table-doc.ts';
export type { Actor, RemovedContent, TableSnapshot, VoteTally, VotingRules, Withdrawal } from './table-doc.ts';
export {
  TableThemeInputSchema,
  createTableTheme,
  mergeTableThemes,
  moveNotesToTableTheme,
  removeTableTheme,
  updateTableTheme,
} from './table-board.ts';
export type { TableTheme, TableThemeInput, TableThemePatch } from './table-board.ts';
export {
  INFLUENCE_MAX,
  InfluenceKeySchema,
  InfluenceValueSchema,
  clearInfluence,
  influenceKey,
  influenceRows,
  medianOf,
  parseInfluenceKey,
  rateInfluence,
} from './influence.ts';
export type { InfluenceRow, InfluenceSummary } from './influence.ts';
export { withTableThemes } from './theme-provenance.ts';
export type { RaisingTable, TableBoardSource, ThemeProvenance, ThemedSynthesis } from './theme-provenance.ts';
export {
  ConsentCountsSchema,
  MAX_TABLES,
  addPrompt,
  addTable,
  initEventDoc,
  observeEvent,
  publishConsentCounts,
  readEvent,
  removePrompt,
  removeTable,
  renameTable,
  setCurrentPrompt,
  setEventDetails,
  markDemoEvent,
  setPhase,
  setPriorityGroups,
  setSpotlight,
  setTableFeatures,
  setTableLocked,
  setTranslation,
  setVocabulary,
  startTimer,
  stopTimer,
  EDIT_BLOCKED_REASONS,
  tableEditBlockedCode,
  tableEditBlockedReason,
  timerRemainingMs,
  translatedText,
  updatePrompt,
} from './event-doc.ts';
export type { EditBlockedCode, EventSnapshot, EventTranslations, NewEventInput, TranslationInput } from './event-doc.ts';
export {
  DEFAULT_PAUSE_MESSAGE,
  PAUSE_MESSAGE_MAX,
  PROJECTOR_SLIDES,
  TIMER_END_ACTIONS,
  currentRoundKey,
  markTablesRevealed,
  notesPrivateAt,
  pauseAllPhones,
  recordPrivateAuthor,
  resolveProjectorSlide,
  resumeAllPhones,
  setNotesPrivate,
  setProjectorSlide,
  setTableDone,
  setTimerEndAction,
  tablesDoneNow,
} from './room-controls.ts';
export type { Pause, ProjectorSlide, RoomControls, TimerEndAction } from './room-controls.ts';
export { ROLES, ROLE_RULES, TokenClaimsSchema, docAccess, mayShareAwareness } from './roles.ts';
export type { Access, Role, TokenClaims } from './roles.ts';
export {
  MAX_QUOTES_PER_THEME,
  assignNoteToTheme,
  confirmOrganisationMerge,
  createTheme,
  detachTableTheme,
  flagNote,
  isMergeRejected,
  mergeTableThemesInto,
  mergeThemes,
  noteRef,
  observeSynthesis,
  readSynthesis,
  rejectOrganisationMerge,
  removeTheme,
  setNoteHidden,
  setThemeNextSteps,
  setThemeQuotes,
  splitOrganisationMerge,
  splitTheme,
  tableThemeRef,
  updateTheme,
} from './synthesis-doc.ts';
export type { NextStep, NoteFlags, SynthesisSnapshot, Theme, ThemeInput } from './synthesis-doc.ts';
export { DOC_SHAPES, PlainValueSchema, VoteKeySchema, hasOnlyKnownFields, isValidRootValue } from './doc-shapes.ts';
export type { RootShape } from './doc-shapes.ts';
export { checkUpdate } from './update-check.ts';
export type { UpdateAuthor, UpdateCheck, UpdateFacts, UpdateRefusal, UpdateRefusalCode } from './update-check.ts';
export { carryOverChanges } from './carry-over.ts';
export type { CarryOverResult } from './carry-over.ts';
export {
  EASY_READ_ICONS,
  EASY_READ_PARTS,
  EasyReadPointSchema,
  MAX_NARRATIVE_CHARS,
  NARRATIVE_SECTIONS,
  RECOMMENDATION_ROOT,
  RecommendationSchema,
  ReportNarrativeSchema,
  RichDocSchema,
  SafeHrefSchema,
  narrativeLength,
  readReportNarrative,
  readRichText,
  richPlainText,
  setEasyReadPoint,
  setRecommendation,
  writeRichText,
} from './narrative.ts';
export type {
  EasyReadPart,
  EasyReadPoint,
  NarrativeSectionId,
  Recommendation,
  ReportNarrative,
  RichBlock,
  RichDoc,
  RichListItem,
  RichMark,
  RichText,
} from './narrative.ts';
export { ENGLISH_MAP_DESCRIPTION, describeLink, describeMap, relationshipLabel } from './describe-map.ts';
export type { MapDescriptionWords } from './describe-map.ts';
export {
  LINKED_EVENT_ROOT,
  LinkedEventSchema,
  MATCH_DECISION_ROOT,
  MAX_PINNED_ROUTES,
  MAX_PINNED_ROUTE_LENGTH,
  MatchDecisionSchema,
  PINNED_ROUTE_ROOT,
  PinnedRouteSchema,
  clearMatchDecision,
  matchDecisionKey,
  matchDecisionsFor,
  readMatchDecisionList,
  pinRoute,
  readMatchDecisions,
  readPinnedRoutes,
  setMatchDecision,
  unpinRoute,
  linkEarlierEvent,
  unlinkEarlierEvent,
  readLinkedEvent,
} from './analysis-choices.ts';
export type { LinkedEvent, MatchDecision, MatchDecisions, PinnedRoute } from './analysis-choices.ts';
