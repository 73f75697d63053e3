import * as v from 'valibot';
import { ID_PATTERN } from './ids.ts';
import {
  LINK_STATUSES,
  NOTE_KINDS,
  ORGANISATION_SIZES,
  PHASES,
  RELATIONSHIP_KIND_IDS,
} from './vocabulary.ts';

export const LIMITS = {
  organisationName: 120,
  locality: 120,
  remit: 1000,
  linkNote: 500,
  /** What a person may write in one note (a phone screen or two). */
  noteText: 1000,
  /** Notes read back may be longer: ones written before the 1,000 limit still show, never silently dropped. */
  storedNoteText: 5000,
  label: 200,
  title: 200,
  description: 2000,
  /** A table theme's title and one-line description, short enough for a phone card. */
  tableThemeTitle: 80,
  tableThemeDescription: 140,
  /** Ceiling on a facilitator's votes-per-participant setting. */
  votesPerParticipant: 50,
} as const;

const text = (max: number, what: string) =>
  v.pipe(
    v.string(`${what} must be text`),
    v.trim(),
    v.maxLength(max, `${what} must be at most ${max} characters`),
  );

const requiredText = (max: number, what: string) =>
  v.pipe(text(max, what), v.minLength(1, `${what} is required`));

export const IdSchema = v.pipe(v.string('id must be text'), v.regex(ID_PATTERN, 'id is malformed'));

/** A vocabulary id such as a stakeholder group or sector; the event's list decides which exist. */
export const VocabularyIdSchema = v.pipe(
  v.string('must be a vocabulary id'),
  v.regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a vocabulary id like "housing"'),
);

export const OrganisationInputSchema = v.object({
  name: requiredText(LIMITS.organisationName, 'Organisation name'),
  sector: VocabularyIdSchema,
  size: v.optional(v.picklist(ORGANISATION_SIZES, 'size must be grassroots, local, regional or national')),
  locality: v.optional(text(LIMITS.locality, 'Locality'), ''),
  remit: v.optional(text(LIMITS.remit, 'Remit'), ''),
});
export type OrganisationInput = v.InferInput<typeof OrganisationInputSchema>;

export const OrganisationPatchSchema = v.partial(OrganisationInputSchema);
export type OrganisationPatch = v.InferInput<typeof OrganisationPatchSchema>;

/** An organisation as stored and read back. */
export const OrganisationSchema = v.object({
  id: IdSchema,
  name: requiredText(LIMITS.organisationName, 'Organisation name'),
  sector: VocabularyIdSchema,
  size: v.optional(v.picklist(ORGANISATION_SIZES)),
  locality: v.optional(text(LIMITS.locality, 'Locality'), ''),
  remit: v.optional(text(LIMITS.remit, 'Remit'), ''),
  addedByGroup: VocabularyIdSchema,
  /** The anonymous id of whoever added it, so a participant who withdraws takes back what they added alone. */
  addedBy: v.optional(IdSchema),
  createdAt: v.number(),
});
export type Organisation = v.InferOutput<typeof OrganisationSchema>;

const strength = v.pipe(v.number('strength must be a number'), v.integer(), v.minValue(1), v.maxValue(3));

export const LinkInputSchema = v.object({
  source: IdSchema,
  target: IdSchema,
  kind: v.picklist(RELATIONSHIP_KIND_IDS, 'kind is not a known relationship kind'),
  mutual: v.optional(v.boolean()),
  strength: v.optional(strength, 2),
  status: v.optional(v.picklist(LINK_STATUSES, 'status must be existing, wanted or broken'), 'existing'),
  note: v.optional(text(LIMITS.linkNote, 'Link note'), ''),
});
export type LinkInput = v.InferInput<typeof LinkInputSchema>;

export const LinkPatchSchema = v.partial(
  v.object({
    kind: v.picklist(RELATIONSHIP_KIND_IDS, 'kind is not a known relationship kind'),
    mutual: v.boolean(),
    strength,
    status: v.picklist(LINK_STATUSES, 'status must be existing, wanted or broken'),
    note: text(LIMITS.linkNote, 'Link note'),
  }),
);
export type LinkPatch = v.InferInput<typeof LinkPatchSchema>;

export const LinkSchema = v.object({
  id: IdSchema,
  source: IdSchema,
  target: IdSchema,
  kind: v.picklist(RELATIONSHIP_KIND_IDS),
  mutual: v.boolean(),
  strength,
  status: v.picklist(LINK_STATUSES),
  note: v.optional(text(LIMITS.linkNote, 'Link note'), ''),
  addedByGroup: VocabularyIdSchema,
  /** The anonymous id of whoever added it (see OrganisationSchema.addedBy). */
  addedBy: v.optional(IdSchema),
  createdAt: v.number(),
});
export type Link = v.InferOutput<typeof LinkSchema>;

