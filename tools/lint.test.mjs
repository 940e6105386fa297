// The code reads one way everywhere: ESLint (including the layering rules) and Prettier pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(bin, args) {
  return spawnSync(process.execPath, [join(root, 'node_modules', bin), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

test('eslint finds nothing', () => {
  const result = run('eslint/bin/eslint.js', ['.']);
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test('every file is formatted by prettier', () => {
  const result = run('prettier/bin/prettier.cjs', ['--check', '.']);
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
