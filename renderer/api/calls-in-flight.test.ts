import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { SysgateApi } from '../../app/common/contract.js';
import { countCalls } from './calls-in-flight.js';

/** An API whose `snapshot` and `policyFiles` calls are answered (or refused) by the test. */
function heldApi() {
  const answers: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  const hold = () =>
    new Promise((resolve, reject) => answers.push({ resolve, reject: (e) => reject(e) }));
  const api = {
    on: () => () => undefined,
    snapshot: hold,
    policyFiles: hold,
  } as unknown as SysgateApi;
  return { api, answers };
}

test('word comes once every call has its answer or its error, not before', async () => {
  const { api, answers } = heldApi();
  const calls = countCalls(api);
  let quiet = 0;
  calls.whenQuiet(() => quiet++);
  assert.equal(quiet, 1, 'nothing in flight: at once');

  const first = calls.api.snapshot();
  const second = calls.api.policyFiles().catch((e: Error) => e.message);
  assert.equal(calls.count(), 2);
  calls.whenQuiet(() => quiet++);
  answers[0]!.resolve('snap');
  assert.equal(await first, 'snap');
  assert.equal(quiet, 1);
  answers[1]!.reject(new Error('no'));
  assert.equal(await second, 'no');
  await new Promise((r) => setImmediate(r));
  assert.equal(quiet, 2);
  assert.equal(calls.count(), 0);
});
