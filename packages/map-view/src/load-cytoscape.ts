// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the app type-checks this file without map-view's tsconfig, so the ambient fcose types must travel with it
/// <reference path="./fcose.d.ts" />
import type cytoscape from 'cytoscape';
import type { Ext, StylesheetJson } from 'cytoscape';

export interface CytoscapeBundle {
  cytoscape: typeof cytoscape;
  style: StylesheetJson;
}

let loading: Promise<CytoscapeBundle> | null = null;

/** Loads cytoscape and the fcose layout on demand (a separate chunk, never in the initial bundle). */
export function loadCytoscape(): Promise<CytoscapeBundle> {
  loading ??= Promise.all([import('cytoscape'), import('cytoscape-fcose'), import('./cy-style.ts')]).then(
    ([{ default: cy }, { default: fcose }, { CY_STYLE }]) => {
      cy.use(fcose as Ext);
      return { cytoscape: cy, style: CY_STYLE };
    },
  );
  return loading;
}

/** Starts downloading the map code early (e.g. while a participant is joining), so the map draws sooner. */
export function preloadMap(): void {
  void loadCytoscape().catch(() => {
    // A failed preload is retried when the map mounts.
    loading = null;
  });
}
