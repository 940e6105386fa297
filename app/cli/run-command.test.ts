// The command line against real programs, traced by the real supervisor: what a user of
// systrace did from a shell, done on Linux.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  SYSGATE,
  decisionLog,
  homeEnvironment,
  runSysgate,
} from '../core/testing/sysgate-command.js';
import { listenForTerminals } from '../core/app-socket.js';

const LS = realpathSync('/bin/ls');
const CAT = realpathSync('/bin/cat');
const SH = realpathSync('/bin/sh');
const TEE = realpathSync('/usr/bin/tee');
const SLEEP = realpathSync('/bin/sleep');
const FORKER = fileURLToPath(new URL('../../../native/build/forker', import.meta.url));
const FORKINTR = fileURLToPath(new URL('../../../native/build/forkintr', import.meta.url));
const DASH = realpathSync('/bin/dash');
const LINEAGE = fileURLToPath(new URL('../../../native/build/lineage', import.meta.url));
const FORKFIRST = fileURLToPath(new URL('../../../native/build/forkfirst', import.meta.url));

const nameOf = (program: string): string => program.slice(1).replace(/[^A-Za-z0-9]/g, '_');

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'sysgate-run-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

let homes = 0;
/** A fresh home directory with its own policy directory, as a new user would have. */
function home(): { home: string; policies: string; policy: (program: string) => string } {
  const dir = join(root, `home${++homes}`);
  mkdirSync(dir, { recursive: true });
  const policies = join(dir, '.config/sysgate/policies');
  return { home: dir, policies, policy: (program) => join(policies, nameOf(program)) };
}

function sysgate(
  where: { home: string },
  args: string[],
  options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return runSysgate(args, { home: where.home, ...options });
}

/**
 * `sysgate -a` with the decisions written to a file (-E), so that they cannot interleave with
 * what the program itself writes to its standard error.
 */
function enforce(
  where: { home: string },
  args: string[],
  options: { cwd?: string; input?: string } = {},
) {
  const log = join(where.home, `decisions-${++homes}.log`);
  const result = sysgate(where, ['-a', '-E', log, ...args], options);
  return { ...result, log: decisionLog(log) };
}

describe('learning then enforcing, as in the systrace chapter', () => {
  test('sysgate -A ls writes a policy permitting what ls did, reading the home directory included', () => {
    const h = home();
    writeFileSync(join(h.home, 'notes'), 'x');
    const learned = sysgate(h, ['-A', 'ls']);
    assert.equal(learned.status, 0, learned.stderr);
    assert.equal(learned.stdout, 'notes\n');
    assert.match(learned.stderr, new RegExp(`learned \\d+ rules? for ${LS}: ${h.policy(LS)}`));
    const policy = readFileSync(h.policy(LS), 'utf8');
    assert.match(policy, new RegExp(`^Policy: ${LS}, Emulation: native\n`));
    assert.ok(policy.includes(`\tnative-fsread: filename eq "${h.home}" then permit\n`), policy);
    assert.ok(policy.includes(`\tnative-execve: filename eq "${LS}" then permit\n`), policy);
    const check = spawnSync(process.execPath, [SYSGATE, 'policy', 'check', h.policy(LS)], {
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, check.stderr);

    const again = enforce(h, ['ls']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, 'notes\n');

    const denied = enforce(h, ['ls', '/etc/']);
    assert.notEqual(denied.status, 0);
    // GNU ls looks at its argument (statx) before it opens it; either is a read of /etc.
    assert.match(
      denied.stderr,
      /^ls: cannot (open directory|access) '\/etc\/': Operation not permitted$/m,
    );
    const line = denied.log.find((l) => l.startsWith('deny '));
    assert.ok(line, denied.log.join('\n'));
    assert.match(
      line,
      new RegExp(
        `^deny user: ${userInfo().username}, prog: ${LS}, pid: \\d+\\(0\\)\\[\\d+\\], policy: ${LS}, filters: \\d+, syscall: native-(statx|openat)\\(\\d+\\), filename: /etc$`,
      ),
    );
  });

  test('learning again adds only what the policy does not permit yet, and keeps what was there', () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'ls']).status, 0);
    appendFileSync(h.policy(LS), '\t# reviewed by hand\n');
    const before = readFileSync(h.policy(LS), 'utf8');
    const again = sysgate(h, ['-A', 'ls']);
    assert.equal(again.status, 0);
    assert.doesNotMatch(again.stderr, /learned/);
    assert.equal(readFileSync(h.policy(LS), 'utf8'), before);
    mkdirSync(join(h.home, 'sub'));
    assert.equal(sysgate(h, ['-A', 'ls', 'sub']).status, 0);
    const after = readFileSync(h.policy(LS), 'utf8');
    assert.ok(after.startsWith(before.trimEnd().split('\n\t# reviewed')[0]!));
    assert.match(after, /# reviewed by hand/);
    assert.ok(after.includes(`filename eq "${join(h.home, 'sub')}" then permit`), after);
  });
});

