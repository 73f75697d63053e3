import * as v from 'valibot';
import type * as Y from 'yjs';
import {
  combineVoteTallies,
  eventDocName,
  influenceRows,
  noteRef,
  matchDecisionsFor,
  readEvent,
  readMatchDecisionList,
  readPinnedRoutes,
  readReportNarrative,
  readSynthesis,
  reportDocName,
  readTable,
  rosterDocName,
  synthesisDocName,
  tableDocName,
  withTableThemes,
  ModelError,
  type EventSnapshot,
  type MatchDecision,
  type PinnedRoute,
  type ReportNarrative,
  type Note,
  type SynthesisSnapshot,
  type TableEntry,
  type TableSnapshot,
  type ThemedSynthesis,
  type VoteTally,
} from '@tablemap/model';
import {
  DirectoryEditsSchema,
  analyseEcosystem,
  answerRouteQuestion,
  brokerageRoles,
  compareEvents,
  consensusLayer,
  earlierEventFromExport,
  earlierEventKey,
  cutVertices,
  eiPermutationTest,
  directoryRows,
  influenceLayer,
  mergeTableMaps,
  namesForSuggestions,
  suggestMerges,
  type CodebookNote,
  type DirectoryEdits,
  type EcosystemAnalysis,
  type InfluenceLayer,
  type MergeSuggestion,
  type MergedMap,
  type Theme as CodebookTheme,
} from '@tablemap/analysis';
import { raisedBy, type ReportChange, type ReportInsights, type ReportSnapshot, type ReportTable, type ReportTheme } from '@tablemap/report';
import { readRoster, type RosterSnapshot } from '@tablemap/roster';
import type { EventRecord } from '../storage/doc-store.ts';
import type { DocSource } from './doc-source.ts';

export class EventNotFoundError extends ModelError<'unknown_event'> {
  constructor(eventId: string) {
    super('unknown_event', `There is no event ${eventId}`);
    this.name = 'EventNotFoundError';
  }
}

/** A note still visible after redaction, with the `<tableId>/<noteId>` reference the synthesis uses. */
export interface VisibleNote extends Note {
  ref: string;
  tableId: string;
}

export interface SnapshotOptions {
  /**
   * Read the facilitator-only roster (attendee names). Off by default so nothing with a name is even
   * loaded unless the caller needs it (attendee list, first names on table packs).
   */
  includeRoster?: boolean;
}

/** Everything the reports and exports need, as plain data with hidden notes already removed. */
export interface EventBundle {
  record: EventRecord;
  event: EventSnapshot;
  /** Each table in the event's order; `snapshot.notes` and `snapshot.votes` hold visible notes only. */
  tables: { entry: TableEntry; snapshot: TableSnapshot }[];
  /**
   * Joined with the tables' own theme boards (notes follow their table theme into the event theme it was
   * merged into; each theme has its provenance). Theme quotes, note assignments and flags of hidden notes are dropped.
   */
  synthesis: ThemedSynthesis;
  directoryEdits: DirectoryEdits;
  roster: RosterSnapshot | null;
  visibleNotes: VisibleNote[];
  merged: MergedMap;
  analysis: EcosystemAnalysis;
  /**
   * Who holds power: median influence from every table's power round per merged organisation, with its
   * influence × connectedness quadrant and sentences. Ready for a report section; not yet in `report`.
   */
  influence: InfluenceLayer;
  /** The retention date (YYYY-MM-DD) for the report's footer; '' when unknown. */
  retainUntil: string;
  narrative: ReportNarrative;
  /** The organisers' analysis choices on Insights (report doc): match decisions for change over time, pinned route questions. */
  matchDecisions: MatchDecision[];
  pinnedRoutes: PinnedRoute[];
  report: ReportSnapshot;
}

/**
 * Reads the event, every table, the synthesis and (optionally) the roster as plain data and builds the
 * report snapshot and the ecosystem analysis. Hidden notes are removed here, before anything else sees
 * them, even though the report package removes them again: a redacted note must not reach any export.
 */
