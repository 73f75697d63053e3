import * as v from 'valibot';
import { LINK_STATUSES, ORGANISATION_SIZES, ReportNarrativeSchema } from '@tablemap/model';

/**
 * Plain input types for the report. They are deliberately independent of @tablemap/analysis:
 * the report accepts the analysis results as data, so the two packages never import each other.
 */

const str = v.string();
const optionalText = v.optional(v.string(), '');
const count = v.pipe(v.number(), v.finite(), v.minValue(0));
const countRecord = v.record(v.string(), count);

export const VocabularyEntryInputSchema = v.object({ id: v.string(), label: v.string() });

export const ReportEventSchema = v.object({
  title: v.pipe(v.string('event title must be text'), v.minLength(1, 'event title is required')),
  date: optionalText,
  venue: optionalText,
  description: optionalText,
  /** The event's retention date (YYYY-MM-DD): printed in every page's footer. */
  retainUntil: optionalText,
  /** A demo event with made-up data: every page carries a "DEMO" watermark. */
  demo: v.optional(v.boolean(), false),
  groups: v.array(VocabularyEntryInputSchema),
  sectors: v.array(VocabularyEntryInputSchema),
  prompts: v.array(v.object({ id: v.string(), text: v.string(), order: v.optional(v.number(), 0) })),
  tables: v.array(v.object({ id: v.string(), name: v.string(), order: v.optional(v.number(), 0) })),
});
export type ReportEvent = v.InferOutput<typeof ReportEventSchema>;

export const ReportOrganisationSchema = v.object({
  id: str,
  name: str,
  sector: str,
  size: v.optional(v.picklist(ORGANISATION_SIZES)),
  locality: optionalText,
  remit: optionalText,
});
export type ReportOrganisation = v.InferOutput<typeof ReportOrganisationSchema>;

export const ReportLinkSchema = v.object({
  id: str,
  source: str,
  target: str,
  kind: str,
  mutual: v.optional(v.boolean(), false),
  strength: v.optional(v.number(), 2),
  status: v.optional(v.picklist(LINK_STATUSES), 'existing'),
  note: optionalText,
});
export type ReportLink = v.InferOutput<typeof ReportLinkSchema>;

export const ReportNoteSchema = v.object({
  id: str,
  text: str,
  kind: str,
  promptId: v.optional(v.nullable(str), null),
  /** Stakeholder group only: notes carry no personal names. */
  group: str,
});
export type ReportNote = v.InferOutput<typeof ReportNoteSchema>;

const PositionsSchema = v.record(
  v.string(),
  v.object({ x: v.pipe(v.number(), v.finite()), y: v.pipe(v.number(), v.finite()) }),
);

export const ReportTableSchema = v.object({
  id: str,
  name: str,
  organisations: v.array(ReportOrganisationSchema),
  links: v.array(ReportLinkSchema),
  notes: v.array(ReportNoteSchema),
  positions: v.optional(PositionsSchema, {}),
  consentByGroup: v.optional(countRecord, {}),
  votes: v.optional(v.record(v.string(), v.object({ total: count, byGroup: v.optional(countRecord, {}) })), {}),
});
export type ReportTable = v.InferOutput<typeof ReportTableSchema>;

export const ReportThemeSchema = v.object({
  id: str,
  title: str,
  description: optionalText,
  noteIds: v.array(str),
  quoteNoteIds: v.pipe(v.array(str), v.maxLength(3, 'a theme has at most 3 quotes')),
  isGap: v.optional(v.boolean(), false),
  isKeyMessage: v.optional(v.boolean(), false),
  nextSteps: v.optional(
    v.array(v.object({ action: str, ownerSector: optionalText, timescale: optionalText })),
    [],
  ),
  votes: v.optional(v.object({ total: count, byGroup: v.optional(countRecord, {}) }), { total: 0, byGroup: {} }),
  /** Provenance: the tables whose own themes the facilitator merged into this one, with their themes' titles. */
  raisedBy: v.optional(v.array(v.object({ tableId: str, tableThemes: v.array(str), noteCount: count, groups: v.optional(countRecord, {}) })), []),
});
export type ReportTheme = v.InferOutput<typeof ReportThemeSchema>;