describe('exact learning: what a learned policy permits is what the program did', () => {
  const TOUCH = realpathSync('/usr/bin/touch');
  const XZ = realpathSync('/usr/bin/xz');
  const denials = (run: { log: string[] }) => run.log.filter((l) => l.startsWith('deny '));

  test('touch learns the file it touched, and touching another file is denied and logged', () => {
    const h = home();
    const learned = sysgate(h, ['-A', 'touch', 'a']);
    assert.equal(learned.status, 0, learned.stderr);
    const policy = readFileSync(h.policy(TOUCH), 'utf8');
    assert.ok(!policy.includes('\tnative-fswrite: permit\n'), policy);
    assert.ok(policy.includes(`\tnative-fswrite: filename eq "${h.home}/a" then permit\n`), policy);

    const again = enforce(h, ['touch', 'a']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(denials(again), []);

    const elsewhere = join(h.home, 'elsewhere');
    const denied = enforce(h, ['touch', elsewhere]);
    assert.notEqual(denied.status, 0);
    assert.ok(!existsSync(elsewhere), 'touch created a file no rule permits');
    assert.match(denied.stderr, /Operation not permitted/);
    assert.ok(
      denials(denied).some((l) => l.endsWith(`filename: ${elsewhere}, oflags: wonc, mode: 666`)),
      denied.log.join('\n'),
    );
  });

  test('a rename learned within its directory runs again, and a rename over a file elsewhere is denied and logged', () => {
    const h = home();
    const MV = realpathSync('/bin/mv');
    mkdirSync(join(h.home, 'd'));
    mkdirSync(join(h.home, 'other'));
    const victim = join(h.home, 'other/victim');
    writeFileSync(victim, 'precious\n');
    const script = 'echo x >d/a.tmp && mv d/a.tmp d/a';
    const learned = sysgate(h, ['-A', SH, '-c', script]);
    assert.equal(learned.status, 0, learned.stderr);
    // Each name of the rename is a rule of its own: the rule for one never stands for the other.
    const policy = readFileSync(h.policy(MV), 'utf8');
    assert.ok(
      policy.includes(`\tnative-fswrite: filename eq "${h.home}/d/a.tmp" then permit\n`),
      policy,
    );
    assert.ok(
      policy.includes(`\tnative-fswrite: filename eq "${h.home}/d/a" then permit\n`),
      policy,
    );

    rmSync(join(h.home, 'd/a'));
    const again = enforce(h, [SH, '-c', script]);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(denials(again), []);
    assert.equal(readFileSync(join(h.home, 'd/a'), 'utf8'), 'x\n');

    // The policy permits writing d/a.tmp, so the first name holds; the second does not.
    const over = enforce(h, [SH, '-c', 'echo x >d/a.tmp && mv d/a.tmp other/victim']);
    assert.notEqual(over.status, 0);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.ok(existsSync(join(h.home, 'd/a.tmp')));
    assert.ok(
      denials(over).some(
        (l) =>
          l.includes('syscall: native-rename') &&
          l.endsWith(`filename: ${h.home}/d/a.tmp, filename[1]: ${victim}`),
      ),
      over.log.join('\n'),
    );
  });

  test('xz learns fchmod and fchown by the file its descriptor names, and runs again undenied', () => {
    const h = home();
    writeFileSync(join(h.home, 'f'), 'some text\n'.repeat(100));
    const learned = sysgate(h, ['-A', 'xz', '-k', 'f']);
    assert.equal(learned.status, 0, learned.stderr);
    const policy = readFileSync(h.policy(XZ), 'utf8');
    assert.match(
      policy,
      new RegExp(`\tnative-fchmod: filename eq "${h.home}/f.xz" and mode eq "\\d+" then permit\n`),
    );
    assert.doesNotMatch(policy, /\tnative-(fchmod|fchown|fswrite|futimesat|utimensat): permit\n/);

    rmSync(join(h.home, 'f.xz'));
    const again = enforce(h, ['xz', '-k', 'f']);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(denials(again), []);
    assert.ok(existsSync(join(h.home, 'f.xz')));
  });

  test('calls on a descriptor do under -a, after -A, what they did natively, learned by the file', () => {
    const h = home();
    const script = [
      'import os',
      'fd = os.open("f", os.O_RDWR | os.O_CREAT, 0o644)',
      'os.ftruncate(fd, 10)',
      'os.posix_fallocate(fd, 0, 100)',
      'os.setxattr(fd, "user.x", b"1")',
      'print(os.getxattr(fd, "user.x"), os.listxattr(fd))',
      'os.removexattr(fd, "user.x")',
      'os.fchmod(fd, 0o600)',
      'os.utime(fd, (1, 2))',
      'st = os.fstat(fd)',
      'print(st.st_size, oct(st.st_mode), st.st_mtime, os.listxattr(fd))',
      '',
    ].join('\n');
    writeFileSync(join(h.home, 'fd.py'), script);
    const native = spawnSync('python3', ['fd.py'], { cwd: h.home, encoding: 'utf8' });
    assert.equal(native.status, 0, native.stderr);
    rmSync(join(h.home, 'f'));
    const learned = sysgate(h, ['-A', 'python3', 'fd.py']);
    assert.equal(learned.status, 0, learned.stderr);
    assert.equal(learned.stdout, native.stdout);
    const policies = readdirSync(h.policies).map((n) => readFileSync(join(h.policies, n), 'utf8'));
    const policy = policies.find((p) => p.includes('native-ftruncate'));
    assert.ok(policy, policies.join('\n'));
    for (const call of ['ftruncate', 'fallocate', 'fchmod', 'fsetxattr', 'fgetxattr'])
      assert.match(
        policy,
        new RegExp(`\\tnative-${call}: filename eq "${h.home}/f"( and .*)? then permit\\n`),
      );
    assert.doesNotMatch(
      policy,
      /\tnative-(ftruncate|fallocate|fchmod|f\w+xattr|fswrite): permit\n/,
    );

    rmSync(join(h.home, 'f'));
    const again = enforce(h, ['python3', 'fd.py']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, native.stdout);
    assert.deepEqual(denials(again), []);
  });

  test('a call whose address cannot be read is learned as ask, and the summary says so', () => {
    const h = home();
    const PERL = realpathSync('/usr/bin/perl');
    // connect(2) with an address at 8, a page nobody maps: the kernel says EFAULT.
    const connect = process.arch === 'arm64' ? 203 : 42;
    const script = `socket(S, 2, 1, 0) or die; print syscall(${connect}, fileno(S), 8, 16), " $!\\n";`;
    const learned = sysgate(h, ['-A', 'perl', '-e', script]);
    assert.equal(learned.status, 0, learned.stderr);
    assert.equal(learned.stdout, '-1 Bad address\n');
    assert.match(
      learned.stderr,
      new RegExp(
        `learned \\d+ rules for ${PERL}: ${h.policy(PERL)} \\(1 asks: an argument it depends on could not be read\\)`,
      ),
    );
    const policy = readFileSync(h.policy(PERL), 'utf8');
    assert.ok(policy.includes('\tnative-connect: sockaddr eq "<unreadable>" then ask\n'), policy);
    assert.doesNotMatch(policy, /\tnative-connect: permit\n/);
  });

  test('python3 runs a script under -a after -A: every ioctl it made is learned by its command', () => {
    const h = home();
    writeFileSync(join(h.home, 's.py'), 'print(1)\n');
    const learned = sysgate(h, ['-A', 'python3', 's.py']);
    assert.equal(learned.status, 0, learned.stderr);
    assert.equal(learned.stdout, '1\n');
    const again = enforce(h, ['python3', 's.py']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, '1\n');
    assert.deepEqual(denials(again), []);
    for (const name of readdirSync(h.policies)) {
      const text = readFileSync(join(h.policies, name), 'utf8');
      assert.doesNotMatch(text, /\tnative-ioctl: permit\n/, name);
    }
  });
});

describe("denials go to syslog in systrace's format", () => {
  test('a deny line reaches a real datagram socket', async () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    const socket = join(h.home, 'log.sock');
    const receiver = spawn('python3', [
      '-c',
      'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready",flush=True)\nprint(s.recv(65536).decode(),flush=True)',
      socket,
    ]);
    let received = '';
    receiver.stdout.on('data', (d: Buffer) => (received += d.toString()));
    await new Promise<void>((resolve) => receiver.stdout.once('data', () => resolve()));
    const denied = sysgate(h, ['-a', 'cat', '/etc/hostname'], {
      env: { SYSGATE_SYSLOG_SOCKET: socket },
    });
    assert.notEqual(denied.status, 0);
    assert.match(denied.stderr, /cat: \/etc\/hostname: Operation not permitted/);
    await new Promise<void>((resolve) => receiver.on('close', () => resolve()));
    assert.match(
      received,
      new RegExp(
        `sysgate\\[\\d+\\]: deny user: \\S+, prog: ${CAT}, pid: \\d+\\(0\\)\\[\\d+\\], policy: ${CAT}, filters: \\d+, syscall: native-openat\\(\\d+\\), filename: /etc/hostname, oflags: ro`,
      ),
    );
  });

  test('a missing syslog socket is reported once, not for every denial', () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    const denied = sysgate(h, ['-a', 'cat', '/etc/hostname', '/etc/passwd'], {
      env: { SYSGATE_SYSLOG_SOCKET: join(h.home, 'nothing') },
    });
    const complaints = denied.stderr
      .split('\n')
      .filter((l) => l.includes('cannot write to syslog'));
    assert.equal(complaints.length, 1, denied.stderr);
  });

  test('-e writes the lines to standard error', () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    const denied = sysgate(h, ['-a', '-e', 'cat', '/etc/hostname']);
    // The program's own message may be cut by the line, which is written as the call is denied.
    assert.ok(
      denied.stderr.includes(`deny user: ${userInfo().username}, prog: ${CAT},`),
      denied.stderr,
    );
    assert.ok(denied.stderr.includes('syscall: native-openat'), denied.stderr);
  });

  test('a file name holding escapes and a newline is shown escaped, on one line, by -e, -E and sysgate log', () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    const name = join(h.home, 'x\x1b[2Jy\n deny user: root, prog: forged\\x1b');
    writeFileSync(name, 'secret\n');
    const shown = name.replace(/\\/g, '\\\\').replace('\x1b', '\\x1b').replace('\n', '\\n');
    const log = join(h.home, 'escaped.log');
    const denied = sysgate(h, ['-a', '-e', 'cat', name]);
    sysgate(h, ['-a', '-E', log, 'cat', name]);
    for (const text of [denied.stderr, readFileSync(log, 'utf8')]) {
      assert.ok(!text.includes('\x1b'), JSON.stringify(text));
      assert.ok(text.includes(`filename: ${shown}`), JSON.stringify(text));
    }
    // One line each, counted in the -E file: on -e's stderr, cat's own message (which holds the
    // name, quoted) is written in pieces around sysgate's line.
    const lines = readFileSync(log, 'utf8').split('\n');
    assert.equal(lines.filter((l) => /^\S+Z deny user: /.test(l)).length, 1, lines.join('\n'));
    const history = sysgate(h, ['log']);
    assert.ok(!history.stdout.includes('\x1b'), JSON.stringify(history.stdout));
    assert.ok(history.stdout.includes(`filename: ${shown}`), JSON.stringify(history.stdout));
    assert.equal(history.stdout.split('\n').filter((l) => l.includes('deny[')).length, 2);
    // --json stays exact: the name as it is.
    const json = sysgate(h, ['log', '--json']).stdout.trim().split('\n');
    assert.ok(
      json.some(
        (l) => (JSON.parse(l) as { args: Record<string, string[]> }).args['filename']?.[0] === name,
      ),
      json.join('\n'),
    );
  });

  test('-E appends the lines to a file', () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    const log = join(h.home, 'decisions.log');
    sysgate(h, ['-a', '-E', log, 'cat', '/etc/hostname']);
    assert.match(
      readFileSync(log, 'utf8'),
      /^\S+ deny user: .*syscall: native-openat\(\d+\), filename: \/etc\/hostname/m,
    );
  });
});

