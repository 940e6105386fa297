import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';

import { badgeText, drawTrayIcon, GRID, trayIconPng } from './tray-icon.js';

test('the badge shows the number of questions, "9+" past nine, nothing at zero', () => {
  assert.equal(badgeText(0), '');
  assert.equal(badgeText(1), '1');
  assert.equal(badgeText(9), '9');
  assert.equal(badgeText(10), '9+');
  assert.equal(badgeText(1234), '9+');
  assert.equal(badgeText(Number.NaN), '');
});

test('each count draws a different icon, and the count on it is red', () => {
  const pictures = [0, 1, 2, 3, 10].map((n) => Buffer.from(drawTrayIcon(n)).toString('hex'));
  assert.equal(new Set(pictures).size, pictures.length);
  const pixels = drawTrayIcon(3);
  const corner = ((GRID - 8) * GRID + (GRID - 3)) * 4;
  assert.deepEqual([...pixels.subarray(corner, corner + 4)], [0xd9, 0x2d, 0x20, 255]);
});

test('the icon is a PNG of the size asked for, larger sizes scaling the same drawing', () => {
  for (const size of [32, 256]) {
    const png = trayIconPng(2, size);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.equal(png.readUInt32BE(16), size);
    assert.equal(png.readUInt32BE(20), size);
    const idat = png.indexOf('IDAT', 0, 'latin1');
    const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    assert.equal(raw.length, size * (size * 4 + 1));
  }
  assert.throws(() => drawTrayIcon(1, 40), RangeError);
});
