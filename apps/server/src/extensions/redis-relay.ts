import type { Logger } from '../logger.ts';
import { RemoteChanges } from '../scale/cluster.ts';
import { RedisRelay } from '../scale/redis-relay.ts';
import type { Extension, ServerParts } from './extension.ts';

export interface RelayExtension extends Extension {
  readonly relay: RedisRelay;
  /** Applies other instances' changes; set once the server started. */
  remoteChanges: RemoteChanges | null;
}

/**
 * Multi-instance mode: every durable local change, presence change and revocation goes to the other
 * instances through a Redis stream, and theirs are applied here (src/scale).
 */
export async function redisRelay(options: { url: string; logger: Logger; streamKey?: string | undefined }): Promise<RelayExtension> {
  const relay = await RedisRelay.connect({ url: options.url, logger: options.logger, ...(options.streamKey ? { streamKey: options.streamKey } : {}) });
  const extension: RelayExtension = {
    name: 'redis-relay',
    relay,
    remoteChanges: null,
    started(parts: ServerParts) {
      const remote = new RemoteChanges(parts.registry, parts.docStore, parts.logger, (eventId, participantId) =>
        parts.closeHolder(eventId, participantId),
      );
      extension.remoteChanges = remote;
      remote.listen(relay);
    },
    afterChange: (docName, update) => relay.publish('update', docName, update),
    awareness: (docName, update) => relay.publish('awareness', docName, update),
    // Their sockets on the other instances close too.
    revoked: (eventId, participantId) => relay.publishRevocation(eventId, participantId),
    stop: () => relay.close(),
  };
  return extension;
}
