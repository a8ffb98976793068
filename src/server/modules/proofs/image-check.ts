// A proof image is checked by its bytes, not by its name or declared type: a PNG with a valid
// IHDR chunk (its CRC) that ends with IEND, or a JPEG with a frame header (SOFn) before its scan
// that ends with EOI; its size within bounds. Anything else (an SVG, a script, a PNG header with
// junk behind it) is refused, so the file is only ever served as the image it proved to be.
import { crc32 } from 'node:zlib';

export interface CheckedImage {
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
const MAX_SIDE = 8192;

function png(buf: Buffer): CheckedImage | null {
  if (buf.length < 8 + 25 + 12 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  if (crc32(buf.subarray(12, 29)) !== buf.readUInt32BE(29)) return null;
  if (!buf.subarray(buf.length - 12).equals(PNG_IEND)) return null;
  return { mime: 'image/png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC). */
const isFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpeg(buf: Buffer): CheckedImage | null {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8 || buf[buf.length - 2] !== 0xff || buf[buf.length - 1] !== 0xd9) return null;
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1] ?? 0;
    if (marker === 0xff) {
      i++; // fill bytes
      continue;
    }
    if (marker === 0xda) return null; // a scan before any frame header
    const length = buf.readUInt16BE(i + 2);
    if (length < 2 || i + 2 + length > buf.length) return null;
    if (isFrame(marker)) {
      if (length < 7) return null;
      return { mime: 'image/jpeg', height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    i += 2 + length;
  }
  return null;
}

/** The image the bytes are, or null when they are not a whole JPEG or PNG of sane size. */
export function checkImage(buf: Buffer): CheckedImage | null {
  const image = png(buf) ?? jpeg(buf);
  if (!image || image.width < 1 || image.height < 1 || image.width > MAX_SIDE || image.height > MAX_SIDE) return null;
  return image;
}
