// The front door (native/build/sysgate, PROTOCOL.md "Run plans"): a run whose plan holds starts
// in C, the supervisor in the same process, and starts the host only when a frame needs one;
// any other run goes to Node.js with the same arguments. Plans are written by hand here
// (tests/plans.mjs); Node.js and the host are stand-ins (SYSGATE_NODE): a script that prints
// its arguments, and tests/fake-host.mjs, which writes down the frames it reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { frame, frontDoor, policyFrame, writePlan } from './plans.mjs';
import { namesIdentity } from '../../build/app/core/run-plan/inputs.js';
import { permitEvery, stopped } from './supervised.mjs';

const asRoot = process.getuid() === 0 ? {} : { skip: 'needs root' };
const root = realpathSync(new URL('../..', import.meta.url).pathname);
const script = join(root, 'bin', 'sysgate.js');

/** A program's real path, as the supervisor names its policy. */
const real = (name) =>
  realpathSync(spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim());

let work, cwd, cache, fakeNode, fakeHost;

before(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-front-')));
  cwd = join(work, 'cwd');
  cache = join(work, 'cache');
  mkdirSync(cwd);
  fakeNode = join(work, 'fake-node');
  writeFileSync(fakeNode, '#!/bin/sh\nprintf node; for a; do printf " [%s]" "$a"; done; echo\n', {
    mode: 0o755,
  });
  fakeHost = join(work, 'fake-host');
  const host = new URL('fake-host.mjs', import.meta.url).pathname;
  writeFileSync(fakeHost, `#!/bin/sh\nexec '${process.execPath}' '${host}' "$@"\n`, {
    mode: 0o755,
  });
});

after(() => rmSync(work, { recursive: true, force: true }));

/** What Node.js is given when the front door falls back: bin/sysgate.js and the arguments. */
const fellBack = (args) => `node [${script}]${args.map((a) => ` [${a}]`).join('')}\n`;

/** The environment of a run: little, so that the plans can say all of it. */
const envOf = (extra = {}) => ({
  PATH: process.env.PATH,
  HOME: '/home/front-door-test',
  XDG_CACHE_HOME: cache,
  SYSGATE_EXPLAIN_START: '1',
  SYSGATE_NODE: fakeNode,
  // A front door built with the sanitizers (make san-smoke) takes its options from here.
  ...(process.env.ASAN_OPTIONS ? { ASAN_OPTIONS: process.env.ASAN_OPTIONS } : {}),
  ...extra,
});

/** Runs `sysgate ...args` through the front door in the test's working directory. */
const front = (args, extra) =>
  spawnSync(frontDoor, args, { cwd, env: envOf(extra), encoding: 'utf8', timeout: 20000 });

