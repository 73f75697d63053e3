import { m } from '#lib/paraglide/messages.js';
import type { EditBlockedCode, Link, LinkStatus, Organisation, VocabularyEntry } from '@tablemap/model';
import type { MapWords } from '@tablemap/map-view';
import type { UiWords } from '@tablemap/ui';
import type { ConnectionState } from '@tablemap/sync-client';
import { linkKindLabel } from './link-kinds.ts';

/** Why editing is off, in the phone's language (a pause shows the facilitator's own message). */
export function blockedText(code: EditBlockedCode, pauseMessage: string): string {
  if (code === 'paused') return pauseMessage;
  if (code === 'event_closed') return m.blocked_event_closed();
  if (code === 'table_removed') return m.blocked_table_removed();
  return m.blocked_table_locked();
}

/** " (wanted)" / " (broken)" after a link in words; nothing for a link that exists. */
export function linkStatusSuffix(status: LinkStatus | string): string {
  if (status === 'wanted') return ` (${m.link_status_word_wanted()})`;
  if (status === 'broken') return ` (${m.link_status_word_broken()})`;
  return '';
}

/** The whole map in words for screen readers, like the model's `describeMap` but in the phone's language. */
export function describeMapInWords(organisations: Organisation[], links: Link[], sectors: VocabularyEntry[]): string {
  if (organisations.length === 0) return m.map_summary_empty();
  const names = new Map(organisations.map((org) => [org.id, org.name]));
  const nameOf = (id: string) => names.get(id) ?? m.link_removed_org();
  const sectorLabel = (id: string) => sectors.find((sector) => sector.id === id)?.label ?? id;
  const bySector = new Map<string, string[]>();
  for (const org of organisations) bySector.set(org.sector, [...(bySector.get(org.sector) ?? []), org.name]);
  const sectorLines = [...bySector.entries()]
    .sort(([a], [b]) => sectorLabel(a).localeCompare(sectorLabel(b)))
    .map(([sector, orgNames]) => `${sectorLabel(sector)}: ${orgNames.join(', ')}.`);
  const visible = links.filter((link) => names.has(link.source) && names.has(link.target));
  const linkLines = visible.map(
    (link) => `${nameOf(link.source)} ${linkKindLabel(link.kind)} ${link.mutual ? '↔' : '→'} ${nameOf(link.target)}${linkStatusSuffix(link.status)}.`,
  );
  return [
    m.map_summary_counts({ organisations: m.map_count_organisations({ count: organisations.length }), links: m.map_count_links({ count: visible.length }) }),
    ...sectorLines,
    ...(linkLines.length ? [m.map_summary_links_heading(), ...linkLines] : []),
  ].join('\n');
}

/** The map's words (read when shown, so a change of language shows on the next render). */
export const MAP_WORDS: MapWords = {
  get mapLabel() { return m.map_label(); },
  get controls() { return m.map_controls(); },
  get fit() { return m.map_fit(); },
  get zoomIn() { return m.map_zoom_in(); },
  get zoomOut() { return m.map_zoom_out(); },
  get mapKey() { return m.map_key(); },
  get sectors() { return m.map_sectors(); },
  get links() { return m.map_links(); },
  get existing() { return m.map_existing(); },
  get wanted() { return m.map_wanted(); },
  get broken() { return m.map_broken(); },
  get mapInWords() { return m.map_in_words(); },
  get describeInWords() { return m.map_describe_in_words(); },
  linkKind: linkKindLabel,
  describe: describeMapInWords,
};

/** The permanent close codes of a table's live connection, in words (see the protocol brief). */
function refusalText(code: number | null): string {
  if (code === 4423) return m.connection_refused_locked();
  if (code === 4401) return m.connection_refused_expired();
  if (code === 4403) return m.connection_refused_read_only();
  if (code === 4413) return m.connection_refused_full();
  if (code === 4410) return m.error_event_deleted();
  return m.connection_refused_closed();
}

/** The connection badge's words in the phone's language (the badge keeps its own colours). */
export function describeConnectionInWords(state: ConnectionState): ReturnType<NonNullable<UiWords['connection']>> {
  const waiting = state.pendingChanges > 0 ? m.connection_changes_waiting({ count: state.pendingChanges }) : '';
  switch (state.status) {
    case 'live':
      return { label: m.connection_live(), detail: m.connection_live_detail() };
    case 'connecting':
      return { label: m.connection_connecting(), detail: m.connection_connecting_detail() };
    case 'reconnecting':
      return waiting
        ? { label: m.connection_reconnecting_waiting({ waiting }), detail: m.connection_reconnecting_detail_waiting({ waiting }) }
        : { label: m.connection_reconnecting(), detail: m.connection_reconnecting_detail() };
    case 'offline':
      return waiting
        ? { label: m.connection_offline_waiting({ waiting }), detail: m.connection_offline_detail_waiting({ waiting }) }
        : { label: m.connection_offline(), detail: m.connection_offline_detail() };
    case 'refused':
      return { label: m.connection_refused(), detail: refusalText(state.closeCode) };
  }
}

/** The round countdown in words for screen readers, e.g. "4 minutes 5 seconds". */
export function countdownInWords(minutes: number, seconds: number): string {
  if (minutes && seconds) return m.countdown_minutes_seconds({ minutes: m.count_minutes({ count: minutes }), seconds: m.count_seconds({ count: seconds }) });
  return minutes ? m.count_minutes({ count: minutes }) : m.count_seconds({ count: seconds });
}
