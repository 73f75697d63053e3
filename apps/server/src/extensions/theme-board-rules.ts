import type { Logger } from '../logger.ts';
import { BoardChecker, touchesBoard } from '../sync/board-rules.ts';
import { CLOSE_CODES } from '@tablemap/model';
import type { ChangeContext, Extension, Refusal } from './extension.ts';

/**
 * The table theme board's rules (the model's `tableBoardViolations`: a theme title is one line within 80
 * characters, a note and its theme belong to this table), for participants' and scribes' changes to a table
 * doc's board; facilitators are trusted. Checked on a copy of the doc with the change applied, after every
 * other rule, and refused with 4422 like the model's other rules.
 */
export function themeBoardRules(logger: Logger): Extension {
  const checker = new BoardChecker();
  return {
    name: 'theme-board-rules',
    validateChange(change: ChangeContext): Refusal | null {
      const { connection, entry, update, decoded } = change;
      const { role } = connection.claims;
      if (entry.ref.kind !== 'table' || (role !== 'participant' && role !== 'scribe')) return null;
      if (!touchesBoard(entry.doc, decoded.structs)) return null;
      const broken = checker.broken(entry.doc, update, change);
      if (broken.length === 0) return null;
      logger.warn({ broken: broken.slice(0, 5) }, 'theme board change refused');
      return { closeCode: CLOSE_CODES.changeRefused, code: 'board_rule', message: 'theme board rule broken' };
    },
    afterApply(change: ChangeContext): void {
      checker.applied(change.entry.doc, change);
    },
  };
}
