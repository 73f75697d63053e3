export { isPermanentClose, jitteredDelay } from './backoff.ts';
export { EDITING_QUIET_MS, EditingTracker, groupsPresent, isPresenceState, presenceFrame, presenceSummary } from './presence.ts';
export type { PresenceState } from './presence.ts';
export { measureServerClockOffset } from './server-clock.ts';
export { forgetOfflineCopy, openDoc, toSyncUrl } from './synced-doc.ts';
export type { CarryOver, ConnectionState, ConnectionStatus, OpenDocOptions, SyncedDoc } from './synced-doc.ts';
export { ApiError, ErrorBodySchema, apiErrorOf, requestJson } from './api-request.ts';
export { SLOW_ROUND_TRIP_MS, measureSocketRoundTrip, pingUrl, roundTripOf, summariseRoundTrips } from './venue-check.ts';
export type { RoomConnections, SocketCheck } from './venue-check.ts';