/** A file in the working directory holding `text`. */
function fileWith(name, text) {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

/** The fake host's log: how it was started, then the frames it read. */
function hostLog(path) {
  const [started, ...read] = readFileSync(path, 'utf8').trim().split('\n').map(JSON.parse);
  return { started, frames: read };
}

test('a plan that holds runs the program from C: its output, its status, the plan\'s words, and no host', () => {
  const greeting = fileWith('greeting', 'hello\n');
  const args = ['-a', 'cat', greeting];
  const log = join(work, 'no-host.log');
  const path = writePlan(cache, cwd, args, {
    env: [{ name: 'HOME', value: '/home/front-door-test' }],
    inputs: [greeting, join(cwd, 'never-there')],
    says: ['sysgate: a word from the plan\n'],
    command: ['cat', greeting],
    preamble: [policyFrame(real('cat'), permitEvery())],
  });
  const run = front(args, { SYSGATE_NODE: fakeHost, FAKE_HOST_LOG: log });
  assert.equal(run.stderr, `sysgate: start: from plan ${path}\nsysgate: a word from the plan\n`);
  assert.equal(run.stdout, 'hello\n');
  assert.equal(run.status, 0);
  assert.equal(existsSync(log), false, 'a run that needs no host started one');
});

test('a denial starts the host for its record: the host reads everything from hello on, and the run ends with the command\'s status', () => {
  const greeting = fileWith('greeting-2', 'hello\n');
  const secret = fileWith('secret', 'never shown\n');
  const args = ['-a', 'cat', greeting, secret];
  const log = join(work, 'record.log');
  const rules = `\tnative-fsread: filename eq "${secret}" then deny[eperm]\n${permitEvery()}`;
  writePlan(cache, cwd, args, {
    command: ['cat', greeting, secret],
    preamble: [policyFrame(real('cat'), rules)],
  });
  const run = front(args, { SYSGATE_NODE: fakeHost, FAKE_HOST_LOG: log });
  assert.equal(run.stdout, 'hello\n');
  assert.match(run.stderr, /^sysgate: start: from plan /);
  assert.match(run.stderr, /^sysgate: start: host started for "record"$/m);
  assert.match(run.stderr, /secret: Operation not permitted/);
  assert.equal(run.status, 1);
  const { started, frames } = hostLog(log);
  assert.deepEqual(started, { argv: [script, ...args], hostFd: '3', stdinIsNull: true });
  const verbs = frames.map((f) => f.verb);
  assert.equal(verbs[0], 'hello');
  assert.ok(verbs.indexOf('started') < verbs.indexOf('record'), verbs.join(' '));
  assert.equal(verbs.at(-1), 'exit');
  assert.equal(frames.at(-1).fields.status, '1');
  const record = frames.find((f) => f.verb === 'record');
  assert.equal(record.fields.action, 'deny');
  assert.equal(record.fields.call, 'openat');
  assert.ok(record.fields.args.includes(secret), record.fields.args);
});

test("a run from its plan keeps sysgate's own files as a run through Node.js does: the plan's --protect holds, whatever the policy permits", () => {
  const own = join(work, 'own-policies');
  mkdirSync(own, { recursive: true });
  const policy = join(own, 'usr_bin_victim');
  writeFileSync(policy, 'original\n');
  const append = (name, options) => {
    const args = ['-a', 'sh', '-c', `echo evil >> ${policy}`, name];
    writePlan(cache, cwd, args, {
      options,
      command: ['sh', '-c', `echo evil >> ${policy}`, name],
      preamble: [policyFrame(real('sh'), permitEvery())],
    });
    return front(args, { SYSGATE_NODE: fakeHost, FAKE_HOST_LOG: join(work, `${name}.log`) });
  };
  const guarded = append('guarded', ['--mode', 'enforce', '--protect', own]);
  assert.match(guarded.stderr, /^sysgate: start: from plan /);
  assert.match(guarded.stderr, /Operation not permitted/);
  assert.equal(readFileSync(policy, 'utf8'), 'original\n');
  // The same plan without the option: the policy permits it, and the file is written.
  const open = append('open', ['--mode', 'enforce']);
  assert.equal(open.status, 0, open.stderr);
  assert.equal(readFileSync(policy, 'utf8'), 'original\nevil\n');
});

test("the traced command holds no descriptor of the supervisor's: not the host's end, not the control socket", () => {
  const args = ['-a', 'ls', '-l', '/proc/self/fd'];
  writePlan(cache, cwd, args, {
    command: ['ls', '-l', '/proc/self/fd'],
    preamble: [policyFrame(real('ls'), permitEvery())],
  });
  const run = front(args);
  assert.match(run.stderr, /^sysgate: start: from plan /);
  assert.equal(run.status, 0, run.stderr);
  // fd -> what it is, from `ls -l`: `... 3 -> /proc/1234/fd`.
  const descriptors = (listing) =>
    Object.fromEntries([...listing.matchAll(/ (\d+) -> (\S+)$/gm)].map((m) => [m[1], m[2]]));
  const traced = descriptors(run.stdout);
  const direct = descriptors(spawnSync('ls', ['-l', '/proc/self/fd'], { encoding: 'utf8' }).stdout);
  // The same numbers as ls run directly (which inherits what this test runner's parent left
  // open), and beyond standard input, output and error no socket: the pair is the supervisor's.
  assert.deepEqual(Object.keys(traced), Object.keys(direct));
  for (const [fd, what] of Object.entries(traced))
    if (Number(fd) > 2) assert.doesNotMatch(what, /^socket:/, `descriptor ${fd} is ${what}`);
});

test('when the host dies, the traced tree is killed and nothing is left running', async () => {
  const secret = fileWith('secret-3', 'never shown\n');
  const pids = join(cwd, 'pids');
  const shell = `sleep 30 & echo $! > ${pids}; sleep 30 & echo $! >> ${pids}; cat ${secret}; wait`;
  const args = ['-a', 'sh', '-c', shell];
  const rules = `\tnative-fsread: filename eq "${secret}" then deny[eperm]\n${permitEvery()}`;
  writePlan(cache, cwd, args, {
    command: ['sh', '-c', shell],
    preamble: ['sh', 'sleep', 'cat'].map((p) => policyFrame(real(p), rules)),
  });
  const log = join(work, 'dies.log');
  const child = spawn(frontDoor, args, {
    cwd,
    env: envOf({ SYSGATE_NODE: fakeHost, FAKE_HOST_LOG: log, FAKE_HOST: 'die' }),
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig)));
  assert.match(stderr, /^sysgate: start: host started for "record"$/m);
  assert.ok(existsSync(log), 'the host was started');
  assert.equal(status, 137, stderr);
  const sleepers = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
  assert.equal(sleepers.length, 2);
  for (const pid of sleepers) assert.ok(await stopped(pid), `pid ${pid} still runs`);
});

