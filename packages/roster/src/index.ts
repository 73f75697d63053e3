export {
  ATTENDEE_LIMITS,
  AttendeeDraftSchema,
  AttendeeSchema,
  needsScribe,
  needsStepFree,
  organisationKey,
  personNameKey,
  splitNeeds,
} from './attendee.ts';
export type { Attendee, AttendeeDraft, SeatableAttendee } from './attendee.ts';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, applyFixes, confirmImport, parseAttendeeCsv } from './csv-import.ts';
export type {
  ColumnMapping,
  ColumnRole,
  ConfirmOptions,
  ImportFatalCode,
  ImportField,
  ImportPreview,
  ImportProblem,
  ImportProblemCode,
  ParseOptions,
  PreviewRow,
  RawRow,
} from './csv-import.ts';
export { MAX_ROSTER_SIZE, applySeating, importAttendees, observeRoster, readRoster, redactRoster, removeAttendee, seatAttendee } from './roster-doc.ts';
export type { RedactedCount, RosterSnapshot } from './roster-doc.ts';
export { planSeating, validateSeatingInput } from './seating.ts';
export type { SeatingOptions, SeatingPlan } from './seating.ts';
export { assessSeating, groupPhrase } from './seating-checks.ts';
export type { AssessOptions, SeatingAttendee, SeatingConstraint, SeatingTable, UnmetConstraint } from './seating-checks.ts';
export { seatingWarnings } from './warnings.ts';
