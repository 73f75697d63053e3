import { untrack } from 'svelte';
import { readLinkedEvent, readPinnedRoutes, readReportNarrative, reportDocName, type LinkedEvent, type PinnedRoute, type ReportNarrative } from '@tablemap/model';
import { openDoc, type ConnectionState, type SyncedDoc } from '@tablemap/sync-client';

/**
 * The report doc (`report/<eventId>`, facilitators only): the narrative sections as collaborative
 * rich text, the recommendations and the easy-read points, and the analysis choices made on Insights
 * (change-over-time match decisions, pinned route questions). Every open screen edits it directly, so
 * organisers working at once converge through Yjs.
 */
export class LiveReport {
  narrative = $state.raw<ReportNarrative>({ sections: {}, recommendations: [], easyRead: [] });
  connection = $state.raw<ConnectionState>({ status: 'connecting', pendingChanges: 0, closeCode: null, closeReason: '' });
  pinnedRoutes = $state.raw<PinnedRoute[]>([]);
  /** The earlier event on this server this event is compared with (id and title), or null. */
  linkedEvent = $state.raw<LinkedEvent | null>(null);
  /** Bumped on every change to the doc, so views that read it directly (match decisions) recompute. */
  revision = $state(0);
  synced = $state(false);
  readonly synced$: SyncedDoc;
  private readonly stops: (() => void)[] = [];

  constructor(options: { serverUrl: string; eventId: string; token: string }) {
    this.synced$ = openDoc({ serverUrl: options.serverUrl, docName: reportDocName(options.eventId), token: options.token });
    this.stops.push(this.synced$.onState((state) => (this.connection = state)));
    const refresh = () => {
      this.narrative = readReportNarrative(this.synced$.doc);
      this.pinnedRoutes = readPinnedRoutes(this.synced$.doc);
      const linked = readLinkedEvent(this.synced$.doc);
      if (linked?.eventId !== this.linkedEvent?.eventId || linked?.title !== this.linkedEvent?.title) this.linkedEvent = linked;
      this.revision += 1;
    };
    this.synced$.doc.on('update', refresh);
    this.stops.push(() => this.synced$.doc.off('update', refresh));
    void this.synced$.ready.then(() => {
      this.synced = true;
      refresh();
    });
  }

  get doc() {
    return this.synced$.doc;
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.synced$.destroy();
  }
}

/**
 * Calls `changed` once the report doc has synced and again whenever the linked earlier event becomes another
 * one (or none), so a page fetches that event's export once per link, not on every edit of the doc.
 * Call it while a component initialises.
 */
export function watchLinkedEvent(report: LiveReport, changed: (link: LinkedEvent | null) => void): void {
  let seen: string | null = null;
  $effect(() => {
    if (!report.synced) return;
    const link = report.linkedEvent;
    if ((link?.eventId ?? '') === seen) return;
    seen = link?.eventId ?? '';
    untrack(() => changed(link));
  });
}
