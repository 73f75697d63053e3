import { GlobalFonts, Image, createCanvas } from '@napi-rs/canvas';
import { PDFMAKE_DIR } from './fonts.ts';

/**
 * A map's SVG drawn to PNG for the Word edition (Word's own SVG support needs a PNG fallback anyway).
 * Drawn with Skia from `@napi-rs/canvas` (prebuilt, from npm) at one and a half times the size, sharp enough to print at A4 width.
 * Labels use Roboto from pdfmake's package, so the picture does not depend on the machine's fonts.
 */
let fontsRegistered = false;

export function svgToPng(svg: string, width: number, height: number, scale = 1.5): Uint8Array {
  if (!fontsRegistered) {
    GlobalFonts.registerFromPath(`${PDFMAKE_DIR}/fonts/Roboto/Roboto-Regular.ttf`, 'Roboto');
    fontsRegistered = true;
  }
  const image = new Image();
  image.src = Buffer.from(svg, 'utf8');
  const canvas = createCanvas(Math.round(width * scale), Math.round(height * scale));
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Uint8Array(canvas.toBuffer('image/png'));
}
