// The hostile suite: small C programs (this directory, built by `make -C native`) that attack
// the supervisor, each run under the real command line, `sysgate -a -f POLICY`, with a policy
// that forbids a target file, directory or address. Each program makes many attempts, bounded
// in count and in time, and prints `attempts N escapes M`; a single escape fails the test, and
// the count of attempts is in the test's name in the report. The forbidden directory is also
// compared before and after: whatever a program could not see for itself is caught there.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { checkoutForNobody } from '../reachable.mjs';

// Attacks run as nobody, and sysgate too: from a copy of what runs when nobody cannot read this
// checkout (a clone under /root), so the suite works from any checkout.
const CHECKOUT = checkoutForNobody();
const SYSGATE = join(CHECKOUT, 'bin', 'sysgate.js');
const program = (name) => join(CHECKOUT, 'native', 'build', `hostile-${name}`);

// Each attack's bound: this many attempts, or this many seconds, whichever comes first.
const ATTEMPTS = 20000;
const SECONDS = 1;

// Who the attacks run as: the supervisor holds root's privileges for root, none for nobody.
const users = process.getuid() === 0 ? [['root', undefined], ['nobody', { uid: 65534, gid: 65534 }]] : [['self', undefined]];

let root;
let runs = 0;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'sysgate-hostile-'));
  // Readable by the user the supervisor attack runs as.
  chmodSync(root, 0o755);
});
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * Runs `program args` under `sysgate -a` with `rules` as its policy; its output and status.
 * `as` ({ uid, gid }) runs sysgate itself, and so its supervisor, as that user, in a home of its
 * own (only root can).
 */
function underSysgate(path, args, rules, { as, flags = [] } = {}) {
  const policy = join(root, `policy-${++runs}`);
  const home = join(root, `home-${runs}`);
  const log = join(home, 'decisions.log');
  writeFileSync(policy, `Policy: ${path}, Emulation: native\n${rules.map((r) => `\t${r}\n`).join('')}`);
  mkdirSync(home);
  if (as) chownSync(home, as.uid, as.gid);
  return sysgate(['-a', ...flags, '-E', log, '-f', policy, path, ...args], home, as);
}

/**
 * Runs `sysgate argv` in `home` (its HOME, config and runtime folder), as `as` when given; its
 * output and status. Killed after a minute: an attack never runs that long.
 */
function sysgate(argv, home, as) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SYSGATE, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: home,
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_RUNTIME_DIR: home },
      ...as,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/**
 * The attack's own count; no line, or no attempt, is a failure of the test itself, and so is
 * a race attack none of whose calls succeeded on the permitted side (it raced nothing).
 */
function counted(t, run) {
  const m = run.stdout.match(/^attempts (\d+)(?: permitted (\d+))? escapes (\d+)$/m);
  assert.ok(m, `no count from the attacker (status ${run.status}): ${run.stdout}${run.stderr}`);
  const [attempts, permitted, escapes] = [Number(m[1]), m[2], Number(m[3])];
  t.diagnostic(
    `${attempts} attempts, ${permitted === undefined ? '' : `${permitted} permitted, `}${escapes} escapes`,
  );
  assert.ok(attempts > 0, 'the attacker made no attempt');
  assert.equal(escapes, 0, `${escapes} of ${attempts} attempts got through`);
  if (permitted !== undefined) assert.ok(Number(permitted) > 0, 'no call succeeded where permitted');
  assert.equal(run.status, 0, run.stderr);
  return attempts;
}

/** Everything about a directory tree an attack could change: names, kinds, modes, contents. */
function snapshot(dir) {
  return readdirSync(dir, { recursive: true })
    .sort()
    .map((name) => {
      const st = lstatSync(join(dir, name));
      const content = st.isFile() ? readFileSync(join(dir, name), 'utf8') : '';
      return `${name} ${st.ino} ${st.mode.toString(8)} ${st.size} ${content}`;
    });
}

/**
 * A fresh DIR with permit/ and forbid/, each holding a file `secret` and an empty directory
 * `empty` (same-length names, so a flipped path differs only in those bytes).
 */
function arena() {
  const dir = mkdtempSync(join(root, 'arena-'));
  for (const side of ['permit', 'forbid']) {
    mkdirSync(join(dir, side, 'empty'), { recursive: true });
    writeFileSync(join(dir, side, 'secret'), side === 'permit' ? 'x' : 'the secret', { mode: 0o644 });
  }
  return dir;
}

/** What every attacker needs to run at all, and the forbidden side denied for every file call. */
const baseRules = (dir, { exec = ['native-execve: permit'] } = {}) => [
  `native-fsread: filename match "${dir}/forbid" then deny[eacces]`,
  `native-fswrite: filename match "${dir}/forbid" then deny[eacces]`,
  `native-fswrite: filename[1] match "${dir}/forbid" then deny[eacces]`,
  'native-fsread: true then permit',
  `native-fswrite: filename match "${dir}/permit" then permit`,
  ...exec,
  'native-clone: permit',
  'native-clone3: permit',
  'native-inotify_init1: permit',
];

// What the fifo and tty attacks need besides: a session and a pseudo-terminal of their own.
const terminalRules = [
  'native-setsid: permit',
  'native-ioctl: permit',
  'native-fswrite: filename eq "/dev/ptmx" then permit',
  'native-fswrite: filename match "/dev/pts/*" then permit',
];

async function attackFiles(t, name, call, prepare = () => {}) {
  const dir = arena();
  prepare(dir);
  const before = snapshot(join(dir, 'forbid'));
  const inode = String(lstatSync(join(dir, 'forbid', 'secret')).ino);
  const run = await underSysgate(
    program(name),
    [call, dir, inode, String(ATTEMPTS), String(SECONDS)],
    [...baseRules(dir), ...terminalRules],
  );
  counted(t, run);
  assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
}

describe('a second thread flips the path between a permitted and a forbidden name', () => {
  for (const call of ['open', 'stat', 'unlink', 'rmdir', 'rename', 'mkdir', 'mknod', 'link', 'symlink', 'chmod', 'truncate', 'getxattr', 'getxattrat', 'setxattr', 'inotify', 'fifo', 'tty']) {
    test(call, (t) => attackFiles(t, 'race-path', call));
  }
});

describe('a second thread puts another file on the descriptor the call changes (dup2)', () => {
  for (const call of ['fchmod', 'futimens', 'utimensat']) {
    test(call, async (t) => {
      const dir = arena();
      const before = snapshot(join(dir, 'forbid'));
      const run = await underSysgate(
        program('race-fd'),
        [call, dir, String(ATTEMPTS), String(SECONDS)],
        [
          // It may read the forbidden file (to hold it open), never change it.
          `native-fsread: filename eq "${dir}/forbid/secret" then permit`,
          `native-fchmod: filename match "${dir}/forbid" then deny[eacces]`,
          `native-fchmod: filename match "${dir}/permit" then permit`,
          ...baseRules(dir),
        ],
      );
      counted(t, run);
      assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden file changed');
    });
  }
});

describe('a directory is swapped for a symbolic link to the forbidden one in a tight loop', () => {
  const swap = (dir) => {
    mkdirSync(join(dir, 'permit', 'd'));
    writeFileSync(join(dir, 'permit', 'd', 'secret'), 'x', { mode: 0o644 });
    symlinkSync(join(dir, 'forbid'), join(dir, 'permit', 'l'));
  };
  for (const call of ['open', 'stat', 'unlink', 'rename', 'chmod', 'truncate']) {
    test(call, (t) => attackFiles(t, 'symlink-swap', call, swap));
  }
});