export async function buildEventSnapshot(eventId: string, docs: DocSource, options: SnapshotOptions = {}): Promise<EventBundle> {
  const record = await docs.findEvent(eventId);
  if (!record) throw new EventNotFoundError(eventId);
  const event = await docs.read(eventDocName(eventId), { kind: 'event', eventId }, readEvent);
  const { synthesis: rawSynthesis, directoryEdits } = await docs.read(synthesisDocName(eventId), { kind: 'synthesis', eventId }, (doc) => ({
    synthesis: readSynthesis(doc),
    directoryEdits: readDirectoryEdits(doc),
  }));
  const hidden = new Set(rawSynthesis.hiddenNoteRefs);
  const tables: EventBundle['tables'] = [];
  for (const entry of event.tables) {
    const snapshot = await docs.read(tableDocName(eventId, entry.id), { kind: 'table', eventId, tableId: entry.id }, readTable);
    tables.push({ entry, snapshot: withoutHiddenNotes(snapshot, entry.id, hidden) });
  }
  const visibleNotes = tables.flatMap(({ entry, snapshot }) =>
    snapshot.notes.map((note) => ({ ...note, ref: noteRef(entry.id, note.id), tableId: entry.id })),
  );
  const joined = withTableThemes(rawSynthesis, tables.map(({ entry, snapshot }) => ({ tableId: entry.id, snapshot })));
  const synthesis = visibleSynthesis(joined, new Set(visibleNotes.map((note) => note.ref)));
  // The organisers' narrative (facilitator-only report doc); quotes of hidden notes drop out in the report package.
  const { narrative, matchDecisions, pinnedRoutes } = await docs.read(reportDocName(eventId), { kind: 'report', eventId }, (doc) => ({
    narrative: readReportNarrative(doc),
    matchDecisions: readMatchDecisionList(doc),
    pinnedRoutes: readPinnedRoutes(doc),
  }));
  const roster = options.includeRoster
    ? await docs.read(rosterDocName(eventId), { kind: 'roster', eventId }, readRoster)
    : null;

  const merged = mergeTableMaps(
    tables.map(({ entry, snapshot }) => ({ tableId: entry.id, tableName: entry.name, organisations: snapshot.organisations, links: snapshot.links })),
    synthesis.aliases,
  );
  const analysis = analyseEcosystem(merged, event.sectors);
  const influence = influenceLayer(analysis.organisations, tables.flatMap(({ entry, snapshot }) => influenceRows(entry.id, snapshot.influence)));
  const privacy = await docs.privacy?.(eventId);
  const retainUntil = privacy ? new Date(privacy.deleteAfter).toISOString().slice(0, 10) : '';
  const bundle = { record, event, tables, synthesis, directoryEdits, roster, visibleNotes, merged, analysis, influence, retainUntil, narrative, matchDecisions, pinnedRoutes };
  return { ...bundle, report: toReportSnapshot(bundle) };
}

/** Fuzzy duplicate suggestions for the facilitator to confirm or reject; pairs already rejected are left out. */
export function mergeSuggestions(bundle: Pick<EventBundle, 'merged' | 'synthesis'>): MergeSuggestion[] {
  const rejected = bundle.synthesis.rejectedMerges
    .map((key) => key.split('~'))
    .filter((pair): pair is [string, string] => pair.length === 2);
  return suggestMerges(namesForSuggestions(bundle.merged), { rejected });
}

/**
 * The themes and notes for the codebook exports; notes are referred to as `<tableId>/<noteId>`. The tables'
 * own themes merged into an event theme come along as its sub-themes, holding their notes that are in it.
 */
export function codebookInput(bundle: Pick<EventBundle, 'synthesis' | 'visibleNotes' | 'tables'>): { themes: CodebookTheme[]; notes: CodebookNote[] } {
  return {
    themes: bundle.synthesis.themes.map((theme) => {
      const noteIds = notesOfTheme(bundle, theme.id);
      const inTheme = new Set(noteIds);
      const subThemes = (bundle.synthesis.provenance[theme.id]?.tables ?? []).flatMap((raising) => {
        const board = bundle.tables.find(({ entry }) => entry.id === raising.tableId)?.snapshot.tableThemes ?? [];
        return raising.tableThemes.map((tableTheme) => ({
          id: `${raising.tableId}/${tableTheme.id}`,
          title: tableTheme.title,
          tableId: raising.tableId,
          noteIds: (board.find((entry) => entry.id === tableTheme.id)?.noteIds ?? []).map((noteId) => noteRef(raising.tableId, noteId)).filter((ref) => inTheme.has(ref)),
        }));
      });
      return { id: theme.id, title: theme.title, description: theme.description, noteIds, subThemes };
    }),
    notes: bundle.visibleNotes.map((note) => ({ id: note.ref, text: note.text, kind: note.kind, group: note.group, tableId: note.tableId })),
  };
}