describe('policies with macros', () => {
  test('filename match "$HOME/*" and oflags sub "ro": the program reads below $HOME but does not write there', () => {
    const h = home();
    writeFileSync(join(h.home, 'note'), 'hello\n');
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    assert.equal(sysgate(h, ['-A', 'tee', '/dev/null']).status, 0);
    const rule =
      '\tnative-fsread: filename match "$HOME/*" and oflags sub "ro" then permit\n' +
      '\tnative-fswrite: filename match "$HOME/*" and oflags sub "ro" then permit\n';
    appendFileSync(h.policy(CAT), rule);
    appendFileSync(h.policy(TEE), rule);
    const read = enforce(h, ['cat', join(h.home, 'note')]);
    assert.equal(read.status, 0, read.stderr);
    assert.equal(read.stdout, 'hello\n');
    const write = enforce(h, ['tee', join(h.home, 'copy')], { input: 'data\n' });
    assert.notEqual(write.status, 0);
    assert.match(write.stderr, /tee: .*copy: Operation not permitted/);
    assert.equal(existsSync(join(h.home, 'copy')), false);
  });

  test('$USER and $CWD expand', () => {
    const h = home();
    const work = join(h.home, 'work');
    mkdirSync(work);
    writeFileSync(join(work, `${userInfo().username}.txt`), 'mine\n');
    writeFileSync(join(work, 'other.txt'), 'not mine\n');
    assert.equal(sysgate(h, ['-A', 'cat', '/dev/null']).status, 0);
    appendFileSync(h.policy(CAT), '\tnative-fsread: filename eq "$CWD/$USER.txt" then permit\n');
    const mine = enforce(h, ['cat', `${userInfo().username}.txt`], { cwd: work });
    assert.equal(mine.stdout, 'mine\n', mine.stderr);
    const other = enforce(h, ['cat', 'other.txt'], { cwd: work });
    assert.match(other.stderr, /cat: other.txt: Operation not permitted/);
  });
});

