// The supervisor's C unit tests (protocol, policy reader, evaluator, translations) and a bounded
// run of the fuzzer of everything that parses input: `make -C native check`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('the C unit tests pass and the fuzzer finds nothing (make -C native check)', () => {
  const native = new URL('..', import.meta.url).pathname;
  const make = spawnSync('make', ['-C', native, '--no-print-directory', 'check'], {
    encoding: 'utf8',
  });
  assert.ifError(make.error);
  assert.equal(make.status, 0, `make check failed:\n${make.stdout}${make.stderr}`);
});
