import { RELATIONSHIP_KINDS, describeMap } from '@tablemap/model';
import { emptyNote, h2, h3, meta, para, plural, type Block, type Cell, type CoverBlock } from './blocks.ts';
import { participantsByGroup, seatingMatrix, votesOnVisibleNotes, type ReportContext } from './context.ts';
import type { MapInput, MapLink } from './map-svg.ts';
import type { ReportTheme, SectionId } from './types.ts';
import { keyMessagesText } from './narrative-sections.ts';

type Content = Block;
type TableCell = Cell;

/** The visible H1 heading of each section, in the words a reader sees in the contents. */
export const SECTION_TITLES: Record<SectionId, string> = {
  cover: 'Cover',
  introduction: 'Introduction',
  'at-a-glance': 'At a glance',
  'how-the-day-ran': 'How the day ran',
  'who-was-in-the-room': 'Who was in the room',
  themes: 'Themes',
  'gaps-and-next-steps': 'Gaps, key messages and next steps',
  recommendations: 'Recommendations',
  ecosystem: 'The service ecosystem',
  'agreement-and-statistics': 'Where the tables agree, and the statistics',
  routes: 'Routes people take',
  'change-over-time': 'Change since an earlier event',
  acknowledgements: 'Acknowledgements',
  'table-appendix': 'Appendix: table by table',
  directory: 'Appendix: directory of services',
};

export const CONTENT_WIDTH = 515; // A4 width minus 40pt margins each side


function dataTable(headers: string[], rows: TableCell[][], widths: (string | number)[], fontSize = 9): Content {
  return { kind: 'table', headers, rows, widths, fontSize };
}

const bulletList = (items: string[]): Content => ({ kind: 'list', items });

const relationshipLabel = (kind: string) => RELATIONSHIP_KINDS.find((entry) => entry.id === kind)?.label ?? kind;

export function coverSection(ctx: ReportContext): CoverBlock {
  const { event } = ctx.snapshot;
  const details = [event.date, event.venue].filter((part) => part.trim() !== '').map(ctx.t);
  return {
    kind: 'cover',
    title: ctx.t(event.title),
    subtitle: 'Learning exchange report',
    details: details.join(' · '),
    description: ctx.t(event.description.trim()),
    preparedBy: ctx.options.author.trim() ? `Prepared by ${ctx.t(ctx.options.author)}` : '',
  };
}

export interface GlanceCounts {
  tables: number;
  organisations: number;
  links: number;
  notes: number;
  votes: number;
  themes: number;
  themeVotes: number;
}

export function glanceCounts(ctx: ReportContext): GlanceCounts {
  return {
    tables: ctx.tables.length,
    organisations: ctx.tables.reduce((sum, table) => sum + table.organisations.length, 0),
    links: ctx.tables.reduce((sum, table) => sum + table.links.length, 0),
    notes: ctx.visibleNotes.length,
    votes: votesOnVisibleNotes(ctx),
    themes: ctx.snapshot.synthesis.themes.length,
    themeVotes: ctx.snapshot.synthesis.themes.reduce((sum, theme) => sum + theme.votes.total, 0),
  };
}

export function atAGlanceSection(ctx: ReportContext): Content[] {
  const counts = glanceCounts(ctx);
  const participants = participantsByGroup(ctx);
  const totalParticipants = [...participants.counts.values()].reduce((a, b) => a + b, 0);
  const rows: [string, number][] = [
    ['Participants', totalParticipants],
    ['Tables', counts.tables],
    ['Organisations mapped', counts.organisations],
    ['Links', counts.links],
    ['Notes', counts.notes],
    ['Votes on notes', counts.votes],
    ['Themes', counts.themes],
    ['Votes on themes', counts.themeVotes],
  ];
  const content: Content[] = [
    dataTable(['Measure', 'Count'], rows.map(([label, n]) => [label, { text: String(n), align: 'right' }]), [200, 60], 10.5),
  ];
  const distinct = ctx.snapshot.analysis?.organisations.length;
  if (distinct !== undefined) {
    content.push(para(`After merging the same organisation named at several tables, ${plural(distinct, 'distinct organisation')} remain.`));
  }
  const empty = [
    counts.tables === 0 && 'no tables',
    counts.notes === 0 && 'no notes',
    counts.themes === 0 && 'no themes',
    counts.organisations === 0 && 'no mapped organisations',
  ].filter((item): item is string => typeof item === 'string');
  if (empty.length > 0) content.push(emptyNote(`This event has ${empty.join(', ')} yet.`));

  content.push(h2('Participants by stakeholder group'));
  if (totalParticipants === 0) {
    content.push(emptyNote('No participants were recorded.'));
  } else {
    content.push(para(participants.source === 'attendees' ? 'From the attendee list.' : 'From the consent given as people joined their table.'));
    const groupRows = orderedGroups(ctx, participants.counts).map((group): TableCell[] => [
      ctx.t(ctx.groupLabel(group)),
      { text: String(participants.counts.get(group) ?? 0), align: 'right' },
    ]);
    content.push(dataTable(['Stakeholder group', 'Participants'], groupRows, ['*', 70]));
  }
  return content;
}

