// `npm run bench`: what sysgate costs a traced program. Each workload runs natively, under
// `sysgate -a` with the policy `sysgate -A` learned for it, under `sysgate -a -K` (the kernel
// enforcing the policy's file rules), alternating run after run so that the machine's mood is
// shared, then under `strace -f -o /dev/null`; the medians and their ratios are printed. Then the
// real programs of e2e/real-programs and one decided call beside notify-floor
// (bench/real-programs.mjs), the front door's start from a run plan (bench/front-door.mjs), the
// history's database (bench/history.mjs), an "always" answer reaching a second running session
// (bench/rule-reach.mjs), the questions a person answers for ls, python and git with the first
// suggestions (bench/questions.mjs), the desktop part (bench/desktop.mjs): prompt latency
// and a burst of 1,000 questions in the web shell, and the policy editor with 5,000 rules
// (bench/editor.mjs). Usage: npm run bench [-- --runs N]
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { proposeGeneralisations, reviewedRules } = await import(
  new URL('../build/app/common/policy/generalise.js', import.meta.url)
);
// `sysgate` as a user runs it: the native front door, which starts a run from the plan the
// previous identical run left (native/PROTOCOL.md, "Run plans"); and the command line in
// Node.js, which every run went through before and the first run of a command line still does.
const sysgate = join(root, 'bin', 'sysgate');
const sysgateNode = join(root, 'bin', 'sysgate.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const OPENS = 20000;

const scratch = mkdtempSync(join(tmpdir(), 'sysgate-bench-'));
// The first sysgate -a run of each workload compiles its policy and keeps the compiled form in
// the cache (app/core/policy/compiled-cache.ts); the medians are of runs that find it there.
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(scratch, 'config'),
  XDG_CACHE_HOME: join(scratch, 'cache'),
};
const policies = join(scratch, 'config', 'sysgate', 'policies');
const source = join(scratch, 'hello.c');
writeFileSync(source, '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');

// `idle`: the same program doing next to nothing under the same policy, so that what a run costs
// before the program starts (node, the policy, the supervisor, the Landlock rules) can be told
// from what supervising the program costs.
const workloads = [
  {
    name: 'find /usr/share -type f',
    command: ['find', '/usr/share', '-type', 'f'],
    idle: ['find', '/usr/share', '-maxdepth', '0'],
  },
  {
    name: 'cc -O2 hello.c',
    command: ['cc', '-O2', '-o', join(scratch, 'hello'), source],
    idle: ['cc', '--version'],
    // The compiler's temporary files have new names every run: the one generalisation a
    // reviewer makes to what was learned.
    review: [
      'native-fsread: filename match "/tmp/cc*" then permit',
      'native-fswrite: filename match "/tmp/cc*" then permit',
    ],
  },
  {
    name: `open+close x${OPENS}`,
    command: [join(root, 'native/build/openloop'), String(OPENS)],
    idle: [join(root, 'native/build/openloop'), '0'],
    perCall: OPENS,
  },
  {
    // find's policy as a reviewer leaves it who accepts every generalisation the review after
    // learning proposes (app/common/policy/generalise.ts): directories of learned paths become
    // `match` rules. strace was measured on the first row.
    name: 'find, reviewed policy',
    command: ['find', '/usr/share', '-type', 'f'],
    idle: ['find', '/usr/share', '-maxdepth', '0'],
    generalise: true,
    strace: false,
  },
];

function timed(argv) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    cwd: scratch,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${argv.join(' ')} failed (${result.status}): ${result.stderr.slice(0, 2000)}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hasStrace = spawnSync('strace', ['-V']).status === 0;

console.log(
  `sysgate benchmark: ${RUNS} alternating runs of each, medians (${new Date().toISOString()})\n`,
);
/** The policy sysgate -a enforces: what the command did under sysgate -A. */
function learn(command) {
  const run = spawnSync(sysgate, ['-A', ...command], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    cwd: scratch,
  });
  if (run.status !== 0) throw new Error(`learning ${command.join(' ')} failed: ${run.stderr}`);
}