test('Ctrl-C (SIGINT to the front door) ends the run as it ends the supervisor\'s: the traced tree is killed', async () => {
  const args = ['-a', 'sleep', '30'];
  writePlan(cache, cwd, args, {
    command: ['sleep', '30'],
    preamble: [policyFrame(real('sleep'), permitEvery())],
  });
  const child = spawn(frontDoor, args, { cwd, env: envOf() });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig)));
  // The command is the front door's child once it runs `sleep`.
  const children = `/proc/${child.pid}/task/${child.pid}/children`;
  let sleeper;
  for (let i = 0; i < 200 && sleeper === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    sleeper = readFileSync(children, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number)
      .find((pid) => readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sleep\n');
  }
  assert.ok(sleeper, 'sleep never ran');
  child.kill('SIGINT');
  assert.equal(await exited, 137);
  assert.ok(await stopped(sleeper), 'sleep still runs');
});

test('the host is not traced: the fail-closed kill of the traced tree spares it, and it reads `exit`', async () => {
  const secret = fileWith('secret-4', 'never shown\n');
  const shell = `cat ${secret}; sleep 30`;
  const args = ['-a', 'sh', '-c', shell];
  const rules = `\tnative-fsread: filename eq "${secret}" then deny[eperm]\n${permitEvery()}`;
  writePlan(cache, cwd, args, {
    command: ['sh', '-c', shell],
    preamble: ['sh', 'sleep', 'cat'].map((p) => policyFrame(real(p), rules)),
  });
  const log = join(work, 'spared.log');
  const child = spawn(frontDoor, args, {
    cwd,
    env: envOf({ SYSGATE_NODE: fakeHost, FAKE_HOST_LOG: log }),
  });
  const exited = new Promise((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig)));
  // The host has read the denial's record: the traced tree is in `sleep` by then, or soon.
  for (let i = 0; i < 500 && !(existsSync(log) && /"record"/.test(readFileSync(log, 'utf8'))); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  child.kill('SIGINT');
  assert.equal(await exited, 137);
  const { frames } = hostLog(log);
  assert.equal(frames.at(-1).verb, 'exit', 'the host was killed before it read exit');
});

test('frames that need no host start one all the same once more than 1 MiB of them wait; a slow host gets them all, exit last', () => {
  // A program under a 3,000-byte name: each of its `process` frames names it twice.
  let dir = cwd;
  for (let i = 0; i < 12; i++) dir = join(dir, String(i).padEnd(250, 'x'));
  mkdirSync(dir, { recursive: true });
  const program = join(dir, 'true');
  copyFileSync(realpathSync('/usr/bin/true'), program);
  chmodSync(program, 0o755);
  const shell = `for i in $(seq 150); do ${program}; done`;
  const args = ['-a', 'sh', '-c', shell];
  const log = join(work, 'bound.log');
  writePlan(cache, cwd, args, {
    command: ['sh', '-c', shell],
    preamble: [real('sh'), real('seq'), program].map((p) => policyFrame(p, permitEvery())),
  });
  const run = front(args, { SYSGATE_NODE: fakeHost, FAKE_HOST_LOG: log, FAKE_HOST: 'slow' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.signal, null, 'the run had to be stopped');
  assert.match(run.stderr, /^sysgate: start: host started for "process"$/m);
  const { frames } = hostLog(log);
  assert.equal(frames[0].verb, 'hello');
  assert.equal(frames.at(-1).verb, 'exit');
  const execs = frames.filter((f) => f.verb === 'process' && f.fields.event === 'exec');
  assert.equal(execs.filter((f) => f.fields.exe === program).length, 150);
});

test('a preamble frame that fails fails closed: the reason, status 1, nothing runs, no fallback', () => {
  const witness = join(cwd, 'ran');
  const args = ['-a', '-K', 'touch', witness];
  writePlan(cache, cwd, args, {
    command: ['touch', witness],
    preamble: [
      frame('kernel', { handled: 14, allow: 'open openat close' }),
      // A right this kernel does not have: landlock_add_rule refuses it.
      frame('landlock-rule', { path: '/etc', file: 0, dir: 2 ** 40 }),
      policyFrame(real('touch'), permitEvery()),
    ],
  });
  const run = front(args);
  assert.match(run.stderr, /^sysgate: start: from plan /);
  assert.match(run.stderr, /not starting the command/);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '', 'Node.js was run');
  assert.equal(existsSync(witness), false, 'the command ran');
});

