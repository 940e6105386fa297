// Kernel-speed mode (`sysgate -a -K`) in the supervisor: the Landlock rules it is given are
// imposed on the command before it runs, the calls it is told to allow never reach it, and a
// mode it cannot set up never starts the command (fail closed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { nativeBuild, permitEvery, supervise } from './supervised.mjs';

const READ_FILE = 1 << 2;
const READ_DIR = 1 << 3;
const WRITE_FILE = 1 << 1;
const EXECUTE = 1 << 0;
const HANDLED = READ_FILE | READ_DIR | WRITE_FILE;
const OPENLOOP = nativeBuild('openloop');
const OPENER = nativeBuild('opener');
/** Every file-system right of Landlock's ABI 1 to 5; the supervisor cuts it to the kernel's. */
const EVERY_RIGHT = (1 << 16) - 1;

/** What a dynamically linked program needs to be read at all: itself, the loader, libc. */
const startUp = (program) => [
  { path: realpathSync(program), file: READ_FILE, dir: 0 },
  { path: '/etc/ld.so.cache', file: READ_FILE, dir: 0 },
  { path: '/usr/lib', file: READ_FILE, dir: READ_FILE | READ_DIR },
  { path: '/lib', file: READ_FILE, dir: READ_FILE | READ_DIR },
];

const kernel = (rules, allow = ['open', 'openat', 'close']) => ({ handled: HANDLED, allow, rules });

/** Runs `command` in kernel mode; also gives the supervisor's last counts. */
async function inKernelMode(command, options) {
  let counts = null;
  const run = await supervise(command, {
    rules: permitEvery(),
    onProcess: (_event, s) => s.on('stats', (c) => (counts = c)),
    ...options,
  });
  return { ...run, counts };
}

test('opens the rules grant run in the kernel: the supervisor never sees them', async () => {
  const run = await inKernelMode([OPENLOOP, '2000', '/etc/hostname'], {
    kernel: kernel([...startUp(OPENLOOP), { path: '/etc/hostname', file: READ_FILE, dir: 0 }]),
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /2000 open\+close/);
  // Without kernel mode every one of the 2,000 opens is decided by the supervisor.
  // The supervisor reports its counts when the process exits.
  assert.ok(run.counts !== null && run.counts.permitted < 100, JSON.stringify(run.counts));
});

test('as many calls as the host lets through fit in the filter', async () => {
  // The host allows at most 96 besides the baseline (app/core/kernel/kernel-mode.ts).
  const { callTable } = await import(
    new URL('../../build/app/common/calls/index.js', import.meta.url)
  );
  const { hostArch } = await import(new URL('../../build/app/core/platform.js', import.meta.url));
  const names = [...callTable(hostArch()).byName.keys()].filter((c) => !/^exec/.test(c));
  const run = await inKernelMode([OPENLOOP, '10', '/etc/hostname'], {
    kernel: kernel(
      [...startUp(OPENLOOP), { path: '/etc/hostname', file: READ_FILE, dir: 0 }],
      names.slice(0, 96),
    ),
  });
  assert.equal(run.status, 0, `${run.stderr} ${run.problems.join(' ')}`);
});

test('what the rules do not grant fails with EACCES in the kernel', async () => {
  const run = await inKernelMode([OPENLOOP, '1', '/etc/passwd'], {
    kernel: kernel([...startUp(OPENLOOP), { path: '/etc/hostname', file: READ_FILE, dir: 0 }]),
  });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /\/etc\/passwd: Permission denied/);
});

test('a kernel mode the supervisor cannot set up never starts the command', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-kernel-'));
  const witness = join(dir, 'ran');
  try {
    for (const bad of [
      { handled: 0, allow: [], rules: [] },
      // A right this kernel does not have: landlock_add_rule refuses it.
      kernel([{ path: '/etc', file: 0, dir: 2 ** 40 }]),
    ]) {
      const run = await inKernelMode(['/usr/bin/touch', witness], { kernel: bad });
      assert.notEqual(run.status, 0);
      assert.ok(run.problems.length > 0, 'the supervisor says why');
      assert.equal(existsSync(witness), false, 'the command ran');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only opens for reading stay in the kernel; the supervisor performs the rest, outside Landlock', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-kernel-')));
  const file = join(dir, 'file');
  const made = join(dir, 'made');
  writeFileSync(file, 'text\n');
  try {
    // Landlock grants reading `file` alone, and handles every right: truncating, creating,
    // writing are granted nowhere. The policy permits everything, without looking at names.
    const run_ = READ_FILE | EXECUTE;
    const rules = [
      { path: realpathSync(OPENER), file: run_, dir: 0 },
      { path: '/etc/ld.so.cache', file: READ_FILE, dir: 0 },
      { path: '/usr/lib', file: 0, dir: run_ | READ_DIR },
      { path: file, file: READ_FILE, dir: 0 },
    ];
    const run = await inKernelMode([OPENER, 'ro', file, 'ro+t', file, 'wo+c', made, 'rw', file], {
      kernel: { handled: EVERY_RIGHT, allow: ['open', 'openat', 'creat', 'openat2'], rules },
    });
    // The three that change something reached the supervisor, which performed them: the
    // kernel's rules, which it is not under, did not refuse what the policy permits.
    assert.equal(run.stdout, `${file}: ok\n${file}: ok\n${made}: ok\n${file}: ok\n`, run.stderr);
    assert.equal(readFileSync(file, 'utf8'), '');
    assert.equal(existsSync(made), true);
    assert.ok(run.counts !== null && run.counts.permitted >= 3, JSON.stringify(run.counts));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every call that names a file does what the kernel does natively, under a Landlock domain that grants none', async () => {
  const PATHCALLS = nativeBuild('pathcalls');
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-kernel-pathcalls-'));
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'private'), 'secret', { mode: 0o600 });
    chmodSync(dir, 0o777);
    return dir;
  };
  const [native, supervised] = [scratch(), scratch()];
  try {
    const kernelItself = spawnSync(PATHCALLS, [native], { encoding: 'utf8' });
    assert.equal(kernelItself.status, 0, kernelItself.stderr);
    // Running the program is all Landlock grants; every right is handled. The policy permits
    // every call without looking at its arguments: the supervisor performs each one all the
    // same (a CONTINUE would meet Landlock's refusal), opens of every kind included.
    const run_ = READ_FILE | EXECUTE;
    const rules = [
      { path: realpathSync(PATHCALLS), file: run_, dir: 0 },
      { path: '/usr/lib', file: 0, dir: run_ },
    ];
    const run = await inKernelMode([PATHCALLS, supervised], {
      kernel: { handled: EVERY_RIGHT, allow: [], rules },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, kernelItself.stdout);
  } finally {
    rmSync(native, { recursive: true, force: true });
    rmSync(supervised, { recursive: true, force: true });
  }
});

