import * as encoding from 'lib0/encoding';

export interface PresenceState {
  /** Stakeholder group the person speaks for; never a name. */
  group: string;
  role: 'facilitator' | 'participant' | 'scribe' | 'observer';
  /** Organisation id being edited, so others can see a subtle highlight. */
  editingOrganisationId?: string | null;
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