describe('processes: exec, fork and threads', () => {
  test('sh -c "cat /etc/hostname": cat runs under its own policy, or under sh\'s with -i', () => {
    const h = home();
    const learned = sysgate(h, ['-A', 'sh', '-c', 'cat /etc/hostname']);
    assert.equal(learned.status, 0, learned.stderr);
    const shell = readFileSync(h.policy(SH), 'utf8');
    const cat = readFileSync(h.policy(CAT), 'utf8');
    assert.ok(shell.includes(`native-execve: filename eq "${CAT}" then permit`), shell);
    assert.ok(!shell.includes('/etc/hostname'), shell);
    assert.ok(cat.includes('native-fsread: filename eq "/etc/hostname" then permit'), cat);

    const inherit = home();
    assert.equal(sysgate(inherit, ['-A', '-i', 'sh', '-c', 'cat /etc/hostname']).status, 0);
    assert.ok(readFileSync(inherit.policy(SH), 'utf8').includes('filename eq "/etc/hostname"'));
    assert.equal(existsSync(inherit.policy(CAT)), false);

    // Enforcing: cat's own policy decides, so taking /etc/hostname out of it denies the read.
    const catOnly = cat.replace('\tnative-fsread: filename eq "/etc/hostname" then permit\n', '');
    writeFileSync(h.policy(CAT), catOnly);
    const enforced = enforce(h, ['sh', '-c', 'cat /etc/hostname']);
    assert.match(enforced.stderr, /cat: \/etc\/hostname: Operation not permitted/);
    assert.match(enforced.log.join('\n'), new RegExp(`deny .*prog: ${CAT}, .*policy: ${CAT},`));
  });

  test('a policy directory (-d) that others may write to is refused, and the message names it', () => {
    const h = home();
    const dir = join(h.home, 'shared-policies');
    assert.equal(sysgate(h, ['-A', '-d', dir, 'cat', '/etc/hostname']).status, 0);
    assert.equal(sysgate(h, ['-a', '-d', dir, 'cat', '/etc/hostname']).status, 0);
    chmodSync(dir, 0o777);
    const refused = sysgate(h, ['-a', '-d', dir, 'cat', '/etc/hostname']);
    assert.notEqual(refused.status, 0);
    assert.equal(refused.stdout, '');
    assert.ok(
      refused.stderr.includes(
        `refusing ${join(dir, nameOf(CAT))}: the directory ${dir} is writable by group and others`,
      ),
      refused.stderr,
    );
  });

  test('a program whose policy file is broken runs with no rules, and the error says where', () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'sh', '-c', 'cat /etc/hostname']).status, 0);
    appendFileSync(h.policy(CAT), '\tnative-openat: filename eq "/x" permit\n');
    const run = enforce(h, ['sh', '-c', 'cat /etc/hostname']);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /usr_bin_cat:\d+:\d+: error: expected "then" after the expression/);
    assert.match(run.stderr, new RegExp(`${CAT} runs with no rules`));
  });

  test('a program that forks, threads and execs is followed through all of it', () => {
    const h = home();
    const learned = sysgate(h, ['-A', FORKER]);
    assert.equal(learned.status, 0, learned.stderr);
    assert.ok(readFileSync(h.policy(FORKER), 'utf8').includes('filename eq "/etc/hostname"'));
    const enforced = enforce(h, [FORKER]);
    assert.equal(enforced.status, 0, enforced.stderr);
    // Every thread and child is under the policy: without the rule, each of them is refused.
    writeFileSync(
      h.policy(FORKER),
      readFileSync(h.policy(FORKER), 'utf8').replace(
        /\tnative-fsread: filename eq "\/etc\/hostname" then permit\n/,
        '',
      ),
    );
    const denied = enforce(h, [FORKER]);
    assert.notEqual(denied.status, 0);
    const pids = new Set(
      denied.log.filter((l) => l.startsWith('deny ')).map((l) => /pid: (\d+)/.exec(l)![1]),
    );
    assert.ok(pids.size >= 2, `denials came from ${pids.size} process(es):\n${denied.stderr}`);
  });

  // A signal reaching a notified fork before the supervisor read it made it fail with EINTR
  // (a handler without SA_RESTART): 14 to 61 of 2,000 forks, every run; natively none.
  test('fork never fails with EINTR: 2,000 forks with a SIGCHLD handler without SA_RESTART, learned and enforced', () => {
    const h = home();
    for (let run = 0; run < 3; run++) {
      const r = run === 0 ? sysgate(h, ['-A', FORKINTR]) : enforce(h, [FORKINTR]);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^forks: 2000, EINTR: 0, other failures: 0$/m);
    }
    // The policy learned and enforced: what the program opened, and no process creation.
    const policy = readFileSync(h.policy(FORKINTR), 'utf8');
    assert.ok(policy.includes('filename eq "/etc/hostname" then permit'), policy);
    assert.doesNotMatch(policy, /native-(clone|fork)/);
  });

  // Process creation is not notified: a grandchild's parent may be unknown to the supervisor.
  // It must still have its ancestors' policy, here one inherited (permit[inherit], -i), not its
  // own executable's, which would let it read the secret.
  test('a grandchild made without a notified call has the policy its ancestors ran under', () => {
    const h = home();
    const secret = join(h.home, 'secret');
    writeFileSync(secret, 'x');
    const command = (mode: string) => [DASH, '-c', `exec ${LINEAGE} ${mode} ${secret}`];
    const learned = sysgate(h, ['-A', ...command('walk')]);
    assert.equal(learned.stdout, 'grandchild: opened\n', learned.stderr);
    writeFileSync(
      h.policy(DASH),
      readFileSync(h.policy(DASH), 'utf8').replace(
        `native-execve: filename eq "${LINEAGE}" then permit\n`,
        `native-execve: filename eq "${LINEAGE}" then permit[inherit]\n`,
      ),
    );
    assert.match(readFileSync(h.policy(DASH), 'utf8'), /permit\[inherit\]/);
    // Its parent alive but never seen: the chain is followed up to lineage, under dash's policy.
    const walk = enforce(h, command('walk'));
    assert.equal(walk.stdout, 'grandchild: refused (Operation not permitted)\n', walk.stderr);
    assert.ok(
      walk.log.some((l) => l.includes(`policy: ${DASH},`) && l.includes(`filename: ${secret}`)),
      walk.log.join('\n'),
    );
    // Its parent gone before it was seen (it went to the subreaper): under -i, the command's.
    const orphan = enforce(h, ['-i', ...command('orphan')]);
    assert.equal(orphan.stdout, 'grandchild: refused (Operation not permitted)\n', orphan.stderr);
    // And under permit[inherit]: lineage ran under dash's policy alone, so has its orphan.
    const inherited = enforce(h, command('orphan'));
    assert.equal(
      inherited.stdout,
      'grandchild: refused (Operation not permitted)\n',
      inherited.stderr,
    );
    assert.ok(
      inherited.log.some(
        (l) => l.includes(`policy: ${DASH},`) && l.includes(`filename: ${secret}`),
      ),
      inherited.log.join('\n'),
    );
  });

  // forkfirst has no C library: its first instruction creates a child, before the supervisor saw
  // anything of the program the exec ran. The child runs that program: it must have that
  // program's policy (here without the secret), not dash's from before the exec.
  test('a child created before the new program made any notified call has the new program’s policy', () => {
    const h = home();
    const secret = join(h.home, 'secret');
    writeFileSync(secret, 'x');
    const command = [DASH, '-c', `exec ${FORKFIRST} ${secret}`];
    const learned = sysgate(h, ['-A', ...command]);
    assert.equal(learned.stdout, 'child: opened\n', learned.stderr);
    // Learning saw the child's open as forkfirst's: move it to dash's policy.
    const own = readFileSync(h.policy(FORKFIRST), 'utf8');
    const rule = `\tnative-fsread: filename eq "${secret}" then permit\n`;
    assert.ok(own.includes(rule), own);
    writeFileSync(h.policy(FORKFIRST), own.replace(rule, ''));
    appendFileSync(h.policy(DASH), rule);
    const run = enforce(h, command);
    assert.equal(run.stdout, 'child: refused\n', run.stderr);
    assert.ok(
      run.log.some((l) => l.includes(`policy: ${FORKFIRST},`) && l.includes(`filename: ${secret}`)),
      run.log.join('\n'),
    );
  });

  // dash does not retry a fork that failed: it said "Cannot fork" in about half the runs.
  test('dash pipelines in a loop never see "Cannot fork"', () => {
    const h = home();
    const script =
      'i=0; while [ $i -lt 150 ]; do echo x | cat /etc/hostname >/dev/null; ' +
      'echo x | cat /etc/hostname >/dev/null; i=$((i+1)); done; echo done';
    for (let run = 0; run < 3; run++) {
      const r =
        run === 0 ? sysgate(h, ['-A', DASH, '-c', script]) : enforce(h, [DASH, '-c', script]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'done\n');
      assert.doesNotMatch(r.stderr, /Cannot fork/);
    }
  });
});