/** The event's groups in vocabulary order, then any unknown group ids that have data. */
function orderedGroups(ctx: ReportContext, counts: Map<string, number>): string[] {
  const known = ctx.snapshot.event.groups.map((group) => group.id).filter((id) => (counts.get(id) ?? 0) > 0);
  const unknown = [...counts.keys()].filter((id) => !ctx.snapshot.event.groups.some((g) => g.id === id) && (counts.get(id) ?? 0) > 0);
  return [...known, ...unknown];
}

export function whoWasInTheRoomSection(ctx: ReportContext): Content[] {
  const content: Content[] = [];
  const matrix = seatingMatrix(ctx);
  const totals = new Map<string, number>();
  for (const row of matrix.values()) for (const [group, n] of row) totals.set(group, (totals.get(group) ?? 0) + n);
  const groups = orderedGroups(ctx, totals);

  content.push(h2('Stakeholder groups at each table'));
  if (ctx.tables.length === 0 || groups.length === 0) {
    content.push(emptyNote(ctx.tables.length === 0 ? 'There were no tables.' : 'No one was recorded at any table.'));
  } else {
    content.push(para(ctx.snapshot.attendees.length > 0 ? 'Seated attendees per table. Column numbers refer to the key below.' : 'People who joined each table and gave consent. Column numbers refer to the key below.'));
    const rows = ctx.tables.map((table): TableCell[] => {
      const row = matrix.get(table.id) ?? new Map<string, number>();
      const cells: TableCell[] = groups.map((group) => {
        const n = row.get(group) ?? 0;
        return { text: n === 0 ? '–' : String(n), align: 'center', colour: n === 0 ? '#b00020' : '#000000' };
      });
      const total = [...row.values()].reduce((a, b) => a + b, 0);
      return [ctx.t(table.name), ...cells, { text: String(total), align: 'right', bold: true }];
    });
    content.push(
      dataTable(['Table', ...groups.map((_, index) => String(index + 1)), 'Total'], rows, [90, ...groups.map(() => '*'), 30], 8),
    );
    content.push({ kind: 'list', ordered: true, tone: 'small', items: groups.map((group) => ctx.t(ctx.groupLabel(group))) });

    content.push(h2('Rainbow check'));
    const lacking = ctx.tables
      .map((table) => ({ table, missing: groups.filter((group) => !(matrix.get(table.id)?.get(group))) }))
      .filter((entry) => entry.missing.length > 0);
    if (lacking.length === 0) {
      content.push(para(`Every table had someone from each of the ${plural(groups.length, 'stakeholder group')} present at the event.`));
    } else {
      content.push(para(`${plural(lacking.length, 'table')} lacked at least one of the ${plural(groups.length, 'stakeholder group')} present at the event:`));
      content.push(
        bulletList(lacking.map(({ table, missing }) => `${ctx.t(table.name)} lacked: ${missing.map((g) => ctx.t(ctx.groupLabel(g))).join(', ')}`)),
      );
    }
  }

  content.push(h2('Consent'));
  const consent = new Map<string, number>();
  for (const table of ctx.tables) for (const [group, n] of Object.entries(table.consentByGroup)) consent.set(group, (consent.get(group) ?? 0) + n);
  const consentTotal = [...consent.values()].reduce((a, b) => a + b, 0);
  if (consentTotal === 0) {
    content.push(emptyNote('No consent was recorded.'));
  } else {
    content.push(para(`${plural(consentTotal, 'person', 'people')} gave consent for their contributions to be used.`));
    content.push(
      dataTable(
        ['Stakeholder group', 'Consents'],
        orderedGroups(ctx, consent).map((group): TableCell[] => [ctx.t(ctx.groupLabel(group)), { text: String(consent.get(group)), align: 'right' }]),
        ['*', 70],
      ),
    );
  }

  content.push(h2('Attendee list'));
  if (!ctx.options.includeAttendeeList) {
    content.push(para('Attendee names are left out of this report to protect participants’ anonymity.'));
  } else if (ctx.snapshot.attendeeNamesRemoved) {
    content.push(emptyNote('Attendee names were removed under the event’s retention policy; only counts by stakeholder group are kept.'));
  } else if (ctx.snapshot.attendees.length === 0) {
    content.push(emptyNote('No attendee list was supplied.'));
  } else {
    const tableOrder = new Map(ctx.tables.map((table, index) => [table.id, index]));
    const attendees = [...ctx.snapshot.attendees].sort(
      (a, b) =>
        (tableOrder.get(a.tableId ?? '') ?? 1e9) - (tableOrder.get(b.tableId ?? '') ?? 1e9) || a.name.localeCompare(b.name),
    );
    content.push(
      dataTable(
        ['Name', 'Stakeholder group', 'Table'],
        attendees.map((a) => [ctx.t(a.name), ctx.t(ctx.groupLabel(a.group)), a.tableId ? ctx.t(ctx.tableName(a.tableId)) : 'Not seated']),
        ['*', '*', 110],
      ),
    );
  }
  return content;
}

