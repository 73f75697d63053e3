declare module 'fontkit' {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean;
    /** Every code point the font maps to a glyph. */
    readonly characterSet: number[];
    readonly unitsPerEm: number;
    /** Shapes text (joining, reordering, ligatures); glyphs come back in visual order. */
    layout(text: string): GlyphRun;
  }
  export interface GlyphRun {
    glyphs: Glyph[];
    positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }[];
  }
  export interface Glyph {
    path: Path;
  }
  export interface Path {
    scale(x: number, y: number): Path;
    translate(x: number, y: number): Path;
    toSVG(): string;
  }
  export function openSync(path: string): Font;
  export function create(bytes: Uint8Array): Font;
}
