import * as v from 'valibot';
import { IdSchema, VocabularyIdSchema } from '@tablemap/model';

export const ATTENDEE_LIMITS = {
  name: 120,
  organisation: 200,
  email: 254,
  need: 100,
  needs: 10,
  language: 40,
} as const;

const text = (max: number, what: string) =>
  v.pipe(v.string(`${what} must be text`), v.trim(), v.maxLength(max, `${what} must be at most ${max} characters`));

export const EmailSchema = v.pipe(
  v.string('Email must be text'),
  v.trim(),
  v.maxLength(ATTENDEE_LIMITS.email, `Email must be at most ${ATTENDEE_LIMITS.email} characters`),
  v.email('Email is not a valid address'),
);

const attendeeFields = {
  name: v.pipe(text(ATTENDEE_LIMITS.name, 'Name'), v.minLength(1, 'Name is required')),
  organisation: v.optional(text(ATTENDEE_LIMITS.organisation, 'Organisation'), ''),
  group: VocabularyIdSchema,
  email: v.optional(EmailSchema),
  /** The language the person would rather speak at their table; empty for English. */
  language: v.optional(text(ATTENDEE_LIMITS.language, 'Language')),
  needs: v.optional(
    v.pipe(
      v.array(text(ATTENDEE_LIMITS.need, 'Need')),
      v.maxLength(ATTENDEE_LIMITS.needs, `At most ${ATTENDEE_LIMITS.needs} needs`),
    ),
    [],
  ),
};

/** An attendee before an id is given: what one CSV row becomes. */
export const AttendeeDraftSchema = v.object(attendeeFields);
export type AttendeeDraft = v.InferOutput<typeof AttendeeDraftSchema>;

/** An attendee as stored in the facilitator-only roster doc. Names and emails never leave that doc. */
export const AttendeeSchema = v.object({ id: IdSchema, ...attendeeFields });
export type Attendee = v.InferOutput<typeof AttendeeSchema>;

/** What the seating algorithm needs to know about a person; no name or email. */
export type SeatableAttendee = Pick<Attendee, 'id' | 'group'> & { organisation?: string; needs?: readonly string[]; language?: string };

const STEP_FREE_NEED = /step[\s-]*free|wheel\s*chair|level access|no stairs|mobility/i;
const SCRIBE_NEED = /no\s*smart\s*-?\s*phone|no\s+(mobile\s+)?phone|without\s+(a\s+)?(smart\s*)?phone|no mobile/i;

/** True when one of the needs asks for a table reachable without steps. */
export function needsStepFree(needs: readonly string[] | undefined): boolean {
  return (needs ?? []).some((need) => STEP_FREE_NEED.test(need));
}

/** True when the person has no smartphone, so must sit at a table with a scribe. */
export function needsScribe(needs: readonly string[] | undefined): boolean {
  return (needs ?? []).some((need) => SCRIBE_NEED.test(need));
}

const HEARING_LOOP_NEED = /hearing\s*loop|induction\s*loop|hearing\s*aid|hard\s+of\s+hearing|deaf/i;
const NEAR_EXIT_NEED = /near\s+(the\s+)?(exit|door)|quiet\s*(room|space|area)|step\s+out|breaks?\b/i;

/** True when the person needs a table an induction loop reaches. */
export function needsHearingLoop(needs: readonly string[] | undefined): boolean {
  return (needs ?? []).some((need) => HEARING_LOOP_NEED.test(need));
}

/** True when the person may need to step out: a seat near the exit or a quiet room. */
export function needsNearExit(needs: readonly string[] | undefined): boolean {
  return (needs ?? []).some((need) => NEAR_EXIT_NEED.test(need));
}

/** A preferred language that needs matching: English (or nothing) fits every table. */
export function languageKey(language: string | undefined): string {
  const key = (language ?? '').trim().toLowerCase();
  return key === 'english' || key === 'en' ? '' : key;
}

/** Splits a free-text needs cell ("large print; step-free access") into separate needs. */
export function splitNeeds(cell: string): string[] {
  return cell
    .split(/[;,|\n]+/)
    .map((need) => need.trim())
    .filter((need) => need.length > 0);
}

/** Organisation key for "same organisation" checks: case, spacing and punctuation do not matter. */
export function organisationKey(organisation: string | undefined): string {
  return (organisation ?? '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Person key for duplicate checks: "Smith, Jo" and "jo  smith" are the same person. */
export function personNameKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
    .sort()
    .join(' ');
}
