import { test } from 'node:test';
import assert from 'node:assert/strict';

import { FrameError, FrameReader, type Frame } from './frames.js';
import { decodeCallCount } from './messages.js';

/** The one frame `text` holds. */
function frame(text: string): Frame {
  const [item] = new FrameReader().push(Buffer.from(text));
  if (item === undefined || item instanceof FrameError) throw new Error(`no frame in ${text}`);
  return item;
}

// As native/counts.c writes it.
const COUNT =
  'count time=16:1764223200123456 exe=11:/usr/bin/ls policy=11:/usr/bin/ls call=6:openat ' +
  'action=6:permit by=4:rule line=1:3 col=1:2 n=4:1234\n';

test('a count frame reads as the calls of one kind since the last batch', () => {
  assert.deepEqual(decodeCallCount(frame(COUNT).fields), {
    time: 1764223200123,
    exe: '/usr/bin/ls',
    policy: '/usr/bin/ls',
    call: 'openat',
    action: 'permit',
    by: 'rule',
    line: 3,
    col: 2,
    n: 1234,
  });
  const byDefault = COUNT.replace('by=4:rule line=1:3 col=1:2', 'by=7:default line=1:0 col=1:0');
  const decoded = decodeCallCount(frame(byDefault).fields);
  assert.deepEqual([decoded.by, decoded.line, decoded.col], ['default', null, null]);
});

test('a count frame that is not exactly right is refused, saying what is wrong', () => {
  const bad: [string, RegExp][] = [
    [COUNT.replace(' n=4:1234', ''), /"n" is missing/],
    [COUNT.replace('n=4:1234', 'n=1:0'), /"n" is not a count: 0/],
    [COUNT.replace('n=4:1234', 'n=2:-5'), /"n" is not a count: -5/],
    [COUNT.replace('n=4:1234', 'n=3:1e3'), /"n" is missing or not a number/],
    [COUNT.replace('action=6:permit', 'action=3:ask'), /unknown action "ask"/],
    [COUNT.replace('by=4:rule', 'by=5:guess'), /unknown decider "guess"/],
    [COUNT.replace(' call=6:openat', ''), /"call" is missing/],
    [COUNT.replace(' time=16:1764223200123456', ''), /"time" is missing/],
    [COUNT.replace('line=1:3', 'line=2:-1'), /not places/],
  ];
  for (const [text, message] of bad)
    assert.throws(() => decodeCallCount(frame(text).fields), message, text);
});