describe('a second thread flips what execve is given between a permitted and a forbidden program', () => {
  for (const [what, rule] of [
    ['path', (dir) => `filename eq "${dir}/permit/prog"`],
    ['argv', (dir) => `filename eq "${dir}/permit/prog" and argv eq "prog permit"`],
  ]) {
    test(what === 'path' ? 'its name' : 'its arguments', async (t) => {
      const dir = arena();
      for (const side of ['permit', 'forbid']) {
        copyFileSync(program('exec-target'), join(dir, side, 'prog'));
        chmodSync(join(dir, side, 'prog'), 0o755);
      }
      const run = await underSysgate(
        program('race-exec'),
        [what, dir, '2000', String(SECONDS)],
        baseRules(dir, {
          exec: [
            `native-execve: filename eq "${program('race-exec')}" then permit`,
            // inherit: the program that runs keeps this policy, as a forbidden one would like.
            `native-execve: ${rule(dir)} then permit[inherit]`,
          ],
        }),
      );
      counted(t, run);
    });
  }
});

/**
 * Kernel-speed mode (`-K`): the same races, with the file rules enforced by Landlock instead.
 * Its policies grant and never deny, so the forbidden side is simply not granted.
 */
describe('the races again, under sysgate -a -K (Landlock)', () => {
  const kernelRules = (dir, programs) => [
    ...programs.map((p) => `native-execve: filename eq "${p}" then permit`),
    'native-fsread: filename eq "/etc/ld.so.cache" then permit',
    'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
    `native-fsread: filename match "${dir}/permit" then permit`,
    `native-fswrite: filename match "${dir}/permit" then permit`,
    'native-clone: permit',
    'native-clone3: permit',
  ];
  const attack = async (t, name, call, prepare = () => {}) => {
    const dir = arena();
    prepare(dir);
    const before = snapshot(join(dir, 'forbid'));
    const inode = String(lstatSync(join(dir, 'forbid', 'secret')).ino);
    const run = await underSysgate(
      program(name),
      [call, dir, inode, String(ATTEMPTS), String(SECONDS)],
      kernelRules(dir, [program(name)]),
      { flags: ['-K'] },
    );
    counted(t, run);
    assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
  };
  for (const call of ['open', 'truncate']) {
    test(`a flipped path: ${call}`, (t) => attack(t, 'race-path', call));
  }
  test('a directory swapped for a link: open', (t) =>
    attack(t, 'symlink-swap', 'open', (dir) => {
      mkdirSync(join(dir, 'permit', 'd'));
      writeFileSync(join(dir, 'permit', 'd', 'secret'), 'x', { mode: 0o644 });
      symlinkSync(join(dir, 'forbid'), join(dir, 'permit', 'l'));
    }));
  test("execve's name flipped: only the program the rules name runs", async (t) => {
    const dir = arena();
    for (const side of ['permit', 'forbid']) {
      copyFileSync(program('exec-target'), join(dir, side, 'prog'));
      chmodSync(join(dir, side, 'prog'), 0o755);
    }
    const run = await underSysgate(
      program('race-exec'),
      ['path', dir, '2000', String(SECONDS)],
      kernelRules(dir, [program('race-exec'), `${dir}/permit/prog`]).map((rule) =>
        rule.endsWith(`${dir}/permit/prog" then permit`) ? `${rule}[inherit]` : rule,
      ),
      { flags: ['-K'] },
    );
    counted(t, run);
  });
});

/**
 * A server on 127.0.0.1 that counts what reaches it: TCP connections (closed at once) or UDP
 * datagrams (each answered with one byte). Resolves to { port, count, close }.
 */
function server(kind) {
  return new Promise((resolve) => {
    let count = 0;
    const done = (s, port) =>
      resolve({ port, count: () => count, close: () => new Promise((end) => s.close(end)) });
    if (kind === 'udp') {
      const s = createSocket('udp4');
      s.on('message', (msg, from) => {
        count++;
        s.send('y', from.port, from.address);
      });
      s.bind(0, '127.0.0.1', () => done(s, s.address().port));
      return;
    }
    const s = createServer((c) => {
      count++;
      c.destroy();
    });
    s.listen(0, '127.0.0.1', () => done(s, s.address().port));
  });
}

describe('a rename or a link is decided by both its names, not by the first alone', () => {
  // As learned for a program that writes under permit/: no rule says anything of a second name.
  for (const [who, as] of users)
    for (const flags of [[], ['-K']]) {
      test(`${flags.length === 0 ? 'exact' : '-K'} (as ${who})`, async (t) => {
        const dir = arena();
        // nobody owns the arena, as a user owns what it works on.
        if (as) for (const path of walk(dir)) chownSync(path, as.uid, as.gid);
        const before = snapshot(join(dir, 'forbid'));
        const run = await underSysgate(
          program('second-name'),
          [dir, String(ATTEMPTS), String(SECONDS)],
          [
            'native-fsread: true then permit',
            `native-fswrite: filename match "${dir}/permit" then permit`,
            `native-fswrite: filename match "${dir}/forbid" then deny[eacces]`,
            'native-execve: permit',
          ],
          { as, flags },
        );
        counted(t, run);
        assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
      });
    }
});

/** `dir` and everything under it. */
function walk(dir) {
  return [dir, ...readdirSync(dir, { withFileTypes: true, recursive: true }).map((e) => join(e.parentPath ?? e.path, e.name))];
}

describe('a second thread flips the port of the address between a permitted and a forbidden one', () => {
  for (const [call, kind] of [
    ['connect', 'tcp'],
    ['sendto', 'udp'],
    ['sendmmsg', 'udp'],
  ]) {
    test(call === 'sendto' ? 'sendto and sendmsg' : call, async (t) => {
      const [permitted, forbidden] = [await server(kind), await server(kind)];
      try {
        const allowed = `inet-[127.0.0.1]:${permitted.port}`;
        const run = await underSysgate(
          program('race-connect'),
          [call, String(permitted.port), String(forbidden.port), String(ATTEMPTS), String(SECONDS)],
          [
            ...baseRules(root),
            'native-socket: permit',
            'native-getpeername: permit',
            'native-recvfrom: permit',
            `native-connect: sockaddr eq "${allowed}" then permit`,
            `native-sendto: sockaddr eq "${allowed}" then permit`,
            `native-sendmsg: sockaddr eq "${allowed}" then permit`,
            `native-sendmmsg: sockaddr eq "${allowed}" then permit`,
          ],
        );
        counted(t, run);
        assert.equal(forbidden.count(), 0, 'the forbidden server was reached');
        assert.ok(permitted.count() > 0, 'the permitted server was never reached');
      } finally {
        await Promise.all([permitted.close(), forbidden.close()]);
      }
    });
  }
});

describe('routes around seccomp are closed unless a rule names them', () => {
  // The policy permits seccomp() and prctl() by name (a program may restrict itself), signals,
  // and a fork; it names none of the routes.
  const routes = {
    io_uring: 'io_uring_setup: a ring whose operations seccomp never sees',
    listener: 'seccomp(NEW_LISTENER): a listener of its own answering its own calls',
    'listener-wide': 'the same with the high bits of the operation and flags set',
    filter: 'a filter of its own that allows everything (prctl and seccomp)',
    ptrace: 'PTRACE_ATTACH to a traced sibling',
    'vm-write': 'process_vm_writev into a traced sibling',
    'proc-mem': 'opening /proc/SIBLING/mem for writing',
    userfaultfd: 'userfaultfd(2) and /dev/userfaultfd',
    int80: 'the i386 entry point, int 0x80',
    x32: 'the x32 entry point',
  };
  for (const [route, what] of Object.entries(routes)) {
    test(`${route}: ${what}`, async (t) => {
      const dir = arena();
      const run = await underSysgate(
        program('routes'),
        [route, join(dir, 'forbid', 'secret'), '200', String(SECONDS)],
        [...baseRules(dir), 'native-seccomp: permit', 'native-prctl: permit', 'native-kill: permit'],
      );
      counted(t, run);
    });
  }
});

