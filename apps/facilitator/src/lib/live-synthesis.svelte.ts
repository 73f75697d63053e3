import { observeSynthesis, readSynthesis, synthesisDocName, type SynthesisSnapshot } from '@tablemap/model';
import type { DirectoryEdits } from '@tablemap/analysis';
import { openDoc, type ConnectionState, type SyncedDoc } from '@tablemap/sync-client';
import { readDirectoryEdits } from './directory-edits.ts';

/**
 * The synthesis doc (`synthesis/<eventId>`): themes, note placements, flags, redactions, organisation
 * merges and directory edits. Every facilitator screen writes it directly with the model's mutations, so two
 * facilitators working at once converge through Yjs.
 */
export class LiveSynthesis {
  snapshot = $state.raw<SynthesisSnapshot>(emptySynthesis());
  directoryEdits = $state.raw<DirectoryEdits>({});
  connection = $state.raw<ConnectionState>({ status: 'connecting', pendingChanges: 0, closeCode: null, closeReason: '' });
  /** False until the first sync, so screens do not offer suggestions already rejected elsewhere. */
  synced = $state(false);
  readonly synced$: SyncedDoc;
  private readonly stops: (() => void)[] = [];

  constructor(options: { serverUrl: string; eventId: string; token: string }) {
    this.synced$ = openDoc({ serverUrl: options.serverUrl, docName: synthesisDocName(options.eventId), token: options.token });
    this.synced$.awareness.setLocalState(null);
    this.stops.push(this.synced$.onState((state) => (this.connection = state)));
    this.stops.push(
      observeSynthesis(this.synced$.doc, (snapshot) => {
        this.snapshot = snapshot;
        this.directoryEdits = readDirectoryEdits(this.synced$.doc);
      }),
    );
    void this.synced$.ready.then(() => {
      this.synced = true;
      this.snapshot = readSynthesis(this.synced$.doc);
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

function emptySynthesis(): SynthesisSnapshot {
  return { schemaVersion: 0, themes: [], noteThemes: {}, noteFlags: {}, themeSources: {}, hiddenNoteRefs: [], aliases: {}, rejectedMerges: [], problems: [] };
}
