export {
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
export { ModelError } from './errors.ts';
export type { ModelErrorCode } from './errors.ts';
export { ID_PATTERN, isValidId, newId } from './ids.ts';
export { seededRandom } from './random.ts';
export { eventDocName, formatDocName, parseDocName, privateDocName, rosterDocName, synthesisDocName, tableDocName } from './doc-names.ts';
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
  TableEntrySchema,
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
  readTable,
  recordConsent,
  removeLink,
  moveAuthorNotes,
  removeNote,
  removeOrganisation,
  retractThemeVote,
  retractVote,
  sameNameKey,
  setPosition,
  updateLink,
  updateNote,
  updateOrganisation,
  votesUsedBy,
  addNote,
} from './table-doc.ts';
export type { Actor, TableSnapshot, VoteTally, VotingRules } from './table-doc.ts';
export {
  MAX_TABLES,
  addPrompt,
  addTable,
  initEventDoc,
  observeEvent,
  readEvent,
  removePrompt,
  removeTable,
  renameTable,
  setCurrentPrompt,
  setEventDetails,
  setPhase,
  setSpotlight,
  setTableFeatures,
  setTableLocked,
  setVocabulary,
  startTimer,
  stopTimer,
  tableEditBlockedReason,
  timerRemainingMs,
  updatePrompt,
} from './event-doc.ts';
export type { EventSnapshot, NewEventInput } from './event-doc.ts';
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
  flagNote,
  isMergeRejected,
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
  updateTheme,
} from './synthesis-doc.ts';
export type { NextStep, NoteFlags, SynthesisSnapshot, Theme, ThemeInput } from './synthesis-doc.ts';
