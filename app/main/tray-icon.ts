// The tray's picture, drawn here rather than shipped: a gate, and in its corner a red badge with
// the number of questions waiting ("9+" past nine). Plain pixels encoded as PNG with node:zlib,
// so it is tested without Electron and the same drawing gives the packaged app's icon.

import { crc32, deflateSync } from 'node:zlib';

/** The drawing's own grid; `size` must be a multiple of it. */
export const GRID = 32;

type Rgba = readonly [number, number, number, number];
const CLEAR: Rgba = [0, 0, 0, 0];
const PLATE: Rgba = [0x2b, 0x3a, 0x55, 255];
const BAR: Rgba = [0xf2, 0xf4, 0xf8, 255];
const BADGE: Rgba = [0xd9, 0x2d, 0x20, 255];
const BADGE_TEXT: Rgba = [255, 255, 255, 255];

// 3×5 digits, row by row, most significant bit leftmost; '+' last.
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 3, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 2, 2, 2],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  '+': [0, 2, 7, 2, 0],
};

/** What the badge says for `count` questions: nothing, a digit, or "9+". */
export function badgeText(count: number): string {
  if (!(count > 0)) return '';
  return count > 9 ? '9+' : String(Math.floor(count));
}

/** RGBA pixels (width = height = size) of the icon with `count` on its badge. */
export function drawTrayIcon(count: number, size = GRID): Uint8Array {
  if (size < GRID || size % GRID !== 0)
    throw new RangeError(`icon size ${size} is not a multiple of ${GRID}`);
  const grid = new Array<Rgba>(GRID * GRID).fill(CLEAR);
  const set = (x: number, y: number, colour: Rgba) => {
    if (x >= 0 && y >= 0 && x < GRID && y < GRID) grid[y * GRID + x] = colour;
  };
  const inCircle = (x: number, y: number, cx: number, cy: number, r: number) =>
    (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r;

  // The plate: a square with cut corners.
  for (let y = 2; y < 30; y++) for (let x = 2; x < 30; x++) if (!inCorner(x, y)) set(x, y, PLATE);
  // The gate: two rails and four bars.
  for (let x = 7; x < 25; x++) for (const y of [8, 9, 21, 22]) set(x, y, BAR);
  for (const bx of [8, 13, 18, 23]) for (let y = 6; y < 26; y++) set(bx, y, BAR);

  const text = badgeText(count);
  if (text !== '') {
    const r = text.length === 1 ? 7.4 : 8.6;
    const cx = GRID - r - 0.5;
    const cy = GRID - r - 0.5;
    for (let y = 0; y < GRID; y++)
      for (let x = 0; x < GRID; x++) if (inCircle(x, y, cx, cy, r)) set(x, y, BADGE);
    // Digits at twice the font's size when one fits, else at its own size.
    const scale = text.length === 1 ? 2 : 1;
    const width = text.length * 3 * scale + (text.length - 1) * scale;
    const left = Math.round(cx - width / 2);
    const top = Math.round(cy - (5 * scale) / 2);
    [...text].forEach((ch, i) => {
      const rows = GLYPHS[ch]!;
      rows.forEach((bits, row) => {
        for (let col = 0; col < 3; col++) {
          if ((bits & (4 >> col)) === 0) continue;
          for (let dy = 0; dy < scale; dy++)
            for (let dx = 0; dx < scale; dx++)
              set(left + i * 4 * scale + col * scale + dx, top + row * scale + dy, BADGE_TEXT);
        }
      });
    });
  }

  const factor = size / GRID;
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      pixels.set(grid[Math.floor(y / factor) * GRID + Math.floor(x / factor)]!, (y * size + x) * 4);
  return pixels;
}

function inCorner(x: number, y: number): boolean {
  const dx = Math.min(x - 2, 29 - x);
  const dy = Math.min(y - 2, 29 - y);
  return dx + dy < 3;
}

/** The icon as a PNG file's bytes. */
export function trayIconPng(count: number, size = GRID): Buffer {
  return encodePng(drawTrayIcon(count, size), size, size);
}

/** A minimal PNG encoder: 8-bit RGBA, no interlace, filter 0 on every row. */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    raw.set(rgba.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