function notesOfTheme(bundle: Pick<EventBundle, 'synthesis' | 'visibleNotes'>, themeId: string): string[] {
  return bundle.visibleNotes.filter((note) => bundle.synthesis.noteThemes[note.ref] === themeId).map((note) => note.ref);
}

/** Directory edits are stored per merged organisation id; a malformed entry is skipped, not fatal. */
function readDirectoryEdits(doc: Y.Doc): DirectoryEdits {
  const edits: DirectoryEdits = {};
  for (const [id, raw] of doc.getMap<unknown>('directoryEdits').entries()) {
    const plain = raw && typeof raw === 'object' && 'toJSON' in raw ? (raw as { toJSON(): unknown }).toJSON() : raw;
    const parsed = v.safeParse(DirectoryEditsSchema, { [id]: plain });
    if (parsed.success) Object.assign(edits, parsed.output);
  }
  return edits;
}

/** A note hidden on the facilitator's board is gone from everything the reports use: notes, votes and the table's own theme board. */
function withoutHiddenNotes(snapshot: TableSnapshot, tableId: string, hidden: Set<string>): TableSnapshot {
  const notes = snapshot.notes.filter((note) => !hidden.has(noteRef(tableId, note.id)));
  const ids = new Set(notes.map((note) => note.id));
  const groupOf = new Map(notes.map((note) => [note.id, note.group]));
  const votes: Record<string, VoteTally> = {};
  for (const [noteId, tally] of Object.entries(snapshot.votes)) if (ids.has(noteId)) votes[noteId] = tally;
  const notePlacements = Object.fromEntries(Object.entries(snapshot.notePlacements).filter(([noteId]) => ids.has(noteId)));
  const tableThemes = snapshot.tableThemes.map((theme) => {
    const noteIds = theme.noteIds.filter((noteId) => ids.has(noteId));
    const groups: Record<string, number> = {};
    for (const noteId of noteIds) groups[groupOf.get(noteId)!] = (groups[groupOf.get(noteId)!] ?? 0) + 1;
    return { ...theme, noteIds, groups };
  });
  return { ...snapshot, notes, votes, notePlacements, tableThemes };
}

function visibleSynthesis(synthesis: ThemedSynthesis, visible: Set<string>): ThemedSynthesis {
  const keep = <T>(record: Record<string, T>) => Object.fromEntries(Object.entries(record).filter(([ref]) => visible.has(ref)));
  return {
    ...synthesis,
    themes: synthesis.themes.map((theme) => ({ ...theme, quoteNoteRefs: theme.quoteNoteRefs.filter((ref) => visible.has(ref)) })),
    noteThemes: keep(synthesis.noteThemes),
    noteFlags: keep(synthesis.noteFlags),
  };
}

type BundleData = Omit<EventBundle, 'report'>;

