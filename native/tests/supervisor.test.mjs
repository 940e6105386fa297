// sysgate-supervisor end to end: real programs run under it, driven by the host's own
// Supervisor class, with real policies compiled by the host. Needs root or unprivileged seccomp
// user notification (Linux 5.14 and later), and `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

import { nativeBuild, permitEvery, stopped, supervise } from './supervised.mjs';

const { EACCES, EPERM } = constants.errno;
const hostname = readFileSync('/etc/hostname', 'utf8');
const asRoot = process.getuid() === 0 ? {} : { skip: 'needs root' };
const hasPython = existsSync('/usr/bin/python3') ? {} : { skip: 'needs python3' };

// Rules that look at the name of every file the program reads or writes, so that the
// supervisor performs each open itself (a decision on a name is never left to the kernel to
// carry out, since the kernel would read the name again).
const byName = `
	native-fsread: filename match "/*" then permit
	native-fswrite: filename match "/*" then permit
${['fchmod', 'fchown', 'ftruncate', 'fallocate', 'fsetxattr', 'fgetxattr', 'flistxattr', 'fremovexattr']
  .map((call) => `\tnative-${call}: filename match "/*" then permit\n`)
  .join('')}${permitEvery()}`;

const processEvents = (run) => run.processes.map((e) => e.event);

test('/bin/true runs under a policy that permits everything, and the run ends with its status 0', async () => {
  const run = await supervise(['/bin/true'], { rules: permitEvery() });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.problems, []);
  assert.deepEqual(processEvents(run), ['fork', 'exec', 'exit']);
});

test("the supervisor ends with the command's own status: its exit code, or 128 + the signal", async () => {
  assert.equal((await supervise(['sh', '-c', 'exit 7'], { rules: permitEvery() })).status, 7);
  assert.equal((await supervise(['sh', '-c', 'kill -9 $$'], { rules: permitEvery() })).status, 137);
});

test('cat prints /etc/hostname, and calls permitted without `log` are not recorded', async () => {
  const run = await supervise(['cat', '/etc/hostname'], { rules: permitEvery() });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, hostname);
  assert.deepEqual(run.records, []);
});

test('a shell and the program it runs are both followed: fork, exec and exit of each', async () => {
  const run = await supervise(['sh', '-c', 'cat /etc/hostname; true'], { rules: permitEvery() });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, hostname);
  const cat = run.processes.filter((e) => e.exe === '/usr/bin/cat').map((e) => e.event);
  assert.deepEqual(cat, ['exec', 'exit']);
  assert.equal(processEvents(run).filter((e) => e === 'fork').length, 2);
  assert.deepEqual(run.problems, []);
});

test('a rule denying /etc/hostname makes cat fail with "Operation not permitted", and the denial is recorded with its rule', async () => {
  const rules = `\tnative-fsread: filename eq "/etc/hostname" then deny[eperm]\n${permitEvery()}`;
  const run = await supervise(['cat', '/etc/hostname'], { rules });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /Operation not permitted/);
  const [denial] = run.records;
  assert.equal(denial.action, 'deny');
  assert.equal(denial.by, 'rule');
  assert.equal(denial.errno, EPERM);
  assert.deepEqual([denial.line, denial.col], [2, 2]);
  assert.equal(denial.call, 'openat');
  assert.equal(denial.alias, 'fsread');
  assert.deepEqual(denial.args.filename, ['/etc/hostname']);
  assert.equal(denial.policy, '/usr/bin/cat');
  assert.equal(denial.exe, '/usr/bin/cat');
});

test('the same rule holds for cat started by a shell', async () => {
  const rules = `\tnative-fsread: filename eq "/etc/hostname" then deny[eperm]\n${permitEvery()}`;
  const run = await supervise(['sh', '-c', 'cat /etc/hostname'], { rules });
  assert.match(run.stderr, /Operation not permitted/);
  assert.equal(run.stdout, '');
});

test('in enforce mode a call no rule answers is denied with EPERM and recorded as decided by default', async () => {
  const run = await supervise(['mkdir', '/tmp/sysgate-test-never'], {
    rules: permitEvery({ except: ['mkdir'] }),
  });
  assert.match(run.stderr, /Operation not permitted/);
  assert.ok(!existsSync('/tmp/sysgate-test-never'));
  const denial = run.records.find((r) => r.call === 'mkdir');
  assert.equal(denial.by, 'default');
  assert.deepEqual([denial.line, denial.col], [null, null]);
});

test('ask: the user denies the open of /etc/hostname with EACCES and permits everything else', async () => {
  const run = await supervise(['cat', '/etc/hostname'], {
    mode: 'ask',
    onAsk: (q, s) =>
      s.answer(
        q.id,
        q.args.filename?.[0] === '/etc/hostname'
          ? { action: 'deny', errno: EACCES }
          : { action: 'permit' },
      ),
  });
  assert.ok(run.questions.length > 3, `asked ${run.questions.length} times`);
  assert.match(run.stderr, /Permission denied/);
  const denial = run.records.find((r) => r.action === 'deny');
  assert.deepEqual(
    [denial.by, denial.errno, denial.args.filename[0]],
    ['user', EACCES, '/etc/hostname'],
  );
  assert.ok(run.records.filter((r) => r.action === 'permit').every((r) => r.by === 'user'));
});