export const NoteInputSchema = v.object({
  text: requiredText(LIMITS.noteText, 'Note text'),
  kind: v.picklist(NOTE_KINDS, 'kind must be observation, quote, gap, idea or question'),
  promptId: v.optional(v.nullable(IdSchema), null),
  organisationIds: v.optional(v.array(IdSchema), []),
});
export type NoteInput = v.InferInput<typeof NoteInputSchema>;

export const NotePatchSchema = v.partial(
  v.object({
    text: requiredText(LIMITS.noteText, 'Note text'),
    kind: v.picklist(NOTE_KINDS, 'kind must be observation, quote, gap, idea or question'),
    promptId: v.nullable(IdSchema),
    organisationIds: v.array(IdSchema),
  }),
);
export type NotePatch = v.InferInput<typeof NotePatchSchema>;

export const NoteSchema = v.object({
  id: IdSchema,
  text: requiredText(LIMITS.storedNoteText, 'Note text'),
  kind: v.picklist(NOTE_KINDS),
  promptId: v.optional(v.nullable(IdSchema), null),
  organisationIds: v.optional(v.array(IdSchema), []),
  group: VocabularyIdSchema,
  /** An anonymous per-join id, so a participant can edit only their own notes. Never a name. */
  authorId: IdSchema,
  createdAt: v.number(),
});
export type Note = v.InferOutput<typeof NoteSchema>;

export const PositionSchema = v.object({
  x: v.pipe(v.number(), v.finite()),
  y: v.pipe(v.number(), v.finite()),
});
export type Position = v.InferOutput<typeof PositionSchema>;

export const VocabularyEntrySchema = v.object({
  id: VocabularyIdSchema,
  label: requiredText(LIMITS.label, 'Label'),
});

export const MAX_TABLE_LANGUAGES = 6;
const TableLanguagesSchema = v.pipe(
  v.array(requiredText(40, 'Language')),
  v.maxLength(MAX_TABLE_LANGUAGES, `A table can list at most ${MAX_TABLE_LANGUAGES} languages`),
);

export const TableEntrySchema = v.object({
  id: IdSchema,
  name: requiredText(LIMITS.label, 'Table name'),
  order: v.number(),
  locked: v.optional(v.boolean(), false),
  /** Seating needs: a step-free table, and a table with a scribe for people without a smartphone. */
  stepFree: v.optional(v.boolean(), false),
  hasScribe: v.optional(v.boolean(), false),
  /** An induction (hearing) loop reaches this table. */
  hearingLoop: v.optional(v.boolean(), false),
  /** Near the exit or a quiet room, for people who may need to step out. */
  nearExit: v.optional(v.boolean(), false),
  /** Languages spoken at the table besides English (say a bilingual facilitator), e.g. "Urdu". */
  languages: v.optional(TableLanguagesSchema, []),
});
export type TableEntry = v.InferOutput<typeof TableEntrySchema>;

/** What a facilitator can say about a table, for matching attendees' needs and languages. */
export const TableFeaturesSchema = v.partial(
  v.object({
    stepFree: v.boolean('step-free must be true or false'),
    hasScribe: v.boolean('scribe present must be true or false'),
    hearingLoop: v.boolean('hearing loop must be true or false'),
    nearExit: v.boolean('near the exit must be true or false'),
    languages: TableLanguagesSchema,
  }),
);
export type TableFeatures = v.InferInput<typeof TableFeaturesSchema>;

export const PromptEntrySchema = v.object({
  id: IdSchema,
  text: requiredText(LIMITS.label, 'Prompt'),
  order: v.number(),
  durationMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600)), 20),
});
export type PromptEntry = v.InferOutput<typeof PromptEntrySchema>;

export const EventDetailsSchema = v.partial(
  v.object({
    title: requiredText(LIMITS.title, 'Title'),
    date: text(40, 'Date'),
    venue: text(LIMITS.label, 'Venue'),
    description: text(LIMITS.description, 'Description'),
    votesPerParticipant: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1),
      v.maxValue(LIMITS.votesPerParticipant),
    ),
    allowStackedVotes: v.boolean(),
  }),
);
export type EventDetails = v.InferInput<typeof EventDetailsSchema>;

export const PhaseSchema = v.picklist(PHASES, 'phase must be setup, mapping, power, discussion, themes, voting or closed');

export const TimerSchema = v.object({
  /** Server-clock milliseconds, so every screen shows the same countdown whatever its own clock says. */
  startedAt: v.number(),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  pausedRemainingMs: v.optional(v.nullable(v.number()), null),
});
export type Timer = v.InferOutput<typeof TimerSchema>;
