import { getContext, setContext } from 'svelte';
import type { LiveEvent } from './live-event.svelte.ts';
import type { KnownEvent } from './stored-events.ts';

export interface ConsoleContext {
  readonly live: LiveEvent;
  readonly known: KnownEvent;
}

const KEY = Symbol('tablemap-console');

export function setConsoleContext(value: () => ConsoleContext | null): void {
  setContext(KEY, value);
}

/** The facilitator console's live event and stored credentials, provided by the event layout. */
export function getConsoleContext(): () => ConsoleContext | null {
  return getContext<() => ConsoleContext | null>(KEY);
}