function toReportSnapshot(bundle: BundleData): ReportSnapshot {
  const { event, synthesis, roster, visibleNotes } = bundle;
  const flagged = (flag: 'gap' | 'keyMessage') => visibleNotes.filter((note) => synthesis.noteFlags[note.ref]?.[flag]).map((note) => note.text);
  return {
    event: {
      title: event.title,
      date: event.date,
      venue: event.venue,
      description: event.description,
      retainUntil: bundle.retainUntil,
      demo: event.demo,
      groups: event.groups.map(({ id, label }) => ({ id, label })),
      sectors: event.sectors.map(({ id, label }) => ({ id, label })),
      prompts: event.prompts.map(({ id, text, order }) => ({ id, text, order })),
      tables: event.tables.map(({ id, name, order }) => ({ id, name, order })),
    },
    tables: bundle.tables.map(({ entry, snapshot }) => toReportTable(entry, snapshot, bundle.event.consentByTable[entry.id] ?? {})),
    synthesis: {
      themes: synthesis.themes.map((theme) => toReportTheme(bundle, theme)),
      hiddenNoteIds: synthesis.hiddenNoteRefs,
      gaps: flagged('gap'),
      keyMessages: flagged('keyMessage'),
    },
    analysis: {
      ...bundle.analysis,
      wantedLinks: bundle.analysis.wantedLinks.map((link) => ({ ...link })),
      brokenLinks: bundle.analysis.brokenLinks.map((link) => ({ ...link })),
    },
    insights: toReportInsights(bundle),
    routes: routeAnswers(bundle),
    attendees: attendeesOf(roster),
    narrative: bundle.narrative,
    attendeeNamesRemoved: roster?.redactedCounts != null && roster.attendees.length === 0,
    directory: directoryRows(bundle.analysis, bundle.directoryEdits).map((row) => ({
      name: row.name,
      sector: row.sector,
      ...(row.size ? { size: row.size } : {}),
      locality: row.locality,
      remit: row.remit,
    })),
  };
}

/** The attendee list, or after the roster was redacted one nameless entry per counted person (counts by group and table). */
function attendeesOf(roster: RosterSnapshot | null): NonNullable<ReportSnapshot['attendees']> {
  if (!roster) return [];
  const named = roster.attendees.map((attendee) => ({ name: attendee.name, group: attendee.group, tableId: roster.seating[attendee.id] ?? null }));
  const counted = (roster.redactedCounts ?? []).flatMap(({ group, tableId, count }) => Array.from({ length: count }, () => ({ name: '', group, tableId })));
  return [...named, ...counted];
}

/**
 * Change since an earlier event (its full JSON export), as sentences and names for the report. Organisations
 * match by the de-duplication rules and by the decisions the facilitators saved on Insights for that earlier
 * event; a malformed export throws AnalysisError (a 400 for the caller).
 */
export function changeForReport(bundle: Pick<EventBundle, 'event' | 'merged' | 'matchDecisions'>, earlierExport: unknown): ReportChange {
  const earlier = earlierEventFromExport(earlierExport);
  const earlierMap = mergeTableMaps(earlier.tables, earlier.aliases);
  const { confirmed, separate } = matchDecisionsFor(bundle.matchDecisions, earlierEventKey(earlier));
  const change = compareEvents(earlierMap, bundle.merged, { sectors: bundle.event.sectors, earlierSectors: earlier.sectors, confirmed, separate });
  const name = new Map([...earlierMap.organisations.map((org) => [`earlier:${org.id}`, org.name] as const), ...bundle.merged.organisations.map((org) => [org.id, org.name] as const)]);
  const linkName = (link: { source: string; target: string }) => `${name.get(link.source) ?? link.source} – ${name.get(link.target) ?? link.target}`;
  return {
    earlierTitle: earlier.title || 'the earlier event',
    metrics: change.metrics.map((metric) => metric.sentence),
    gainedOrganisations: change.gainedOrganisations.map((org) => org.name),
    lostOrganisations: change.lostOrganisations.map((org) => org.name),
    gainedLinks: change.gainedLinks.map(linkName),
    lostLinks: change.lostLinks.map(linkName),
  };
}

/** Each pinned route question answered in plain words on the merged map, in the order it was pinned. */
function routeAnswers(bundle: Pick<EventBundle, 'event' | 'merged' | 'pinnedRoutes'>): ReportSnapshot['routes'] {
  const labels = new Map(bundle.event.sectors.map((sector) => [sector.id, sector.label]));
  return bundle.pinnedRoutes.map((question) => answerRouteQuestion(bundle.merged, question, { sectorLabel: (id) => labels.get(id) ?? id }));
}

