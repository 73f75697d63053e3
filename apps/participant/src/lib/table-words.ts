import { m } from '#lib/paraglide/messages.js';
import { CLOSE_CODES, describeMap, type EditBlockedCode, type LinkStatus, type MapDescriptionWords } from '@tablemap/model';
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

/** The map in words for screen readers, in the phone's language (the model's `describeMap` does the work). */
const MAP_DESCRIPTION: MapDescriptionWords = {
  get empty() { return m.map_summary_empty(); },
  counts: (organisations, links) => m.map_summary_counts({ organisations: m.map_count_organisations({ count: organisations }), links: m.map_count_links({ count: links }) }),
  get linksHeading() { return m.map_summary_links_heading(); },
  get removedOrganisation() { return m.link_removed_org(); },
  kind: linkKindLabel,
  status: linkStatusSuffix,
};

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
  describe: (organisations, links, sectors) => describeMap(organisations, links, sectors, MAP_DESCRIPTION),
};

/** The permanent close codes of a table's live connection, in words (see the protocol brief). */
function refusalText(code: number | null): string {
  if (code === CLOSE_CODES.tableLocked) return m.connection_refused_locked();
  if (code === CLOSE_CODES.tokenExpired) return m.connection_refused_expired();
  if (code === CLOSE_CODES.readOnly) return m.connection_refused_read_only();
  if (code === CLOSE_CODES.docTooLarge) return m.connection_refused_full();
  if (code === CLOSE_CODES.eventDeleted) return m.error_event_deleted();
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
