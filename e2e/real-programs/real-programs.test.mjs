// Real programs, learned once and then enforced, must run exactly as they do natively (issue 12):
// python3, node, git, make with gcc, a bash script, sort through temporary files, tar xzf
// (programs.mjs). Each runs natively, then under `sysgate -A`, then under `sysgate -a -e` and
// `sysgate -a -K -e`, each of these twice (the first run of a command line goes through Node.js,
// the next starts from its plan), every run on a fresh copy of its fixture at the same paths
// (runs.mjs). A run passes when its standard output, standard error (sysgate's own `sysgate: `
// lines left out), exit status and the files it left are the native run's, and sysgate denied
// nothing: a failure says every difference and every denial line in full. Then: what was learned
// for one file does not let the program read another, and the denial says so in a readable line.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { missing, programPath, programPaths, programs } from './programs.mjs';
import {
  caseBase,
  caseDirs,
  caseEnv,
  prepare,
  runProgram,
  splitStderr,
  sysgate,
  treeDiff,
} from './runs.mjs';

const base = caseBase(mkdtempSync(join(tmpdir(), 'sysgate-real-')));
const paths = programPaths();
const TIMEOUT = 60000;

/** The first lines where `a` and `b` differ, with a few around. */
function textDiff(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const show = (lines) =>
    lines
      .slice(i, i + 8)
      .map((l) => `    ${l}`)
      .join('\n');
  return `  from line ${i + 1}, natively:\n${show(x)}\n  this run:\n${show(y)}`;
}

/** Every way `run` differs from `native`, and every denial: empty when it ran as natively. */
function differences(native, run) {
  const out = [];
  if (run.decisions.length > 0)
    out.push(`sysgate denied ${run.decisions.length} calls:\n${run.decisions.join('\n')}`);
  if (run.status !== native.status)
    out.push(
      `exit status ${run.status}${run.failedStep ? ` (of \`${run.failedStep}\`)` : ''}, natively ${native.status}`,
    );
  if (run.stdout !== native.stdout)
    out.push(`standard output differs\n${textDiff(native.stdout, run.stdout)}`);
  if (run.stderr !== native.stderr)
    out.push(`standard error differs\n${textDiff(native.stderr, run.stderr)}`);
  const files = treeDiff(native.tree, run.tree);
  if (files.length > 0)
    out.push(
      `the files left differ (- natively, + this run):\n${files.slice(0, 40).join('\n')}` +
        (files.length > 40 ? `\n... and ${files.length - 40} more` : ''),
    );
  return out;
}

function assertAsNative(native, run, how, dirs) {
  const found = differences(native, run);
  if (found.length === 0) return;
  const said = run.own.length > 0 ? `\nsysgate said:\n${run.own.slice(0, 12).join('\n')}` : '';
  assert.fail(
    `under \`sysgate ${how}\`, not as natively:\n${found.join('\n\n')}${said}\n` +
      `(the run's files and the learned policies are left in ${dirs.dir})`,
  );
}

for (const program of programs) {
  describe(program.name, () => {
    const dirs = caseDirs(base, program);
    let native;
    before(() => {
      if (missing(program, paths).length > 0) return;
      native = runProgram(program, dirs, null, { paths, timeout: TIMEOUT });
    });

    test('runs natively', () => {
      assert.deepEqual(missing(program, paths), [], 'this machine lacks it: .ci/run installs it');
      assert.equal(
        native.status,
        0,
        `the native run failed (${native.failedStep}): ${native.stderr}`,
      );
    });

    const modes = [
      ['-A', 'learns it under `sysgate -A`, running as natively'],
      ['-a -e', 'runs under `sysgate -a` as natively, with no denial'],
      ['-a -e', 'runs under `sysgate -a` again (from its plan) as natively'],
      ['-a -K -e', 'runs under `sysgate -a -K` as natively, with no denial'],
      ['-a -K -e', 'runs under `sysgate -a -K` again (from its plan) as natively'],
    ];
    for (const [flags, title] of modes) {
      test(title, () => {
        assert.ok(native, 'no native run to compare with');
        const run = runProgram(program, dirs, flags.split(' '), { paths, timeout: TIMEOUT });
        assertAsNative(native, run, flags, dirs);
      });
    }
  });
}

describe('learning one file and enforcing with another', () => {
  const program = {
    id: 'other-file',
    fixture: (work) => {
      writeFileSync(join(work, 'a.txt'), 'learned\n');
      writeFileSync(join(work, 'b.txt'), 'SECRET\n');
    },
  };
  const dirs = caseDirs(base, program);
  const cat = programPath('cat');
  const env = caseEnv(dirs, program);
  const run = (args) => {
    const r = spawnSync(sysgate, args, {
      cwd: dirs.work,
      env,
      encoding: 'utf8',
      timeout: TIMEOUT,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, ...splitStderr(r.stderr) };
  };
  before(() => {
    prepare(dirs, program);
    const learned = run(['-A', cat, 'a.txt']);
    assert.equal(learned.status, 0, learned.program);
    assert.equal(learned.stdout, 'learned\n');
  });

  test('`sysgate -a` denies reading the other file, in a line that names it', () => {
    const r = run(['-a', '-e', cat, 'b.txt']);
    assert.notEqual(r.status, 0, 'cat b.txt succeeded');
    assert.doesNotMatch(r.stdout, /SECRET/);
    const file = join(dirs.work, 'b.txt');
    const line = r.decisions.find((l) => l.includes(`filename: ${file}`));
    assert.ok(
      line,
      `no denial names ${file}; exit status ${r.status}, standard error:\n${r.stderr}`,
    );
    assert.match(
      line,
      /^deny user: \S+, prog: \/usr\/bin\/cat, pid: \d+\(\d+\)\[\d+\], policy: \/usr\/bin\/cat, filters: \d+, syscall: native-open(at)?\(\d+\), filename: \S+b\.txt, oflags: ro$/,
    );
    assert.match(r.program, /cat: b\.txt: Operation not permitted/);
  });

  test('`sysgate -a -K` does not let it read the other file either', () => {
    const r = run(['-a', '-K', '-e', cat, 'b.txt']);
    assert.notEqual(r.status, 0, 'cat b.txt succeeded');
    assert.doesNotMatch(r.stdout, /SECRET/);
    assert.match(r.program, /cat: b\.txt: Permission denied/);
  });

  // The C library's malloc reads it when it gives a thread's arena back to the kernel, in some
  // runs and not in others (node, python with threads): a learning run that did not see it must
  // not make the next run fail. The base template every learned policy starts from permits it.
  test('what the C library reads only in some runs is permitted without having been learned', () => {
    for (const flags of [
      ['-a', '-e'],
      ['-a', '-K', '-e'],
    ]) {
      const r = run([...flags, cat, '/proc/sys/vm/overcommit_memory']);
      assert.equal(r.status, 0, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /^\d\n$/);
      assert.deepEqual(r.decisions, []);
    }
  });

  test('the learned file still reads under both', () => {
    for (const flags of [
      ['-a', '-e'],
      ['-a', '-K', '-e'],
    ]) {
      const r = run([...flags, cat, 'a.txt']);
      assert.equal(r.status, 0, `${flags.join(' ')}: ${r.program}\n${r.decisions.join('\n')}`);
      assert.equal(r.stdout, 'learned\n');
      assert.deepEqual(r.decisions, []);
    }
  });
});

// The fixtures are left where they are when a case fails, for whoever reads the failure.
process.on('exit', (code) => {
  if (code === 0) rmSync(base, { recursive: true, force: true });
});
