import { CLOSE_CODES } from '@tablemap/model';
import type { ConnectionState } from '@tablemap/sync-client';

export type ConnectionTone = 'ok' | 'busy' | 'warn' | 'error';

export interface ConnectionDescription {
  /** Short word for the badge, e.g. "Live". */
  label: string;
  /** Longer plain-language line for screen readers and the badge's title. */
  detail: string;
  tone: ConnectionTone;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Turns a sync connection state into the words a participant sees: live, reconnecting or offline. */
export function describeConnection(state: ConnectionState): ConnectionDescription {
  const waiting = state.pendingChanges > 0 ? `${plural(state.pendingChanges, 'change')} waiting` : '';
  switch (state.status) {
    case 'live':
      return { label: 'Live', detail: 'Connected. Your changes are shared with the table.', tone: 'ok' };
    case 'connecting':
      return { label: 'Connecting…', detail: 'Connecting to the table.', tone: 'busy' };
    case 'reconnecting':
      return {
        label: waiting ? `Reconnecting · ${waiting}` : 'Reconnecting…',
        detail: `Trying to reconnect. ${waiting ? `${waiting}; they are kept on this phone.` : 'Nothing is lost.'}`,
        tone: 'busy',
      };
    case 'offline':
      return {
        label: waiting ? `Offline · ${waiting}` : 'Offline',
        detail: `No connection. ${waiting ? `${waiting}; they are kept on this phone and sent when the connection returns.` : 'You can keep working.'}`,
        tone: 'warn',
      };
    case 'refused':
      return { label: 'Not connected', detail: refusalReason(state.closeCode), tone: 'error' };
  }
}

/** Plain-language reasons for the server's permanent close codes (see the protocol brief). */
export function refusalReason(code: number | null): string {
  switch (code) {
    case CLOSE_CODES.tableLocked:
      return 'This table is read-only right now, so changes are not being sent.';
    case CLOSE_CODES.tokenExpired:
      return 'Your place at this table has expired. Please join again.';
    case CLOSE_CODES.readOnly:
      return 'This connection is read-only.';
    case CLOSE_CODES.docTooLarge:
      return 'This table has reached its size limit; no more changes can be saved.';
    case CLOSE_CODES.eventDeleted:
      return 'This event has been deleted.';
    default:
      return 'The server closed the connection.';
  }
}
