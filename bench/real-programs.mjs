// The real programs' part of `npm run bench` (issue 12): each program of the real-programs
// suite (e2e/real-programs/programs.mjs: the same fixtures and command lines, run by runs.mjs)
// timed natively, under `sysgate -a` and under `sysgate -a -K` with the policy one `sysgate -A`
// learned, start-up included, alternating run after run; every run on a fresh copy of its
// fixture at the same paths (the copy is not timed). Medians, their ratios, and the suite's
// median ratio beside its target (-a ≤ 1.3x, -a -K ≤ 1.05x). A program that does not run under a
// mode as it does natively (a denial, another status or output, other files) is not timed under
// it: the table says why. Then what one decided call costs over the bare notification round trip
// (native/build/notify-floor), measured in the same alternation: target at most 2x it.
// Usage: node bench/real-programs.mjs [--runs N]
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { missing, programPath, programPaths, programs } from '../e2e/real-programs/programs.mjs';
import { caseBase, caseDirs, runProgram, treeDiff } from '../e2e/real-programs/runs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The middle value; of an even count, the mean of the two middle ones. */
function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const pad = (s, n) => String(s).padEnd(n);
const ms = (x) => (x === undefined ? 'n/a' : `${x.toFixed(0)} ms`);
const ms1 = (x) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(1)} ms`);
const ratio = (x) => (x === undefined || Number.isNaN(x) ? 'n/a' : `${x.toFixed(2)}x`);

const MODES = {
  '-a': ['-a', '-e'],
  '-a -K': ['-a', '-K', '-e'],
};
const TARGETS = { '-a': 1.3, '-a -K': 1.05 };
const START = {
  id: 'start',
  needs: [],
  fixture: () => {},
  steps: () => [[programPath('true')]],
};

/** Why `run` is not the native run, in a line, or null when it is the same. */
function notAsNative(native, run) {
  if (run.decisions.length > 0) return run.decisions[0];
  if (run.status !== native.status) return `exit status ${run.status} (${run.failedStep})`;
  if (run.stdout !== native.stdout) return 'another standard output';
  if (run.stderr !== native.stderr)
    return `another standard error: ${run.stderr.split('\n').find((l) => l !== '') ?? ''}`;
  const files = treeDiff(native.tree, run.tree);
  if (files.length > 0) return `other files left: ${files[0]}`;
  return null;
}

/**
 * Resolves { rows: [{ program, native, '-a', '-a -K', failed: { mode: why } }], medians: { mode:
 * ratio } }, having printed the table.
 */
export async function benchRealPrograms({ runs = 7 } = {}) {
  const base = caseBase(mkdtempSync(join(tmpdir(), 'sysgate-bench-real-')));
  const paths = programPaths();
  const rows = [];
  // What each command line pays before its program starts (the front door, the plan, the
  // supervisor, with -K the Landlock rules): `true` under its learned policy, over `true`.
  const start = { program: START, times: { native: [], '-a': [], '-a -K': [] }, failed: {} };
  try {
    for (const program of [START, ...programs]) {
      const row =
        program === START
          ? start
          : { program, times: { native: [], '-a': [], '-a -K': [] }, failed: {} };
      if (program !== START) rows.push(row);
      const lacks = missing(program, paths);
      if (lacks.length > 0) {
        row.skipped = `this machine lacks ${lacks.join(', ')}`;
        continue;
      }
      const dirs = caseDirs(base, program);
      const native = runProgram(program, dirs, null, { paths });
      if (native.status !== 0) {
        row.skipped = `its native run fails: ${native.stderr.split('\n')[0]}`;
        continue;
      }
      runProgram(program, dirs, ['-A'], { paths });
      // The first run of each mode goes through Node.js and leaves its plan; it is also the one
      // that says whether the mode runs the program as natively.
      for (const [mode, flags] of Object.entries(MODES)) {
        const why = notAsNative(native, runProgram(program, dirs, flags, { paths }));
        if (why !== null) row.failed[mode] = why;
      }
      // Each round starts with the next mode in turn: whatever the run before leaves behind
      // (a supervisor still ending, written-back pages) falls on every mode alike.
      const order = [
        ['native', null],
        ...Object.entries(MODES).filter(([mode]) => row.failed[mode] === undefined),
      ];
      for (let i = 0; i < (program === START ? runs * 3 : runs); i++) {
        for (let k = 0; k < order.length; k++) {
          const [mode, flags] = order[(i + k) % order.length];
          row.times[mode].push(runProgram(program, dirs, flags, { paths }).ms);
        }
      }
      row.native = median(row.times.native);
      for (const mode of Object.keys(MODES))
        if (row.times[mode].length > 0) row[mode] = median(row.times[mode]);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }

  // A loaded machine makes every ratio noise: say how loaded it was.
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const busy =
    loadavg()[0] > availableParallelism()
      ? `\n  the machine was busy (load average above its ${availableParallelism()} CPUs): the ratios below are not to be trusted`
      : '';
  console.log(
    `\nReal programs (e2e/real-programs), start-up included: medians of ${runs} alternating runs, each on a fresh copy, after one sysgate -A (load average ${load})${busy}`,
  );
  const startA = start['-a'] - start.native;
  const startK = start['-a -K'] - start.native;
  console.log(
    `  (each command line first pays sysgate's start from its plan: ${ms1(startA)} under -a, ${ms1(startK)} under -a -K, ` +
      `\`sysgate -a true\` over \`true\`; the last two columns leave it out)`,
  );
  console.log(
    `  ${pad('program', 14)}${pad('native', 9)}${pad('-a', 9)}${pad('-a -K', 9)}${pad('-a/native', 11)}${pad('-K/native', 11)}` +
      `${pad('-a w/o start', 14)}-K w/o start`,
  );
  for (const row of rows) {
    const id = row.program.id;
    if (row.skipped) {
      console.log(`  ${pad(id, 14)}not measured: ${row.skipped}`);
      continue;
    }
    const starts = row.program.steps(paths).length;
    console.log(
      `  ${pad(id, 14)}${pad(ms(row.native), 9)}${pad(ms(row['-a']), 9)}${pad(ms(row['-a -K']), 9)}` +
        `${pad(ratio(row['-a'] / row.native), 11)}${pad(ratio(row['-a -K'] / row.native), 11)}` +
        `${pad(ratio((row['-a'] - starts * startA) / row.native), 14)}${ratio((row['-a -K'] - starts * startK) / row.native)}`,
    );
  }
  for (const row of rows) {
    for (const [mode, why] of Object.entries(row.failed))
      console.log(`  ${row.program.id} under ${mode} does not run as natively: ${why}`);
  }
  const medians = {};
  for (const mode of Object.keys(MODES)) {
    const measured = rows.filter((r) => r[mode] !== undefined);
    const ratios = measured.map((r) => r[mode] / r.native);
    medians[mode] = ratios.length > 0 ? median(ratios) : NaN;
    const of = `${measured.length} of ${rows.length} programs`;
    const met = medians[mode] <= TARGETS[mode] && measured.length === rows.length;
    console.log(
      `  the suite's median ${mode}/native: ${ratio(medians[mode])} over ${of} (target ≤ ${TARGETS[mode]}x${
        measured.length === rows.length ? '' : ', over all of them'
      }): ${met ? 'met' : 'not met'}`,
    );
  }
  return { rows, medians };
}

