import assert from 'node:assert/strict';
import { test } from 'node:test';

import { textOfUtf8, utf8ByteString } from './utf8.js';

test('text becomes the same UTF-8 bytes as Node writes, and reads back', () => {
  for (const text of ['', 'ascii', 'café', '€', '𝄞 clef', '/tmp/日本語']) {
    const bytes = utf8ByteString(text);
    assert.equal(bytes, Buffer.from(text, 'utf8').toString('latin1'), text);
    assert.equal(textOfUtf8(bytes), text);
  }
});

test('a lone surrogate is written as U+FFFD, as TextEncoder does', () => {
  assert.equal(utf8ByteString('a\ud800b'), Buffer.from('a\ufffdb', 'utf8').toString('latin1'));
});

test('malformed bytes read as U+FFFD, one per byte', () => {
  assert.equal(textOfUtf8('a\xffb'), 'a\ufffdb');
  assert.equal(textOfUtf8('\xc3'), '\ufffd');
  assert.equal(textOfUtf8('\xc0\xaf'), '\ufffd\ufffd');
  assert.equal(textOfUtf8('\xed\xa0\x80'), '\ufffd\ufffd\ufffd');
});
