/**
 * @tablemap/ui: shared Svelte 5 components for the participant and facilitator apps.
 * Import `@tablemap/ui/styles.css` once per app for the base tokens.
 */
/** A ≥44 px button: `variant` primary | secondary | danger | quiet, `block` for full width. */
export { default as Button } from './components/Button.svelte';
/** A labelled form field; renders its control through a snippet that receives the ids to wire up. */
export { default as Field } from './components/Field.svelte';
/** A modal bottom sheet on a native <dialog>: focus trap, Escape and backdrop tap close it. */
export { default as BottomSheet } from './components/BottomSheet.svelte';
/** "Live", "Reconnecting…" or "Offline · N changes waiting" from a sync-client ConnectionState. */
export { default as ConnectionBadge } from './components/ConnectionBadge.svelte';
/** A legend of coloured swatches (node shapes or line styles) with a heading. */
export { default as LegendList } from './components/LegendList.svelte';
export type { LegendItem } from './components/LegendList.svelte';
export { describeConnection, refusalReason } from './connection.ts';
export { formatDay } from './dates.ts';
export type { ConnectionDescription, ConnectionTone } from './connection.ts';