function votesText(ctx: ReportContext, votes: { total: number; byGroup: Record<string, number> }): string {
  const breakdown = Object.entries(votes.byGroup)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([group, n]) => `${ctx.t(ctx.groupLabel(group))} ${n}`);
  return `${plural(votes.total, 'vote')}${breakdown.length > 0 ? ` (${breakdown.join(', ')})` : ''}`;
}

/** Who raised a theme: how many tables, under which of their own titles, and the stakeholder groups behind it. */
function provenanceLines(ctx: ReportContext, theme: ReportTheme, notes: readonly { group: string }[]): Content[] {
  const lines: Content[] = [];
  if (theme.raisedBy.length > 0) {
    const tables = theme.raisedBy.map((table) => `${ctx.t(ctx.tableName(table.tableId))} (${table.tableThemes.map((title) => `“${ctx.t(title)}”`).join(', ')})`);
    const lead = theme.raisedBy.length === 1 ? 'Raised by one table' : `Raised by ${theme.raisedBy.length} tables`;
    lines.push(meta(`${lead}: ${tables.join('; ')}.`));
  }
  const byGroup = new Map<string, number>();
  for (const note of notes) byGroup.set(note.group, (byGroup.get(note.group) ?? 0) + 1);
  if (byGroup.size > 0) {
    const groups = [...byGroup].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([group, n]) => `${ctx.t(ctx.groupLabel(group))} ${n}`);
    lines.push(meta(`Groups behind it: ${groups.join(', ')}.`));
  }
  return lines;
}

export function themesSection(ctx: ReportContext): Content[] {
  const { themes } = ctx.snapshot.synthesis;
  if (themes.length === 0) return [emptyNote('No themes were recorded.')];
  const content: Content[] = [
    para(`${plural(themes.length, 'theme')} emerged from the ${plural(ctx.visibleNotes.length, 'note')} written at the tables.`),
  ];
  for (const theme of themes) {
    const notes = theme.noteIds.map((id) => ctx.noteById.get(id)).filter((note) => note !== undefined);
    const tableCount = new Set(notes.map((note) => note.tableId)).size;
    // Themes are what funders look for first, so each gets its own indented line in the contents.
    content.push({ kind: 'heading', level: 2, text: ctx.t(theme.title), inContents: true });
    if (theme.description.trim()) content.push(para(ctx.t(theme.description)));
    content.push(meta(`Drew on ${plural(notes.length, 'note')} from ${plural(tableCount, 'table')}. ${votesText(ctx, theme.votes)}.`));
    content.push(...provenanceLines(ctx, theme, notes));
    const quotes = theme.quoteNoteIds.map((id) => ctx.noteById.get(id)).filter((note) => note !== undefined);
    for (const quote of quotes) {
      content.push({ kind: 'quote', text: ctx.t(quote.text), attribution: ctx.t(ctx.groupLabel(quote.group)) });
    }
  }
  return content;
}

