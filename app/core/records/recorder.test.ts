import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openHistory } from './recorder.js';

test('a history that cannot be opened is said once, and the run goes on without it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-recorder-'));
  try {
    // A file where the sysgate directory should be.
    writeFileSync(join(dir, 'sysgate'), '');
    const messages: string[] = [];
    const store = openHistory((m) => messages.push(m), join(dir, 'sysgate', 'history.sqlite3'));
    assert.equal(store, null);
    assert.equal(messages.length, 1);
    assert.match(
      messages[0]!,
      /^the history \(.*history\.sqlite3\) cannot be opened: .*; decisions are not kept there$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