test("a Landlock grant that would let the kernel change sysgate's own files stops the run: grants cannot subtract", () => {
  const own = join(work, 'own-landlock');
  mkdirSync(own, { recursive: true });
  const witness = join(cwd, 'ran-landlock');
  const run = (name, rule) => {
    const args = ['-a', '-K', 'touch', witness, name];
    writePlan(cache, cwd, args, {
      options: ['--mode', 'enforce', '--protect', own],
      command: ['touch', witness, name],
      preamble: [
        frame('kernel', { handled: 2 ** 16 - 1, allow: 'close' }),
        frame('landlock-rule', rule),
        policyFrame(real('touch'), permitEvery()),
      ],
    });
    return front(args);
  };
  // WRITE_FILE and MAKE_REG above the place, REMOVE_FILE on it: each covers what is in it.
  for (const [name, rule] of [
    ['above', { path: work, file: 0, dir: 2 + 256 }],
    ['on', { path: own, file: 0, dir: 32 }],
  ]) {
    const r = run(name, rule);
    assert.match(r.stderr, /a right that would change sysgate's own files/, name);
    assert.match(r.stderr, /not starting the command/, name);
    assert.equal(r.status, 1, name);
    assert.equal(existsSync(witness), false, `the command ran (${name})`);
  }
  // Reading and running there are granted as ever.
  const reading = run('reading', { path: work, file: 0, dir: 1 + 4 + 8 });
  assert.doesNotMatch(reading.stderr, /sysgate's own files/);
});

/** A run of cat whose plan is changed by `spoil` after it was written: Node.js runs instead. */
function fallsBack(name, spoil, reason, { plan = {}, env = {}, args: given } = {}) {
  const file = fileWith(`input-${name}`, 'text\n');
  const args = given ?? ['-a', 'cat', file];
  const path = writePlan(cache, cwd, args, {
    inputs: [file],
    command: ['cat', file],
    preamble: [policyFrame(real('cat'), permitEvery())],
    ...plan,
  });
  spoil?.({ path, file });
  const run = front(args, env);
  assert.equal(run.stderr, `sysgate: start: no plan: ${reason({ path, file })}\n`);
  assert.equal(run.stdout, fellBack(args));
  assert.equal(run.status, 0);
}

test('no plan at all: Node.js runs with the same arguments', () => {
  const args = ['-a', 'cat', '/nothing/planned'];
  const run = front(args);
  assert.match(run.stderr, /^sysgate: start: no plan: no plan at .*\/cache\/sysgate\/runs\/[0-9a-f]{16}\n$/);
  assert.equal(run.stdout, fellBack(args));
});

test('an input that changed: no plan', () =>
  fallsBack('changed', ({ file }) => writeFileSync(file, 'other text\n'), ({ file }) => `input ${file} changed`));

test('an input that was absent and now exists: no plan', () => {
  const later = join(cwd, 'appears-later');
  fallsBack(
    'absent',
    () => writeFileSync(later, ''),
    () => `input ${later} changed`,
    { plan: { inputs: [later] } },
  );
});

test('an input only its existence matters for holds while it is rewritten, not once it is gone', () => {
  const output = fileWith('output', 'first\n');
  const args = ['-a', 'cat', output];
  const plan = {
    inputs: [{ path: output, id: 'present' }],
    command: ['cat', output],
    preamble: [policyFrame(real('cat'), permitEvery())],
  };
  const path = writePlan(cache, cwd, args, plan);
  rmSync(output);
  fileWith('output', 'rewritten\n');
  const rewritten = front(args);
  assert.equal(rewritten.stderr, `sysgate: start: from plan ${path}\n`);
  assert.equal(rewritten.stdout, 'rewritten\n');
  rmSync(output);
  const gone = front(args);
  assert.equal(gone.stderr, `sysgate: start: no plan: input ${output} changed\n`);
  assert.equal(gone.stdout, fellBack(args));
});

test('the names a pattern matched: others come and go, one more match is no plan', () => {
  const dir = join(work, 'temporaries');
  mkdirSync(dir);
  writeFileSync(join(dir, 'ccA.s'), '');
  writeFileSync(join(dir, 'other'), '');
  const greeting = fileWith('greeting-names', 'hello\n');
  const args = ['-a', 'cat', greeting];
  const path = writePlan(cache, cwd, args, {
    // The identity the host computes (app/core/run-plan/inputs.ts): the C side must agree.
    inputs: [{ path: dir, pattern: 'cc*', id: namesIdentity(['ccA.s']) }],
    command: ['cat', greeting],
    preamble: [policyFrame(real('cat'), permitEvery())],
  });
  writeFileSync(join(dir, 'unrelated'), '');
  rmSync(join(dir, 'other'));
  assert.equal(front(args).stderr, `sysgate: start: from plan ${path}\n`);
  writeFileSync(join(dir, 'ccB.o'), '');
  const more = front(args);
  assert.equal(more.stderr, `sysgate: start: no plan: input ${dir}/cc* changed\n`);
  assert.equal(more.stdout, fellBack(args));
  rmSync(join(dir, 'ccB.o'));
  rmSync(join(dir, 'ccA.s'));
  assert.match(front(args).stderr, /no plan: input .*\/cc\* changed/);
});

test('an argument that differs: no plan', () =>
  fallsBack('argument', null, () => 'argument 2 differs', { plan: { args: ['-a', 'tac', 'x'] } }));

test('a plan another installation of sysgate made: no plan', () =>
  fallsBack('root', null, () => 'made by another installation of sysgate', {
    plan: { root: '/opt/another-sysgate' },
  }));

test('the working directory differs: no plan', () =>
  fallsBack('cwd', null, () => 'working directory differs', { plan: { cwd: '/' } }));

test('an environment variable set to another value: no plan', () =>
  fallsBack('env-value', null, () => 'environment HOME differs', {
    plan: { env: [{ name: 'HOME', value: '/home/someone-else' }] },
  }));

test('an environment variable set that the plan says is unset, and the other way round: no plan', () => {
  fallsBack('env-set', null, () => 'environment SYSGATE_TEST_VAR differs', {
    plan: { env: [{ name: 'SYSGATE_TEST_VAR' }] },
    env: { SYSGATE_TEST_VAR: 'set' },
  });
  fallsBack('env-unset', null, () => 'environment SYSGATE_TEST_VAR differs', {
    plan: { env: [{ name: 'SYSGATE_TEST_VAR', value: 'set' }] },
  });
});

test('a plan others may write: no plan', () =>
  fallsBack('writable', null, ({ path }) => `${path} is writable by others`, { plan: { mode: 0o620 } }));

test('a plan owned by another user: no plan', asRoot, () =>
  fallsBack('owner', ({ path }) => chownSync(path, 65534, 65534), ({ path }) => `${path} is owned by uid 65534`));

test('a plan with a second name (a hard link): no plan', () =>
  fallsBack('linked', ({ path }) => linkSync(path, `${path}.second`), ({ path }) => `${path} has 2 links`));

test('a plan that is a symbolic link: no plan', () =>
  fallsBack(
    'symlink',
    ({ path }) => {
      renameSync(path, `${path}.real`);
      symlinkSync(`${path}.real`, path);
    },
    ({ path }) => `${path} is a symbolic link`,
  ));

test('a garbled frame: no plan, and the reason names its byte', () => {
  let at;
  fallsBack(
    'garbled',
    ({ path }) => {
      const data = readFileSync(path);
      at = data.indexOf('\n') + 1; // after the `plan` frame
      writeFileSync(path, Buffer.concat([data.subarray(0, at), Buffer.from('bad frame!\n'), data.subarray(at)]));
    },
    ({ path }) => `${path}:${at + 9}: expected '=' after the key`,
  );
});

test('a plan cut short: no plan', () => {
  let at;
  fallsBack(
    'truncated',
    ({ path }) => {
      at = Math.floor(readFileSync(path).length / 2);
      truncateSync(path, at);
    },
    ({ path }) => `${path}:${at}: the rest of a frame: the plan is cut short`,
  );
});

test('options a run does not take: no plan', () =>
  fallsBack('options', null, ({ path }) => `${path}: bad option: --no-such-option`, {
    plan: { options: ['--no-such-option'] },
  }));
