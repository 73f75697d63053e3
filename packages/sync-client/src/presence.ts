import * as encoding from 'lib0/encoding';

export interface PresenceState {
  /** Stakeholder group the person speaks for; never a name. */
  group: string;
  role: 'facilitator' | 'participant' | 'scribe' | 'observer';
  /** Organisation id being edited, so others can see a subtle highlight. */
  editingOrganisationId?: string | null;
  /**
   * Bumped by the phone while its person is actually doing something (tapping, typing) on that
   * organisation, so the others can tell an active editor from a phone left lying on the table.
   */
  activity?: number;
  /** The phone's measured round trip to the server (ms), summed up on the facilitator's dashboard. */
  roundTripMs?: number;
}

export function isPresenceState(value: unknown): value is PresenceState {
  if (!value || typeof value !== 'object') return false;
  const state = value as Record<string, unknown>;
  return typeof state.group === 'string' && state.group.length <= 40 && typeof state.role === 'string';
}

/** Counts the people present per stakeholder group, ignoring malformed states. */
export function groupsPresent(states: Iterable<unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const state of states) {
    if (isPresenceState(state) && state.role !== 'observer') counts.set(state.group, (counts.get(state.group) ?? 0) + 1);
  }
  return counts;
}

/** "Carer · Housing · 2 × VCSE": who is at the table, by stakeholder group only. */
export function presenceSummary(states: Iterable<unknown>, labelOf: (groupId: string) => string = (id) => id): string {
  const counts = groupsPresent(states);
  return [...counts.entries()]
    .sort(([a], [b]) => labelOf(a).localeCompare(labelOf(b)))
    .map(([group, count]) => (count > 1 ? `${count} × ${labelOf(group)}` : labelOf(group)))
    .join(' · ');
}

/** After this long with no sign of activity, "someone is working on this" is no longer shown. */
export const EDITING_QUIET_MS = 30_000;

/**
 * Which organisations other people are working on right now. A phone announces the organisation it has
 * selected or open; the mark clears when it deselects, when it leaves (its presence is removed), and when it
 * has shown no activity for `EDITING_QUIET_MS`. Quiet time is measured on this device's clock from when an
 * announcement last changed, so phones with wrong clocks still agree.
 */
export class EditingTracker {
  readonly #lastChange = new Map<number, { key: string; at: number }>();
  readonly #quietMs: number;

  constructor(quietMs: number = EDITING_QUIET_MS) {
    this.#quietMs = quietMs;
  }

  /** Organisation ids being worked on by anyone but `selfId`, given the current presence states. */
  active(states: Map<number, unknown>, selfId: number, now: number): string[] {
    const ids = new Set<string>();
    for (const clientId of this.#lastChange.keys()) {
      if (!states.has(clientId)) this.#lastChange.delete(clientId);
    }
    for (const [clientId, state] of states) {
      if (clientId === selfId || !isPresenceState(state) || typeof state.editingOrganisationId !== 'string') {
        this.#lastChange.delete(clientId);
        continue;
      }
      const key = `${state.editingOrganisationId}|${typeof state.activity === 'number' ? state.activity : 0}`;
      const seen = this.#lastChange.get(clientId);
      if (!seen || seen.key !== key) this.#lastChange.set(clientId, { key, at: now });
      const since = this.#lastChange.get(clientId)!.at;
      if (now - since < this.#quietMs) ids.add(state.editingOrganisationId);
    }
    return [...ids];
  }
}

/**
 * One presence change as a y-websocket frame: `[messageAwareness, [count 1, clientId, clock, JSON state]]`.
 * For clients that hold no Awareness instance: the load generator's light phones and raw-frame tests.
 */
export function presenceFrame(clientId: number, state: unknown, clock = 1): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, 1);
  encoding.writeVarUint(update, clientId);
  encoding.writeVarUint(update, clock);
  encoding.writeVarString(update, JSON.stringify(state));
  const frame = encoding.createEncoder();
  encoding.writeVarUint(frame, 1); // messageAwareness
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
  return encoding.toUint8Array(frame);
}
