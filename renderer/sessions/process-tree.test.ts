import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { ProcessInfo } from '../../app/common/contract.js';
import { processRows } from './process-tree.js';

const p = (pid: number, ppid: number, exe = `/bin/p${pid}`, alive = true): ProcessInfo => ({
  pid,
  ppid,
  exe,
  policy: exe,
  alive,
});

test('children sit under their parent, in the order they appeared', () => {
  const rows = processRows([p(10, 1), p(11, 10), p(12, 10), p(13, 11)]);
  assert.deepEqual(
    rows.map((r) => [r.process.pid, r.depth]),
    [
      [10, 0],
      [11, 1],
      [13, 2],
      [12, 1],
    ],
  );
});

test('a process whose parent is not traced starts its own tree', () => {
  const rows = processRows([p(10, 1), p(20, 5), p(21, 20)]);
  assert.deepEqual(
    rows.map((r) => [r.process.pid, r.depth]),
    [
      [10, 0],
      [20, 0],
      [21, 1],
    ],
  );
});

test('a cycle of parents (pid reuse) lists every process once', () => {
  const rows = processRows([p(1, 2), p(2, 1)]);
  assert.deepEqual(rows.map((r) => r.process.pid).sort(), [1, 2]);
});
