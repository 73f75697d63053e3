import { notesPrivateAt, observeTable, privateDocName, type EventSnapshot, type Note } from '@tablemap/model';
import { openDoc, type SyncedDoc } from '@tablemap/sync-client';

/**
 * A facilitator's read of one table's unrevealed notes in a private round: opens each author's private doc
 * (the server lets facilitators in, nobody else at the table) and lists their notes. Opened per table page,
 * not on the dashboard, so the console does not hold one socket per phone.
 */
export class PrivateNotes {
  notes = $state.raw<Note[]>([]);
  // Plain bookkeeping of open sockets, never read by the UI (`notes` is what the page reads).
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #docs = new Map<string, { synced: SyncedDoc; stop: () => void; notes: Note[] }>();
  readonly #options: { serverUrl: string; eventId: string; tableId: string; token: string };

  constructor(options: { serverUrl: string; eventId: string; tableId: string; token: string }) {
    this.#options = options;
  }

  /** Follows the event: opens new authors' docs while the table is private, closes them all once revealed. */
  update(event: EventSnapshot): void {
    const { eventId, tableId, token, serverUrl } = this.#options;
    const authors = notesPrivateAt(event, tableId) ? (event.privateAuthors[tableId] ?? []) : [];
    for (const participantId of authors) {
      if (this.#docs.has(participantId)) continue;
      const synced = openDoc({ serverUrl, docName: privateDocName(eventId, tableId, participantId), token });
      synced.awareness.setLocalState(null);
      const entry = { synced, notes: [] as Note[], stop: () => {} };
      entry.stop = observeTable(synced.doc, (snapshot) => {
        entry.notes = snapshot.notes;
        this.#publish();
      });
      this.#docs.set(participantId, entry);
    }
    if (authors.length === 0 && this.#docs.size > 0) this.destroy();
  }

  #publish(): void {
    this.notes = [...this.#docs.values()].flatMap((entry) => entry.notes).sort((a, b) => a.createdAt - b.createdAt);
  }

  destroy(): void {
    for (const entry of this.#docs.values()) {
      entry.stop();
      entry.synced.destroy();
    }
    this.#docs.clear();
    this.notes = [];
  }
}
