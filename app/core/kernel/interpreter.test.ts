import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { interpreterOf } from './interpreter.js';

test("a dynamically linked program's interpreter is its dynamic loader", () => {
  const loader = interpreterOf(realpathSync('/bin/cat'));
  assert.ok(loader !== null && /\/ld-linux[^/]*\.so\.\d$/.test(loader), String(loader));
});

test("a script's interpreter is the first word of its #! line; other files have none", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-interp-'));
  const script = join(dir, 'script');
  writeFileSync(script, '#!/bin/sh -e\necho hi\n');
  chmodSync(script, 0o755);
  assert.equal(interpreterOf(script), '/bin/sh');
  writeFileSync(join(dir, 'text'), 'not a program\n');
  assert.equal(interpreterOf(join(dir, 'text')), null);
  assert.equal(interpreterOf(join(dir, 'missing')), null);
});
