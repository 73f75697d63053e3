/**
 * @tablemap/map-view: the cytoscape map of one table (Svelte 5), its sector styles and a text summary.
 * Cytoscape itself is loaded with a dynamic import inside the component, never during SSR.
 */
/** The map component. Props: organisations, links, positions?, sectors, selectedId?, highlightIds?, readonly?, compact?, fill?, minLabelPx?, revealAbove?, onSelect?, onMove?, onPlaced?, label?, words?, nodeSize?. */
export { default as MapView } from './MapView.svelte';
export { sectorStyle, linkStatusStyle } from './styles.ts';
export type { NodeShape, SectorStyle, LinkStyle } from './styles.ts';
export { describeMap, describeLink, relationshipLabel } from './describe.ts';
/** The map's words (controls, key, link kinds, the description in words): English defaults for the `words` prop. */
export { ENGLISH_MAP_WORDS } from './words.ts';
export type { MapWords } from './words.ts';
/** Starts loading cytoscape + fcose ahead of time (call it when the user is about to see a map). */
export { preloadMap } from './load-cytoscape.ts';
/** The fcose options the map runs (pure; the render benchmark uses them too) and node sizing by weight. */
export { layoutOptionsFor, scaleNodeSizes, LARGE_GRAPH_NODES, NODE_SIZE_RANGE, DEFAULT_NODE_SIZE } from './layout.ts';
export type { FcoseOptions, NodeSizeRange } from './layout.ts';
