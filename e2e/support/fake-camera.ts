// A fake phone camera for the browser tests. Chromium started with
// --use-fake-device-for-media-stream --use-file-for-fake-video-capture=<file> shows that file, a
// Y4M (YUV4MPEG2, 4:2:0) video, as the camera picture and loops it. This writes such a video of a
// waybill barcode, black on white, so the courier app's scanner decodes a known tracking number.
import fs from 'node:fs';
// The default export is bwip-js's API object; its `raw` is the bar/module encoder. The *named*
// export `raw` is something else (the "raw" custom 1-D symbology), so the default import it is.
import bwipjs from 'bwip-js';

/** What the fake camera films: a waybill's Code 128 or a QR code. */
export interface BarcodeVideoOptions {
  /** The encoded text, e.g. a tracking number. */
  text: string;
  /** Default 'code128', what Chinese waybills carry. */
  symbology?: 'code128' | 'qrcode';
  /** Frame size in pixels, both even (4:2:0 halves the chroma planes); default 640×480. */
  width?: number;
  height?: number;
  /** Identical frames in the file; Chromium loops it, so one is enough. Default 1. */
  frames?: number;
  /** Pixels per bar module; default the largest that fits the symbol and its quiet zone. */
  scale?: number;
}

/** Chromium flags that make the camera (already permitted) show the video in `file`. */
export function fakeCameraArgs(file: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${file}`];
}

// Studio-swing luma: Chromium converts the file's frames as limited-range BT.601, where 16 is
// black and 235 white; neutral chroma (128) keeps the picture grey-scale.
const BLACK = 16;
const WHITE = 235;
const NEUTRAL = 128;

/** Writes `file`, a Y4M video of a white frame with the barcode of `opts.text` centred in it. */
export function writeBarcodeVideo(file: string, opts: BarcodeVideoOptions): void {
  const { width = 640, height = 480, frames = 1 } = opts;
  if (width % 2 || height % 2 || width <= 0 || height <= 0) throw new Error(`frame ${width}×${height}: both sides must be even and positive`);
  const symbol = encode(opts.text, opts.symbology ?? 'code128');
  // Quiet zones (white margins the decoder needs): 10 modules for Code 128, 4 for QR.
  const fitX = Math.floor(width / (symbol.cols + 2 * symbol.quiet));
  const fitY = symbol.rows === 0 ? fitX : Math.floor(height / (symbol.rows + 2 * symbol.quiet));
  const scale = opts.scale ?? Math.min(fitX, fitY);
  if (scale < 1 || scale > Math.min(fitX, fitY)) throw new Error(`${opts.text}: ${symbol.cols} modules do not fit ${width}×${height} at scale ${scale}`);

  const luma = Buffer.alloc(width * height, WHITE);
  const w = symbol.cols * scale;
  // A 1-D code is as tall as half the frame, about a waybill barcode's proportions.
  const h = symbol.rows === 0 ? Math.floor(height / 2) : symbol.rows * scale;
  const left = Math.floor((width - w) / 2);
  const top = Math.floor((height - h) / 2);
  for (let y = 0; y < h; y++) {
    const row = symbol.rows === 0 ? 0 : Math.floor(y / scale);
    for (let x = 0; x < w; x++) {
      if (symbol.dark(row, Math.floor(x / scale))) luma[(top + y) * width + left + x] = BLACK;
    }
  }

  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, NEUTRAL); // U plane then V plane
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420\n`);
  fs.writeFileSync(file, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}

/** A symbol as a module grid: `rows` 0 for a 1-D code, whose columns are the same at any height. */
interface ModuleGrid {
  cols: number;
  rows: number;
  quiet: number;
  dark(row: number, col: number): boolean;
}

function encode(text: string, symbology: 'code128' | 'qrcode'): ModuleGrid {
  const [first] = bwipjs.raw({ bcid: symbology, text });
  if (!first) throw new Error(`bwip-js encoded nothing for ${symbology} ${text}`);
  if ('sbs' in first) {
    // Bar and space widths in modules, alternating, starting with a bar.
    const bars: boolean[] = first.sbs.flatMap((n, i) => Array<boolean>(n).fill(i % 2 === 0));
    return { cols: bars.length, rows: 0, quiet: 10, dark: (_row, col) => bars[col] === true };
  }
  // Row-major module matrix, 1 for dark.
  const { pixs, pixx, pixy } = first;
  return { cols: pixx, rows: pixy, quiet: 4, dark: (row, col) => pixs[row * pixx + col] === 1 };
}
