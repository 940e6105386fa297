// What the supervisor costs a traced program, measured alternately run after run (so that
// the machine's mood is shared) and reported as medians: natively, and under the supervisor
// in enforce mode with
//   * `every call` — a policy that permits every call without looking at its arguments, and
//   * `by name` — one that decides every file by its name, so that each open is performed by
//     the supervisor and injected (as a learned policy does);
// for N open+close pairs of one file (the open notified, the close in the baseline), N stats
// by name (performed by the supervisor `by name`), N fstat-like newfstatat(fd, "",
// AT_EMPTY_PATH) calls, and `find /usr/share -type f`.
// Usage: node native/tests/bench.mjs [--runs R] [--calls N]. bench/run.mjs may import
// benchSupervisor().
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

import { nativeBuild, permitEvery, supervise } from './supervised.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const policies = {
  'every call': permitEvery(),
  'by name': `\tnative-fsread: filename match "/*" then permit\n\tnative-fswrite: filename match "/*" then permit\n${permitEvery()}`,
};

/** Milliseconds from start to exit, and stdout; a failure throws. */
function timed(command, rules) {
  const start = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - start) / 1e6;
  if (rules !== undefined) {
    return supervise(command, { rules }).then((run) => {
      if (run.status !== 0) throw new Error(`${command.join(' ')}: ${run.status} ${run.stderr}`);
      return { ms: ms(), stdout: run.stdout };
    });
  }
  return new Promise((resolve, reject) => {
    let stdout = '';
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ ms: ms(), stdout }) : reject(new Error(`${command[0]}: ${code}`)),
    );
  });
}

/**
 * Runs every workload natively and under each policy, `runs` times alternately. Resolves with
 * { workload: { native, 'every call', 'by name' } }: medians in microseconds per call for the
 * loops (the programs time themselves), in milliseconds for find.
 */
export async function benchSupervisor({ runs = 5, calls = 20000 } = {}) {
  const perCall = (stdout) => Number(/([\d.]+) us each/.exec(stdout)?.[1]);
  const workloads = {
    'open+close (us)': {
      command: [nativeBuild('openloop'), String(calls)],
      value: (r) => perCall(r.stdout),
    },
    'stat by name (us)': {
      command: [nativeBuild('statloop'), String(calls), '/etc/hostname', 'name'],
      value: (r) => perCall(r.stdout),
    },
    'fstat by newfstatat (us)': {
      command: [nativeBuild('statloop'), String(calls), '/etc/hostname', 'empty'],
      value: (r) => perCall(r.stdout),
    },
    'find /usr/share -type f (ms)': {
      command: ['find', '/usr/share', '-type', 'f'],
      value: (r) => r.ms,
    },
  };
  const results = {};
  for (const [name, w] of Object.entries(workloads)) {
    const samples = {
      native: [],
      ...Object.fromEntries(Object.keys(policies).map((p) => [p, []])),
    };
    for (let i = 0; i < runs; i++) {
      samples.native.push(w.value(await timed(w.command)));
      for (const [p, rules] of Object.entries(policies))
        samples[p].push(w.value(await timed(w.command, rules)));
    }
    results[name] = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const option = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const results = await benchSupervisor({
    runs: option('--runs', 5),
    calls: option('--calls', 20000),
  });
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`${pad('workload', 30)}${pad('native', 10)}${pad('every call', 22)}by name`);
  for (const [name, r] of Object.entries(results)) {
    const cell = (v) =>
      `${v.toFixed(name.endsWith('(ms)') ? 0 : 2)} (${(v / r.native).toFixed(1)}x)`;
    console.log(
      `${pad(name, 30)}${pad(r.native.toFixed(2), 10)}${pad(cell(r['every call']), 22)}${cell(r['by name'])}`,
    );
  }
}
