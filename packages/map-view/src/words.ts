import { describeMap, relationshipLabel, type Link, type Organisation, type VocabularyEntry } from '@tablemap/model';

/**
 * Every word the map shows or reads out. English by default (the model's wording); an app in another
 * language passes its own through the `words` prop (map-view knows no message catalogue).
 */
export interface MapWords {
  /** The canvas's accessible name. */
  mapLabel: string;
  controls: string;
  fit: string;
  zoomIn: string;
  zoomOut: string;
  mapKey: string;
  sectors: string;
  links: string;
  existing: string;
  wanted: string;
  broken: string;
  mapInWords: string;
  describeInWords: string;
  /** A link's kind, e.g. "refers people to". */
  linkKind: (kind: string) => string;
  /** The whole map in words for screen readers (plain text). */
  describe: (organisations: Organisation[], links: Link[], sectors: VocabularyEntry[]) => string;
}

export const ENGLISH_MAP_WORDS: MapWords = {
  mapLabel: 'Map of organisations and links',
  controls: 'Map view controls',
  fit: 'Fit',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  mapKey: 'Map key',
  sectors: 'Sectors',
  links: 'Links',
  existing: 'Existing',
  wanted: 'Wanted',
  broken: 'Broken',
  mapInWords: 'The map in words',
  describeInWords: 'Describe the map in words',
  linkKind: relationshipLabel,
  describe: describeMap,
};
