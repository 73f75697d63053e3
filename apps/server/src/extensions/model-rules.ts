import { CLOSE_CODES, checkUpdate, removeDanglingLinks, type UpdateAuthor } from '@tablemap/model';
import type { Logger } from '../logger.ts';
import type { ChangeContext, Extension, Refusal } from './extension.ts';

/**
 * The model's rules, enforced on every update before it is applied: roots and entry shapes the model
 * defines (DOC_SHAPES), and for participants and scribes their own notes, their own votes within the
 * event's budget, and nothing in `meta`. A refused update closes the socket with 4422 (final), nothing
 * of it applied, stored or relayed; the app reloads the table and replays its own valid edits.
 */
export function modelRules(logger: Logger): Extension {
  return {
    name: 'model-rules',
    validateChange(change: ChangeContext): Refusal | null {
      const { connection, entry } = change;
      if (connection.access !== 'write') return null;
      const check = checkUpdate(entry.doc, entry.ref.kind, change.decoded, authorOf(change));
      change.facts = { newItems: check.newItems, newClients: check.newClients, deletes: check.deletes, deletesOnly: check.deletesOnly };
      if (check.ok) return null;
      logger.warn({ doc: entry.name, role: connection.claims.role, code: check.code, reason: check.reason }, 'change refused');
      return { closeCode: CLOSE_CODES.changeRefused, code: check.code, message: `refused: ${check.reason}`.slice(0, 120) };
    },
    // Two phones can race (one links an organisation another removes): the link goes, rather than linger as junk.
    afterApply({ entry, applied }: ChangeContext): void {
      if (entry.ref.kind === 'table' && !entry.doc.isDestroyed) removeDanglingLinks(entry.doc, applied);
    },
  };
}

function authorOf({ connection, eventEntry }: ChangeContext): UpdateAuthor {
  const { claims } = connection;
  const event = eventEntry?.readEventCached();
  return {
    role: claims.role,
    participantId: claims.participantId,
    group: claims.group,
    votingRules: event ? { votesPerParticipant: event.votesPerParticipant, allowStackedVotes: event.allowStackedVotes } : undefined,
  };
}