/**
 * What one decided call costs over the same call natively, beside the bare notification round
 * trip, all alternating in one run: an open (performed by the supervisor and its descriptor
 * added to the program) and a stat by name (performed by the supervisor), each under the policy
 * `sysgate -A` learned for its loop. Target: at most 2x notify-floor.
 */
export async function benchDecidedCall({ runs = 7, calls = 20000 } = {}) {
  const base = caseBase(mkdtempSync(join(tmpdir(), 'sysgate-bench-call-')));
  const build = (name) => join(root, 'native', 'build', name);
  const us = (stdout) => Number(/([\d.]+) us each/.exec(stdout)?.[1] ?? NaN);
  const loops = [
    { id: 'openloop', name: 'open+close', argv: [build('openloop'), String(calls)] },
    {
      id: 'statloop',
      name: 'stat by name',
      argv: [build('statloop'), String(calls), '/etc/hostname', 'name'],
    },
  ].map((l) => ({ ...l, fixture: () => {}, steps: () => [l.argv], needs: [] }));
  const floor = {
    id: 'notify-floor',
    fixture: () => {},
    steps: () => [[build('notify-floor'), String(calls)]],
  };
  const samples = { floor: [] };
  try {
    for (const loop of loops) {
      const dirs = caseDirs(base, loop);
      runProgram(loop, dirs, ['-A']);
      const check = runProgram(loop, dirs, ['-a', '-e']);
      if (check.status !== 0 || check.decisions.length > 0)
        throw new Error(`${loop.name} under sysgate -a: ${check.decisions[0] ?? check.stderr}`);
      samples[loop.id] = { native: [], gated: [] };
    }
    const floorDirs = caseDirs(base, floor);
    for (let i = 0; i < runs; i++) {
      for (const loop of loops) {
        const dirs = caseDirs(base, loop);
        samples[loop.id].native.push(us(runProgram(loop, dirs, null).stdout));
        samples[loop.id].gated.push(us(runProgram(loop, dirs, ['-a', '-e']).stdout));
      }
      samples.floor.push(us(runProgram(floor, floorDirs, null).stdout));
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  const floorUs = median(samples.floor);
  console.log(
    `\nOne decided call under sysgate -a, over the same call natively, beside the bare notification round trip (notify-floor: ${floorUs.toFixed(2)} us), medians of ${runs} alternating runs of ${calls} calls:`,
  );
  const result = { floor: floorUs };
  for (const loop of loops) {
    const native = median(samples[loop.id].native);
    const gated = median(samples[loop.id].gated);
    const cost = gated - native;
    result[loop.id] = cost;
    console.log(
      `  ${pad(loop.name, 14)}${cost.toFixed(2)} us (${gated.toFixed(2)} against ${native.toFixed(2)} natively): ` +
        `${ratio(cost / floorUs)} notify-floor (target ≤ 2x): ${cost / floorUs <= 2 ? 'met' : 'not met'}; ` +
        `what deciding adds to the round trip: ${(cost - floorUs).toFixed(2)} us`,
    );
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : 7;
  await benchRealPrograms({ runs });
  await benchDecidedCall({ runs });
}