test('ask: a question tells who asks what: process, program, arguments, policy and call', async () => {
  const run = await supervise(['cat', '/etc/hostname'], {
    mode: 'ask',
    cwd: '/tmp',
    onAsk: (q, s) => s.answer(q.id, { action: 'permit' }),
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, hostname);
  assert.deepEqual(run.problems, []);
  const open = run.questions.find((q) => q.args.filename?.[0] === '/etc/hostname');
  assert.equal(open.call, 'openat');
  assert.equal(open.alias, 'fsread');
  assert.equal(open.nr, 257);
  assert.deepEqual(open.args.oflags, ['ro']);
  assert.equal(open.exe, '/usr/bin/cat');
  assert.equal(open.policy, '/usr/bin/cat');
  assert.deepEqual(open.argv, ['cat', '/etc/hostname']);
  assert.equal(open.cwd, '/tmp');
  assert.equal(open.tid, open.pid);
  assert.equal(open.uid, process.getuid());
  // The command's first question is its own execve: the first decision is which program runs.
  assert.equal(run.questions[0].call, 'execve');
  assert.deepEqual(run.questions[0].args.filename, ['/usr/bin/cat']);
});

test('ask: while one question waits for an answer, other processes go on', async () => {
  let held = null;
  const run = await supervise(
    ['sh', '-c', 'cat /etc/hostname & sleep 0.2; /bin/echo second; wait'],
    {
      mode: 'ask',
      onAsk: (q, s) => {
        if (held === null && q.call === 'openat' && q.args.filename?.[0] === '/etc/hostname')
          held = q.id;
        else s.answer(q.id, { action: 'permit' });
      },
      // The held question is answered only when the echo started after it has finished.
      onProcess: (e, s) => {
        if (e.event === 'exit' && e.exe.endsWith('/echo')) s.answer(held, { action: 'permit' });
      },
    },
  );
  assert.ok(held !== null, 'a question was held');
  assert.equal(run.stdout, `second\n${hostname}`);
});

test('learn: a call with the same arguments under the same policy is recorded once', async () => {
  const run = await supervise(
    ['sh', '-c', 'cat /etc/hostname; cat /etc/hostname; cat /etc/hostname'],
    { mode: 'learn' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, hostname.repeat(3));
  const opens = run.records.filter(
    (r) => r.call === 'openat' && r.args.filename?.[0] === '/etc/hostname',
  );
  assert.equal(opens.length, 1);
  assert.deepEqual(
    [opens[0].by, opens[0].action, opens[0].policy],
    ['learn', 'permit', '/usr/bin/cat'],
  );
});

test('a program with threads, forked children and an exec runs to its end under enforce', async () => {
  const run = await supervise([nativeBuild('forker')], { rules: byName });
  assert.equal(run.status, 0, run.stderr + run.stdout);
  assert.match(run.stdout, /forker: ok/);
  const forks = run.processes.filter((e) => e.event === 'fork');
  assert.ok(forks.length >= 4, `saw ${forks.length} processes`);
  assert.ok(run.processes.some((e) => e.event === 'exec' && e.exe === '/usr/bin/true'));
});

test('a denied execve: the program does not run, and the shell says why', async () => {
  const rules = `\tnative-execve: filename eq "/usr/bin/cat" then deny[eacces]\n${permitEvery()}`;
  const run = await supervise(['sh', '-c', 'cat /etc/hostname'], { rules });
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /Permission denied/);
  assert.ok(!run.processes.some((e) => e.exe === '/usr/bin/cat'));
});

test(
  "an open the supervisor performs for a program that gave up root meets the program's permissions, not its own",
  asRoot,
  async () => {
    const asNobody = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
    const run = await supervise([...asNobody, 'cat', '/etc/shadow'], { rules: byName });
    assert.match(run.stderr, /Permission denied/);
    assert.equal(run.stdout, '');
  },
);

test("an open the supervisor performs fails with the error the program's own open would have had", async () => {
  const missing = await supervise(['cat', '/nonexistent/file'], { rules: byName });
  assert.match(missing.stderr, /No such file or directory/);
  const notDir = await supervise(['cat', '/etc/hostname/file'], { rules: byName });
  assert.match(notDir.stderr, /Not a directory/);
});

test("a file the supervisor creates for a program gets the program's umask", async () => {
  const file = `/tmp/sysgate-test-umask.${process.pid}`;
  const run = await supervise(
    ['sh', '-c', `umask 027; : > ${file}; stat -c %a ${file}; rm ${file}`],
    { rules: byName },
  );
  assert.equal(run.stdout, '640\n', run.stderr);
});

test(
  'O_CLOEXEC travels with a descriptor the supervisor opens, and only with it',
  hasPython,
  async () => {
    const py = [
      'import ctypes, fcntl',
      'libc = ctypes.CDLL(None)',
      "a = libc.open(b'/etc/hostname', 0o2000000)",
      "b = libc.open(b'/etc/hostname', 0)",
      'print(fcntl.fcntl(a, fcntl.F_GETFD), fcntl.fcntl(b, fcntl.F_GETFD))',
    ].join('\n');
    const run = await supervise(['python3', '-c', py], { rules: byName });
    assert.equal(run.stdout, '1 0\n', run.stderr);
  },
);

test(
  "a seccomp listener of the program's own is refused even by a policy that permits seccomp; a plain filter is not",
  hasPython,
  async () => {
    const py = [
      'import ctypes, os',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'libc.prctl(38, 1, 0, 0, 0)',
      "class F(ctypes.Structure): _fields_ = [('code', ctypes.c_ushort), ('jt', ctypes.c_ubyte), ('jf', ctypes.c_ubyte), ('k', ctypes.c_uint)]",
      "class P(ctypes.Structure): _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(F))]",
      'p = P(1, (F * 1)(F(6, 0, 0, 0x7fff0000)))',
      'print(libc.syscall(317, 1, 8, ctypes.byref(p)), os.strerror(ctypes.get_errno()))',
      'print(libc.syscall(317, 1, 0, ctypes.byref(p)))',
    ].join('\n');
    const run = await supervise(['python3', '-c', py], { rules: permitEvery() });
    assert.equal(run.stdout, '-1 Operation not permitted\n0\n', run.stderr);
    const refusal = run.records.find((r) => r.call === 'seccomp');
    assert.deepEqual([refusal.action, refusal.by], ['deny', 'default']);
  },
);

/**
 * A scratch directory for tests/programs/pathcalls: writable by anyone, with `locked/private`,
 * a file only root may read, and `locked/public`, root's file anyone may read, in a directory
 * only root may write.
 */
function pathcallsDir() {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-pathcalls-'));
  mkdirSync(join(dir, 'locked'));
  writeFileSync(join(dir, 'locked', 'private'), 'secret', { mode: 0o600 });
  writeFileSync(join(dir, 'locked', 'public'), 'not secret', { mode: 0o644 });
  chmodSync(dir, 0o777);
  return dir;
}

for (const as of process.getuid() === 0 ? ['root', 'nobody'] : ['the user']) {
  test(`every call that names a file, performed by the supervisor, does what the kernel's own does (as ${as})`, async () => {
    const ids = as === 'nobody' ? { uid: 65534, gid: 65534 } : undefined;
    const [native, supervised] = [pathcallsDir(), pathcallsDir()];
    try {
      const kernel = spawnSync(nativeBuild('pathcalls'), [native], { encoding: 'utf8', ...ids });
      assert.equal(kernel.status, 0, kernel.stderr);
      const run = await supervise([nativeBuild('pathcalls'), supervised], {
        rules: byName,
        ...(ids ? { runAs: ids } : {}),
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, kernel.stdout);
    } finally {
      rmSync(native, { recursive: true, force: true });
      rmSync(supervised, { recursive: true, force: true });
    }
  });
}

// Rules that look at every address, so that the supervisor performs each call that has one.
const byAddress = `
	native-connect: sockaddr match "inet-*" then permit
	native-bind: sockaddr match "inet-*" then permit
	native-connect: sockaddr neq "<none>" then permit
	native-bind: sockaddr neq "<none>" then permit
	native-sendto: sockaddr match "inet-*" then permit
	native-sendmsg: sockaddr match "inet-*" then permit
	native-sendmmsg: sockaddr match "inet-*" then permit
	native-sendmmsg: sockaddr eq "<none>" then permit
	native-sendmmsg: sockaddr eq "<unreadable>" then permit
${permitEvery()}`;

for (const as of process.getuid() === 0 ? ['root', 'nobody'] : ['the user']) {
  test(`connect, bind, sendto, sendmsg and sendmmsg, performed by the supervisor on the program's socket, do what the kernel's own do (as ${as})`, async () => {
    const ids = as === 'nobody' ? { uid: 65534, gid: 65534 } : undefined;
    const kernel = spawnSync(nativeBuild('sockcalls'), [], { encoding: 'utf8', ...ids });
    assert.equal(kernel.status, 0, kernel.stderr);
    const run = await supervise([nativeBuild('sockcalls')], {
      rules: byAddress,
      ...(ids ? { runAs: ids } : {}),
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, kernel.stdout);
  });
}

test("the harness: a test's policy that does not compile fails the test with why, instead of leaving the run waiting for it", async () => {
  await assert.rejects(
    supervise(['true'], { rules: 'native-fsread: filename ne "x" then permit' }),
    /the test's policy for .*true/,
  );
});

test("a zerocopy send performed by the supervisor is refused with ENOBUFS: it would send the supervisor's own pages", async () => {
  const kernel = spawnSync(nativeBuild('zerocopy'), [], { encoding: 'utf8' });
  assert.equal(kernel.status, 0, kernel.stderr);
  // Natively the kernel sends from the program's pages.
  assert.match(kernel.stdout, /^sendto +5 \nsendmsg +5 \n/m);
  const run = await supervise([nativeBuild('zerocopy')], { rules: byAddress });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^SO_ZEROCOPY +0 \nsendto +-1 ENOBUFS\nsendmsg +-1 ENOBUFS\n/m);
});

test('a FIFO opened by name waits for its other end in a thread of its own, while the program goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-fifo-'));
  try {
    // cat's open waits for the writer; the shell meanwhile runs sleep and opens the writing end.
    const script = `mkfifo ${dir}/f; cat ${dir}/f & sleep 0.2; echo through > ${dir}/f; wait`;
    const run = await supervise(['sh', '-c', script], { rules: byName });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'through\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("/dev/tty is the opener's own controlling terminal: without one, ENXIO as from the kernel", async () => {
  // setsid: a session without a terminal, whatever the test runs in.
  const kernel = spawnSync('setsid', ['-w', 'cat', '/dev/tty'], { encoding: 'utf8' });
  const run = await supervise(['setsid', '-w', 'cat', '/dev/tty'], { rules: byName });
  assert.match(kernel.stderr, /cat: \/dev\/tty: No such device or address/);
  assert.match(run.stderr, /cat: \/dev\/tty: No such device or address/);
});

