// An "always" answer's way to a second running session, in `npm run bench`: the desktop's host
// (in this process, as Electron's main process runs it) runs two sessions of the same program,
// each held on the same call; the window's "Permit always" is given to the first, and the time
// until both supervisors have permitted the call (their records back in the host) is measured. The
// path measured is the one every answer takes: the prompt broker, the rule writer (the policy
// file saved, read back and sent to each running supervisor), and the supervisor's decision.
// Usage: node bench/rule-reach.mjs [--runs N] [--build DIR] (DIR: another checkout's build/,
// to compare with the code before a change).
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function option(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
}

export async function benchRuleReach(argv = process.argv.slice(2)) {
  const runs = Number(option(argv, '--runs', '21'));
  const build = option(argv, '--build', fileURLToPath(new URL('../build', import.meta.url)));
  const found = async (...paths) => {
    for (const path of paths) {
      try {
        return await import(join(build, path));
      } catch (e) {
        if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
      }
    }
    throw new Error(`none of ${paths.join(', ')} in ${build}`);
  };
  const { Host } = await found('app/core/host/host.js');
  const { PolicyStore } = await found('app/core/policy/store.js');
  const { policyFileName } = await found('app/core/policy/naming.js');

  const work = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-bench-reach-')));
  const cat = realpathSync('/bin/cat');
  const file = join(work, 'asked');
  writeFileSync(file, 'x\n');
  // cat may load itself; `file` is asked (no rule names it), and so is anything else not in
  // the policy, answered at once.
  const policy = [
    `Policy: ${cat}, Emulation: native`,
    '\tnative-fsread: filename match "/usr/*" then permit',
    '\tnative-fsread: filename match "/etc/ld.so.*" then permit',
    `\tnative-execve: filename eq "${cat}" then permit`,
    '',
  ].join('\n');
  const times = [];
  // The host's own part: until answerQuestion returns (the rule saved, read back, compiled and
  // sent to both supervisors, the waiting questions it decides answered).
  const hostParts = [];
  try {
    for (let round = 0; round < runs; round++) {
      const user = join(work, `policies-${round}`);
      mkdirSync(user);
      writeFileSync(join(user, policyFileName(cat)), policy);
      const store = new PolicyStore({ userDir: user, uid: process.getuid() });
      const host = new Host(store, { HOME: work, USER: 'u', CWD: work });
      const asked = [];
      // The supervisors' records of the two calls permitted: by the answer, and by the rule.
      let permitted = 0;
      let waiting;
      const bothPermitted = new Promise((resolve) => (waiting = resolve));
      host.subscribe((event, payload) => {
        if (event === 'questionAdded') {
          if (payload.question.args.filename?.[0] === file) asked.push(payload);
          else void host.call('answerQuestion', [payload.id, { action: 'permit' }]);
        }
        if (
          event === 'record' &&
          payload.action === 'permit' &&
          payload.args.filename?.[0] === file &&
          ++permitted === 2
        )
          waiting(process.hrtime.bigint());
      });
      const start = (command) =>
        host
          .call('startSession', [{ command, cwd: work, mode: 'ask', cols: 80, rows: 24 }])
          .then((info) => info.id);
      const first = await start(`${cat} ${file}`);
      await start(`${cat} ${file}`);
      // Both held on the same call.
      while (new Set(asked.map((p) => p.sessionId)).size < 2)
        await new Promise((resolve) => setTimeout(resolve, 2));
      const ours = asked.find((p) => p.sessionId === first);
      const t0 = process.hrtime.bigint();
      await host.call('answerQuestion', [
        ours.id,
        { action: 'permit', always: { expression: `filename eq "${file}"`, scope: 'policy' } },
      ]);
      hostParts.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const t1 = await bothPermitted;
      times.push(Number(t1 - t0) / 1e6);
      await host.shutdown();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `\nAn "always" answer reaching a second running session: ${median(times).toFixed(2)} ms from the answer to both sessions' calls permitted, the host's part ${median(hostParts).toFixed(2)} ms (medians of ${runs}; ${build})`,
  );
  return median(times);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchRuleReach();