describe('failing closed', () => {
  test('when sysgate is killed, the traced program is killed too and nothing is left running', async () => {
    const h = home();
    assert.equal(sysgate(h, ['-A', 'sleep', '0']).status, 0);
    const marker = '31.4159';
    const child = spawn(process.execPath, [SYSGATE, '-a', '-e', 'sleep', marker], {
      env: homeEnvironment(h.home),
      stdio: 'ignore',
    });
    const running = (): boolean =>
      spawnSync('pgrep', ['-f', `${SLEEP} ${marker}|^sleep ${marker}`]).status === 0;
    for (let i = 0; i < 100 && !running(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(running(), 'sleep should be running under sysgate');
    child.kill('SIGKILL');
    for (let i = 0; i < 100 && running(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(running(), false, 'sleep outlived sysgate');
  });
});

describe('-t: questions on the terminal', () => {
  test('answered by another program through a pseudo-terminal: deny, then permit always, then nothing to ask', async () => {
    const h = home();
    const hostname = readFileSync('/etc/hostname', 'utf8').trim();
    const first: string[] = [];
    const denied = await onTerminal(
      h,
      ['-t', '-E', join(h.home, 'decisions.log'), 'cat', '/etc/hostname'],
      (question) => {
        assert.match(
          question,
          /^\/usr\/bin\/cat, pid: \d+\(0\)\[\d+\], policy: \/usr\/bin\/cat, filters: \d+, syscall: native-openat\(\d+\), filename: \/etc\/hostname, oflags: ro/,
        );
        return first.length === 0 ? 'frobnicate' : 'deny'; // not an answer first: it is asked again
      },
      first,
    );
    assert.deepEqual(first, ['frobnicate', 'deny']);
    assert.match(
      denied,
      /"frobnicate" is not an answer\.\nAnswer permit, deny, deny\[errno\], permit always/,
    );
    assert.match(denied, /cat: \/etc\/hostname: Operation not permitted/);

    const always = await onTerminal(
      h,
      ['-t', '-E', join(h.home, 'decisions.log'), 'cat', '/etc/hostname'],
      () => 'permit always',
      [],
    );
    assert.match(always, new RegExp(`Added to ${h.policy(CAT)}`));
    assert.ok(always.includes(hostname), always);
    assert.match(
      readFileSync(h.policy(CAT), 'utf8'),
      /\tnative-fsread: filename eq "\/etc\/hostname" then permit\n/,
    );

    const asked: string[] = [];
    const quiet = await onTerminal(
      h,
      ['-t', '-E', join(h.home, 'decisions.log'), 'cat', '/etc/hostname'],
      () => 'deny',
      asked,
    );
    assert.deepEqual(asked, []);
    assert.ok(quiet.includes(hostname), quiet);
  });
});

describe('-t: an answer never lends a privilege', () => {
  test('a rule typed with "as root" is refused (it belongs in the policy file) and the question asked again', async () => {
    const h = home();
    const typed: string[] = [];
    const screen = await onTerminal(
      h,
      ['-t', 'cat', '/etc/hostname'],
      () => (typed.length === 0 ? 'filename eq "/etc/hostname" then permit as root' : 'deny'),
      typed,
    );
    assert.equal(typed.length, 2, screen);
    assert.match(
      screen,
      /"as root" runs a call with other credentials: write that rule in the policy file/,
    );
    // sysgate's own lines may fall inside cat's message, which cat writes in pieces.
    const catSaid = screen.replace(/sysgate: [^\n]*\n/g, '');
    assert.match(catSaid, /cat: \/etc\/hostname: Operation not permitted/);
    assert.equal(
      existsSync(h.policy(CAT)) && /as root/.test(readFileSync(h.policy(CAT), 'utf8')),
      false,
    );
  });
});

describe('-t: identical calls are one question', () => {
  test('two processes held on the same call are asked once, and both get the answer', async () => {
    const h = home();
    // What sh and cat need, learned on another file: only the file below is asked.
    const learn = sysgate(h, ['-A', SH, '-c', 'cat /etc/passwd & cat /etc/passwd & wait']);
    assert.equal(learn.status, 0, learn.stderr);
    const asked: string[] = [];
    const screen = await onTerminal(
      h,
      ['-t', SH, '-c', 'cat /etc/hostname & cat /etc/hostname & wait'],
      () => 'permit',
      asked,
      // Answered late, so that the second cat is held on the same call meanwhile.
      1500,
    );
    const hostname = readFileSync('/etc/hostname', 'utf8').trim();
    assert.equal(screen.split(hostname).length - 1, 2, screen);
    assert.deepEqual(asked, ['permit'], screen);
  });
});

describe('-t: a question about a file whose name holds escapes', () => {
  test('shows the name escaped on one line, and the terminal never receives its ESC', async () => {
    const h = home();
    const name = join(h.home, 'x\x1b[2Jy\n deny user: root');
    writeFileSync(name, 'secret\n');
    const asked: string[] = [];
    const screen = await onTerminal(
      h,
      ['-t', '-E', join(h.home, 'd.log'), 'cat', name],
      () => 'deny',
      asked,
    );
    assert.ok(!screen.includes('\x1b[2J'), JSON.stringify(screen));
    assert.ok(
      asked.length > 0 &&
        screen.includes(`filename: ${h.home}/x\\x1b[2Jy\\n deny user: root, oflags: ro\n`),
      JSON.stringify(screen),
    );
    assert.ok(!screen.includes('secret'), screen);
  });
});

/**
 * Runs sysgate on a pseudo-terminal (util-linux `script`), answering each question with what
 * `answer` returns for the question's line. Gives everything the terminal showed.
 */
async function onTerminal(
  where: { home: string },
  args: string[],
  answer: (question: string) => string,
  given: string[],
  delayMs = 0,
): Promise<string> {
  const commandLine = [process.execPath, SYSGATE, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qfec', commandLine, '/dev/null'], {
    cwd: where.home,
    env: homeEnvironment(where.home),
  });
  let screen = '';
  let answeredUpTo = 0;
  child.stdout.on('data', (d: Buffer) => {
    screen += d.toString().replace(/\r/g, '');
    for (;;) {
      const at = screen.indexOf('Answer: ', answeredUpTo);
      if (at < 0) break;
      // The question is the last line naming a call before this prompt (a retry repeats the prompt).
      const lines = screen.slice(0, at).split('\n');
      const question = lines.reverse().find((l) => l.includes(', syscall: native-')) ?? '';
      const reply = answer(question);
      given.push(reply);
      setTimeout(() => child.stdin.write(`${reply}\n`), delayMs);
      answeredUpTo = at + 'Answer: '.length;
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await new Promise<void>((resolve) => child.on('close', () => resolve()));
  clearTimeout(timer);
  return screen;
}

describe("the sysgate window's socket", () => {
  /** A listener run as nobody on `socket`, which prints whatever it is sent. */
  async function nobodyListens(socket: string): Promise<{ heard: () => string; stop: () => void }> {
    const child = spawn(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        '-e',
        `require('net').createServer((s) => s.on('data', (d) => process.stdout.write(d))).listen(${JSON.stringify(socket)})`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let heard = '';
    child.stdout.on('data', (d: Buffer) => (heard += d.toString()));
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(50);
    assert.ok(existsSync(socket), 'the listener did not start');
    return { heard: () => heard, stop: () => child.kill() };
  }

  function runtimeDirectory(): { runtime: string; dir: string; socket: string } {
    const runtime = mkdtempSync(join(tmpdir(), 'sysgate-xdg-'));
    chmodSync(runtime, 0o755);
    const dir = join(runtime, 'sysgate');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 65534, 65534);
    return { runtime, dir, socket: join(dir, 'app.sock') };
  }

  test('a socket directory another user made first is not used, and sysgate says why', async () => {
    const h = home();
    const { runtime, dir, socket } = runtimeDirectory();
    const listener = await nobodyListens(socket);
    try {
      const run = sysgate(h, ['cat', '/dev/null'], { env: { XDG_RUNTIME_DIR: runtime } });
      await sleep(200);
      assert.equal(listener.heard(), '', 'something was sent to the other user');
      assert.match(
        run.stderr,
        new RegExp(
          `not using the sysgate window's socket .*${dir}/app.sock: ${dir} is owned by uid 65534, not by you`,
        ),
      );
    } finally {
      listener.stop();
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  test('a socket in a directory of ours but listened on by another user is not used, and sysgate says why', async () => {
    const h = home();
    const { runtime, dir, socket } = runtimeDirectory();
    const listener = await nobodyListens(socket);
    chownSync(dir, process.getuid!(), process.getgid!());
    try {
      const run = sysgate(h, ['cat', '/dev/null'], { env: { XDG_RUNTIME_DIR: runtime } });
      await sleep(200);
      assert.equal(listener.heard(), '', 'something was sent to the other user');
      assert.match(run.stderr, /the process listening on it runs as uid 65534, not as you/);
    } finally {
      listener.stop();
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe("what the sysgate window sends a terminal's run", () => {
  test('an answer of the wrong shape denies the call, and the run says why', async () => {
    const h = home();
    const runtime = mkdtempSync(join(tmpdir(), 'sysgate-xdg-'));
    // A window that answers every question with an action no one knows.
    const server = listenForTerminals(
      (connection) =>
        connection.onFrame((frame) => {
          if (frame.verb === 'ask') {
            const { id } = JSON.parse(frame.fields.text('json')!) as { id: string };
            connection.send('answer', { id, json: JSON.stringify({ action: 'allow' }) });
          }
        }),
      join(runtime, 'sysgate', 'app.sock'),
    );
    try {
      const run = spawn(process.execPath, [SYSGATE, 'cat', '/etc/hostname'], {
        cwd: h.home,
        env: homeEnvironment(h.home, { XDG_RUNTIME_DIR: runtime }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      run.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const status = await new Promise((resolve) => run.on('close', resolve));
      assert.match(stderr, /questions go to the sysgate window/);
      assert.match(
        stderr,
        /the sysgate window sent an answer that cannot be used \(action: .*\): denied/,
      );
      assert.notEqual(status, 0);
    } finally {
      server.close();
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe('run as natively', () => {
  const FRONT = fileURLToPath(new URL('../../../bin/sysgate', import.meta.url));
  /** `sysgate ARGS` as a user's shell runs it, through bin/sysgate and the front door. */
  function fromShell(
    where: { home: string },
    script: string,
    options: { env?: NodeJS.ProcessEnv } = {},
  ): SpawnSyncReturns<string> {
    return spawnSync('sh', ['-c', script, 'sh', FRONT], {
      cwd: where.home,
      encoding: 'utf8',
      timeout: 60_000,
      env: homeEnvironment(where.home, options.env),
    });
  }

  test('descriptors 3 and above that sysgate was given reach the command at the same numbers, under -A, -a and a plan', () => {
    const h = home();
    writeFileSync(join(h.home, 'f'), 'from three\n');
    const script = `"$1" "$@" sh -c 'cat <&3; cat <&7; echo "[$SYSGATE_INHERITED_FDS]"' 3<f 7<f`;
    const learn = fromShell(h, script.replace('"$@"', '-A'));
    assert.equal(learn.stdout, 'from three\nfrom three\n[]\n', learn.stderr);
    for (let run = 0; run < 3; run++) {
      // The second -a run leaves a plan; the third starts from it.
      const enforced = fromShell(h, script.replace('"$@"', '-a'), {
        env: { SYSGATE_EXPLAIN_START: '1' },
      });
      assert.equal(enforced.stdout, 'from three\nfrom three\n[]\n', enforced.stderr);
      assert.equal(enforced.status, 0);
      if (run === 2) assert.match(enforced.stderr, /start: from plan/);
    }
  });

  test('what -A learned from /proc/self, /dev/stdin on a pipe and <(...) holds at the next run, under -a and from its plan', () => {
    const h = home();
    const scripts = [
      'echo piped | "$1" "$@" cat /dev/stdin',
      '"$1" "$@" readlink /proc/self/exe',
      '"$1" "$@" bash -c \'cat <(echo substituted)\'',
    ];
    const expected = ['piped\n', `${realpathSync('/usr/bin/readlink')}\n`, 'substituted\n'];
    scripts.forEach((script, i) => {
      const learn = fromShell(h, script.replaceAll('"$@"', '-A'));
      assert.equal(learn.stdout, expected[i], learn.stderr);
      for (let run = 0; run < 3; run++) {
        const enforced = fromShell(h, script.replaceAll('"$@"', '-a -e'));
        assert.equal(enforced.stdout, expected[i], enforced.stderr);
        assert.equal(enforced.status, 0, enforced.stderr);
        assert.doesNotMatch(enforced.stderr, /deny .*filename: \/proc/, enforced.stderr);
      }
    });
  });

  test('sysgate returns when the command exits, with its status, while what it left runs on', () => {
    const h = home();
    const started = Date.now();
    // As natively, the job's output must not be the pipe this test waits on.
    const learn = fromShell(h, '"$1" -A sh -c "sleep 3 >/dev/null 2>&1 & exit 4"');
    assert.equal(learn.status, 4, learn.stderr);
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  });

  test('SIGTERM during -A ends the traced tree, saves what was learned until then, and says so', async () => {
    const h = home();
    const child = spawn(
      process.execPath,
      [SYSGATE, '-A', SH, '-c', 'cat /etc/hostname; sleep 30'],
      {
        cwd: h.home,
        env: homeEnvironment(h.home),
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 500 && stdout === ''; i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGTERM');
    const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    assert.equal(status, 137, stderr);
    assert.match(stderr, /stopped by SIGTERM: what was learned until then is saved/);
    assert.ok(existsSync(h.policy(CAT)), stderr);
  });

  test('sysgate inside sysgate says that it cannot, with the real reason, and fails', () => {
    const h = home();
    const nested = fromShell(h, '"$1" -A "$1" -A true');
    assert.notEqual(nested.status, 0);
    assert.match(
      nested.stderr,
      /already runs under a seccomp filter that refuses it a listener \(sysgate cannot run inside sysgate, or another supervisor\): Operation not permitted/,
    );
    assert.doesNotMatch(nested.stderr, /Success/);
  });
});

describe("a script's #! interpreter is an execution of its own", () => {
  test('learned exactly beside the script; a rewritten #! line runs nothing the policy does not name, exact and -K', () => {
    const h = home();
    const script = join(h.home, 'hello');
    writeFileSync(script, '#!/bin/sh\necho from the script\n', { mode: 0o755 });
    const learned = sysgate(h, ['-A', script]);
    assert.equal(learned.status, 0, learned.stderr);
    const policy = readFileSync(h.policy(script), 'utf8');
    const execs = policy.split('\n').filter((l) => l.includes('native-execve'));
    // The interpreter by its real name, exactly: never a pattern.
    assert.deepEqual(
      execs.sort(),
      [
        `\tnative-execve: filename eq "${SH}" then permit`,
        `\tnative-execve: filename eq "${script}" then permit`,
      ].sort(),
    );
    for (const flags of [[], ['-K']]) {
      const ran = enforce(h, [...flags, script]);
      assert.equal(ran.status, 0, ran.stderr);
      assert.equal(ran.stdout, 'from the script\n');
    }

    // The program that wrote the script names another interpreter: cat, which no rule names.
    writeFileSync(script, '#!/bin/cat\necho from the script\n');
    for (const flags of [[], ['-K']]) {
      const denied = enforce(h, [...flags, script]);
      // The command's own exec failed (EACCES): the shell's 126, "cannot execute".
      assert.equal(denied.status, 126, `${flags.join(' ')}: ${denied.stdout}${denied.stderr}`);
      assert.doesNotMatch(denied.stdout, /from the script/);
      assert.match(
        denied.log.join('\n'),
        new RegExp(
          `^deny .*policy: ${script}, .*syscall: native-execve\\(\\d+\\), filename: ${CAT}, `,
          'm',
        ),
      );
    }

    // A policy learned before the interpreter was decided (the script's rule alone) denies it.
    writeFileSync(script, '#!/bin/sh\necho from the script\n');
    writeFileSync(
      h.policy(script),
      policy.replace(`\tnative-execve: filename eq "${SH}" then permit\n`, ''),
    );
    const old = enforce(h, [script]);
    assert.notEqual(old.status, 0);
    assert.match(old.log.join('\n'), new RegExp(`filename: ${SH}, argv: `));
  });
});
