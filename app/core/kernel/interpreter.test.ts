import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loaderOf, scriptInterpreterOf } from './interpreter.js';

test("a dynamically linked program's interpreter is its dynamic loader", () => {
  const loader = loaderOf(realpathSync('/bin/cat'));
  assert.ok(loader !== null && /\/ld-linux[^/]*\.so\.\d$/.test(loader), String(loader));
});

test("a script's interpreter is the first word of its #! line, and no loader; other files have neither", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-interp-'));
  const script = join(dir, 'script');
  writeFileSync(script, '#!/bin/sh -e\necho hi\n');
  chmodSync(script, 0o755);
  assert.equal(scriptInterpreterOf(script), '/bin/sh');
  // The kernel runs the `#!` program, but only an execve rule may grant it (landlock-rules.ts).
  assert.equal(loaderOf(script), null);
  writeFileSync(join(dir, 'text'), 'not a program\n');
  assert.equal(loaderOf(join(dir, 'text')), null);
  assert.equal(scriptInterpreterOf(join(dir, 'text')), null);
  assert.equal(loaderOf(join(dir, 'missing')), null);
});