test('a grant that reaches a /proc/PID, through a link too, keeps every open with the supervisor', async () => {
  // Landlock lets a reading open of another process's /proc/PID/environ through: a grant of
  // one (here through a link to /proc/self, the supervisor's own) leaves no open to the kernel.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-kernel-proc-')));
  const link = join(dir, 'me');
  try {
    spawnSync('ln', ['-s', '/proc/self', link]);
    const rules = [...startUp(OPENLOOP), { path: '/etc/hostname', file: READ_FILE, dir: 0 }];
    for (const [extra, notified] of [
      [[], false],
      [[{ path: link, file: READ_FILE, dir: READ_FILE | READ_DIR }], true],
      [[{ path: '/proc/sys', file: READ_FILE, dir: READ_FILE | READ_DIR }], false],
    ]) {
      const run = await inKernelMode([OPENLOOP, '500', '/etc/hostname'], {
        kernel: kernel([...rules, ...extra]),
      });
      assert.equal(run.status, 0, run.stderr);
      const permitted = run.counts?.permitted ?? 0;
      assert.equal(permitted >= 500, notified, `${JSON.stringify(extra)}: ${JSON.stringify(run.counts)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reads=exact: a permitted reading open of a name the rules grant is left to Landlock, which decides on the file there now', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-kernel-reads-')));
  const kept = join(dir, 'kept');
  const file = join(dir, 'file');
  try {
    const run_ = READ_FILE | EXECUTE;
    const rules = [
      { path: '/etc/ld.so.cache', file: READ_FILE, dir: 0 },
      { path: '/usr/bin', file: 0, dir: run_ | READ_DIR },
      { path: '/usr/lib', file: 0, dir: run_ | READ_DIR },
      { path: kept, file: READ_FILE, dir: 0 },
      { path: file, file: READ_FILE, dir: 0 },
    ];
    // Every open goes to the supervisor (allow is empty), which performs what the policy
    // permits (everything) outside Landlock; `file` is replaced by another file during the
    // run, which Landlock's rule on the first one does not cover.
    const script = `cat ${kept} && mv ${dir}/new ${file} && cat ${file}`;
    const results = [];
    for (const [readsExact, more] of [
      [false, []],
      [true, []],
      // A rule on / that grants nothing there (a directory given only file rights) does not
      // reach /proc/PID; one that lets directories be listed does, and keeps every open here.
      [true, [{ path: '/', file: READ_FILE, dir: 0 }]],
      [true, [{ path: '/', file: 0, dir: READ_DIR }]],
    ]) {
      writeFileSync(kept, 'kept\n');
      writeFileSync(file, 'first\n');
      writeFileSync(join(dir, 'new'), 'second\n');
      const run = await inKernelMode(['/bin/sh', '-c', script], {
        kernel: {
          handled: EVERY_RIGHT,
          allow: [],
          rules: [...rules, ...more],
          ...(readsExact ? { readsExact } : {}),
        },
      });
      results.push(run);
    }
    const [performed, left, nothingOnRoot, listingRoot] = results;
    for (const run of [performed, listingRoot]) {
      assert.equal(run.stdout, 'kept\nsecond\n', run.stderr);
      assert.equal(run.status, 0);
    }
    // Left to the kernel: the file Landlock was given reads; the one put there since is not
    // the one it was given, and is refused (EACCES), never read.
    for (const run of [left, nothingOnRoot]) {
      assert.equal(run.stdout, 'kept\n', run.stderr);
      assert.match(run.stderr, new RegExp(`${file}: Permission denied`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
