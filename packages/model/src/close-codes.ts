/**
 * The WebSocket close codes of a doc's live connection: the server closes with them and the apps read them,
 * so both name them from here. 1xxx are the standard ones a client recovers from by reconnecting; every
 * 44xx is a decision reconnecting cannot change (y-websocket does not come back), with its own words in
 * the apps. docs/protocol.md ("Close codes") says when each is sent and what a client should do.
 */
export const CLOSE_CODES = {
  goingAway: 1001,
  tooBig: 1009,
  tryAgainLater: 1013,
  malformed: 4400,
  tokenExpired: 4401,
  readOnly: 4403,
  /** The event was deleted: there is nothing to come back to. */
  eventDeleted: 4410,
  docTooLarge: 4413,
  /** The update breaks the model's rules (a root or shape it does not define, someone else's note, forged votes...). */
  changeRefused: 4422,
  tableLocked: 4423,
  tooManyMessages: 4429,
} as const;

export type CloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];
