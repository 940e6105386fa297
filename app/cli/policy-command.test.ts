import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SYSGATE = fileURLToPath(new URL('../../../bin/sysgate.js', import.meta.url));
const EXAMPLES = fileURLToPath(
  new URL('../../../app/common/policy/testdata/openbsd/', import.meta.url),
);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sysgate-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sysgate(...args: string[]) {
  const result = spawnSync(process.execPath, [SYSGATE, ...args], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

test('sysgate --help lists the policy tools', () => {
  const { status, stdout } = sysgate('--help');
  assert.equal(status, 0);
  assert.match(stdout, /sysgate policy check FILE\.\.\./);
});

test('policy check: the OpenBSD policies have warnings only and exit 0', () => {
  const { status, stderr } = sysgate(
    'policy',
    'check',
    join(EXAMPLES, 'bin_ls'),
    join(EXAMPLES, 'usr_sbin_lpd'),
  );
  assert.equal(status, 0);
  assert.match(stderr, /bin_ls:15:2: warning: unknown system call "getdirentries"/);
  assert.doesNotMatch(stderr, /error:/);
});

test('policy check: an error names file:line:col, shows the line and a caret, and exits 1', () => {
  const path = file(
    'broken',
    'Policy: /bin/ls, Emulation: native\n\tnative-fsread: filename eq "/etc" permit\n',
  );
  const { status, stderr } = sysgate('policy', 'check', path);
  assert.equal(status, 1);
  assert.equal(
    stderr,
    `${path}:2:36: error: expected "then" after the expression\n` +
      '\tnative-fsread: filename eq "/etc" permit\n' +
      '\t                                  ^~~~~~\n',
  );
});

test('policy check: a file that cannot be read is named', () => {
  const { status, stderr } = sysgate('policy', 'check', join(dir, 'absent'));
  assert.equal(status, 1);
  assert.match(stderr, /cannot read .*absent: ENOENT/);
});

test('policy fmt prints the canonical layout and keeps comments', () => {
  const path = file(
    'messy',
    '# mine\nPolicy: /bin/ls, Emulation: native\n   native-read:   permit   # fast\n',
  );
  const { status, stdout } = sysgate('policy', 'fmt', path);
  assert.equal(status, 0);
  assert.equal(
    stdout,
    '# mine\nPolicy: /bin/ls, Emulation: native\n\tnative-read: permit # fast\n',
  );
});

test('policy fmt refuses a file with errors', () => {
  const path = file('bad-fmt', 'Policy: /bin/ls\n\tnative-read: maybe\n');
  const { status, stdout, stderr } = sysgate('policy', 'fmt', path);
  assert.equal(status, 1);
  assert.equal(stdout, '');
  assert.match(
    stderr,
    /bad-fmt:2:15: error: expected an action \(permit, deny or ask\) or a condition, found "maybe"/,
  );
});

test('policy which names the user policy for a program found in $PATH, and says why', () => {
  const program = realpathSync('/bin/sh');
  const users = join(dir, 'mine');
  mkdirSync(users, { recursive: true });
  const name = program.slice(1).replace(/[^A-Za-z0-9]/g, '_');
  writeFileSync(
    join(users, name),
    `Policy: ${program}, Emulation: native\n\tnative-read: permit\n`,
    { mode: 0o600 },
  );
  const found = sysgate('policy', 'which', '-d', users, 'sh');
  assert.equal(found.status, 0, found.stderr);
  assert.equal(found.stdout, `${program}: user policy ${join(users, name)}\n`);
  const none = sysgate('policy', 'which', '-d', join(dir, 'empty'), 'sh');
  assert.equal(none.status, 1);
  assert.match(none.stdout, new RegExp(`no policy; sysgate looks for ${name} in `));
});

test('policy which: a program that does not exist is a clear error', () => {
  const { status, stderr } = sysgate('policy', 'which', 'no-such-program-here');
  assert.equal(status, 1);
  assert.equal(stderr, 'sysgate: no-such-program-here: no such program in $PATH\n');
});

test('policy check: a rule before any "Policy:" header applies to no program: an error at its place', () => {
  const path = file(
    'headless',
    '# a comment may come first\n\tnative-fsread: permit\nPolicy: /bin/ls, Emulation: native\n\tnative-fsread: permit\n',
  );
  const { status, stderr } = sysgate('policy', 'check', path);
  assert.equal(status, 1);
  assert.match(
    stderr,
    /headless:2:2: error: this rule stands before any "Policy:" header, so it applies to no program/,
  );
});