export const ReportSynthesisSchema = v.object({
  themes: v.array(ReportThemeSchema),
  hiddenNoteIds: v.optional(v.array(str), []),
  gaps: v.optional(v.array(str), []),
  keyMessages: v.optional(v.array(str), []),
});

const AnalysisLinkRefSchema = v.looseObject({ source: str, target: str, kind: v.optional(str, '') });

/** Structurally identical to the analysis package's result; copied, not imported. */
export const ReportAnalysisSchema = v.object({
  organisations: v.array(
    v.object({
      id: str,
      name: str,
      sector: str,
      size: v.optional(v.picklist(ORGANISATION_SIZES)),
      locality: optionalText,
      remit: optionalText,
      tableIds: v.array(str),
      degree: count,
      betweenness: v.number(),
    }),
  ),
  links: v.array(
    v.object({
      id: str,
      source: str,
      target: str,
      kind: str,
      mutual: v.boolean(),
      status: v.picklist(LINK_STATUSES),
      strength: v.number(),
      tableIds: v.array(str),
      conflict: v.boolean(),
    }),
  ),
  density: v.number(),
  components: count,
  isolated: v.array(str),
  topBrokers: v.array(
    v.object({ id: str, name: str, sector: str, betweenness: v.number(), sectorsBridged: count }),
  ),
  tieMatrix: v.object({ sectors: v.array(str), counts: v.array(v.array(v.number())) }),
  eiIndex: v.record(v.string(), v.nullable(v.number())),
  missingSectors: v.array(str),
  sectorsWithoutCrossTies: v.array(str),
  wantedLinks: v.optional(v.array(AnalysisLinkRefSchema)),
  brokenLinks: v.optional(v.array(AnalysisLinkRefSchema)),
});
export type ReportAnalysis = v.InferInput<typeof ReportAnalysisSchema>;

/** Where the tables agree and the statistics with their uncertainty, as names and sentences (plain data). */
export const ReportInsightsSchema = v.object({
  mappingTables: count,
  contested: v.array(v.object({ from: str, to: str, existingAt: v.array(str), disputedAt: v.array(str) })),
  livedExperienceOnly: v.array(v.object({ from: str, to: str, groups: v.array(str) })),
  eiSentence: str,
  eiSectors: v.array(v.object({ sector: str, observed: v.nullable(v.number()), expected: v.nullable(v.number()), pValue: v.nullable(v.number()), sentence: str })),
  brokerage: v.array(v.object({ sector: str, sentence: str })),
  cutVertices: v.array(str),
  /** Who holds power: median influence from the tables' power round (Net-Map style), rated organisations only. */
  influence: v.optional(
    v.object({
      rated: v.array(v.object({ name: str, influence: v.pipe(v.number(), v.minValue(0), v.maxValue(5)), ratings: count, degree: count, quadrant: str })),
      sentences: v.array(str),
    }),
  ),
});
export type ReportInsights = v.InferInput<typeof ReportInsightsSchema>;

/** Change since an earlier event, as names and sentences (the facilitator chose the earlier event's export). */
export const ReportChangeSchema = v.object({
  earlierTitle: str,
  metrics: v.array(str),
  gainedOrganisations: v.array(str),
  lostOrganisations: v.array(str),
  gainedLinks: v.array(str),
  lostLinks: v.array(str),
});
export type ReportChange = v.InferInput<typeof ReportChangeSchema>;

/** Pinned route questions answered in plain words (the facilitators pinned them on Insights). */
export const ReportRouteSchema = v.object({
  question: str,
  status: v.picklist(['found', 'no-route', 'same-organisation', 'missing']),
  sentences: v.array(str),
  shortest: v.array(str),
});
export type ReportRoute = v.InferInput<typeof ReportRouteSchema>;