test('tiocsti: TIOCSTI and TIOCLINUX type into its terminal, though a rule permits every ioctl', async (t) => {
  const dir = arena();
  const run = await underSysgate(
    program('routes'),
    ['tiocsti', join(dir, 'forbid', 'secret'), '200', String(SECONDS)],
    [...baseRules(dir), ...terminalRules],
  );
  counted(t, run);
});

test('clone-ns: fork runs in the kernel, but a clone making a namespace (or CLONE_PARENT), and clone3, are still refused by a policy naming no clone', async (t) => {
  const dir = arena();
  const run = await underSysgate(
    program('routes'),
    ['clone-ns', '/etc/hostname', '50', String(SECONDS)],
    baseRules(dir).filter((r) => !r.startsWith('native-clone')),
  );
  counted(t, run);
});

test('the supervisor itself is out of reach of a program of its own user that a policy lets ptrace, process_vm_writev and pidfd_getfd', async (t) => {
  // As root, the supervisor would be root's and the program too: root may do anything.
  const as = process.getuid() === 0 ? { uid: 65534, gid: 65534 } : undefined;
  const run = await underSysgate(
    program('routes'),
    ['supervisor', '/etc/hostname', '50', String(SECONDS)],
    [
      'native-fsread: true then permit',
      `native-execve: filename eq "${program('routes')}" then permit`,
      'native-ptrace: permit',
      'native-process_vm_writev: permit',
      'native-pidfd_open: permit',
      'native-pidfd_getfd: permit',
      'native-fswrite: filename match "/proc" then permit',
    ],
    { as },
  );
  counted(t, run);
});

// A debugger's policy: it may ptrace, read and write others' memory, take their descriptors,
// compare them, and read /proc. Whatever it permits, sysgate's own processes (the supervisor,
// its Node.js host, the front door) and everything else outside the traced tree are out of
// reach, as the program's own user (root here, the hole: the host is dumpable) and as nobody.
const debuggerRules = [
  'native-fsread: true then permit',
  'native-ptrace: permit',
  'native-process_vm_readv: permit',
  'native-process_vm_writev: permit',
  'native-pidfd_open: permit',
  'native-pidfd_getfd: permit',
  'native-kcmp: permit',
  'native-kill: permit',
];

describe('sysgate\'s own processes are out of reach of a traced debugger', () => {
  for (const [who, as] of users)
    for (const flags of [[], ['-K']]) {
      const mode = flags.length > 0 ? `, under ${flags.join(' ')}` : '';
    test(`host: ptrace, process_vm_readv/writev, pidfd_open and pidfd_getfd, kcmp of every ancestor of the supervisor are refused (as ${who}${mode})`, async (t) => {
      const run = await underSysgate(
        program('routes'),
        ['host', '/etc/hostname', '50', String(SECONDS)],
        [`native-execve: filename eq "${program('routes')}" then permit`, ...debuggerRules],
        { as, flags },
      );
      counted(t, run);
    });

    test(`host-proc: /proc/PID/mem and environ of every ancestor of the supervisor are refused (as ${who}${mode})`, async (t) => {
      const run = await underSysgate(
        program('routes'),
        ['host-proc', '/etc/hostname', '50', String(SECONDS)],
        [`native-execve: filename eq "${program('routes')}" then permit`, ...debuggerRules],
        { as, flags },
      );
      counted(t, run);
    });

    test(`debugger: a traced program still ptraces, reads, pidfds and kcmps its own child (as ${who}${mode})`, async (t) => {
      const run = await underSysgate(
        program('routes'),
        ['debugger', '/etc/hostname', '20', String(SECONDS)],
        [`native-execve: filename eq "${program('routes')}" then permit`, ...debuggerRules],
        { as, flags },
      );
      counted(t, run);
    });
    }
});

// A real debugger, learned and then enforced: strace -f traces the child it runs (its own
// traced child), as root and as nobody.
describe('strace -f under sysgate: a debugger of its own children still works', () => {
  const strace = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));
  for (const [who] of users) {
    test(`strace -f /bin/true, learned then enforced (as ${who})`, { skip: !strace && 'no strace here' }, () => {
      const home = mkdtempSync(join(tmpdir(), 'sysgate-strace-'));
      const as = who === 'nobody' ? ['-c', 'nobody:nogroup'] : [];
      const run = (flags) =>
        spawnSync(process.execPath, [SYSGATE, ...as, ...flags, strace, '-f', '-o', '/dev/null', '/bin/true'], {
          cwd: home,
          env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_RUNTIME_DIR: home },
          encoding: 'utf8',
          timeout: 60_000,
        });
      try {
        const learned = run(['-A']);
        assert.equal(learned.status, 0, `under -A: ${learned.stderr}`);
        for (const flags of [['-a', '-e'], ['-a', '-K', '-e']]) {
          const r = run(flags);
          assert.equal(r.status, 0, `under ${flags.join(' ')}: ${r.stderr}`);
          assert.doesNotMatch(r.stderr, /^deny /m, `under ${flags.join(' ')}`);
        }
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  }
});

test('the attackers are built', () => {
  for (const name of ['race-path', 'race-fd', 'symlink-swap', 'race-connect', 'race-exec', 'exec-target', 'routes'])
    assert.ok(existsSync(program(name)), program(name));
});

/*
 * Issue 13, decisions that miss a name: an orphan keeps the policy it inherited, and an
 * AF_UNIX address is connected to (or bound) as decided. Each runs as root and as nobody
 * (sysgate itself, and so its supervisor, as that user), exact and under -K.
 */
