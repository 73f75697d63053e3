/**
 * @tablemap/ui: the Tablemap design system, shared by the participant and facilitator apps.
 * Import `@tablemap/ui/styles.css` once per app for the tokens (--tm-*) and the base styles.
 * Components are built on bits-ui (headless, accessible primitives) with icons from @lucide/svelte.
 */
/** A ≥44 px button: `variant` primary | secondary | danger | quiet, `icon`, icon-only with `label`, `floating`. */
export { default as Button } from './components/Button.svelte';
/** An on/off button (aria-pressed) whose name never changes, e.g. "Lock Table 3". */
export { default as ToggleButton } from './components/ToggleButton.svelte';
/** Long text cut to a few lines with a "Show more" toggle. */
export { default as ExpandableText } from './components/ExpandableText.svelte';
/** A small status label with a tone and an optional icon. */
export { default as Badge } from './components/Badge.svelte';
/** A labelled form field around any control, with hint, error and an optional live character count. */
export { default as Field } from './components/Field.svelte';
/** A labelled text input with hint, error, live character counter (`maxChars`) and suggestions. */
export { default as TextField } from './components/TextField.svelte';
/** A labelled textarea with a live character counter (`maxChars`). */
export { default as TextArea } from './components/TextArea.svelte';
/** A labelled native select from a list of options. */
export { default as SelectField } from './components/SelectField.svelte';
export type { SelectOption } from './components/SelectField.svelte';
/** A radio group (bits-ui) with a legend, hints and an error. */
export { default as RadioGroup } from './components/RadioGroup.svelte';
export type { RadioOption } from './components/RadioGroup.svelte';
/** A compact one-of-N switch drawn as joined buttons (bits-ui RadioGroup), e.g. a console's phase. */
export { default as SegmentedControl } from './components/SegmentedControl.svelte';
export type { Segment } from './components/SegmentedControl.svelte';
/** A checkbox with its label, one flag (`checked`) or a list of chosen values (`group`). */
export { default as Checkbox } from './components/Checkbox.svelte';
/** A bottom sheet (bits-ui Dialog): focus trap, Escape, tap outside; `size="half"` keeps the top of the screen in view. */
export { default as Sheet } from './components/Sheet.svelte';
/** A centred modal dialog (bits-ui Dialog) with a title, description and actions. */
export { default as Dialog } from './components/Dialog.svelte';
/** A tab list (bits-ui Tabs) above its panels, or with `placement="bottom"` the bottom navigation. */
export { default as Tabs } from './components/Tabs.svelte';
/** The phone's bottom navigation (bits-ui Tabs) in thumb reach, with icons; fills its parent, panels scroll. */
export { default as BottomNav } from './components/BottomNav.svelte';
/** One panel of Tabs or BottomNav; rendered once first shown, `keepMounted` keeps it alive after. */
export { default as TabPanel } from './components/TabPanel.svelte';
export type { TabItem } from './tabs-context.ts';
/** A menu of actions behind one button (bits-ui DropdownMenu). */
export { default as Menu } from './components/Menu.svelte';
export type { MenuItem } from './components/Menu.svelte';
/** A collapsible section with a visible chevron marker (bits-ui Collapsible). */
export { default as Disclosure } from './components/Disclosure.svelte';
/** Where toasts appear; place one per app. */
export { default as Toaster } from './components/Toaster.svelte';
export { toast, dismissToast, toasts } from './toast.svelte.ts';
export type { ToastMessage } from './toast.svelte.ts';
/** An empty list's message: icon, title, a sentence and the one action that fills it. */
export { default as EmptyState } from './components/EmptyState.svelte';
/** "Live", "Reconnecting…" or "Offline · N changes waiting" from a sync-client ConnectionState. */
export { default as ConnectionBadge } from './components/ConnectionBadge.svelte';
/** A legend of coloured swatches (node shapes or line styles) with a heading. */
export { default as LegendList } from './components/LegendList.svelte';
export type { LegendItem } from './components/LegendList.svelte';
export { characterCount } from './character-count.ts';
export type { CharacterCount } from './character-count.ts';
export { describeConnection, refusalReason } from './connection.ts';
export { formatDay } from './dates.ts';
export type { ConnectionDescription, ConnectionTone } from './connection.ts';
/** A Svelte action: drag a note card (mouse, pen or touch) onto an element with `data-drop-theme`. */
export { dragNote } from './pointer-drag.ts';
export type { DragNoteOptions } from './pointer-drag.ts';
/** Refusals in plain words: the one message table for every error code, and the wrapper for model changes. */
export { ENGLISH_UI_WORDS, provideUiWords, uiWords } from './words.ts';
export type { UiWords } from './words.ts';
export { ERROR_MESSAGES, friendlyError, tryBuild, tryChange, tryRequest } from './errors.ts';
