import { untrack } from 'svelte';

/** A short message that appears briefly and is read out politely (or assertively for problems). */
export interface ToastMessage {
  id: number;
  text: string;
  tone: 'info' | 'success' | 'error';
  /** One action, e.g. "Undo". */
  action?: { label: string; run: () => void };
}

const SHOW_MS = 6000;
let nextId = 1;

/** The toasts on screen; the one Toaster per app renders them. */
export const toasts: { items: ToastMessage[] } = $state({ items: [] });

export function dismissToast(id: number): void {
  toasts.items = toasts.items.filter((item) => item.id !== id);
}

/** Shows a toast for six seconds (longer reading time for errors, which stay until dismissed). */
export function toast(text: string, options: { tone?: ToastMessage['tone']; action?: ToastMessage['action'] } = {}): number {
  const tone = options.tone ?? 'info';
  // The same message twice at once (e.g. two refusals in a row while reconnecting) reads as a fault: show it once.
  const same = untrack(() => toasts.items.find((item) => item.text === text && item.tone === tone && !item.action));
  if (same && !options.action) return same.id;
  const id = nextId++;
  // Three at most, newest last, so the stack never covers the screen. Read untracked: a toast shown from
  // an $effect must not make that effect depend on the list it writes (an endless update loop).
  const shown = untrack(() => toasts.items.slice(-2));
  toasts.items = [...shown, { id, text, tone, ...(options.action ? { action: options.action } : {}) }];
  if (tone !== 'error' && typeof window !== 'undefined') setTimeout(() => dismissToast(id), SHOW_MS);
  return id;
}