/** Where the tables agree and the statistics, as names and sentences for the report. */
function toReportInsights(bundle: Pick<EventBundle, 'event' | 'merged' | 'influence'>): ReportInsights {
  const { event, merged, influence } = bundle;
  const name = new Map(merged.organisations.map((org) => [org.id, org.name]));
  const tableName = new Map(merged.tables.map((table) => [table.id, table.name]));
  const tables = (ids: string[], status?: string) => ids.map((id) => `${tableName.get(id) ?? id}${status ? ` (${status})` : ''}`);
  const sectorLabels = Object.fromEntries(event.sectors.map((sector) => [sector.id, sector.label]));
  const consensus = consensusLayer(merged);
  // A fixed seed: the report and the facilitator's screen give the same p-values for the same map.
  const ei = eiPermutationTest(merged, { permutations: 1000, seed: 1, sectorLabels });
  const brokerage = brokerageRoles(merged, sectorLabels);
  return {
    mappingTables: consensus.mappingTables,
    contested: consensus.contested.map((link) => ({
      from: name.get(link.source) ?? link.source,
      to: name.get(link.target) ?? link.target,
      existingAt: tables(link.tablesByStatus.existing),
      disputedAt: [...tables(link.tablesByStatus.broken, 'broken'), ...tables(link.tablesByStatus.wanted, 'wanted')],
    })),
    livedExperienceOnly: consensus.livedExperienceOnly.map((link) => ({ from: name.get(link.source) ?? link.source, to: name.get(link.target) ?? link.target, groups: link.groups })),
    eiSentence: ei.overall.sentence,
    eiSectors: Object.entries(ei.sectors).map(([sector, figure]) => ({ sector, observed: figure.observed, expected: figure.expected, pValue: figure.pValue, sentence: figure.sentence })),
    brokerage: Object.entries(brokerage.sentences).map(([sector, sentence]) => ({ sector, sentence })),
    cutVertices: cutVertices(merged).map((id) => name.get(id) ?? id),
    influence: {
      rated: influence.points
        .filter((point) => point.influence !== null && point.quadrant !== null)
        .sort((a, b) => b.influence! - a.influence! || b.degree - a.degree)
        .map((point) => ({ name: point.name, influence: point.influence!, ratings: point.ratings, degree: point.degree, quadrant: point.quadrant! })),
      sentences: influence.sentences,
    },
  };
}

/** Report notes are keyed by their `<tableId>/<noteId>` reference, the same key the synthesis uses. */
function toReportTable(entry: TableEntry, snapshot: TableSnapshot, consentByGroup: Record<string, number>): ReportTable {
  const votes: ReportTable['votes'] = {};
  for (const [noteId, tally] of Object.entries(snapshot.votes)) {
    votes[noteRef(entry.id, noteId)] = { total: tally.total, byGroup: tally.byGroup };
  }
  return {
    id: entry.id,
    name: entry.name,
    organisations: snapshot.organisations.map(({ id, name, sector, size, locality, remit }) => ({
      id,
      name,
      sector,
      ...(size ? { size } : {}),
      locality,
      remit,
    })),
    links: snapshot.links.map(({ id, source, target, kind, mutual, strength, status, note }) => ({ id, source, target, kind, mutual, strength, status, note })),
    notes: snapshot.notes.map((note) => ({
      id: noteRef(entry.id, note.id),
      text: note.text,
      kind: note.kind,
      promptId: note.promptId,
      group: note.group,
    })),
    positions: snapshot.positions,
    consentByGroup,
    votes,
  };
}

function toReportTheme(bundle: BundleData, theme: SynthesisSnapshot['themes'][number]): ReportTheme {
  const votes = combineVoteTallies(bundle.tables.map(({ snapshot }) => snapshot.themeVotes[theme.id]));
  return {
    id: theme.id,
    title: theme.title,
    description: theme.description,
    noteIds: notesOfTheme(bundle, theme.id),
    quoteNoteIds: theme.quoteNoteRefs,
    isGap: theme.isGap,
    isKeyMessage: theme.isKeyMessage,
    nextSteps: theme.nextSteps.map((step) => ({ action: step.action, ownerSector: step.ownerSector ?? '', timescale: step.timescale })),
    votes,
    raisedBy: raisedBy(bundle.synthesis.provenance[theme.id]),
  };
}
