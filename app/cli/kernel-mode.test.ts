// `sysgate -a -K` against real programs: a learned policy enforced by the kernel, what the run
// says about it, and a policy the kernel cannot enforce refused rule by rule.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { policyFileName } from '../core/policy/naming.js';
import { runSysgate } from '../core/testing/sysgate-command.js';

const CAT = realpathSync('/bin/cat');

let home: string;
before(() => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-kernel-')));
  mkdirSync(join(home, 'allowed'));
  mkdirSync(join(home, 'forbidden'));
  writeFileSync(join(home, 'allowed/a'), 'allowed text\n');
  writeFileSync(join(home, 'forbidden/b'), 'forbidden text\n');
});
after(() => rmSync(home, { recursive: true, force: true }));

function sysgate(args: string[]) {
  return runSysgate(args, { home });
}

test('a learned policy enforced by the kernel: what it read works, anything else is EACCES', () => {
  const learn = sysgate(['-A', CAT, join(home, 'allowed/a')]);
  assert.equal(learn.status, 0, learn.stderr);

  const allowed = sysgate(['-a', '-e', '-K', CAT, join(home, 'allowed/a')]);
  assert.equal(allowed.status, 0, allowed.stderr);
  assert.equal(allowed.stdout, 'allowed text\n');
  assert.match(allowed.stderr, new RegExp(`-K: the kernel enforces the file rules of ${CAT}`));
  assert.match(allowed.stderr, /-K: not restricted in this mode: stat, lstat, newfstatat, statx/);

  const forbidden = sysgate(['-a', '-e', '-K', CAT, join(home, 'forbidden/b')]);
  assert.notEqual(forbidden.status, 0);
  assert.equal(forbidden.stdout, '');
  assert.match(forbidden.stderr, /forbidden\/b: Permission denied/);
});

test('names beneath a directory grant are left to it: still read, and the rest still refused', () => {
  const tree = join(home, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  mkdirSync(join(home, 'outside'));
  writeFileSync(join(tree, 'inside'), 'inside text\n');
  writeFileSync(join(home, 'outside/secret'), 'secret text\n');
  writeFileSync(join(home, 'outside/other'), 'other text\n');
  symlinkSync('../outside/secret', join(tree, 'link'));
  const learn = sysgate(['-A', CAT, join(home, 'allowed/a')]);
  assert.equal(learn.status, 0, learn.stderr);
  const counts = () => {
    const run = sysgate(['-a', '-e', '-K', CAT, join(home, 'allowed/a')]);
    assert.equal(run.stdout, 'allowed text\n', run.stderr);
    const [, rules, grants, covered] =
      /\((\d+) rules, (\d+) Landlock grants(?:; (\d+) more are beneath a directory grant)?\)/.exec(
        run.stderr,
      )!;
    return { rules: Number(rules), grants: Number(grants), covered: Number(covered ?? 0) };
  };
  const learned = counts();
  // The tree as a whole; a file and a directory in it, and a link in it that leads out.
  appendFileSync(
    join(home, '.config/sysgate/policies', policyFileName(CAT)),
    [
      `native-fsread: filename match "${tree}" then permit`,
      ...['inside', 'sub', 'link'].map(
        (n) => `native-fsread: filename eq "${tree}/${n}" then permit`,
      ),
    ]
      .map((rule) => `\t${rule}\n`)
      .join(''),
  );
  assert.deepEqual(counts(), {
    rules: learned.rules + 4,
    grants: learned.grants + 2,
    covered: learned.covered + 2,
  });
  const read = (name: string) => sysgate(['-a', '-e', '-K', CAT, join(home, name)]);
  assert.equal(read('tree/inside').stdout, 'inside text\n');
  // The link keeps its rule: it grants what it leads to, as it did.
  assert.equal(read('tree/link').stdout, 'secret text\n');
  for (const name of ['outside/other', 'forbidden/b']) {
    const refused = read(name);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, new RegExp(`${name}: Permission denied`));
  }
});