describe('an orphan keeps its inherited policy; an AF_UNIX path is used as decided', () => {
  /** An arena (readable by nobody too) with PROG, a copy of the attacker, in its permit/ side. */
  function orphanArena() {
    const dir = arena();
    chmodSync(dir, 0o755);
    const prog = join(dir, 'permit', 'prog');
    copyFileSync(program('orphan'), prog);
    chmodSync(prog, 0o755);
    return { dir, prog };
  }
  const modes = [[], ['-K']];
  const name = (flags, user) => `(as ${user}${flags.length > 0 ? `, under ${flags.join(' ')}` : ''})`;

  /** underSysgate with more than one policy: `policies` maps a program to its rules. */
  function underPolicies(path, args, policies, { as, flags = [] } = {}) {
    const files = Object.entries(policies).map(([prog, rules]) => {
      const file = join(root, `policy-${++runs}`);
      writeFileSync(file, `Policy: ${prog}, Emulation: native\n${rules.map((r) => `\t${r}\n`).join('')}`);
      return file;
    });
    const home = join(root, `home-${++runs}`);
    mkdirSync(home);
    if (as) chownSync(home, as.uid, as.gid);
    return sysgate(
      ['-a', ...flags, '-E', join(home, 'decisions.log'), ...files.flatMap((f) => ['-f', f]), path, ...args],
      home,
      as,
    );
  }

  // The program may read its permit/ side and run PROG (a copy of itself) under its own policy,
  // inherited; PROG's own policy permits everything. Each orphan of PROG's must still be under
  // the program's: its open and chmod of forbid/secret fail, its open of permit/secret works.
  for (const [user, as] of users)
    for (const flags of modes)
      for (const inherit of ['permit[inherit]', '-i']) {
        test(`orphans of a program run under ${inherit} keep the inherited policy ${name(flags, user)}`, async (t) => {
          const { dir, prog } = orphanArena();
          const before = snapshot(join(dir, 'forbid'));
          const own = [
            `native-execve: filename eq "${program('orphan')}" then permit`,
            `native-execve: filename eq "${prog}" then ${inherit === '-i' ? 'permit' : 'permit[inherit]'}`,
            'native-fsread: filename eq "/etc/ld.so.cache" then permit',
            'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
            `native-fsread: filename match "${dir}/permit" then permit`,
            'native-clone: permit',
          ];
          const run = await underPolicies(
            program('orphan'),
            ['exec', prog, dir, '300', String(SECONDS)],
            {
              [program('orphan')]: own,
              [prog]: ['native-fsread: true then permit', 'native-fswrite: true then permit', 'native-execve: permit', 'native-clone: permit'],
            },
            { as, flags: inherit === '-i' ? [...flags, '-i'] : flags },
          );
          counted(t, run);
          assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
        });
      }

  // The program is a child subreaper with a wide policy; PROG, which it runs, has a narrow one
  // of its own. PROG's orphans come to the program: they keep PROG's policy, not the program's.
  for (const [user, as] of users)
    for (const flags of modes) {
      test(`orphans that a traced subreaper takes in keep their own lineage's policy ${name(flags, user)}`, async (t) => {
        const { dir, prog } = orphanArena();
        const before = snapshot(join(dir, 'forbid'));
        const run = await underPolicies(
          program('orphan'),
          ['subreaper', prog, dir, '300', String(SECONDS)],
          {
            [program('orphan')]: [
              'native-fsread: true then permit',
              'native-fswrite: true then permit',
              'native-execve: permit',
              'native-clone: permit',
              'native-prctl: permit',
            ],
            [prog]: [
              `native-execve: filename eq "${prog}" then permit`,
              'native-fsread: filename eq "/etc/ld.so.cache" then permit',
              'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
              `native-fsread: filename match "${dir}/permit" then permit`,
              'native-clone: permit',
            ],
          },
          { as, flags },
        );
        counted(t, run);
        assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
      });
    }

  // PROG ran under its own policy too: which policy an orphan of it inherited cannot be told,
  // and it gets none (no rule permits its calls), never PROG's own.
  for (const [user, as] of users)
    for (const flags of modes) {
      test(`an orphan whose lineage cannot be told gets no rule, not its program's own policy ${name(flags, user)}`, async (t) => {
        const { dir, prog } = orphanArena();
        const before = snapshot(join(dir, 'forbid'));
        const run = await underPolicies(
          program('orphan'),
          ['both', prog, dir, '50', String(SECONDS)],
          {
            [program('orphan')]: [
              `native-execve: filename eq "${program('orphan')}" then permit`,
              `native-execve: filename eq "${prog}" and argv eq "${prog} idle" then permit`,
              `native-execve: filename eq "${prog}" then permit[inherit]`,
              'native-fsread: filename eq "/etc/ld.so.cache" then permit',
              'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
              `native-fsread: filename match "${dir}/permit" then permit`,
              'native-clone: permit',
            ],
            [prog]: ['native-fsread: true then permit', 'native-fswrite: true then permit', 'native-execve: permit', 'native-clone: permit'],
          },
          { as, flags },
        );
        const m = run.stdout.match(/^attempts (\d+) permitted (\d+) escapes (\d+)$/m);
        assert.ok(m, `no count from the attacker (status ${run.status}): ${run.stdout}${run.stderr}`);
        t.diagnostic(`${m[1]} attempts, ${m[2]} permitted, ${m[3]} escapes`);
        assert.ok(Number(m[1]) > 0, 'the attacker made no attempt');
        assert.equal(Number(m[3]), 0, `${m[3]} of ${m[1]} attempts got through`);
        assert.equal(Number(m[2]), 0, 'an orphan of unknown lineage had a policy permitting its open');
        assert.match(run.stderr, /its parent exited before it was seen, and which policy it inherited cannot be told/);
        assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
      });
    }

  /** A UNIX stream server on `path` (`\0name`: abstract) counting its connections. */
  const unixServer = (path) =>
    new Promise((resolve) => {
      let count = 0;
      const s = createServer((c) => {
        count++;
        c.destroy();
      });
      s.listen(path, () => {
        if (!path.startsWith('\0')) chmodSync(path, 0o777);
        resolve({ count: () => count, close: () => new Promise((end) => s.close(end)) });
      });
    });

  // A second thread flips sun_path between a name the policy permits and one it does not.
  for (const [user, as] of users)
    for (const flags of modes)
      for (const kind of ['path', 'abstract']) {
        test(`connect to a ${kind} AF_UNIX name flipped by a second thread ${name(flags, user)}`, async (t) => {
          const dir = arena();
          chmodSync(dir, 0o755);
          for (const side of ['permit', 'forbid']) chmodSync(join(dir, side), 0o777);
          const tag = `${process.pid}-${runs}`;
          const [permit, forbid] =
            kind === 'path'
              ? [join(dir, 'permit', 'sock'), join(dir, 'forbid', 'sock')]
              : [`@sysgate-permit-${tag}`, `@sysgate-forbid-${tag}`];
          const listen = (n) => (n.startsWith('@') ? `\0${n.slice(1)}` : n);
          const [permitted, forbidden] = [await unixServer(listen(permit)), await unixServer(listen(forbid))];
          try {
            const run = await underSysgate(
              program('race-unix'),
              ['connect', permit, forbid, String(ATTEMPTS), String(SECONDS)],
              [
                `native-execve: filename eq "${program('race-unix')}" then permit`,
                'native-fsread: filename eq "/etc/ld.so.cache" then permit',
                'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
                'native-clone: permit',
                'native-socket: permit',
                'native-getpeername: permit',
                // An abstract name as Node.js binds it: sun_path in full, NULs shown as @.
                `native-connect: sockaddr eq "${kind === 'path' ? permit : permit.padEnd(108, '@')}" then permit`,
              ],
              { as, flags },
            );
            counted(t, run);
            assert.equal(forbidden.count(), 0, 'the forbidden server was reached');
            assert.ok(permitted.count() > 0, 'the permitted server was never reached');
          } finally {
            await Promise.all([permitted.close(), forbidden.close()]);
          }
        });
      }

  // bind makes the socket file: only under the name decided on.
  for (const [user, as] of users)
    for (const flags of modes) {
      test(`bind to an AF_UNIX path flipped by a second thread ${name(flags, user)}`, async (t) => {
        const dir = arena();
        chmodSync(dir, 0o755);
        for (const side of ['permit', 'forbid']) chmodSync(join(dir, side), 0o777);
        const before = snapshot(join(dir, 'forbid'));
        const [permit, forbid] = [join(dir, 'permit', 'sock'), join(dir, 'forbid', 'sock')];
        const run = await underSysgate(
          program('race-unix'),
          ['bind', permit, forbid, String(ATTEMPTS), String(SECONDS)],
          [
            `native-execve: filename eq "${program('race-unix')}" then permit`,
            'native-fsread: true then permit',
            `native-fswrite: filename match "${dir}/permit" then permit`,
            'native-clone: permit',
            'native-socket: permit',
            `native-bind: sockaddr eq "${permit}" then permit`,
          ],
          { as, flags },
        );
        counted(t, run);
        assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
      });
    }
});

