// Measures the cost of a notified call: the openloop program (N open+close pairs) natively and
// under the supervisor in enforce mode with a permissive policy (the open notified, performed
// by the supervisor and injected; the close in the baseline), once with the supervisor and the
// program free to run on any CPU and once both pinned to CPU 0 (taskset), plus
// `find /usr/share -type f`. Usage: node native/tests/bench.mjs [N]
import { spawnSync } from 'node:child_process';
import { permissive, runSupervised, supervisorPath, testProgram } from './host.mjs';

const n = process.argv[2] ?? '20000';
const perPair = (out) => Number(/([\d.]+) us each/.exec(out)?.[1]);
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

const native = spawnSync(testProgram('openloop'), [n], { encoding: 'utf8' });
console.log(`open+close, native:                ${perPair(native.stdout)} us`);
const free = await runSupervised([testProgram('openloop'), n], { policyFor: permissive }).done;
console.log(`open+close, supervised, any CPU:   ${perPair(free.stdout)} us`);
if (hasTaskset) {
  const pinned = await runSupervised(['taskset', '-c', '0', testProgram('openloop'), n], {
    policyFor: permissive,
    wrap: ['taskset', '-c', '0', supervisorPath],
  }).done;
  console.log(`open+close, supervised, one CPU:   ${perPair(pinned.stdout)} us`);
}

const t0 = process.hrtime.bigint();
spawnSync('find', ['/usr/share', '-type', 'f'], { stdio: 'ignore' });
const t1 = process.hrtime.bigint();
const found = await runSupervised(['find', '/usr/share', '-type', 'f'], { policyFor: permissive }).done;
const t2 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
console.log(
  `find /usr/share -type f:           native ${ms(t0, t1).toFixed(0)} ms, supervised ${ms(t1, t2).toFixed(0)} ms (${(ms(t1, t2) / ms(t0, t1)).toFixed(2)}x), exit ${found.code}`,
);
