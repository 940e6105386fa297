// Names a program makes at random, through the real command line and supervisor: `sysgate -A`
// learns them as their shape and says so, and the next run, with other names, is not denied.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decisionLog, runSysgate } from '../core/testing/sysgate-command.js';

const SORT = realpathSync('/usr/bin/sort');
const MKTEMP = realpathSync('/usr/bin/mktemp');
const PYTHON = realpathSync('/usr/bin/python3');

const nameOf = (program: string): string => program.slice(1).replace(/[^A-Za-z0-9]/g, '_');

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'sysgate-random-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

let homes = 0;
/** A fresh home directory, and a directory of its own for the temporary files. */
function home(): { home: string; tmp: string; policy: (program: string) => string } {
  const dir = join(root, `home${++homes}`);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const policies = join(dir, '.config/sysgate/policies');
  return { home: dir, tmp, policy: (program) => join(policies, nameOf(program)) };
}

function sysgate(
  where: { home: string; tmp: string },
  args: string[],
  input = '',
): SpawnSyncReturns<string> & { log: string[] } {
  const log = join(where.home, `decisions-${++homes}.log`);
  const result = runSysgate(['-E', log, ...args], {
    home: where.home,
    input,
    env: { TMPDIR: where.tmp },
  });
  return { ...result, log: decisionLog(log).filter((l) => l.startsWith('deny ')) };
}

const quoted = (s: string) => `"${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`;

describe('names made at random are learned as their shape', () => {
  test('sort -S with temporary files: learned once, then enforced with other names', () => {
    const h = home();
    const numbers = Array.from({ length: 300_000 }, (_, i) => `${300_000 - i}\n`).join('');
    const sort = ['sort', '-n', '-S', '100k', '-T', h.tmp];
    const learned = sysgate(h, ['-A', ...sort], numbers);
    assert.equal(learned.status, 0, learned.stderr);
    assert.match(
      learned.stderr,
      new RegExp(
        `sysgate: ${SORT}: "${h.tmp}/sort[A-Za-z0-9]{6}" learned as ${quoted(`${h.tmp}/sort??????`)} \\(a name made at random; so were \\d+ more like it\\)`,
      ),
    );
    const policy = readFileSync(h.policy(SORT), 'utf8');
    assert.ok(
      policy.includes(
        `filename match "${h.tmp}/sort??????" and (not filename match "${h.tmp}/sort??????/*") then permit`,
      ),
      policy,
    );
    assert.doesNotMatch(policy, new RegExp(`"${h.tmp}/sort[A-Za-z0-9]{6}"`));

    const again = sysgate(h, ['-a', ...sort], numbers);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(again.log, []);
    assert.equal(again.stdout.slice(0, 8), '1\n2\n3\n4\n');

    // Another shape in the same directory: one character more, or another name.
    for (const output of [`${h.tmp}/sortQ1w2E3x`, `${h.tmp}/sorted`]) {
      const other = sysgate(h, ['-a', ...sort, '-o', output], '2\n1\n');
      assert.notEqual(other.status, 0);
      assert.match(other.stderr, /Operation not permitted/);
      assert.match(other.log.join('\n'), new RegExp(`filename: ${output},`));
    }
  });

  test('mktemp: a new name each run, and a template of another shape is denied', () => {
    const h = home();
    const learned = sysgate(h, ['-A', 'mktemp', '-p', h.tmp]);
    assert.equal(learned.status, 0, learned.stderr);
    assert.match(
      learned.stderr,
      new RegExp(
        `sysgate: ${MKTEMP}: "${h.tmp}/tmp\\.[A-Za-z0-9]{10}" learned as ${quoted(`${h.tmp}/tmp.??????????`)} \\(a name made at random\\)\n`,
      ),
    );
    for (let i = 0; i < 3; i++) {
      const again = sysgate(h, ['-a', 'mktemp', '-p', h.tmp]);
      assert.equal(again.status, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`^${h.tmp}/tmp\\.[A-Za-z0-9]{10}\n$`));
      assert.deepEqual(again.log, []);
    }
    // With -K too, where the kernel enforces the file rules.
    const kernel = sysgate(h, ['-a', '-K', 'mktemp', '-p', h.tmp]);
    assert.equal(kernel.status, 0, kernel.stderr);
    assert.match(kernel.stdout, new RegExp(`^${h.tmp}/tmp\\.[A-Za-z0-9]{10}\n$`));
    const other = sysgate(h, ['-a', 'mktemp', '-p', h.tmp, 'XXXXXXXXXX']);
    assert.notEqual(other.status, 0);
    assert.match(other.log.join('\n'), new RegExp(`filename: ${h.tmp}/[A-Za-z0-9]{10},`));
  });

  test('python’s tempfile: its probe, mkstemp and mkdtemp with a file in it', () => {
    const h = home();
    const script = [
      'import tempfile, os',
      'fd, p = tempfile.mkstemp(); os.write(fd, b"x"); os.close(fd); os.unlink(p)',
      'd = tempfile.mkdtemp(); f = os.path.join(d, "data.txt")',
      'fd = os.open(f, os.O_WRONLY | os.O_CREAT, 0o600); os.close(fd); os.unlink(f); os.rmdir(d)',
      'print("ok")',
    ].join('\n');
    const learned = sysgate(h, ['-A', PYTHON, '-c', script]);
    assert.equal(learned.status, 0, learned.stderr);
    assert.equal(learned.stdout, 'ok\n');
    assert.match(
      learned.stderr,
      new RegExp(`"${h.tmp}/tmp[a-z0-9_]{8}" learned as ${quoted(`${h.tmp}/tmp????????`)}`),
    );
    assert.match(
      learned.stderr,
      new RegExp(
        `"${h.tmp}/tmp[a-z0-9_]{8}/data.txt" learned as ${quoted(`${h.tmp}/tmp????????/data.txt`)}`,
      ),
    );
    for (let i = 0; i < 2; i++) {
      const again = sysgate(h, ['-a', PYTHON, '-c', script]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stdout, 'ok\n');
      assert.deepEqual(again.log, []);
    }
    // A name of another shape in the same directory.
    const other = sysgate(h, [
      '-a',
      PYTHON,
      '-c',
      `import os; os.close(os.open("${h.tmp}/tmpABCDEFGHI", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))`,
    ]);
    assert.notEqual(other.status, 0);
    assert.match(other.log.join('\n'), new RegExp(`filename: ${h.tmp}/tmpABCDEFGHI,`));
  });

  test('git init, add, commit: its probe, temporary objects and a commit’s object of another hash', () => {
    const h = home();
    const repo = join(h.home, 'repo');
    const git =
      'git init -q && git add f && git -c user.name=a -c user.email=a@b commit -qm m && git log --format=%s';
    const fresh = () => {
      rmSync(repo, { recursive: true, force: true });
      mkdirSync(repo);
      writeFileSync(join(repo, 'f'), 'hi\n');
    };
    fresh();
    const learned = sysgate(h, ['-A', 'sh', '-c', `cd ${repo} && ${git}`]);
    assert.equal(learned.status, 0, learned.stderr);
    assert.match(learned.stderr, new RegExp(`learned as ${quoted(`${repo}/.git/t??????`)}`));
    assert.match(learned.stderr, new RegExp(`learned as ${quoted(`${repo}/.git/objects/??`)}`));
    fresh();
    // Another second: the commit, and so its object's name, differs.
    spawnSync('sleep', ['1']);
    const again = sysgate(h, ['-a', 'sh', '-c', `cd ${repo} && ${git}`]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, 'm\n');
    assert.deepEqual(again.log, []);
  });
});