export function gapsSection(ctx: ReportContext): Content[] {
  const { themes, gaps, keyMessages } = ctx.snapshot.synthesis;
  const content: Content[] = [h2('Gaps')];
  const gapItems = [...gaps.map(ctx.t), ...themes.filter((theme) => theme.isGap).map((theme) => themeLine(ctx, theme))];
  content.push(gapItems.length > 0 ? bulletList(gapItems) : emptyNote('No gaps were recorded.'));
  content.push(h2('Key messages'));
  content.push(...keyMessagesText(ctx));
  const messageItems = [...keyMessages.map(ctx.t), ...themes.filter((theme) => theme.isKeyMessage).map((theme) => themeLine(ctx, theme))];
  content.push(messageItems.length > 0 ? bulletList(messageItems) : emptyNote('No key messages were recorded.'));
  content.push(h2('Next steps'));
  const steps = themes.flatMap((theme) => theme.nextSteps.map((step) => ({ theme, step })));
  if (steps.length === 0) {
    content.push(emptyNote('No next steps were recorded.'));
  } else {
    content.push(
      dataTable(
        ['Action', 'Owner', 'Timescale', 'Theme'],
        steps.map(({ theme, step }) => [
          ctx.t(step.action),
          step.ownerSector ? ctx.t(ctx.sectorLabel(step.ownerSector)) : '—',
          step.timescale ? ctx.t(step.timescale) : '—',
          ctx.t(theme.title),
        ]),
        ['*', 110, 70, 100],
      ),
    );
  }
  return content;
}

const themeLine = (ctx: ReportContext, theme: { title: string; description: string }) =>
  theme.description.trim() ? `${ctx.t(theme.title)}: ${ctx.t(theme.description)}` : ctx.t(theme.title);

