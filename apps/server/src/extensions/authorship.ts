import type { ChangeContext, Extension } from './extension.ts';

/**
 * Remembers which Yjs client ids (app sessions) each participant wrote with on each doc, so a
 * facilitator's purge can remove what those sessions created. Kept in memory: after a restart a purge
 * still finds a participant's notes and votes by their id, but not organisations they added before it.
 */
export class Authorship {
  private readonly clients = new Map<string, Set<number>>();

  clientIdsOf(docName: string, participantId: string): ReadonlySet<number> {
    return this.clients.get(`${docName}|${participantId}`) ?? new Set();
  }

  extension(): Extension {
    return {
      name: 'authorship',
      afterApply: ({ entry, connection, decoded, facts }: ChangeContext) => {
        if (connection.claims.role === 'facilitator' || !facts || facts.newItems === 0) return;
        const key = `${entry.name}|${connection.claims.participantId}`;
        let seen = this.clients.get(key);
        if (!seen) this.clients.set(key, (seen = new Set()));
        for (const struct of decoded.structs) seen.add(struct.id.client);
      },
    };
  }
}
