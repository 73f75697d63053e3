import * as v from 'valibot';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger.ts';
import type { DocStore } from '../storage/doc-store.ts';
import { REMOTE_ORIGIN, type DocRegistry } from '../sync/doc-registry.ts';
import type { RedisRelay, RelayKind } from './redis-relay.ts';

const RevocationSchema = v.object({ eventId: v.pipe(v.string(), v.maxLength(200)), participantId: v.pipe(v.string(), v.maxLength(200)) });

/**
 * Applies other instances' changes to the docs this instance holds, and reloads them from the database
 * when the relay reports a gap. Docs this instance has not loaded are skipped: they will be read from
 * the database when someone opens them here, and that read includes every change published so far.
 */
export class RemoteChanges {
  private readonly registry: DocRegistry;
  private readonly store: DocStore;
  private readonly logger: Logger;
  private resyncing: Promise<void> | null = null;
  private resyncAgain = false;
  private readonly closeHolder: (eventId: string, participantId: string) => void;
  /** Another instance deleted an event (privacy/event-deletion.ts): close and drop its docs here too. */
  onEventDeleted: (eventId: string) => void = () => {};
  /** Resyncs done (tests and logs). */
  resyncCount = 0;

  constructor(registry: DocRegistry, store: DocStore, logger: Logger, closeHolder: (eventId: string, participantId: string) => void) {
    this.registry = registry;
    this.store = store;
    this.logger = logger;
    this.closeHolder = closeHolder;
  }

  listen(relay: RedisRelay): void {
    relay.start({
      onMessage: (kind, docName, payload) => this.apply(kind, docName, payload),
      onGap: () => void this.resyncAll(),
    });
  }

  /** A doc still loading gets the change after its load: its database read may predate the change's commit. */
  apply(kind: RelayKind, docName: string, payload: Uint8Array): void {
    if (kind === 'revoke') return this.revoke(payload);
    if (kind === 'event-deleted') return this.onEventDeleted(new TextDecoder().decode(payload).slice(0, 200));
    const loading = this.registry.loadedOrLoading(docName);
    if (!loading) return;
    loading.then(
      (entry) => {
        if (entry.unloaded) return;
        try {
          if (kind === 'update') Y.applyUpdate(entry.doc, payload, REMOTE_ORIGIN);
          else awarenessProtocol.applyAwarenessUpdate(entry.awareness, payload, REMOTE_ORIGIN);
        } catch (error) {
          this.logger.warn({ doc: docName, kind, err: error }, 'could not apply a relayed change; reloading the doc');
          void this.resyncAll();
        }
      },
      () => {}, // the load failed: nothing to apply to
    );
  }

  private revoke(payload: Uint8Array): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      parsed = null;
    }
    const result = v.safeParse(RevocationSchema, parsed);
    if (!result.success) return void this.logger.warn('ignored a malformed revocation on the relay');
    this.closeHolder(result.output.eventId, result.output.participantId);
  }

  /** Reloads every loaded doc's stored state and applies it; one run at a time, rerun if asked meanwhile. */
  resyncAll(): Promise<void> {
    if (this.resyncing) {
      this.resyncAgain = true;
      return this.resyncing;
    }
    this.resyncing = (async () => {
      do {
        this.resyncAgain = false;
        await this.resyncOnce();
      } while (this.resyncAgain);
    })().finally(() => {
      this.resyncing = null;
    });
    return this.resyncing;
  }

  private async resyncOnce(): Promise<void> {
    this.resyncCount++;
    for (const name of this.registry.loadedNames()) {
      try {
        const entry = await this.registry.loadedOrLoading(name);
        if (!entry || entry.unloaded) continue;
        const stored = await this.store.load(name);
        if (entry.unloaded || stored.updates.length === 0) continue;
        Y.applyUpdate(entry.doc, Y.mergeUpdates(stored.updates), REMOTE_ORIGIN);
      } catch (error) {
        // The doc's own storage path reports persistent failures; a later gap or reconnect retries this.
        this.logger.warn({ doc: name, err: error }, 'could not reload a doc after a relay gap');
      }
    }
  }
}