export function ecosystemSection(ctx: ReportContext): Content[] {
  const analysis = ctx.snapshot.analysis;
  if (!analysis) return [emptyNote('No network analysis was available for this report.')];
  const names = new Map(analysis.organisations.map((o) => [o.id, o.name]));
  const name = (id: string) => ctx.t(names.get(id) ?? id);
  const content: Content[] = [h2('The merged map')];
  content.push(para(`${plural(analysis.organisations.length, 'organisation')} and ${plural(analysis.links.length, 'link')}, merged across every table. Colours show sectors; arrows show direction; dashed blue lines are wanted links and dotted red lines are broken ones.`));
  content.push(mapBlock(ctx, { organisations: analysis.organisations, links: analysis.links, sectors: ctx.snapshot.event.sectors }, 470, 25, 'The merged map of every table'));

  content.push(h2('Network metrics'));
  content.push(
    dataTable(
      ['Measure', 'Value'],
      [
        ['Density (share of possible ties present)', (analysis.density ?? 0).toFixed(3)],
        ['Separate clusters (components)', String(analysis.components)],
        ['Isolated organisations', String(analysis.isolated.length)],
      ],
      ['*', 80],
    ),
  );
  if (analysis.isolated.length > 0) {
    content.push(para(`Isolated: ${analysis.isolated.map(name).join(', ')}.`));
  }
  content.push(h3('Top brokers'));
  if (analysis.topBrokers.length === 0) {
    content.push(emptyNote('No organisation acts as a broker between others.'));
  } else {
    content.push(para('Organisations that sit on the most paths between others (betweenness centrality).'));
    content.push(
      dataTable(
        ['Organisation', 'Sector', 'Betweenness', 'Sectors bridged'],
        analysis.topBrokers.map((b) => [ctx.t(b.name), ctx.t(ctx.sectorLabel(b.sector)), { text: b.betweenness.toFixed(3), align: 'right' }, { text: String(b.sectorsBridged), align: 'right' }]),
        ['*', 130, 60, 60],
      ),
    );
  }

  content.push(h2('Ties between sectors'));
  const { sectors, counts } = analysis.tieMatrix;
  if (sectors.length === 0) {
    content.push(emptyNote('There are no ties between organisations.'));
  } else {
    content.push(para('Links between organisations of each pair of sectors. Column numbers follow the row numbers. E-I index: −1 means all ties stay within the sector, +1 all reach other sectors.'));
    const rows = sectors.map((sector, i): TableCell[] => [
      `${i + 1}. ${ctx.t(ctx.sectorLabel(sector))}`,
      ...sectors.map((_, j) => ({ text: String(counts[i]?.[j] ?? 0), align: 'center' as const })),
      { text: formatEi(analysis.eiIndex[sector]), align: 'right' },
    ]);
    content.push(dataTable(['Sector', ...sectors.map((_, j) => String(j + 1)), 'E-I'], rows, [110, ...sectors.map(() => '*'), 26], sectors.length > 12 ? 6.5 : 8));
  }

  content.push(h2('Missing sectors'));
  content.push(
    analysis.missingSectors.length > 0
      ? bulletList(analysis.missingSectors.map((sector) => ctx.t(ctx.sectorLabel(sector))))
      : para('Every sector in the event’s list appears on the map.'),
  );
  if (analysis.sectorsWithoutCrossTies.length > 0) {
    content.push(para(`Sectors with no ties to other sectors: ${analysis.sectorsWithoutCrossTies.map((s) => ctx.t(ctx.sectorLabel(s))).join(', ')}.`));
  }

  const wanted = analysis.wantedLinks ?? analysis.links.filter((l) => l.status === 'wanted');
  const broken = analysis.brokenLinks ?? analysis.links.filter((l) => l.status === 'broken');
  content.push(h2('Wanted and broken links'));
  for (const [title, list] of [['Wanted links', wanted], ['Broken links', broken]] as const) {
    content.push(h3(title));
    content.push(
      list.length === 0
        ? emptyNote(`No ${title.toLowerCase()} were mapped.`)
        : dataTable(['From', 'Relationship', 'To'], list.map((l) => [name(l.source), relationshipLabel(String(l.kind ?? '')), name(l.target)]), ['*', 110, '*']),
    );
  }
  return content;
}

/** A map with its text alternative: the same plain summary the live map gives screen readers. */
function mapBlock(ctx: ReportContext, input: Omit<MapInput, 'links'> & { links: readonly (MapLink & { kind: string })[] }, height: number, maxLabels: number, caption: string): Content {
  const links = input.links.map((link) => ({ ...link, mutual: link.mutual ?? false, status: link.status ?? 'existing' }));
  return { kind: 'map', input, width: CONTENT_WIDTH, height, maxLabels, caption, description: ctx.t(describeMap(input.organisations, links, ctx.snapshot.event.sectors)) };
}

const formatEi = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(2));

