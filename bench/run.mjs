// `npm run bench`: what sysgate costs a traced program. Each workload runs natively, under
// `sysgate -a` with the policy `sysgate -A` learned for it, and under `strace -f -o /dev/null`,
// the three alternating run after run so that the machine's mood is shared; the medians and
// their ratios are printed. Then the desktop part (bench/desktop.mjs): prompt latency and a burst
// of 1,000 questions in the web shell; and the policy editor with 5,000 rules (bench/editor.mjs).
// Usage: npm run bench [-- --runs N]
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sysgate = join(root, 'bin', 'sysgate.js');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const OPENS = 20000;

const scratch = mkdtempSync(join(tmpdir(), 'sysgate-bench-'));
const env = { ...process.env, XDG_CONFIG_HOME: join(scratch, 'config') };
const policies = join(scratch, 'config', 'sysgate', 'policies');
const source = join(scratch, 'hello.c');
writeFileSync(source, '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n');

const workloads = [
  { name: 'find /usr/share -type f', command: ['find', '/usr/share', '-type', 'f'] },
  {
    name: 'cc -O2 hello.c',
    command: ['cc', '-O2', '-o', join(scratch, 'hello'), source],
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
    perCall: OPENS,
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
const rows = [];
for (const w of workloads) {
  // The policy sysgate -a enforces: what the workload did under sysgate -A.
  const learn = spawnSync(process.execPath, [sysgate, '-A', ...w.command], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    cwd: scratch,
  });
  if (learn.status !== 0) throw new Error(`learning ${w.name} failed: ${learn.stderr}`);
  for (const rule of w.review ?? []) {
    for (const file of readdirSync(policies)) appendFileSync(join(policies, file), `\t${rule}\n`);
  }
  const times = { native: [], sysgate: [], strace: [] };
  for (let i = 0; i < RUNS; i++) {
    times.native.push(timed(w.command));
    times.sysgate.push(timed([process.execPath, sysgate, '-a', '-e', ...w.command]));
    if (hasStrace) times.strace.push(timed(['strace', '-f', '-o', '/dev/null', ...w.command]));
  }
  const native = median(times.native);
  const gated = median(times.sysgate);
  const traced = hasStrace ? median(times.strace) : NaN;
  rows.push({ w, native, gated, traced });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(
  `${pad('workload', 28)}${pad('native', 12)}${pad('sysgate -a', 14)}${pad('strace -f', 12)}${pad('sysgate/native', 16)}strace/sysgate`,
);
for (const { w, native, gated, traced } of rows) {
  console.log(
    `${pad(w.name, 28)}${pad(`${native.toFixed(0)} ms`, 12)}${pad(`${gated.toFixed(0)} ms`, 14)}${pad(Number.isNaN(traced) ? 'n/a' : `${traced.toFixed(0)} ms`, 12)}` +
      `${pad(`${(gated / native).toFixed(2)}x`, 16)}${Number.isNaN(traced) ? 'n/a' : `${(traced / gated).toFixed(1)}x`}`,
  );
}
const loop = rows.find((r) => r.w.perCall);
if (loop) {
  const us = ((loop.gated - loop.native) * 1000) / loop.w.perCall;
  console.log(
    `\nper supervised open+close (the open notified and performed by the supervisor): ${us.toFixed(1)} us more than native`,
  );
}
const start = median(
  Array.from({ length: RUNS }, () => timed([process.execPath, sysgate, '--version'])),
);
console.log(
  `sysgate's own start (node, no program traced): ${start.toFixed(0)} ms, included in every sysgate -a figure above`,
);
rmSync(scratch, { recursive: true, force: true });
if (!hasStrace) console.log('strace is not installed: its column is n/a (apt-get install strace)');

// The desktop part: the web shell in Chromium (bench/desktop.mjs); it says so when it skips.
await (await import('./desktop.mjs')).benchDesktop();
// The policy editor with a 5,000-rule policy (bench/editor.mjs).
await (await import('./editor.mjs')).benchEditor();