/** Accepts every generalisation proposed for the policy file at `path`, as a reviewer may. */
function generalise(path) {
  const lines = readFileSync(path, 'utf8').split('\n');
  const rules = lines.filter((l) => /^\t[^#]/.test(l)).map((l) => l.slice(1));
  const proposals = proposeGeneralisations(rules, { HOME: process.env.HOME ?? '/root' });
  const reviewed = reviewedRules(rules, proposals, new Set(proposals.keys()), new Set());
  const header = lines.filter((l) => l !== '' && !l.startsWith('\t'));
  writeFileSync(path, [...header, ...reviewed.map((r) => `\t${r}`), ''].join('\n'));
}

/** Why sysgate -a -K cannot run the command (its last words), or null when it can. */
function kernelRefusal(command) {
  const run = spawnSync(sysgate, ['-a', '-e', '-K', ...command], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    cwd: scratch,
  });
  if (run.status === 0) return null;
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  return lines.find((l) => / error: /.test(l)) ?? lines.at(-1) ?? `exit status ${run.status}`;
}

const rows = [];
for (const w of workloads) {
  learn(w.command);
  for (const rule of w.review ?? []) {
    for (const file of readdirSync(policies)) appendFileSync(join(policies, file), `\t${rule}\n`);
  }
  if (w.generalise) for (const file of readdirSync(policies)) generalise(join(policies, file));
  const refused = kernelRefusal(w.command);
  const times = { native: [], sysgate: [], kernel: [], strace: [], idle: [], idleA: [], idleK: [] };
  const gate = (flags, command) => timed([sysgate, '-a', '-e', ...flags, ...command]);
  // The first run of each command line goes through Node.js and leaves its plan; the medians
  // are of the runs that start from it, as every run after a user's first does.
  for (const command of [w.command, w.idle]) {
    gate([], command);
    if (refused === null) gate(['-K'], command);
  }
  for (let i = 0; i < RUNS; i++) {
    times.native.push(timed(w.command));
    times.sysgate.push(gate([], w.command));
    if (refused === null) times.kernel.push(gate(['-K'], w.command));
    times.idle.push(timed(w.idle));
    times.idleA.push(gate([], w.idle));
    if (refused === null) times.idleK.push(gate(['-K'], w.idle));
  }
  // strace after, not among them: a run of seconds under ptrace leaves the machine slower for
  // the run after it, and the native runs were the ones after it.
  if (hasStrace && w.strace !== false) {
    for (let i = 0; i < Math.min(RUNS, 3); i++)
      times.strace.push(timed(['strace', '-f', '-o', '/dev/null', ...w.command]));
  }
  rows.push({
    w,
    refused,
    native: median(times.native),
    gated: median(times.sysgate),
    kernel: refused === null ? median(times.kernel) : NaN,
    idle: median(times.idle),
    idleA: median(times.idleA),
    idleK: refused === null ? median(times.idleK) : NaN,
    traced: times.strace.length > 0 ? median(times.strace) : NaN,
  });
}

const pad = (s, n) => String(s).padEnd(n);
const ms = (x) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(0)} ms`);
const ms1 = (x) => `${x.toFixed(1)} ms`;
const ratio = (x, digits = 2) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(digits)}x`);
console.log(
  `${pad('workload', 26)}${pad('native', 9)}${pad('sysgate -a', 12)}${pad('-a -K', 9)}${pad('strace -f', 11)}` +
    `${pad('-a/native', 11)}${pad('-K/native', 11)}strace/-a`,
);
for (const { w, native, gated, kernel, traced } of rows) {
  console.log(
    `${pad(w.name, 26)}${pad(ms(native), 9)}${pad(ms(gated), 12)}${pad(ms(kernel), 9)}${pad(ms(traced), 11)}` +
      `${pad(ratio(gated / native), 11)}${pad(ratio(kernel / native), 11)}${ratio(traced / gated, 1)}`,
  );
}
for (const { w, refused } of rows) {
  if (refused !== null) console.log(`-a -K cannot run ${w.name}: ${refused}`);
}
const loop = rows.find((r) => r.w.perCall);
if (loop) {
  const us = ((loop.gated - loop.native) * 1000) / loop.w.perCall;
  console.log(
    `\nper supervised open+close (the open notified and performed by the supervisor): ${us.toFixed(1)} us more than native`,
  );
}
// The exact mode's floor: every call a policy decides by its arguments is a round trip through
// the kernel to the supervisor, and the round trip alone, answered without reading or deciding
// anything, costs what native/build/notify-floor measures. The calls find makes outside the
// filter's baseline are each such a round trip under `sysgate -a`.
const floorRun = spawnSync(join(root, 'native/build/notify-floor'), ['20000'], {
  encoding: 'utf8',
});
const floorUs = Number(/([\d.]+) us each/.exec(floorRun.stdout)?.[1] ?? NaN);
const findRow = rows.find((r) => r.w.command[0] === 'find');
if (hasStrace && findRow && !Number.isNaN(floorUs)) {
  const baseline = new Set(
    spawnSync(join(root, 'native/build/sysgate-supervisor'), ['--print-baseline'], {
      encoding: 'utf8',
    }).stdout.split('\n'),
  );
  const counts = join(scratch, 'strace-counts');
  spawnSync('strace', ['-f', '-c', '-o', counts, ...findRow.w.command], { stdio: 'ignore' });
  const notified = readFileSync(counts, 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && /^\d+$/.test(f[3]) && f.at(-1) !== 'total')
    .filter((f) => !baseline.has(f.at(-1)))
    .reduce((sum, f) => sum + Number(f[3]), 0);
  const floorMs = (notified * floorUs) / 1000;
  console.log(
    `the exact mode's floor: a notified call costs at least ${floorUs.toFixed(2)} us here (native/build/notify-floor, answered at once); ` +
      `find makes ${notified} calls the supervisor decides, so ${floorMs.toFixed(0)} ms (${ratio(floorMs / findRow.native)} of its native time) is spent in round trips before any decision is made`,
  );
}

