import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { KernelGrant, KernelPlan } from '../../common/policy/kernel-plan.js';
import {
  LANDLOCK_READ_DIR as DIR,
  LANDLOCK_READ_FILE as READ,
  LANDLOCK_WRITE_FILE as WRITE,
  landlockRules,
} from './landlock-rules.js';

const grant = (path: string, match: boolean, access: 'read' | 'write'): KernelGrant => ({
  path,
  match,
  access,
  line: 2,
  col: 2,
});
const planOf = (grants: KernelGrant[]): KernelPlan => ({
  grants,
  refusals: [],
  notes: [],
  inKernel: [],
  programs: [],
  runsUnnamed: false,
});

function tree() {
  const root = mkdtempSync(join(tmpdir(), 'sysgate-landlock-'));
  for (const dir of ['lib/x86_64-linux-gnu', 'lib/aarch64-linux-gnu', 'lib/other', 'home'])
    mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'home/notes'), '');
  return root;
}

test('a pattern is matched against the directories it names; a last wildcard grants its directory', () => {
  const root = tree();
  const { rules, notes } = landlockRules(
    planOf([
      grant(`${root}/lib/*-linux-gnu`, true, 'read'),
      grant(`${root}/home/*`, true, 'write'),
    ]),
  );
  assert.deepEqual(
    rules.sort((a, b) => a.path.localeCompare(b.path)),
    [
      { path: `${root}/home`, file: READ | WRITE, dir: READ | DIR | WRITE },
      { path: `${root}/lib/aarch64-linux-gnu`, file: READ, dir: READ | DIR },
      { path: `${root}/lib/x86_64-linux-gnu`, file: READ, dir: READ | DIR },
    ],
  );
  assert.match(notes[0]!.message, /grants [^ ]*\/home as a whole for "[^"]*\/home\/\*": listing/);
  // For writing, a wildcard in the last component is for names still to come: the directory.
  const temporary = landlockRules(planOf([grant(`${root}/home/cc*`, true, 'write')]));
  assert.deepEqual(
    temporary.rules.map((r) => r.path),
    [`${root}/home`],
  );
  assert.match(temporary.notes[0]!.message, /cannot tell names apart inside a directory/);
});

test('eq names one file, or lists one directory; the grants of one name add up', () => {
  const root = tree();
  const { rules, notes } = landlockRules(
    planOf([
      grant(`${root}/home`, false, 'read'),
      grant(`${root}/home/notes`, false, 'read'),
      grant(`${root}/home/notes`, false, 'write'),
    ]),
  );
  assert.deepEqual(rules, [
    { path: `${root}/home`, file: READ, dir: DIR },
    { path: `${root}/home/notes`, file: READ | WRITE, dir: DIR },
  ]);
  assert.match(notes.at(-1)!.message, /listed with every directory beneath it/);
});

test('writing a file that does not exist yet is noted, not widened to its directory', () => {
  const root = tree();
  const { rules, notes } = landlockRules(planOf([grant(`${root}/home/new`, false, 'write')]));
  assert.deepEqual(rules, []);
  assert.match(notes[0]!.message, /new does not exist: creating it fails with EACCES/);
});