// The supervisor lends nothing it holds (issue 13): what it performs for a program is judged by
// the program's own privileges in the supervisor's user namespace, control messages included,
// and sysgate's Node.js host is out of reach of the user's other processes. As root and as
// nobody (`-c nobody:nogroup`: the supervisor stays root, the one with something to lend), in
// the exact mode and under -K.
describe('the supervisor lends nothing it holds', () => {
  const needsRoot = process.getuid() !== 0 && 'needs root (another user, and a supervisor with capabilities)';
  const confined = [
    ['root', []],
    ['nobody', ['-c', 'nobody:nogroup']],
  ];
  const modes = [[], ['-K']];
  const label = (who, flags) => `as ${who}${flags.length > 0 ? ', under -K' : ''}`;

  /** A directory nobody can reach, with permit/ writable by all, and two files of another user. */
  const stage = () => {
    const dir = mkdtempSync(join(root, 'lend-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'permit'));
    chmodSync(join(dir, 'permit'), 0o777);
    for (const [name, mode] of [
      ['other', 0o666],
      ['private', 0o600],
    ]) {
      writeFileSync(join(dir, 'permit', name), 'theirs');
      chmodSync(join(dir, 'permit', name), mode);
      chownSync(join(dir, 'permit', name), 4243, 4243);
    }
    return dir;
  };
  /** What the attack must leave as it was: the other user's files, and no device or link made. */
  const state = (dir) =>
    ['other', 'private', 'node', 'linked'].map((name) => {
      const path = join(dir, 'permit', name);
      if (!existsSync(path)) return `${name} absent`;
      const st = lstatSync(path);
      return `${name} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${st.nlink}`;
    });

  // A port below ip_unprivileged_port_start, on which bind needs CAP_NET_BIND_SERVICE.
  const LOW_PORT = 7;
  const inNamespace = "a program in a user namespace of its own gets none of the supervisor's capabilities";
  const capabilityTests = [
    ...['clone', 'unshare', 'unshare-umask'].flatMap((how) => confined.map(([who, as]) => [how, who, as, inNamespace])),
    // Only root can give up root.
    ['setuid', 'root', [], 'a program that gave up root for nobody gets none of the capabilities it had'],
  ];
  for (const [how, who, as, what] of capabilityTests)
    for (const flags of modes)
      test(`userns (${how}): ${what}: trusted.* and security.capability attributes, chown, mknod, chmod and utimes of another's file, a link to it, reading it, bind below 1024 (${label(who, flags)})`, { skip: needsRoot }, async (t) => {
        const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
        assert.ok(LOW_PORT < start, `port ${LOW_PORT} needs no privilege here`);
        const dir = stage();
        const before = state(dir);
        const run = await underSysgate(
          program('userns'),
          [how, dir, String(LOW_PORT), String(ATTEMPTS), String(SECONDS)],
          [
            // As learned: each call on a file by its name, so the supervisor performs it.
            `native-fsread: filename match "${dir}/permit" then permit`,
            'native-fsread: true then permit',
            `native-fswrite: filename match "${dir}/permit" then permit`,
            `native-fsetxattr: filename match "${dir}/permit" then permit`,
            `native-fchown: filename match "${dir}/permit" then permit`,
            `native-execve: filename eq "${program('userns')}" then permit`,
            'native-clone: permit',
            'native-unshare: permit',
            'native-umask: permit',
            'native-prctl: permit',
            'native-setgroups: permit',
            'native-setresgid: permit',
            'native-setresuid: permit',
            'native-socket: permit',
            `native-bind: sockaddr eq "inet-[127.0.0.1]:${LOW_PORT}" then permit`,
          ],
          { flags: [...as, ...flags] },
        );
        counted(t, run);
        assert.deepEqual(state(dir), before, "the other user's files changed");
        const own = lstatSync(join(dir, 'permit', 'own'));
        assert.equal(own.uid, who === 'root' && how !== 'setuid' ? 0 : 65534, 'its own file changed hands');
      });

  // In its own process, root's control messages are its own to send (the control: they must
  // still go); everywhere else they must fail as they would without sysgate.
  for (const how of ['plain', 'clone'])
    for (const [who, as] of confined)
      for (const flags of modes)
        test(`cmsg (${how}): sendmsg and sendmmsg with SO_MARK and SO_PRIORITY 7 control messages are sent with the program's privileges, not the supervisor's (${label(who, flags)})`, { skip: needsRoot }, async (t) => {
          const udp = await server('udp');
          try {
            const run = await underSysgate(
              program('cmsg'),
              [how, String(udp.port), String(ATTEMPTS), String(SECONDS)],
              [
                'native-fsread: true then permit',
                `native-execve: filename eq "${program('cmsg')}" then permit`,
                'native-clone: permit',
                'native-capget: permit',
                'native-prctl: permit',
                'native-socket: permit',
                `native-sendmsg: sockaddr eq "inet-[127.0.0.1]:${udp.port}" then permit`,
                `native-sendmmsg: sockaddr eq "inet-[127.0.0.1]:${udp.port}" then permit`,
              ],
              { flags: [...as, ...flags] },
            );
            counted(t, run);
            assert.ok(udp.count() > 0, 'no datagram arrived');
          } finally {
            await udp.close();
          }
        });

  // The host runs as an unprivileged user and so does the attacker, outside the traced tree:
  // with CAP_SYS_PTRACE (root) the kernel lets anything through, dumpable or not.
  const unprivileged = process.getuid() === 0 ? { uid: 65534, gid: 65534 } : {};
  const hostUser = process.getuid() === 0 ? 'nobody' : 'self';
  for (const flags of modes)
    test(`host-dump: a process of the host's own user, not traced, cannot ptrace, read the memory of, open /proc/PID/mem, environ, fd/ of, or take descriptors from sysgate's Node.js host or its supervisor (${label(hostUser, flags)})`, async (t) => {
      const home = mkdtempSync(join(root, 'host-dump-'));
      const policy = join(home, 'policy');
      writeFileSync(
        policy,
        `Policy: ${program('host-dump')}, Emulation: native\n\tnative-fsread: true then permit\n\tnative-execve: filename eq "${program('host-dump')}" then permit\n`,
      );
      chmodSync(home, 0o755);
      chmodSync(policy, 0o644);
      if (unprivileged.uid !== undefined) chownSync(home, unprivileged.uid, unprivileged.gid);
      const host = spawn(process.execPath, [SYSGATE, '-a', ...flags, '-f', policy, program('host-dump'), 'hold'], {
        stdio: ['pipe', 'pipe', 'pipe'],
        cwd: home,
        env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_RUNTIME_DIR: home },
        ...unprivileged,
      });
      let out = '';
      let err = '';
      host.stderr.setEncoding('utf8').on('data', (d) => (err += d));
      const closed = new Promise((resolve) => host.on('close', (status) => resolve(status)));
      const timer = setTimeout(() => host.kill('SIGKILL'), 60_000);
      try {
        // The program runs: the host has started the supervisor, and is as it will stay.
        await new Promise((resolve, reject) => {
          host.stdout.setEncoding('utf8').on('data', (d) => {
            out += d;
            if (out.includes('ready\n')) resolve();
          });
          closed.then(() => reject(new Error(`sysgate ended before its program was ready: ${err}`)));
        });
        const attacker = spawnSync(
          program('host-dump'),
          ['attack', String(host.pid), String(ATTEMPTS), String(SECONDS)],
          { encoding: 'utf8', timeout: 60_000, ...unprivileged },
        );
        counted(t, attacker);
      } finally {
        host.stdin.end();
        const status = await closed;
        clearTimeout(timer);
        assert.equal(status, 0, `sysgate, not dumpable, still ran its program: ${err}`);
      }
    });
});

// sysgate's own files (native/own-files.c): under a policy that permits writing under $HOME,
// as `sysgate -A` learns for a program with caches there, a program tries every way to change
// a policy, a template, a run plan, a compiled policy, the run's -f policy file, the history's
// folder and the app socket, where sysgate keeps them in its HOME. As root and as nobody (each
// in a home of its own, the files its own), exact and under -K.
describe('sysgate\'s own files stay as they are, whatever the policy permits', () => {
  /** A home with sysgate's files in it (stand-ins), owned by the user that runs. */
  function ownHome(as) {
    const home = mkdtempSync(join(root, 'own-home-'));
    const files = [
      '.config/sysgate/policies/usr_bin_victim',
      '.config/sysgate/policies/templates/victim',
      '.cache/sysgate/runs/0123456789abcdef',
      '.cache/sysgate/compiled/victim',
    ];
    for (const file of files) {
      mkdirSync(join(home, file, '..'), { recursive: true });
      writeFileSync(join(home, file), 'original\n', { mode: 0o644 });
    }
    mkdirSync(join(home, '.local/share/sysgate'), { recursive: true });
    mkdirSync(join(home, 'sysgate'), { mode: 0o700 });
    if (as) spawnSync('chown', ['-R', `${as.uid}:${as.gid}`, home]);
    else chmodSync(home, 0o755);
    return home;
  }

  /** The app socket's stand-in, listening in the socket's folder ($XDG_RUNTIME_DIR/sysgate). */
  function listen(path, as) {
    return new Promise((resolve) => {
      const server = createServer((c) => c.destroy()).listen(path, () => {
        if (as) chownSync(path, as.uid, as.gid);
        resolve(server);
      });
    });
  }

  function run(home, policy, as, flags) {
    return sysgate(
      ['-a', '-i', ...flags, '-E', join(home, 'work.log'), '-f', policy,
        program('own-files'), home, policy, String(ATTEMPTS), String(SECONDS)],
      home,
      as,
    );
  }

  /** What an attack could change: the files (by name, kind, mode, content) and ~/.config. */
  function ownSnapshot(home, policy) {
    return [
      ...snapshot(join(home, '.config')),
      ...snapshot(join(home, '.cache/sysgate')).filter((l) => !/^runs\/[0-9a-f]{16} /.test(l) || l.startsWith('runs/0123456789abcdef ')).filter((l) => !l.startsWith('compiled/') || l.startsWith('compiled/victim ')),
      `${lstatSync(join(home, '.config')).ino}`,
      readFileSync(policy, 'utf8'),
      `${lstatSync(policy).mode.toString(8)} ${lstatSync(policy).nlink}`,
      ...readdirSync(join(home, 'sysgate')).sort(),
      ...readdirSync(join(home, '.local/share/sysgate')).filter((n) => !n.startsWith('history.sqlite3')),
    ];
  }

  for (const [who, as] of users)
    for (const flags of [[], ['-K']]) {
      test(`open, create, rename, link, unlink, chmod, truncate, utimes, setxattr, O_TMPFILE, links, .., ~/.config moved, the app socket (as ${who}${flags.length > 0 ? ', under -K' : ''})`, async (t) => {
        const home = ownHome(as);
        const policy = join(home, 'work-policy');
        const attacker = program('own-files');
        writeFileSync(
          policy,
          [
            `Policy: ${attacker}, Emulation: native`,
            '\tnative-fsread: true then permit',
            '\tnative-fswrite: filename match "$HOME/*" then permit',
            '\tnative-fswrite: filename[1] match "$HOME/*" then permit',
            `\tnative-fswrite: filename eq "${policy}" then permit`,
            // Calls whose rules compare nothing: decided on registers, allowed in the kernel under -K.
            ...['chmod', 'fchmod', 'fchmodat', 'truncate', 'utimes', 'utimensat', 'setxattr',
              'rename', 'renameat', 'renameat2', 'link', 'linkat', 'unlink', 'unlinkat',
              'symlink', 'symlinkat', 'mkdir', 'mknod', 'mknodat', 'socket', 'bind', 'connect']
              .map((c) => `\tnative-${c}: permit`),
            `\tnative-execve: filename eq "${attacker}" then permit`,
            '\tnative-clone: permit',
            '',
          ].join('\n'),
          { mode: 0o644 },
        );
        if (as) chownSync(policy, as.uid, as.gid);
        const server = await listen(join(home, 'sysgate', 'app.sock'), as);
        try {
          const before = ownSnapshot(home, policy);
          const r = await run(home, policy, as, flags);
          counted(t, r);
          assert.deepEqual(ownSnapshot(home, policy), before, 'sysgate\'s own files changed');
        } finally {
          server.close();
        }
      });
    }
});

/**
 * A script's `#!` interpreter is an execution of its own, decided by the execve rules as one:
 * a program that may write and run a script runs only the interpreters its policy names, as
 * root and as nobody, in exact mode and under -K (whose Landlock grants were computed from the
 * `#!` line a previous run left: the script starts out naming the forbidden program).
 */
describe('a script names a program its policy does not let run as its #! interpreter', () => {
  const prepare = (dir, as) => {
    chmodSync(dir, 0o755);
    copyFileSync(program('interp-target'), join(dir, 'permit', 'prog'));
    copyFileSync(program('interp-target'), join(dir, 'forbid', 'prog'));
    for (const side of ['permit', 'forbid']) chmodSync(join(dir, side, 'prog'), 0o755);
    for (const name of ['script', 'inner']) {
      writeFileSync(join(dir, 'permit', name), `#!${dir}/forbid/prog\n`, { mode: 0o755 });
      if (as) chownSync(join(dir, 'permit', name), as.uid, as.gid);
    }
    if (as) chownSync(join(dir, 'permit'), as.uid, as.gid);
  };
  const rules = (dir) => [
    `native-execve: filename eq "${program('script-interp')}" then permit`,
    // inherit: what runs keeps this policy, as a forbidden program would like.
    `native-execve: filename eq "${dir}/permit/script" then permit[inherit]`,
    `native-execve: filename eq "${dir}/permit/inner" then permit[inherit]`,
    `native-execve: filename eq "${dir}/permit/prog" then permit[inherit]`,
    'native-fsread: filename eq "/etc/ld.so.cache" then permit',
    'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
    'native-fsread: filename match "/lib/*-linux-gnu" then permit',
    'native-fsread: filename eq "/proc/self/exe" then permit',
    `native-fsread: filename match "${dir}/permit" then permit`,
    `native-fswrite: filename match "${dir}/permit" then permit`,
    'native-readlink: filename eq "/proc/self/exe" then permit',
    'native-readlinkat: filename eq "/proc/self/exe" then permit',
    'native-clone: permit',
    'native-clone3: permit',
  ];
  for (const [who, as] of users)
    for (const flags of [[], ['-K']])
      for (const mode of ['line', 'race', 'nested']) {
        const how = `${mode} (as ${who}${flags.length > 0 ? `, under ${flags.join(' ')}` : ''})`;
        test(how, async (t) => {
          const dir = arena();
          prepare(dir, as);
          const run = await underSysgate(
            program('script-interp'),
            [mode, dir, '1000', String(SECONDS)],
            rules(dir),
            { as, flags },
          );
          counted(t, run);
        });
      }
});

/**
 * Nothing a program controls holds the supervisor: a `#!` interpreter or a program that is a
 * FIFO, a file the program holds a lease on (F_SETLEASE, which needs no rule) opened or
 * truncated by a child. The program's own next call is answered at once (an escape is one
 * that took more than 2 s), and the run ends well within the 45 s of a lease break (it hung
 * for ever with a FIFO).
 */
describe('a FIFO or a lease does not hold the supervisor', () => {
  const rules = (dir) => [
    `native-execve: filename eq "${program('hang')}" then permit`,
    `native-execve: filename match "${dir}/permit" then permit`,
    'native-fsread: filename eq "/etc/ld.so.cache" then permit',
    'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
    'native-fsread: filename match "/lib/*-linux-gnu" then permit',
    `native-fsread: filename match "${dir}/permit" then permit`,
    `native-fswrite: filename match "${dir}/permit" then permit`,
    'native-kill: permit',
    'native-clone: permit',
    'native-clone3: permit',
  ];
  for (const [who, as] of users)
    for (const flags of [[], ['-K']])
      for (const mode of ['fifo-interp', 'fifo-exec', 'lease-open', 'lease-truncate']) {
        const how = `${mode} (as ${who}${flags.length > 0 ? `, under ${flags.join(' ')}` : ''})`;
        test(how, async (t) => {
          const dir = arena();
          chmodSync(dir, 0o755);
          if (as) chownSync(join(dir, 'permit'), as.uid, as.gid);
          const started = Date.now();
          const run = await underSysgate(program('hang'), [mode, dir, '4', String(SECONDS)], rules(dir), {
            as,
            flags,
          });
          const took = Date.now() - started;
          t.diagnostic(`the run took ${took} ms`);
          counted(t, run);
          assert.ok(took < 10_000, `the run took ${took} ms`);
        });
      }
});

/**
 * SIGTERM or SIGINT sent to sysgate ends the run, failing closed, even while the supervisor
 * is held deciding a call (held: a path in a page of the program's own userfaultfd, which a
 * policy permits) and the program ignores both signals: through Node.js (the first run) and
 * through the front door from the run's plan (the second, identical one). The run ends within
 * 10 s and the program is gone with it.
 */
describe('SIGTERM and SIGINT end a run whose supervisor is held', () => {
  const FRONT = join(CHECKOUT, 'native', 'build', 'sysgate');
  const started = (child) =>
    new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d;
        const m = out.match(/^held (\d+)$/m);
        if (m) resolve(Number(m[1]));
      });
      child.on('close', () => reject(new Error(`the program never started: ${out}`)));
    });
  const gone = (pid) => {
    try {
      return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return true;
    }
  };
  for (const [who, as] of users)
    for (const flags of [[], ['-K']])
      for (const signal of ['SIGTERM', 'SIGINT']) {
        const how = `${signal} (as ${who}${flags.length > 0 ? `, under ${flags.join(' ')}` : ''})`;
        test(how, async (t) => {
          const home = join(root, `home-${++runs}`);
          const policy = join(root, `policy-${runs}`);
          mkdirSync(home);
          if (as) chownSync(home, as.uid, as.gid);
          writeFileSync(
            policy,
            `Policy: ${program('held')}, Emulation: native\n${[
              `native-execve: filename eq "${program('held')}" then permit`,
              'native-fsread: true then permit',
              'native-userfaultfd: permit',
              'native-ioctl: permit',
            ]
              .map((r) => `\t${r}\n`)
              .join('')}`,
          );
          // A plan is never written for another supervisor (make san-smoke's).
          const starts = process.env.SYSGATE_SUPERVISOR ? ['Node.js'] : ['Node.js', 'the plan'];
          for (const start of starts) {
            // What bin/sysgate runs: the front door, which starts Node.js when there is no plan.
            const child = spawn(FRONT, ['-a', ...flags, '-f', policy, program('held')], {
              stdio: ['ignore', 'pipe', 'pipe'],
              cwd: home,
              env: {
                ...process.env,
                HOME: home,
                XDG_CONFIG_HOME: join(home, '.config'),
                XDG_CACHE_HOME: join(home, '.cache'),
                XDG_RUNTIME_DIR: home,
                SYSGATE_EXPLAIN_START: '1',
              },
              ...as,
            });
            let stderr = '';
            child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
            const closed = new Promise((resolve) => child.on('close', (status, sig) => resolve({ status, sig })));
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            const pid = await started(child);
            // Its open is in the supervisor's hands by now.
            await new Promise((resolve) => setTimeout(resolve, 1000));
            const sent = Date.now();
            child.kill(signal);
            const end = await closed;
            const took = Date.now() - sent;
            clearTimeout(timer);
            t.diagnostic(`from ${start}: ended ${took} ms after ${signal} (${JSON.stringify(end)})`);
            assert.equal(/from plan/.test(stderr), start === 'the plan', stderr);
            assert.ok(took < 10_000, `from ${start}: the run went on ${took} ms after ${signal}`);
            for (let i = 0; i < 20 && !gone(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
            assert.ok(gone(pid), `from ${start}: the program (pid ${pid}) outlived the run`);
          }
        });
      }
});