export const DirectoryRowSchema = v.object({
  name: str,
  sector: str,
  size: v.optional(v.string()),
  locality: optionalText,
  remit: optionalText,
});
export type DirectoryRow = v.InferInput<typeof DirectoryRowSchema>;

export const ReportSnapshotSchema = v.object({
  event: ReportEventSchema,
  tables: v.array(ReportTableSchema),
  synthesis: v.optional(ReportSynthesisSchema, { themes: [], hiddenNoteIds: [], gaps: [], keyMessages: [] }),
  analysis: v.optional(ReportAnalysisSchema),
  insights: v.optional(ReportInsightsSchema),
  change: v.optional(ReportChangeSchema),
  routes: v.optional(v.array(ReportRouteSchema), []),
  /** Facilitator-only data: printed only when the organiser opts in. */
  attendees: v.optional(v.array(v.object({ name: str, group: str, tableId: v.optional(v.nullable(str), null) })), []),
  /** The roster was reduced to counts by group under the retention policy: `attendees` carry no names. */
  attendeeNamesRemoved: v.optional(v.boolean(), false),
  directory: v.optional(v.array(DirectoryRowSchema)),
  /** The organisers' own words (the report doc): rich-text sections, recommendations, easy-read points. */
  narrative: v.optional(ReportNarrativeSchema, { sections: {}, recommendations: [], easyRead: [] }),
});
export type ReportSnapshot = v.InferInput<typeof ReportSnapshotSchema>;
export type ValidReportSnapshot = v.InferOutput<typeof ReportSnapshotSchema>;

export const SECTION_IDS = [
  'cover',
  'introduction',
  'at-a-glance',
  'how-the-day-ran',
  'who-was-in-the-room',
  'themes',
  'gaps-and-next-steps',
  'recommendations',
  'ecosystem',
  'agreement-and-statistics',
  'routes',
  'change-over-time',
  'acknowledgements',
  'table-appendix',
  'directory',
] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const ReportOptionsSchema = v.object({
  sections: v.optional(
    v.pipe(
      v.array(v.picklist(SECTION_IDS, `section must be one of ${SECTION_IDS.join(', ')}`)),
      v.minLength(1, 'choose at least one section'),
      v.check((ids) => new Set(ids).size === ids.length, 'a section may be listed only once'),
    ),
    [...SECTION_IDS],
  ),
  includeAttendeeList: v.optional(v.boolean(), false),
  logo: v.optional(v.custom<Uint8Array>((value) => value instanceof Uint8Array, 'logo must be bytes')),
  author: v.optional(v.string(), ''),
  language: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a tag like en-GB')), 'en-GB'),
});
export type ReportOptions = v.InferInput<typeof ReportOptionsSchema>;
export type ValidReportOptions = v.InferOutput<typeof ReportOptionsSchema>;

export const TablePacksInputSchema = v.object({
  event: v.object({
    title: v.pipe(v.string(), v.minLength(1, 'event title is required')),
    prompts: v.array(v.object({ id: v.string(), text: v.string(), order: v.optional(v.number(), 0) })),
    tables: v.array(v.object({ id: v.string(), name: v.string(), order: v.optional(v.number(), 0) })),
  }),
  joinBaseUrl: v.pipe(
    v.string(),
    v.url('joinBaseUrl must be an absolute URL'),
    v.regex(/^https?:\/\//, 'joinBaseUrl must be http or https'),
  ),
  joinCode: v.pipe(v.string(), v.trim(), v.minLength(1, 'join code is required'), v.maxLength(40)),
  seated: v.optional(v.array(v.object({ tableId: v.string(), firstNames: v.array(v.string()) })), []),
});
export type TablePacksInput = v.InferInput<typeof TablePacksInputSchema>;

export const TablePacksOptionsSchema = v.object({
  includeFirstNames: v.optional(v.boolean(), false),
});
export type TablePacksOptions = v.InferInput<typeof TablePacksOptionsSchema>;