test('when the host goes away, the whole traced tree is killed', async () => {
  const pids = [];
  const run = await supervise(['sh', '-c', 'sleep 30 & sleep 30 & wait'], {
    rules: permitEvery(),
    onProcess: (e, s) => {
      if (e.event === 'exec') pids.push(e.pid);
      if (pids.length === 3) s.disconnect();
    },
  });
  assert.equal(pids.length, 3);
  for (const pid of pids) assert.ok(await stopped(pid), `pid ${pid} still runs`);
  assert.equal(run.status, 137);
});

test('when the host goes away under --on-host-loss deny, questions are denied and the program goes on', async () => {
  const rules = `\tnative-openat: filename nsub "hostname" then permit\n${permitEvery({ except: ['openat'] })}`;
  const run = await supervise(['sh', '-c', 'sleep 0.3; cat /etc/hostname; echo done'], {
    mode: 'ask',
    onHostLoss: 'deny',
    rules,
    onProcess: (e, s) => {
      if (e.event === 'exec' && e.exe === '/usr/bin/sleep') s.disconnect();
    },
  });
  assert.match(run.stderr, /Operation not permitted/);
  assert.equal(run.stdout, 'done\n');
  assert.equal(run.status, 0);
});

test('ask: answering "kill" kills the process that asked, and the run ends with SIGKILL', async () => {
  const run = await supervise(['cat', '/etc/hostname'], {
    mode: 'ask',
    onAsk: (q, s) =>
      s.answer(
        q.id,
        q.args.filename?.[0] === '/etc/hostname' ? { action: 'kill' } : { action: 'permit' },
      ),
  });
  assert.equal(run.status, 137);
  assert.equal(run.stdout, '');
});

