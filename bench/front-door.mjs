// The front door's part of `npm run bench`: what `sysgate -a true` costs when it starts from its
// run plan (native/build/sysgate, native/PROTOCOL.md "Run plans"), over running `true` directly.
// The plan is written by hand (native/tests/plans.mjs) with the policy a learned `true` would
// have: every call permitted. Runs alternate, so that the machine's mood is shared; the medians
// are printed. Target: well under 2 ms over `true`. Usage: node bench/front-door.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timed(argv, options) {
  const start = process.hrtime.bigint();
  const run = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${argv.join(' ')}: status ${run.status}`);
  return ms;
}

export async function benchFrontDoor(argv = process.argv.slice(2)) {
  const { frontDoor, policyFrame, writePlan } = await import('../native/tests/plans.mjs');
  const { permitEvery } = await import('../native/tests/supervised.mjs');
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number(argv[runsArg + 1]) : 301;
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-bench-front-')));
  try {
    const cwd = join(work, 'cwd');
    const cache = join(work, 'cache');
    mkdirSync(cwd);
    const args = ['-a', 'true'];
    const truePath = realpathSync('/usr/bin/true');
    writePlan(cache, cwd, args, {
      inputs: [truePath],
      command: ['true'],
      preamble: [policyFrame(truePath, permitEvery())],
    });
    const env = { PATH: process.env.PATH, XDG_CACHE_HOME: cache };
    const check = spawnSync(frontDoor, args, {
      cwd,
      env: { ...env, SYSGATE_EXPLAIN_START: '1' },
      encoding: 'utf8',
    });
    if (!check.stderr.startsWith('sysgate: start: from plan '))
      throw new Error(`the bench's plan does not hold: ${check.stderr}`);
    const direct = [];
    const planned = [];
    for (let i = 0; i < runs; i++) {
      direct.push(timed([truePath], { cwd, env }));
      planned.push(timed([frontDoor, ...args], { cwd, env }));
    }
    const [d, p] = [median(direct), median(planned)];
    console.log(
      `\nThe front door: \`sysgate -a true\` from its plan ${p.toFixed(2)} ms, \`true\` ${d.toFixed(2)} ms: ${(p - d).toFixed(2)} ms over it (medians of ${runs}; target well under 2 ms)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchFrontDoor();
