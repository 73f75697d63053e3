import { readPinnedRoutes, readReportNarrative, reportDocName, type PinnedRoute, type ReportNarrative } from '@tablemap/model';
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