export function tableAppendixSection(ctx: ReportContext): Content[] {
  if (ctx.tables.length === 0) return [emptyNote('There were no tables.')];
  const content: Content[] = [];
  // A table that mapped and wrote nothing gets one line at the end, not a page of its own.
  const isEmpty = (table: (typeof ctx.tables)[number]) =>
    table.organisations.length === 0 && !ctx.visibleNotes.some((note) => note.tableId === table.id);
  ctx.tables.filter((table) => !isEmpty(table)).forEach((table, index) => {
    const notes = ctx.visibleNotes.filter((note) => note.tableId === table.id);
    content.push({ kind: 'heading', level: 2, text: ctx.t(table.name), pageBreak: index > 0 });
    content.push(meta(`${plural(table.organisations.length, 'organisation')}, ${plural(table.links.length, 'link')}, ${plural(notes.length, 'note')}.`));
    if (table.organisations.length > 0) {
      content.push(mapBlock(ctx, { organisations: table.organisations, links: table.links, positions: table.positions, sectors: ctx.snapshot.event.sectors }, 300, 30, `The map of ${ctx.t(table.name)}`));
    } else {
      content.push(emptyNote('This table mapped no organisations.'));
    }
    if (notes.length === 0) {
      content.push(emptyNote('This table wrote no notes.'));
      return;
    }
    const buckets: { title: string; promptId: string | null }[] = [
      ...ctx.prompts.map((prompt) => ({ title: prompt.text, promptId: prompt.id as string | null })),
      { title: 'Other notes', promptId: null },
    ];
    const knownPrompts = new Set(ctx.prompts.map((prompt) => prompt.id));
    for (const bucket of buckets) {
      const inBucket = notes.filter((note) =>
        bucket.promptId === null ? !note.promptId || !knownPrompts.has(note.promptId) : note.promptId === bucket.promptId,
      );
      if (inBucket.length === 0) continue;
      content.push(h3(ctx.t(bucket.title)));
      for (const note of inBucket) {
        const votes = table.votes[note.id]?.total ?? 0;
        content.push({ kind: 'note', text: ctx.t(note.text), detail: `${note.kind} · ${ctx.t(ctx.groupLabel(note.group))}${votes > 0 ? ` · ${plural(votes, 'vote')}` : ''}` });
      }
    }
  });
  const empty = ctx.tables.filter(isEmpty);
  if (empty.length > 0) {
    const names = empty.map((table) => ctx.t(table.name)).join(', ');
    content.push(para(`Nothing was mapped or written at ${plural(empty.length, 'table')}: ${names}.`));
  }
  return content;
}

export function directorySection(ctx: ReportContext): Content[] {
  const rows = directoryRows(ctx);
  if (rows.length === 0) return [emptyNote('No organisations were mapped, so the directory is empty.')];
  return [
    para(`${plural(rows.length, 'organisation')} named during the event, for an informal directory of local services.`),
    dataTable(
      ['Organisation', 'Sector', 'Size', 'Locality', 'Remit'],
      rows.map((row) => [
        { text: ctx.t(row.name), bold: true },
        ctx.t(ctx.sectorLabel(row.sector)),
        row.size ?? '',
        ctx.t(row.locality ?? ''),
        ctx.t(row.remit ?? ''),
      ]),
      [110, 80, 50, 70, '*'],
      8,
    ),
  ];
}

function directoryRows(ctx: ReportContext) {
  const source =
    ctx.snapshot.directory ??
    ctx.snapshot.analysis?.organisations ??
    // Without analysis, merge by name so an organisation named at five tables is listed once.
    [...new Map(ctx.tables.flatMap((table) => table.organisations).map((o) => [o.name.trim().toLowerCase(), o])).values()];
  return [...source].sort((a, b) => a.name.localeCompare(b.name));
}