test('ask: a question whose process is killed meanwhile is cancelled', async () => {
  const run = await supervise(['cat', '/etc/hostname'], {
    mode: 'ask',
    onAsk: (q, s) => {
      if (q.args.filename?.[0] === '/etc/hostname') s.kill(q.pid);
      else s.answer(q.id, { action: 'permit' });
    },
  });
  const held = run.questions.find((q) => q.args.filename?.[0] === '/etc/hostname');
  assert.deepEqual(run.cancels, [{ id: held.id, reason: 'exited' }]);
  assert.equal(run.status, 137);
});

test('ask: answering "detach" lets the process go on unsupervised: it asks nothing more', async () => {
  const run = await supervise(['cat', '/etc/hostname'], {
    mode: 'ask',
    onAsk: (q, s) => s.answer(q.id, { action: 'detach' }),
  });
  assert.equal(run.stdout, hostname, run.stderr);
  assert.equal(run.questions.length, 1);
});

test('a policy that says `detached` lets its program run unsupervised from its first call on', async () => {
  const run = await supervise(['cat', '/etc/hostname'], { mode: 'ask', rules: '\tdetached' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, hostname);
  assert.deepEqual(run.questions, []);
});

test('kill without a pid ends the whole traced tree', async () => {
  let sleeping = 0;
  const run = await supervise(['sh', '-c', 'sleep 30 & sleep 30; wait'], {
    rules: permitEvery(),
    onProcess: (e, s) => {
      if (e.event === 'exec' && e.exe === '/usr/bin/sleep' && ++sleeping === 2) s.kill();
    },
  });
  assert.equal(sleeping, 2);
  assert.equal(run.status, 137);
});

test("a program started by another runs under its own policy, or under its parent's with inherit (-i)", async () => {
  const asked = [];
  const policyFor = (path) => {
    asked.push(path);
    return `Policy: ${path}, Emulation: native\n${permitEvery()}\n`;
  };
  const sh = realpathSync('/bin/sh');
  const own = await supervise(['/bin/sh', '-c', 'cat /etc/hostname'], { policyFor });
  assert.equal(own.stdout, hostname);
  assert.deepEqual(asked.splice(0), [sh, '/usr/bin/cat']);
  const inherited = await supervise(['/bin/sh', '-c', 'cat /etc/hostname'], {
    policyFor,
    inherit: true,
  });
  assert.equal(inherited.stdout, hostname);
  assert.deepEqual(asked, [sh]);
  assert.equal(
    inherited.processes.find((e) => e.event === 'exec' && e.exe === '/usr/bin/cat').policy,
    sh,
  );
});

test('with aliases off (-u), rules for fsread and fswrite never apply', async () => {
  const rules = `\tnative-fsread: filename eq "/etc/hostname" then deny[eperm]\n${permitEvery()}`;
  const run = await supervise(['cat', '/etc/hostname'], { rules, noAliases: true });
  assert.equal(run.stdout, hostname, run.stderr);
});

test(
  "--run-as 65534:65534: the command runs as that user and group, with the user's groups",
  asRoot,
  async () => {
    const run = await supervise(['sh', '-c', 'id -u; id -g; id -G'], {
      rules: permitEvery(),
      runAs: { uid: 65534, gid: 65534 },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '65534\n65534\n65534\n');
    assert.equal(run.processes.find((e) => e.event === 'exec').exe, realpathSync('/bin/sh'));
  },
);

test(
  '--run-as: a file only root may read is refused to the command, though the supervisor is root',
  asRoot,
  async () => {
    const run = await supervise(['cat', '/etc/shadow'], {
      rules: byName,
      runAs: { uid: 65534, gid: 65534 },
    });
    assert.match(run.stderr, /Permission denied/);
    assert.equal(run.stdout, '');
    const kernel = await supervise(['cat', '/etc/shadow'], {
      rules: permitEvery(),
      runAs: { uid: 65534, gid: 65534 },
    });
    assert.match(kernel.stderr, /Permission denied/);
  },
);

test(
  "a call the supervisor performs for root without CAP_DAC_OVERRIDE meets the program's capabilities, not the supervisor's",
  asRoot,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-caps-'));
    try {
      const file = join(dir, 'unreadable');
      writeFileSync(file, 'secret', { mode: 0o000 });
      const command = ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--'];
      const kernel = spawnSync(command[0], [...command.slice(1), 'cat', file], { encoding: 'utf8' });
      assert.match(kernel.stderr, /Permission denied/);
      const run = await supervise([...command, 'cat', file], { rules: byName });
      assert.match(run.stderr, /Permission denied/);
      assert.equal(run.stdout, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('--run-as: a uid without an account gets just the group it was given', asRoot, async () => {
  const run = await supervise(['id', '-G'], {
    rules: permitEvery(),
    runAs: { uid: 54321, gid: 54322 },
  });
  assert.equal(run.stdout, '54322\n', run.stderr);
});

test('--run-as is refused, saying why, to a supervisor that is not root', asRoot, () => {
  const supervisor = nativeBuild('sysgate-supervisor');
  const asNobody = ['--reuid', '65534', '--regid', '65534', '--clear-groups'];
  const refused = spawnSync(
    'setpriv',
    [...asNobody, supervisor, '--control-fd', '0', '--run-as', '0:0', '--', 'true'],
    { encoding: 'utf8' },
  );
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /--run-as 0:0 needs root; this supervisor runs as uid 65534/);
  const malformed = spawnSync(
    supervisor,
    ['--control-fd', '0', '--run-as', 'nobody', '--', 'true'],
    { encoding: 'utf8' },
  );
  assert.equal(malformed.status, 2);
  assert.match(malformed.stderr, /bad option: --run-as nobody/);
});

// The C library's fstat is newfstatat(fd, "", AT_EMPTY_PATH): like fstat, no policy decides it.
const noStatByName = `\tnative-newfstatat: deny[eacces]\n\tnative-statx: deny[eacces]\n${permitEvery({ except: ['newfstatat', 'statx'] })}`;
const inode = (stdout) => Number(/inode (\d+)/.exec(stdout)?.[1]);

for (const form of ['empty', 'null', 'statx']) {
  test(`a stat of a descriptor (${form === 'statx' ? 'statx(fd, "")' : `newfstatat(fd, ${form === 'null' ? 'NULL' : '""'})`}) is never decided: it answers with the descriptor's own file`, async () => {
    const run = await supervise([nativeBuild('statloop'), '50', '/etc/hostname', form], {
      rules: noStatByName,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(inode(run.stdout), statSync('/etc/hostname').ino);
    assert.deepEqual(run.records, []);
    const asked = await supervise([nativeBuild('statloop'), '50', '/etc/hostname', form], {
      mode: 'ask',
      onAsk: (q, s) => s.answer(q.id, { action: 'permit' }),
    });
    assert.equal(asked.status, 0, asked.stderr);
    assert.ok(
      !asked.questions.some(
        (q) =>
          ['newfstatat', 'statx'].includes(q.call) && !q.args.filename?.[0].startsWith('/usr/lib'),
      ),
    );
  });
}

test('a stat by name is decided as ever', async () => {
  const run = await supervise([nativeBuild('statloop'), '50', '/etc/hostname', 'name'], {
    rules: noStatByName,
  });
  assert.match(run.stderr, /Permission denied/);
  assert.equal(run.records.find((r) => r.call === 'newfstatat').args.filename[0], '/etc/hostname');
});

test(
  "a stat of a descriptor the program does not have fails as the program's own would",
  hasPython,
  async () => {
    const py = 'import os\ntry:\n  os.stat(57)\nexcept OSError as e:\n  print(e.strerror)';
    const run = await supervise(['python3', '-c', py], { rules: permitEvery() });
    assert.equal(run.stdout, 'Bad file descriptor\n', run.stderr);
  },
);

test(
  "a thread's stat of a descriptor is not decided either, and sees its own descriptor",
  hasPython,
  async () => {
    const py = [
      'import os, threading',
      "fd = os.open('/etc/hostname', os.O_RDONLY)",
      't = threading.Thread(target=lambda: print(os.fstat(fd).st_ino))',
      't.start(); t.join()',
    ].join('\n');
    const run = await supervise(['python3', '-c', py], {
      mode: 'ask',
      onAsk: (q, s) => s.answer(q.id, { action: 'permit' }),
    });
    assert.equal(Number(run.stdout), statSync('/etc/hostname').ino, run.stderr);
    assert.deepEqual(
      run.questions.filter((q) => q.tid !== q.pid).map((q) => q.call),
      [],
    );
  },
);

test(
  "a stat of a descriptor gives fstat's answer, field by field, and a thread with a table of its own sees its own",
  hasPython,
  async () => {
    const py = [
      'import ctypes, os, socket, threading',
      "libc = ctypes.CDLL(None, use_errno=True)",
      "f = lambda s: ' '.join(str(x) for x in (s.st_mode, s.st_ino, s.st_dev, s.st_nlink, s.st_uid, s.st_gid, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_blocks, s.st_blksize, s.st_rdev))",
      "fds = [os.open(p, os.O_RDONLY) for p in ('/etc/hostname', '/usr/lib', '/dev/null')]",
      "fds.append(os.open('/etc/passwd', os.O_PATH))",
      'for fd in fds: print(f(os.fstat(fd)))',
      'r, w = os.pipe()',
      'so = socket.socket()',
      'for fd in (r, so.fileno()):',
      '  s = os.fstat(fd); print(s.st_mode, s.st_nlink, s.st_uid, s.st_size)',
      'def own():',
      "  assert libc.unshare(0x400) == 0, ctypes.get_errno()",
      "  os.dup2(os.open('/dev/null', os.O_RDONLY), fds[0])",
      "  print('thread', f(os.fstat(fds[0])))",
      't = threading.Thread(target=own); t.start(); t.join()',
      "print('main', f(os.fstat(fds[0])))",
      'try:',
      '  os.fstat(57)',
      'except OSError as e:',
      '  print(e.errno)',
    ].join('\n');
    const native = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
    assert.equal(native.status, 0, native.stderr);
    assert.match(native.stdout, /^thread /m);
    const run = await supervise(['python3', '-c', py], { rules: byName });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, native.stdout);
  },
);

test(
  'a stat by name gives what the kernel gives: files, directories, devices, links; and fails as it fails for root without the capabilities to search',
  { ...asRoot, ...hasPython },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-stat-'));
    try {
      mkdirSync(join(dir, 'closed'));
      writeFileSync(join(dir, 'closed', 'f'), 'x');
      chownSync(join(dir, 'closed'), 65534, 65534);
      chmodSync(join(dir, 'closed'), 0o700);
      symlinkSync('/etc/hostname', join(dir, 'link'));
      const names = ['/etc/hostname', '/usr/lib', '/dev/null', '/', '/usr/bin/env',
        `${dir}/link`, `${dir}/closed/f`, `${dir}/closed`, `${dir}/./../${dir.split('/').pop()}/link`, '/no/such/name'];
      const py = [
        'import os, sys',
        'for p in sys.argv[1:]:',
        '  for f in (True, False):',
        '    try:',
        '      s = os.stat(p, follow_symlinks=f)',
        "      print(p, f, s.st_mode, s.st_ino, s.st_dev, s.st_nlink, s.st_uid, s.st_gid, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_blocks, s.st_blksize, s.st_rdev)",
        '    except OSError as e:',
        "      print(p, f, 'error', e.errno)",
      ].join('\n');
      for (const prefix of [[], ['setpriv', '--bounding-set', '-dac_override,-dac_read_search']]) {
        const command = [...prefix, 'python3', '-c', py, ...names];
        const native = spawnSync(command[0], command.slice(1), { encoding: 'utf8' });
        const run = await supervise(command, { rules: byName });
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, native.stdout);
        assert.equal(run.stdout.includes(`${dir}/closed/f True error 13`), prefix.length > 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'an open the supervisor performs has the status flags the caller asked for: O_NONBLOCK only when asked, O_APPEND, O_ASYNC, O_NOATIME and O_DIRECT kept',
  hasPython,
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-flags-'));
    try {
      writeFileSync(join(dir, 'f'), 'x');
      // Each open's F_GETFL: the access mode and the status flags of the open file.
      const py = [
        'import fcntl, os, sys',
        "forms = [('read', os.O_RDONLY), ('nonblock', os.O_RDONLY | os.O_NONBLOCK),",
        "  ('append', os.O_WRONLY | os.O_APPEND), ('rdwr-append', os.O_RDWR | os.O_APPEND),",
        "  ('async', os.O_RDONLY | os.O_ASYNC), ('noatime', os.O_RDONLY | os.O_NOATIME),",
        "  ('direct', os.O_RDONLY | os.O_DIRECT), ('creat-trunc', os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]",
        'for name, flags in forms:',
        '  try:',
        "    fd = os.open(os.path.join(sys.argv[1], 'f'), flags, 0o644)",
        '  except OSError as e:',
        "    print(name, 'error', e.errno); continue",
        '  print(name, oct(fcntl.fcntl(fd, fcntl.F_GETFL)))',
        '  os.close(fd)',
      ].join('\n');
      const native = spawnSync('python3', ['-c', py, dir], { encoding: 'utf8' });
      assert.equal(native.status, 0, native.stderr);
      assert.match(native.stdout, /^append 0o\d*2001$/m);
      assert.match(native.stdout, /^read 0o1?0{5}$/m);
      const run = await supervise(['python3', '-c', py, dir], { rules: byName });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, native.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('an open permitted without a look at its name is left to the kernel; one decided on its name is performed by the supervisor', async () => {
  // /proc/self/fd/0 is a pipe here: the kernel reopens it; the supervisor reopens the
  // caller's own descriptor, through a copy of it, and the name a policy sees is the link.
  const command = ['sh', '-c', 'echo through | cat /proc/self/fd/0'];
  const kernel = await supervise(command, { rules: permitEvery() });
  assert.equal(kernel.stdout, 'through\n', kernel.stderr);
  const performed = await supervise(command, { rules: byName });
  assert.equal(performed.stdout, 'through\n', performed.stderr);
  // A rule tried before the one that decides looked at the name: that decides it too.
  const rules = `\tnative-fsread: filename eq "/proc/self/fd/0" then permit log\n${permitEvery()}`;
  const logged = await supervise(command, { rules });
  assert.equal(logged.stdout, 'through\n', logged.stderr);
  const open = logged.records.find((r) => r.call === 'openat');
  assert.deepEqual(open?.args.filename, ['/proc/self/fd/0']);
  assert.equal(open?.action, 'permit');
});

test(
  "a chrooted program's names start with its root, as the supervisor sees it",
  { ...asRoot, ...hasPython },
  async () => {
    const py =
      "import os\nos.path.exists('/share')\nos.chroot('/usr')\nprint(os.stat('/share').st_ino)";
    const run = await supervise(['python3', '-c', py], {
      mode: 'ask',
      onAsk: (q, s) => s.answer(q.id, { action: 'permit' }),
    });
    assert.equal(Number(run.stdout), statSync('/usr/share').ino, run.stderr);
    const stats = run.questions.filter(
      (q) => q.call === 'newfstatat' && q.args.filename[0].endsWith('/share'),
    );
    assert.deepEqual(
      stats.map((q) => q.args.filename[0]),
      ['/share', '/usr/share'],
    );
    assert.ok(run.questions.some((q) => q.call === 'chroot' && q.args.filename[0] === '/usr'));
  },
);

test('a rule that looks at no argument still records the arguments of the calls it logs', async () => {
  const rules = `\tnative-fsread: permit log\n${permitEvery()}`;
  const run = await supervise(['cat', '/etc/hostname'], { rules });
  assert.equal(run.stdout, hostname, run.stderr);
  const open = run.records.find(
    (r) => r.call === 'openat' && r.args.filename[0] === '/etc/hostname',
  );
  assert.deepEqual([open.action, open.by, open.log, open.line], ['permit', 'rule', true, 2]);
  assert.deepEqual(open.args.oflags, ['ro']);
});

test('--record-permits records every permitted call, with the rule that decided and the arguments', async () => {
  const run = await supervise(['cat', '/etc/hostname'], {
    rules: permitEvery(),
    recordPermits: true,
  });
  assert.equal(run.stdout, hostname, run.stderr);
  const open = run.records.find(
    (r) => r.call === 'openat' && r.args.filename[0] === '/etc/hostname',
  );
  assert.ok(open, 'the open decided on its registers alone is recorded all the same');
  assert.deepEqual([open.action, open.by, open.log], ['permit', 'rule', false]);
  assert.ok(open.line > 1);
  assert.deepEqual(open.argv, ['cat', '/etc/hostname']);
  assert.ok(run.records.every((r) => r.action === 'permit'));
});

test("a denial's record carries the arguments of the program that made the call", async () => {
  const run = await supervise(['sh', '-c', 'cat /etc/hostname'], {
    rules: `\tnative-fsread: filename eq "/etc/hostname" then deny\n${permitEvery()}`,
  });
  const denial = run.records.find((r) => r.action === 'deny');
  assert.deepEqual(denial.argv, ['cat', '/etc/hostname']);
});

// Run as natively (issue 12): arguments of any size the kernel takes.
const execByName = `\tnative-execve: filename match "/*" then permit\n${byName}`;
const longArg = (n, c = 'A') => c.repeat(n);

for (const mode of ['enforce', 'learn']) {
  test(`an exec decided on its name runs with one 128 KiB argument, and with 1 MiB of them (${mode})`, async () => {
    // MAX_ARG_STRLEN is 32 pages with the NUL: 131,071 bytes is the longest argument.
    for (const args of [[longArg(4095)], [longArg(131071)], Array.from({ length: 8 }, (_, i) => longArg(131071, 'ABCDEFGH'[i]))]) {
      const run = await supervise(['/usr/bin/printf', '%s', ...args], { mode, rules: execByName });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, args.join(""), `${args.length} argument(s)`);
      assert.ok(!run.records.some((r) => r.action === 'deny'), JSON.stringify(run.records.filter((r) => r.action === 'deny')));
    }
  });
}

test('an exec whose arguments the argv translation cannot hold in full is denied, said and recorded, when a rule compares argv', async () => {
  const rules = `\tnative-execve: argv match "/usr/bin/printf *" then permit\n${byName}`;
  const run = await supervise(['/usr/bin/printf', '%s', longArg(70000)], { rules });
  assert.notEqual(run.status, 0);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /execve denied .*: its arguments \(70\d{3} bytes\) are more than the 1024 arguments or 65536 bytes a rule's argv can see/);
  const [denial] = run.records.filter((r) => r.call === 'execve');
  assert.equal(denial.action, 'deny');
  assert.equal(denial.errno, constants.errno.E2BIG);
  // The same rule permits arguments it can see in full.
  const short = await supervise(['/usr/bin/printf', '%s', longArg(60000)], { rules });
  assert.equal(short.status, 0, short.stderr);
  assert.equal(short.stdout.length, 60000);
});

for (const mode of ['enforce', 'learn']) {
  test(`O_PATH opens work, decided on their name: tar extracts an archive holding directories (${mode})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-opath-'));
    try {
      mkdirSync(join(dir, 'd/e'), { recursive: true });
      chmodSync(join(dir, 'd/e'), 0o750);
      assert.equal(spawnSync('tar', ['cf', 't.tar', 'd'], { cwd: dir }).status, 0);
      mkdirSync(join(dir, 'x'));
      const run = await supervise(['tar', 'xf', '../t.tar'], { mode, rules: byName, cwd: join(dir, 'x') });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '');
      assert.equal(statSync(join(dir, 'x/d/e')).mode & 0o777, 0o750);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(`O_TMPFILE opens work, decided on their directory (fswrite): a file without a name is written, and linked (${mode})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-tmpfile-'));
    try {
      const run = await supervise([nativeBuild('tmpfile'), dir, join(dir, 'linked')], { mode, rules: byName });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, 'ok\n');
      assert.equal(readFileSync(join(dir, 'linked'), 'utf8'), 'hello');
      const open = run.records.find((r) => r.call === 'openat' && r.args.filename?.[0] === dir);
      if (mode === 'learn') assert.equal(open?.alias, 'fswrite', JSON.stringify(run.records));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// A policy sees the caller's own /proc/PID as /proc/self, and its own descriptors without a
// name (a pipe) as /proc/self/fd/N: names that are the same at every run.
test('the caller\'s own /proc/PID is /proc/self to a policy, its thread\'s /proc/thread-self; another process\'s stays as it is', async () => {
  const rules = `\tnative-fsread: filename match "/proc/*" then permit log\n\tnative-readlink: filename match "/proc/*" then permit log\n${byName}`;
  const run = await supervise(
    ['sh', '-c', 'readlink /proc/self/exe; readlink /proc/thread-self/exe; cat /proc/$$/comm; head -c0 /proc/1/cmdline'],
    { rules },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '/usr/bin/readlink\n/usr/bin/readlink\nsh\n');
  const names = run.records.flatMap((r) => r.args.filename ?? []).filter((f) => f.startsWith('/proc/'));
  assert.ok(names.includes('/proc/self/exe'), names.join(' '));
  assert.ok(names.includes('/proc/thread-self/exe'), names.join(' '));
  // cat's /proc/$$ is its parent's, not its own; pid 1 is nobody's own.
  assert.ok(names.some((n) => /^\/proc\/[0-9]+\/comm$/.test(n)), names.join(' '));
  assert.ok(names.includes('/proc/1/cmdline'), names.join(' '));
});

test('/dev/stdin and /dev/fd/N on a pipe open, decided as /proc/self/fd/N; a write reopen of them is fswrite, and of a named file its name', async () => {
  const rules = `\tnative-fsread: filename eq "/proc/self/fd/0" then permit
\tnative-fswrite: filename match "/proc/self/fd/*" then deny[eacces]
\tnative-fswrite: filename eq "/etc/hostname" then deny[eacces]
${byName}`;
  for (const name of ['/dev/stdin', '/dev/fd/0']) {
    const run = await supervise(['sh', '-c', `echo piped | cat ${name}`], { rules });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'piped\n');
  }
  // The read end reopened for writing: the kernel would allow it, the policy decides it.
  const write = await supervise(['sh', '-c', 'echo x | { echo y >/proc/self/fd/0; }'], { rules });
  assert.match(write.stderr, /Permission denied/);
  const denial = write.records.find((r) => r.action === 'deny');
  assert.equal(denial?.alias, 'fswrite');
  assert.deepEqual(denial?.args.filename, ['/proc/self/fd/0']);
  // A descriptor with a name is that name: a read-only one reopened for writing is decided there.
  const named = await supervise(['sh', '-c', 'exec 3</etc/hostname; echo y >/proc/self/fd/3'], { rules });
  assert.match(named.stderr, /Permission denied/);
  assert.deepEqual(named.records.find((r) => r.action === 'deny')?.args.filename, ['/etc/hostname']);
});

test('the run ends when the command exits, with its status; what it left running stays supervised, and what needs the host is then denied', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-left-'));
  try {
    const rules = `\tnative-fswrite: filename eq "${dir}/denied" then deny[eacces]\n${byName}`;
    const job = `sleep 0.5; echo ok >${dir}/allowed; echo no >${dir}/denied; cat /etc/hostname >${dir}/cat; : >${dir}/done`;
    const started = Date.now();
    const run = await supervise(['sh', '-c', `(${job}) >/dev/null 2>&1 & exit 3`], { rules });
    const took = Date.now() - started;
    assert.equal(run.status, 3, run.stderr);
    assert.ok(took < 450, `the run took ${took} ms`);
    assert.ok(!existsSync(join(dir, 'done')));
    for (let i = 0; i < 300 && !existsSync(join(dir, 'done')); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // Still traced: its permitted write happened, its denied one did not, and cat, whose
    // policy only the host could give, could not run.
    assert.equal(readFileSync(join(dir, 'allowed'), 'utf8'), 'ok\n');
    assert.ok(!existsSync(join(dir, 'denied')));
    assert.equal(readFileSync(join(dir, 'cat'), 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('under learning, what the command left running after the run ended may do again what was learned, and nothing new', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-left-'));
  try {
    const job = `sleep 0.3; echo again >${dir}/a; echo new >${dir}/b`;
    const run = await supervise(['sh', '-c', `echo first >${dir}/a; (${job}) >/dev/null 2>&1 &`], {
      mode: 'learn',
    });
    assert.equal(run.status, 0, run.stderr);
    const a = () => readFileSync(join(dir, 'a'), 'utf8');
    for (let i = 0; i < 300 && a() !== 'again\n'; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(a(), 'again\n');
    // Never recorded, so never learned: denied (and written to syslog).
    assert.ok(!existsSync(join(dir, 'b')));
    assert.ok(!run.records.some((r) => r.args.filename?.[0] === join(dir, 'b')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
