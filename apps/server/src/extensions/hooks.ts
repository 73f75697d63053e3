import type { ChangeContext, ConnectionInfo, Extension, Refusal, ServerParts, ServerStore } from './extension.ts';

/** Runs the extensions' hooks in order; the first refusal wins. */
export class Hooks {
  readonly extensions: readonly Extension[];
  readonly store: ServerStore;

  constructor(extensions: readonly Extension[]) {
    this.extensions = extensions;
    const stores = extensions.filter((extension) => extension.store);
    if (stores.length !== 1) {
      throw new Error(`Exactly one storage extension is needed, got ${stores.length} (${stores.map((e) => e.name).join(', ') || 'none'})`);
    }
    this.store = stores[0]!.store!;
  }

  async started(parts: ServerParts): Promise<void> {
    for (const extension of this.extensions) await extension.started?.(parts);
  }

  async authenticate(connection: ConnectionInfo): Promise<Refusal | null> {
    for (const extension of this.extensions) {
      const refusal = await extension.authenticate?.(connection);
      if (refusal) return refusal;
    }
    return null;
  }

  connect(connection: ConnectionInfo): Refusal | null {
    for (const extension of this.extensions) {
      const refusal = extension.connect?.(connection);
      if (refusal) return refusal;
    }
    return null;
  }

  disconnect(connection: ConnectionInfo): void {
    for (const extension of this.extensions) extension.disconnect?.(connection);
  }

  validateChange(change: ChangeContext): Refusal | null {
    for (const extension of this.extensions) {
      const refusal = extension.validateChange?.(change);
      if (refusal) return refusal;
    }
    return null;
  }

  refused(connection: ConnectionInfo, refusal: Refusal): void {
    for (const extension of this.extensions) extension.refused?.(connection, refusal);
  }

  afterApply(change: ChangeContext): void {
    for (const extension of this.extensions) extension.afterApply?.(change);
  }

  afterChange(docName: string, update: Uint8Array): void {
    for (const extension of this.extensions) extension.afterChange?.(docName, update);
  }

  awareness(docName: string, update: Uint8Array): void {
    for (const extension of this.extensions) extension.awareness?.(docName, update);
  }

  revoked(eventId: string, participantId: string): void {
    for (const extension of this.extensions) extension.revoked?.(eventId, participantId);
  }

  async stop(): Promise<void> {
    for (const extension of [...this.extensions].reverse()) await extension.stop?.();
  }
}