test('the programs a policy may run bring their file rules to the kernel', () => {
  const SH = realpathSync('/bin/sh');
  const script = `${CAT} ${join(home, 'allowed/a')}`;
  const learn = sysgate(['-A', SH, '-c', script]);
  assert.equal(learn.status, 0, learn.stderr);
  const run = sysgate(['-a', '-e', '-K', SH, '-c', script]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'allowed text\n');
  assert.match(run.stderr, new RegExp(`of ${SH} and of the program it may run \\(${CAT}\\)`));
  // What neither policy grants is refused by the kernel, in the shell and in cat alike.
  const other = sysgate(['-a', '-e', '-K', SH, '-c', `${CAT} ${join(home, 'forbidden/b')}`]);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /forbidden\/b: Permission denied/);
});

test('the kernel runs only the programs execve rules name by eq or match', () => {
  const SH = realpathSync('/bin/sh');
  const ID = realpathSync('/usr/bin/id');
  assert.equal(sysgate(['-A', SH, '-c', ':']).status, 0);
  const policy = join(home, '.config/sysgate/policies', policyFileName(SH));
  // The supervisor permits running id by this rule; the kernel cannot tell what it names.
  appendFileSync(policy, `\tnative-execve: filename sub "${ID}" then permit\n`);
  const supervised = sysgate(['-a', '-e', SH, '-c', ID]);
  assert.doesNotMatch(supervised.stderr, /id: Permission denied/);
  const kernel = sysgate(['-a', '-e', '-K', SH, '-c', ID]);
  assert.equal(kernel.status, 126, kernel.stderr);
  assert.match(
    kernel.stderr,
    /the kernel runs only the programs that `filename eq` and `match` rules name/,
  );
  assert.match(kernel.stderr, new RegExp(`${ID}: Permission denied`));
});

test("a program run through a match rule is not let through by another policy's permits", () => {
  const SH = realpathSync('/bin/sh');
  const RM = realpathSync('/usr/bin/rm');
  const target = join(home, 'allowed/keep');
  writeFileSync(target, 'kept\n');
  assert.equal(sysgate(['-A', SH, '-c', ':']).status, 0);
  const policy = join(home, '.config/sysgate/policies', policyFileName(SH));
  // The shell may run any program there, and remove anything itself; rm's own policy (none
  // yet: the base template) does not let it remove anything.
  appendFileSync(
    policy,
    `\tnative-execve: filename match "${RM.slice(0, RM.lastIndexOf('/'))}/*" then permit\n` +
      '\tnative-unlinkat: permit\n\tnative-unlink: permit\n',
  );
  const run = sysgate(['-a', '-e', '-K', SH, '-c', `${RM} ${target}`]);
  assert.match(run.stderr, /programs that execve rules do not name one by one/);
  assert.match(run.stderr, /rm: cannot remove .*: Operation not permitted/);
  assert.equal(readFileSync(target, 'utf8'), 'kept\n');
});

