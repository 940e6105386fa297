import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// This file runs as build/app/common/calls/generated.test.js; the generator is in tools/.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GENERATOR = `${ROOT}tools/gen-calls.mjs`;

const HEADERS = [
  '/usr/include/asm-generic/unistd.h',
  '/usr/include/asm-generic/errno-base.h',
  '/usr/include/asm-generic/errno.h',
];
const X86_64_HEADERS = [
  '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  '/usr/include/asm/unistd_64.h',
];

function missingHeaders(): string[] {
  const missing = HEADERS.filter((file) => !existsSync(file));
  if (!X86_64_HEADERS.some((file) => existsSync(file))) missing.push(X86_64_HEADERS.join(' or '));
  return missing;
}

test('the generated call and errno tables are what the installed kernel headers give', (t) => {
  const missing = missingHeaders();
  if (missing.length > 0) {
    t.skip(`the Linux UAPI headers are not installed: ${missing.join(', ')}`);
    return;
  }
  assert.ok(existsSync(GENERATOR), `${GENERATOR} is missing`);
  const run = spawnSync(process.execPath, [GENERATOR, '--check'], { encoding: 'utf8' });
  assert.equal(run.status, 0, `gen-calls --check failed:\n${run.stdout}${run.stderr}`);
});
