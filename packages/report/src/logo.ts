import { ReportInputError } from './errors.ts';

export const MAX_LOGO_BYTES = 2 * 1024 * 1024;

export interface ValidLogo {
  mimeType: 'image/png' | 'image/jpeg';
  /** A data URL pdfmake can embed without touching the file system or network. */
  dataUrl: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  return prefix.every((byte, index) => bytes[at + index] === byte);
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

function isWholePng(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Signature, then an IHDR chunk with a non-zero size, and an IEND chunk at the very end.
  return (
    bytes.length >= 57 &&
    startsWith(bytes, PNG_SIGNATURE) &&
    startsWith(bytes, ascii('IHDR'), 12) &&
    view.getUint32(16) > 0 &&
    view.getUint32(20) > 0 &&
    startsWith(bytes, ascii('IEND'), bytes.length - 8)
  );
}

function isWholeJpeg(bytes: Uint8Array): boolean {
  // Start-of-image marker, and the end-of-image marker (a truncated upload lacks it).
  return (
    bytes.length >= 4 &&
    startsWith(bytes, [0xff, 0xd8, 0xff]) &&
    bytes[bytes.length - 2] === 0xff &&
    bytes[bytes.length - 1] === 0xd9
  );
}

/**
 * Accepts an organiser's logo only if it is a complete PNG or JPEG of at most 2 MB.
 * Throws a ReportInputError saying why otherwise.
 */
export function validateLogo(bytes: unknown): ValidLogo {
  if (!(bytes instanceof Uint8Array)) throw new ReportInputError('Logo must be uploaded as bytes.');
  if (bytes.length === 0) throw new ReportInputError('Logo file is empty.');
  if (bytes.length > MAX_LOGO_BYTES) {
    const megabytes = (bytes.length / 1024 / 1024).toFixed(1);
    throw new ReportInputError(`Logo is ${megabytes} MB; the limit is 2 MB.`);
  }
  let mimeType: ValidLogo['mimeType'];
  if (startsWith(bytes, PNG_SIGNATURE)) {
    if (!isWholePng(bytes)) throw new ReportInputError('Logo looks like a PNG but is damaged or incomplete.');
    mimeType = 'image/png';
  } else if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    if (!isWholeJpeg(bytes)) throw new ReportInputError('Logo looks like a JPEG but is damaged or incomplete.');
    mimeType = 'image/jpeg';
  } else {
    throw new ReportInputError('Logo must be a PNG or JPEG image.');
  }
  return { mimeType, dataUrl: `data:${mimeType};base64,${Buffer.from(bytes).toString('base64')}` };
}