test('a policy the kernel cannot enforce is refused at the rule, and nothing runs', () => {
  const policy = join(home, 'deny-policy');
  writeFileSync(
    policy,
    [
      `Policy: ${CAT}, Emulation: native`,
      `\tnative-execve: filename eq "${CAT}" then permit`,
      `\tnative-fsread: filename eq "${home}/forbidden/b" then deny[eacces]`,
      `\tnative-fsread: filename match "${home}/*" then permit`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const run = sysgate(['-a', '-K', '-f', policy, CAT, join(home, 'allowed/a')]);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '');
  assert.match(
    run.stderr,
    new RegExp(`${policy}:3:2: error: -K cannot enforce this rule: the kernel cannot deny`),
  );
  assert.match(run.stderr, /run without -K/);
});

test('-K is for enforcing: with -A or -t it says why not', () => {
  for (const flag of ['-A', '-t']) {
    const run = sysgate([flag, '-K', CAT, join(home, 'allowed/a')]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /-K needs -a/);
  }
});

const OPENER = fileURLToPath(new URL('../../../native/build/opener', import.meta.url));
const SH = realpathSync('/bin/sh');
/** Programs looked up in the system's directories only, as every run of these tests sees. */
const SYSTEM_PATH = '/usr/bin:/bin';

/** Runs sysgate in `dir`, with the policies of `dir`'s own home (project) alone. */
function inDir(dir: string, args: string[]) {
  return runSysgate(args, {
    home: join(dir, '.home'),
    cwd: dir,
    timeout: 120_000,
    env: { PATH: SYSTEM_PATH },
  });
}

/** A fresh directory for a test, with these files, and a home of its own for policies. */
function project(name: string, files: Record<string, string>): string {
  const dir = join(home, name);
  mkdirSync(join(dir, '.home'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

test('an open the policy lets only read cannot truncate, nor create where no rule permits', () => {
  const dir = project('truncate', { kept: 'kept text\n' });
  const kept = join(dir, 'kept');
  const made = join(dir, 'made');
  assert.equal(inDir(dir, ['-A', OPENER, 'ro', kept]).status, 0);
  const run = inDir(dir, ['-a', '-e', '-K', OPENER, 'ro+t', kept, 'wo+c', made, 'ro', kept]);
  assert.equal(
    run.stdout,
    `${kept}: Operation not permitted\n${made}: Operation not permitted\n${kept}: ok\n`,
    run.stderr,
  );
  assert.equal(readFileSync(kept, 'utf8'), 'kept text\n');
  assert.equal(existsSync(made), false);
  // The supervisor decided both, by the policy, and says so.
  assert.match(run.stderr, new RegExp(`deny .*native-openat.*filename: ${kept}, oflags: rot`));
  assert.match(run.stderr, new RegExp(`deny .*native-openat.*filename: ${made}, oflags: woc`));
});

test('a file the policy lets the program create is created under -K, and read back', () => {
  const dir = project('create', {});
  const made = join(dir, 'made');
  assert.equal(inDir(dir, ['-A', SH, '-c', `echo made >${made}; cat ${made}`]).status, 0);
  rmSync(made);
  const run = inDir(dir, ['-a', '-e', '-K', SH, '-c', `echo made >${made}; cat ${made}`]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'made\n');
  assert.equal(readFileSync(made, 'utf8'), 'made\n');
  // Read back after it was made: no Landlock rule could name it, the supervisor reads it.
  assert.match(
    run.stderr,
    /-K: every open is decided by the supervisor, as Landlock cannot grant a name the run may create/,
  );
  // The rest of what it reads (the shell, cat, their libraries), the kernel's rules grant: the
  // supervisor leaves those opens to Landlock once it has permitted them.
  assert.match(
    run.stderr,
    /; an open for reading that it permits, of a name the kernel grants, is left to the kernel$/m,
  );
  assert.doesNotMatch(run.stderr, /deny/);
});

test('a #! script and a #!/usr/bin/env script given as the command run under -K', () => {
  const dir = project('scripts', {
    plain: `#!${SH}\necho plain ran\n`,
    env: '#!/usr/bin/env sh\necho env ran\n',
  });
  for (const name of ['plain', 'env']) {
    const script = join(dir, name);
    chmodSync(script, 0o755);
    const learn = inDir(dir, ['-A', script]);
    assert.equal(learn.status, 0, learn.stderr);
    const run = inDir(dir, ['-a', '-e', '-K', script]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${name} ran\n`);
    assert.doesNotMatch(run.stderr, /deny|Permission denied/);
  }
});

/**
 * Stands in for the learning of random temporary names by their shape (issue 12, another
 * change): gcc's `/tmp/ccXXXXXX.s` learned as one name would be refused at the next run.
 */
function temporaryNamesAsShapes(project: string) {
  const dir = join(project, '.home/.config/sysgate/policies');
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /filename eq "\/tmp\/cc[A-Za-z0-9]{6}((?:\.[a-z]+)*)"/g,
        'filename match "/tmp/cc??????$1"',
      ),
    );
  }
}

test('a program built during the run is run under -K, as its execve rule permits', () => {
  const dir = project('build', { 't.c': '#include <stdio.h>\nint main(void){puts("built");}\n' });
  const script = 'cc -o t t.c && ./t';
  const learn = inDir(dir, ['-A', SH, '-c', script]);
  assert.equal(learn.status, 0, learn.stderr);
  temporaryNamesAsShapes(dir);
  rmSync(join(dir, 't'));
  const run = inDir(dir, ['-a', '-e', '-K', SH, '-c', script]);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'built\n');
  assert.doesNotMatch(run.stderr, /deny/);
  // Its policy could not be read when the run started: no other policy's permit lets its
  // calls through the filter.
  assert.match(
    run.stderr,
    new RegExp(`-K: ${dir}/t, which the run may build and run, has a policy`),
  );
  // Landlock may run anything in the directory it is built in, and so read it: no open is left
  // to the kernel, every one the supervisor permits it performs.
  assert.doesNotMatch(run.stderr, /is left to the kernel/);
  // Another program in that directory is not one the policy runs: the supervisor refuses it.
  copyFileSync(join(dir, 't'), join(dir, 'u'));
  const other = inDir(dir, ['-a', '-e', '-K', SH, '-c', `${script} && ./u`]);
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, new RegExp(`deny .*native-execve.*filename: ${dir}/u`));
});

test("a denial under -K names the program that made the call, a script's child too", () => {
  const dir = project('child', { 'mk.sh': `#!${SH}\nmkdir "$1"\n` });
  const script = join(dir, 'mk.sh');
  chmodSync(script, 0o755);
  const MKDIR = realpathSync('/usr/bin/mkdir');
  assert.equal(inDir(dir, ['-A', script, 'learned']).status, 0);
  const run = inDir(dir, ['-a', '-e', '-K', script, 'other']);
  assert.notEqual(run.status, 0);
  // The shell the script runs in may run mkdir (its policy came with the script's): mkdir
  // runs, and its own policy denies the new name, as without -K.
  assert.doesNotMatch(run.stderr, /Permission denied/);
  assert.match(
    run.stderr,
    new RegExp(`deny user: .*, prog: ${MKDIR}, .*policy: ${MKDIR}, .*native-mkdir.*${dir}/other`),
  );
  assert.equal(existsSync(join(dir, 'other')), false);
});

test('a file renamed over one the kernel granted is read back, by a rule that names one file', () => {
  const dir = project('rename', { x: 'old\n' });
  const script = 'cat x; echo new >x.tmp; mv x.tmp x; cat x';
  assert.equal(inDir(dir, ['-A', SH, '-c', script]).status, 0);
  // Learning writes a rule for each name (older policies learned one naming both, as
  // `filename[1]`, which is taken out here): the rule for x.tmp permits renaming it only over
  // a name another rule permits, x, which the kernel granted for reading.
  const policy = join(
    dir,
    '.home/.config/sysgate/policies',
    policyFileName(realpathSync('/usr/bin/mv')),
  );
  writeFileSync(policy, readFileSync(policy, 'utf8').replace(/ and filename\[1\] eq "[^"]*"/, ''));
  assert.match(readFileSync(policy, 'utf8'), new RegExp(`filename eq "${dir}/x.tmp" then permit`));
  writeFileSync(join(dir, 'x'), 'old\n');
  const run = inDir(dir, ['-a', '-e', '-K', SH, '-c', script]);
  assert.equal(run.stdout, 'old\nnew\n', run.stderr);
  assert.equal(run.status, 0);
  assert.match(
    run.stderr,
    new RegExp(
      `-K: every open is decided by the supervisor, .*: the run may create or replace ${dir}/x`,
    ),
  );
});