// Issue 16: `permit as root` is the one privilege a root supervisor lends, and only as wide as
// its rule. The program runs as nobody (-c nobody:nogroup); the rules elevate one read-only
// open of a root file of mode 0600 and one bind of 127.0.0.1:80.
describe('permit as root gives exactly its call and arguments, nothing more', () => {
  const needsRoot = process.getuid() !== 0 && 'needs root (a supervisor that can lend root)';
  const PORT = 80;
  const modes = [[], ['-K']];
  const asNobody = ['-c', 'nobody:nogroup'];

  /**
   * DIR/w (nobody's) holds d/secret, root's 0600 file the rule names, and l, a link to DIR/f/d,
   * which holds another root file `secret` no rule names.
   */
  const stage = () => {
    const dir = mkdtempSync(join(root, 'elevate-'));
    chmodSync(dir, 0o755);
    for (const [sub, text] of [['w/d', 'x'], ['f/d', 'the secret']]) {
      mkdirSync(join(dir, sub), { recursive: true, mode: 0o755 });
      writeFileSync(join(dir, sub, 'secret'), text, { mode: 0o600 });
    }
    symlinkSync(join(dir, 'f', 'd'), join(dir, 'w', 'l'));
    chownSync(join(dir, 'w'), 65534, 65534);
    return dir;
  };
  const state = (dir) =>
    ['w/d/secret', 'f/d/secret'].map((name) => {
      const st = lstatSync(join(dir, name));
      return `${name} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.nlink} ${readFileSync(join(dir, name), 'utf8')}`;
    });
  const elevated = (dir) => [
    ...['open', 'openat', 'openat2'].map(
      (call) => `native-${call}: filename eq "${dir}/w/d/secret" and oflags eq "ro" then permit as root`,
    ),
    `native-bind: sockaddr eq "inet-[127.0.0.1]:${PORT}" then permit as root`,
  ];
  const rest = (dir) => [
    'native-fsread: true then permit',
    `native-fswrite: filename match "${dir}/w" then permit`,
    `native-execve: filename eq "${program('elevate')}" then permit`,
    'native-clone: permit',
    'native-clone3: permit',
    'native-socket: permit',
    `native-bind: sockaddr eq "inet-[127.0.0.1]:${PORT + 1}" then permit`,
    'native-fchmod: permit',
    'native-fchown: permit',
    'native-ftruncate: permit',
  ];

  const attacks = [
    ['name', 'another root file, and the permitted name with its directory swapped for a link to another'],
    ['race', 'a second thread flips the path between the permitted name and another root file'],
    ['flags', 'O_RDWR, O_WRONLY|O_APPEND, O_RDONLY|O_TRUNC where the rule says ro, and openat2 with a second thread flipping its flags'],
    ['fd', 'the descriptor it gave used for more: write, ftruncate, fchmod, fchown, /proc/self/fd/N opened for writing, a link of it'],
    ['bind', `bind on ${PORT + 1}, and a second thread flipping the port between ${PORT} and ${PORT + 1}`],
  ];
  for (const [attack, what] of attacks)
    for (const flags of modes)
      test(`${attack}: ${what} (as nobody${flags.length > 0 ? ', under -K' : ''})`, { skip: needsRoot }, async (t) => {
        const dir = stage();
        const before = state(dir);
        const run = await underSysgate(
          program('elevate'),
          [attack, dir, String(PORT), String(ATTEMPTS), String(SECONDS)],
          [...elevated(dir), ...rest(dir)],
          { flags: [...asNobody, ...flags] },
        );
        counted(t, run);
        assert.deepEqual(state(dir), before, 'a root file changed');
      });

  /** `sysgate -a -e -c nobody:nogroup` of the elevate program, with `rules`: its output. */
  const once = async (rules, flags = []) => {
    const home = join(root, `home-${++runs}`);
    const policy = join(root, `policy-${runs}`);
    mkdirSync(home);
    writeFileSync(
      policy,
      `Policy: ${program('elevate')}, Emulation: native\n${[
        ...rules,
        `native-execve: filename eq "${program('elevate')}" then permit`,
        'native-fsread: true then permit',
        'native-socket: permit',
        'native-listen: permit',
      ]
        .map((r) => `\t${r}\n`)
        .join('')}`,
    );
    const run = await sysgate(['-a', '-e', ...flags, ...asNobody, '-f', policy, program('elevate'), 'once', root, String(PORT), '1', '1'], home);
    return { ...run, home };
  };
  for (const flags of modes)
    test(`end to end: a program run as nobody binds 127.0.0.1:${PORT} with the rule, and is denied without it; the elevated call is logged${flags.length > 0 ? ' (-K)' : ''}`, { skip: needsRoot }, async () => {
      const rule = `native-bind: sockaddr eq "inet-[127.0.0.1]:${PORT}" then permit as root`;
      const granted = await once([rule], flags);
      assert.equal(granted.stdout, `bound 127.0.0.1:${PORT} as uid 65534\n`, granted.stderr);
      assert.match(granted.stderr, new RegExp(`^permit user: nobody, .*syscall: native-bind\\(\\d+\\), fd: \\d+, sockaddr: inet-\\[127\\.0\\.0\\.1\\]:${PORT}, as: root:root$`, 'm'));
      // The history marks it, whatever its level (root's own: the run is root's).
      const log = await sysgate(['log', '--call', 'bind', '--limit', '1'], granted.home);
      assert.match(log.stdout, new RegExp(`permit as root:root \\S+elevate\\[\\d+\\] bind .*sockaddr: inet-\\[127\\.0\\.0\\.1\\]:${PORT}`), log.stdout + log.stderr);
      const plain = await once([rule.replace(' as root', '')], flags);
      assert.equal(plain.stdout, 'bind: Permission denied\n', 'the program\'s own privileges: EACCES');
      const none = await once([], flags);
      assert.equal(none.stdout, 'bind: Operation not permitted\n');
      assert.match(none.stderr, /^deny user: nobody, .*native-bind/m);
    });

  test('end to end: cat run as nobody reads a root file of mode 0600 with the rule only', { skip: needsRoot }, async () => {
    const dir = stage();
    const file = join(dir, 'w', 'd', 'secret');
    const cat = async (rules) => {
      const home = join(root, `home-${++runs}`);
      const policy = join(root, `policy-${runs}`);
      mkdirSync(home);
      writeFileSync(
        policy,
        `Policy: /usr/bin/cat, Emulation: native\n${[...rules, 'native-fsread: true then permit', 'native-execve: permit']
          .map((r) => `\t${r}\n`)
          .join('')}`,
      );
      return sysgate(['-a', '-e', ...asNobody, '-f', policy, '/usr/bin/cat', file], home);
    };
    const granted = await cat([`native-openat: filename eq "${file}" and oflags eq "ro" then permit as root`]);
    assert.equal(granted.stdout, 'x', granted.stderr);
    assert.equal(granted.status, 0);
    const refused = await cat([]);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /Permission denied/);
  });

  test('a policy with "as" is refused at its place when the supervisor would not be root: sysgate policy check, and the run', { skip: needsRoot }, async () => {
    const home = mkdtempSync(join(root, 'elevate-home-'));
    chownSync(home, 65534, 65534);
    const policy = join(home, 'policy');
    writeFileSync(policy, `Policy: /usr/bin/true, Emulation: native\n\tnative-bind: sockaddr eq "inet-[127.0.0.1]:${PORT}" then permit as root\n\tnative-kill: permit as root\n`);
    const nobody = { uid: 65534, gid: 65534 };
    const check = await sysgate(['policy', 'check', policy], home, nobody);
    assert.equal(check.status, 1);
    assert.match(check.stderr, new RegExp(`^${policy}:2:\\d+: error: the supervisor runs as uid 65534, not root`, 'm'));
    assert.match(check.stderr, new RegExp(`^${policy}:3:22: error: the supervisor cannot perform kill`, 'm'));
    const asRoot = await sysgate(['policy', 'check', policy], home);
    assert.doesNotMatch(asRoot.stderr, /:2:\d+: error/);
    assert.match(asRoot.stderr, /:3:22: error: the supervisor cannot perform kill/);
    const run = await sysgate(['-a', '-f', policy, '/usr/bin/true'], home, nobody);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, new RegExp(`${policy}:2:\\d+: error: the supervisor runs as uid 65534, not root`));
  });
});

