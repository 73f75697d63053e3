import { getContext, setContext, type Component } from 'svelte';

/** One tab or bottom-navigation destination. */
export interface TabItem {
  value: string;
  label: string;
  /** A @lucide/svelte icon (drawn above the label in the bottom navigation). */
  icon?: Component<{ size?: number | string; 'aria-hidden'?: boolean | 'true' | 'false' }>;
  /** A small count after the label, e.g. how many notes there are. */
  count?: number;
}

const KEY = Symbol('tm-tabs');

/** Lets a TabPanel know which tab is showing, so hidden panels are not rendered until first shown. */
export function setActiveTab(read: () => string): void {
  setContext(KEY, read);
}

export function activeTab(): () => string {
  const read = getContext<(() => string) | undefined>(KEY);
  if (!read) throw new Error('TabPanel must be inside Tabs or BottomNav');
  return read;
}