// What every sysgate figure above includes before the program's first instruction: reading
// the plan, starting the supervisor (and with -K, the Landlock rules); measured as a run of
// `true` under its learned policy, and as the workload's own program doing next to nothing
// under the workload's policy. Beside it the start through Node.js, as a first run has it.
learn(['true']);
timed([sysgate, '-a', '-e', 'true']);
const startTimes = { plan: [], node: [], native: [], nodeAlone: [] };
for (let i = 0; i < RUNS; i++) {
  startTimes.native.push(timed(['true']));
  startTimes.plan.push(timed([sysgate, '-a', '-e', 'true']));
  startTimes.node.push(timed([process.execPath, sysgateNode, '-a', '-e', 'true']));
  startTimes.nodeAlone.push(timed([process.execPath, '-e', '0']));
}
console.log(
  `\nsysgate's own start: \`sysgate -a true\` takes ${ms1(median(startTimes.plan))} from its plan ` +
    `(\`true\` alone: ${ms1(median(startTimes.native))}), included in every sysgate figure above; ` +
    `through Node.js, as a command line's first run: ${ms1(median(startTimes.node))} ` +
    `(of it, node's own start: ${ms1(median(startTimes.nodeAlone))}).`,
);
console.log(
  'Without the start, what supervision costs the program itself: (run - idle run under the same policy + native idle) / native',
);
console.log(
  `  ${pad('workload', 26)}${pad('start -a', 10)}${pad('start -K', 10)}${pad('-a', 9)}-a -K`,
);
for (const { w, native, gated, kernel, idle, idleA, idleK } of rows) {
  console.log(
    `  ${pad(w.name, 26)}${pad(ms(idleA), 10)}${pad(ms(idleK), 10)}${pad(ratio((gated - idleA + idle) / native), 9)}${ratio((kernel - idleK + idle) / native)}`,
  );
}
rmSync(scratch, { recursive: true, force: true });
if (!hasStrace) console.log('strace is not installed: its column is n/a (apt-get install strace)');

// The real programs of e2e/real-programs: each natively, under -a and under -a -K, the suite's
// median ratios beside the targets; then one decided call beside notify-floor
// (bench/real-programs.mjs).
const realPrograms = await import('./real-programs.mjs');
await realPrograms.benchRealPrograms({ runs: RUNS });
await realPrograms.benchDecidedCall({ runs: RUNS });

// The front door: `sysgate -a true` started from its run plan, without Node.js
// (bench/front-door.mjs).
await (await import('./front-door.mjs')).benchFrontDoor([]);

// The history: a database of 1,000,000 records (bench/history.mjs).
await (await import('./history.mjs')).benchHistory([]);

// An "always" answer's way to a second running session (bench/rule-reach.mjs).
await (await import('./rule-reach.mjs')).benchRuleReach([]);

// How many questions a person answers with the first suggestions (bench/questions.mjs).
await (await import('./questions.mjs')).benchQuestions([]);

// The desktop part: the web shell in Chromium (bench/desktop.mjs); it says so when it skips.
await (await import('./desktop.mjs')).benchDesktop();
// The policy editor with a 5,000-rule policy (bench/editor.mjs).
await (await import('./editor.mjs')).benchEditor();