/*
 * Issue 12, -K speed: with every open going to the supervisor (the run may make a name it
 * reads), a reading open it permits of a name Landlock grants is left to the kernel
 * (CONTINUE, `reads=exact`). A second thread flipping the name after the decision must meet
 * Landlock's refusal, never the forbidden file: as root and as nobody.
 */
describe('-K: a permitted reading open left to the kernel meets Landlock with a flipped name', () => {
  for (const [who, as] of users)
    test(`a flipped path: open, while the run may make a name it reads (as ${who})`, async (t) => {
      const dir = arena();
      chmodSync(dir, 0o777);
      const before = snapshot(join(dir, 'forbid'));
      const inode = String(lstatSync(join(dir, 'forbid', 'secret')).ino);
      const run = await underSysgate(
        program('race-path'),
        ['open', dir, inode, String(ATTEMPTS), String(SECONDS)],
        [
          `native-execve: filename eq "${program('race-path')}" then permit`,
          'native-fsread: filename eq "/etc/ld.so.cache" then permit',
          'native-fsread: filename match "/usr/lib/*-linux-gnu" then permit',
          `native-fsread: filename match "${dir}/permit" then permit`,
          // A name the run may make and read: every open goes to the supervisor.
          `native-fswrite: filename eq "${dir}/made" then permit`,
          `native-fsread: filename eq "${dir}/made" then permit`,
          'native-clone: permit',
          'native-clone3: permit',
        ],
        { as, flags: ['-K'] },
      );
      // The mode under test: opens supervised, the reading ones it permits left to the kernel.
      assert.match(run.stderr, /every open is decided by the supervisor.*is left to the kernel/, run.stderr);
      counted(t, run);
      assert.deepEqual(snapshot(join(dir, 'forbid')), before, 'the forbidden directory changed');
    });
});