/** Contested links, links only lived-experience or carer participants drew, the E-I test and brokerage, in words. */
export function agreementSection(ctx: ReportContext): Content[] {
  const insights = ctx.snapshot.insights;
  if (!insights) return [emptyNote('No agreement or statistics were available for this report.')];
  const t = ctx.t;
  const content: Content[] = [h2('Where the tables disagree')];
  content.push(para(`${plural(insights.mappingTables, 'table')} mapped organisations. A link is contested when one table says it exists and another says it is broken or wanted.`));
  content.push(
    insights.contested.length === 0
      ? emptyNote('No table contradicted another.')
      : dataTable(['Link', 'Exists at', 'Broken or wanted at'], insights.contested.map((link) => [`${t(link.from)} – ${t(link.to)}`, t(link.existingAt.join(', ')), t(link.disputedAt.join(', '))]), ['*', 120, 140]),
  );
  content.push(h2('Drawn only by people with lived experience or carers'));
  content.push(
    insights.livedExperienceOnly.length === 0
      ? emptyNote('No link was drawn by these groups alone.')
      : dataTable(['Link', 'Drawn by'], insights.livedExperienceOnly.map((link) => [`${t(link.from)} – ${t(link.to)}`, t(link.groups.map((group) => ctx.groupLabel(group)).join(', '))]), ['*', 180]),
  );
  content.push(h2('Cross-sector ties against chance'));
  content.push(para(t(insights.eiSentence)));
  const tested = insights.eiSectors.filter((sector) => sector.observed !== null);
  if (tested.length > 0) {
    const figure = (value: number | null, digits = 2) => ({ text: value === null ? '—' : value.toFixed(digits), align: 'right' as const });
    content.push(
      dataTable(
        ['Sector', 'E-I', 'Expected', 'p', 'In words'],
        tested.map((sector) => [t(ctx.sectorLabel(sector.sector)), figure(sector.observed), figure(sector.expected), figure(sector.pValue, 3), t(sector.sentence)]),
        [90, 28, 40, 32, '*'],
        8,
      ),
    );
  }
  content.push(h2('Brokerage between sectors'));
  content.push(insights.brokerage.length === 0 ? emptyNote('No organisation connects two others that are not tied directly.') : bulletList(insights.brokerage.map((entry) => t(entry.sentence))));
  const power = insights.influence;
  if (power) {
    content.push(h2('Who holds power'));
    content.push(...power.sentences.map((sentence) => para(t(sentence))));
    content.push(
      power.rated.length === 0
        ? emptyNote('No table rated influence.')
        : dataTable(
            ['Organisation', 'Median influence (0–5)', 'Ratings', 'Links', 'Where it sits'],
            power.rated.map((org) => [t(org.name), { text: org.influence.toFixed(1), align: 'right' as const }, { text: String(org.ratings), align: 'right' as const }, { text: String(org.degree), align: 'right' as const }, t(QUADRANT_WORDS[org.quadrant] ?? org.quadrant)]),
            ['*', 60, 44, 36, 130],
            8,
          ),
    );
  }
  content.push(h2('Organisations the network depends on'));
  content.push(
    insights.cutVertices.length === 0
      ? para('No single organisation splits the network if it disappears.')
      : para(`If any of these closed, part of the network would be cut off: ${insights.cutVertices.map(t).join(', ')}.`),
  );
  return content;
}

/** The influence × connectedness quadrants in words. */
const QUADRANT_WORDS: Record<string, string> = {
  'influential-connected': 'influential and well connected',
  'influential-peripheral': 'influential but on the edge',
  'connected-low-influence': 'well connected, little influence',
  'peripheral-low-influence': 'on the edge, little influence',
};

/** Each route question the facilitators pinned, answered in plain words: its own heading, then the answer. */
export function routesSection(ctx: ReportContext): Content[] {
  const routes = ctx.snapshot.routes;
  if (routes.length === 0) return [emptyNote('No route question was pinned for this report.')];
  const t = ctx.t;
  const content: Content[] = [
    para('The questions the organisers asked of the merged map: how a person gets from one service, or one sector, to another using only the kinds of link named. Only links the tables said exist count as a way through.'),
  ];
  for (const route of routes) {
    content.push(h2(t(route.question)));
    content.push(...route.sentences.map((sentence) => para(t(sentence))));
  }
  return content;
}

/** What changed since the earlier event the facilitator chose: metrics in words, then what was gained and lost. */
export function changeSection(ctx: ReportContext): Content[] {
  const change = ctx.snapshot.change;
  if (!change) return [emptyNote('No earlier event was chosen for comparison.')];
  const t = ctx.t;
  const content: Content[] = [para(`Compared with ${t(change.earlierTitle)}. Organisations are matched by name as in the merged map, and by the matches the facilitator confirmed.`)];
  content.push(h2('In numbers'));
  content.push(bulletList(change.metrics.map(t)));
  const lists = [
    ['Organisations new on the map', change.gainedOrganisations, 'No organisation is new.'],
    ['Organisations no longer mapped', change.lostOrganisations, 'Every earlier organisation is still on the map.'],
    ['Links gained', change.gainedLinks, 'No link is new.'],
    ['Links lost', change.lostLinks, 'No link was lost.'],
  ] as const;
  for (const [title, items, none] of lists) {
    content.push(h2(`${title} (${items.length})`));
    content.push(items.length === 0 ? emptyNote(none) : bulletList(items.map(t)));
  }
  return content;
}
