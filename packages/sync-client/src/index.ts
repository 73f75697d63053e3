export { isPermanentClose, jitteredDelay } from './backoff.ts';
export { groupsPresent, isPresenceState, presenceFrame, presenceSummary } from './presence.ts';
export type { PresenceState } from './presence.ts';
export { measureServerClockOffset } from './server-clock.ts';
export { openDoc, toSyncUrl } from './synced-doc.ts';
export type { ConnectionState, ConnectionStatus, OpenDocOptions, SyncedDoc } from './synced-doc.ts';
