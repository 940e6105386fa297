// One run: a real program traced by the real supervisor through the command line's channel
// (pipes), its decisions in its sink, its exit status, and what it learned saved at its end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import type { DecisionRecord } from '../../common/session/events.js';
import { PolicyStore } from '../policy/store.js';
import { Run, type RunOptions } from './run.js';

let root: string;
let cat: string;
let sleep: string;
before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'sysgate-run-')));
  cat = await realpath('/bin/cat');
  sleep = await realpath('/bin/sleep');
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let count = 0;
/** A user directory of its own, holding `program`'s policy when given one, and a run over it. */
async function runOf(
  options: Pick<RunOptions, 'command' | 'args' | 'mode'> & Partial<RunOptions>,
  policy?: string[],
) {
  const user = join(root, `user${++count}`);
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  if (policy !== undefined)
    await store.save(
      options.command,
      [`Policy: ${options.command}, Emulation: native`, ...policy, ''].join('\n'),
    );
  const run = new Run({
    id: `r${count}`,
    store,
    macros: { HOME: root, USER: 'u', CWD: root },
    ...options,
  });
  const said: string[] = [];
  run.on('say', (message) => said.push(message));
  const records: DecisionRecord[] = [];
  run.decisions.read((record) => records.push(record));
  return { run, store, said, records };
}

/**
 * Starts `run` of `command` on pipes of its own, as the command line starts it; gives what the
 * program wrote to its standard error.
 */
async function start(run: Run, command: string): Promise<() => string> {
  const first = await run.policies.policyFor(command);
  run.start({
    channel: { kind: 'pipes', stdio: ['ignore', 'ignore', 'pipe'] },
    protect: [],
    policies: new Map([[first.program, first.compiled]]),
  });
  let stderr = '';
  (run.supervisor.child!.stderr as Readable).on('data', (d: Buffer) => (stderr += d.toString()));
  return () => stderr;
}

test("a denied call is recorded in the run's sink, and the command's exit status is the run's", async () => {
  const secret = join(root, 'secret');
  await writeFile(secret, 'x\n');
  const { run, records, said } = await runOf({ command: cat, args: [secret], mode: 'enforce' }, [
    '\tnative-fsread: filename match "/usr/*" then permit',
    '\tnative-fsread: filename match "/etc/ld.so.*" then permit',
    `\tnative-execve: filename eq "${cat}" then permit`,
  ]);
  const stderr = await start(run, cat);
  assert.equal(await run.exited, 1);
  const denied = records.find((r) => r.action === 'deny' && r.args.filename?.[0] === secret);
  assert.ok(denied, `no denial of ${secret} among ${JSON.stringify(records)}`);
  assert.equal(denied.policy, cat);
  assert.match(stderr(), /secret: Operation not permitted/);
  assert.deepEqual(said, []);
});

test('what a learning run learned is saved in its policy when it ends, and said', async () => {
  const file = join(root, 'learned');
  await writeFile(file, 'x\n');
  const { run, store, said } = await runOf({
    command: cat,
    args: [file],
    mode: 'learn',
    saveLearned: true,
  });
  await start(run, cat);
  assert.equal(await run.exited, 0);
  const saved = await store.lookup(cat);
  assert.ok(saved !== null, 'no policy was saved');
  assert.match(await readFile(saved.path, 'utf8'), new RegExp(`filename eq "${file}" then permit`));
  assert.ok(
    said.some((line) => line.startsWith(`learned `) && line.endsWith(`for ${cat}: ${saved.path}`)),
    said.join('\n'),
  );
});

test('a signal it stops on ends the run; what was learned until then is saved, and why it ended is said', async () => {
  const { run, store, said } = await runOf({
    command: sleep,
    args: ['30'],
    mode: 'learn',
    saveLearned: true,
    stopOn: ['SIGHUP'],
  });
  await start(run, sleep);
  // The program runs when its supervisor has asked for nothing more of it for a moment.
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.kill(process.pid, 'SIGHUP');
  const status = await run.exited;
  assert.notEqual(status, 0);
  assert.equal(run.stoppedBy, 'SIGHUP');
  assert.ok(await store.lookup(sleep), 'what was learned was not saved');
  assert.equal(said.at(-1), 'stopped by SIGHUP: what was learned until then is saved');
  assert.equal(process.listenerCount('SIGHUP'), 0);
});
