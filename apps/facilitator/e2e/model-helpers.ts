import { measureServerClockOffset } from '@tablemap/sync-client';
import { readEvent, timerRemainingMs } from '@tablemap/model';
import type * as Y from 'yjs';
import { BASE } from './helpers.ts';

export { addNote, addOrganisation, castVote, linkOrganisations, readEvent, readTable } from '@tablemap/model';

/** How a phone computes the countdown: server clock offset + the shared timer. */
export async function measureRemaining(doc: Y.Doc): Promise<() => number> {
  const offset = await measureServerClockOffset(BASE);
  return () => timerRemainingMs(readEvent(doc).timer, Date.now() + offset) ?? -1;
}

export { castThemeVote, readSynthesis } from '@tablemap/model';
