import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameError, FrameReader, FRAME_MAX, type Frame } from './frames.js';
import { seededRandom } from '../../common/policy/random-policy.js';

function frames(items: Array<Frame | FrameError>): Frame[] {
  return items.filter((i): i is Frame => !(i instanceof FrameError));
}

test('a frame carries any bytes in its values: spaces, newlines, NUL', () => {
  const value = 'a b\nc\0d "e"';
  const [frame] = frames(new FrameReader().push(encodeFrame('ask', { id: 7, path: value })));
  assert.equal(frame?.verb, 'ask');
  assert.equal(frame?.fields.number('id'), 7);
  assert.equal(frame?.fields.text('path'), value);
});

test('nested fields read back as fields', () => {
  const encoded = encodeFrame('record', {
    args: { filename: '/a b', 'filename.1': '/c' },
    argv: { 0: 'ls', 1: '-l' },
  });
  assert.equal(
    encoded.toString(),
    'record args=31:filename=4:/a b filename.1=2:/c argv=13:0=2:ls 1=2:-l\n',
  );
  const [frame] = frames(new FrameReader().push(encoded));
  assert.equal(frame?.fields.nested('args').text('filename.1'), '/c');
  assert.equal(frame?.fields.nested('argv').text('1'), '-l');
});

test('frames split at every byte boundary are read whole', () => {
  const stream = Buffer.concat([
    encodeFrame('hello', { version: 1 }),
    encodeFrame('started', { pid: 42 }),
    encodeFrame('start'),
  ]);
  const reader = new FrameReader();
  const got: Frame[] = [];
  for (const byte of stream) got.push(...frames(reader.push(Buffer.from([byte]))));
  assert.deepEqual(
    got.map((f) => f.verb),
    ['hello', 'started', 'start'],
  );
});

test('a malformed frame is an error at its byte offset, and reading goes on after it', () => {
  const reader = new FrameReader();
  const good = encodeFrame('hello', { version: 1 });
  const items = reader.push(
    Buffer.concat([good, Buffer.from('ask id=1:xy\n'), Buffer.from('BAD\n'), encodeFrame('start')]),
  );
  const errors = items.filter((i): i is FrameError => i instanceof FrameError);
  assert.deepEqual(
    frames(items).map((f) => f.verb),
    ['hello', 'start'],
  );
  assert.equal(errors.length, 2);
  assert.deepEqual(
    [errors[0]!.message, errors[0]!.offset],
    ['expected a space before the next field', good.length + 10],
  );
  assert.deepEqual(
    [errors[1]!.message, errors[1]!.offset],
    ['expected a verb of lower-case letters and dashes', good.length + 12],
  );
});

test('every malformed shape is named', () => {
  const cases: [string, string][] = [
    ['ask id\n', 'expected "=" after the key'],
    ['ask id=x:1\n', 'expected a length and ":"'],
    ['ask id=01:1\n', 'a length has no leading zeros'],
    ['ask  id=1:1\n', 'expected a key of 1 to 32 characters'],
    ['ask id=1:12\n', 'expected a space before the next field'],
    [`ask ${'k'.repeat(40)}=1:1\n`, 'expected a key of 1 to 32 characters'],
  ];
  for (const [input, message] of cases) {
    const [first] = new FrameReader().push(Buffer.from(input));
    assert.ok(first instanceof FrameError, input);
    assert.equal(first.message, message, input);
  }
});

test('a frame with more than 64 fields is refused', () => {
  const fields: Record<string, number> = {};
  for (let i = 0; i < 65; i++) fields[`f${i}`] = i;
  const [first] = new FrameReader().push(encodeFrame('record', fields));
  assert.ok(first instanceof FrameError);
  assert.match(first.message, /more than 64 fields/);
});

test('a value longer than a frame may be is refused without waiting for it', () => {
  const [first] = new FrameReader().push(Buffer.from(`policy text=${FRAME_MAX + 1}:`));
  assert.ok(first instanceof FrameError);
  assert.match(first.message, /longer than a frame may be/);
});

test('random and mutated bytes never throw, and every error points into what was read', () => {
  const random = seededRandom(5);
  const sample = encodeFrame('ask', {
    id: 1,
    args: { filename: '/etc/passwd' },
    argv: { 0: 'cat' },
  });
  for (let i = 0; i < 5000; i++) {
    const noise = Buffer.from(sample);
    for (let j = 0; j < 1 + Math.floor(random() * 6); j++) {
      noise[Math.floor(random() * noise.length)] = Math.floor(random() * 256);
    }
    for (const item of new FrameReader().push(noise)) {
      if (item instanceof FrameError) assert.ok(item.offset >= 0 && item.offset <= noise.length);
    }
  }
});
