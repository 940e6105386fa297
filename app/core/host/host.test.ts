// The window API's host with a real session: a real program under the real supervisor, its
// decisions seen as a window sees them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { EventName, Events, PendingQuestion, SessionInfo } from '../../common/contract.js';
import type { DecisionRecord } from '../../common/session/events.js';
import { policyFileName } from '../policy/naming.js';
import { PolicyStore } from '../policy/store.js';
import { homeEnvironment, SYSGATE } from '../testing/sysgate-command.js';
import { Host } from './host.js';
import { serveTerminals } from './terminals.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysgate-host-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('each decision of a session reaches the windows once', async (t) => {
  const user = join(root, 'policies');
  await mkdir(user);
  const cat = realpathSync('/bin/cat');
  // cat may read anything but the one file.
  await writeFile(
    join(user, policyFileName(cat)),
    `Policy: ${cat}, Emulation: native\n` +
      '\tnative-fsread: filename eq "/etc/hostname" then deny[eacces]\n' +
      '\tnative-fsread: permit\n' +
      `\tnative-execve: filename eq "${cat}" then permit\n`,
  );
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  const host = new Host(store, { HOME: root, USER: 'u', CWD: root });
  t.after(() => host.shutdown());
  const records: DecisionRecord[] = [];
  const exited = new Promise<void>((resolve) =>
    host.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
      if (event === 'record') records.push(payload as DecisionRecord);
      if (event === 'sessionChanged' && (payload as SessionInfo).state === 'exited') resolve();
    }),
  );
  await host.call('startSession', [
    { command: `${cat} /etc/hostname`, cwd: root, mode: 'enforce', cols: 80, rows: 24 },
  ]);
  await exited;
  // The one denial, once.
  const denials = records.filter(
    (r) => r.action === 'deny' && r.args['filename']?.[0] === '/etc/hostname',
  );
  assert.equal(denials.length, 1, JSON.stringify(records, null, 1));
  const seen = records.map((r) => JSON.stringify(r));
  assert.equal(new Set(seen).size, seen.length, 'a record was sent twice');
});

test('a rule for this session only, answered in the window, reaches a run started from a terminal', async (t) => {
  const home = await mkdtemp(join(root, 'terminal-'));
  const user = join(home, '.config', 'sysgate', 'policies');
  await mkdir(user, { recursive: true });
  const cat = realpathSync('/bin/cat');
  // cat may load itself; the file it is given twice is asked (no rule names it).
  await writeFile(
    join(user, policyFileName(cat)),
    `Policy: ${cat}, Emulation: native\n` +
      '\tnative-fsread: filename match "/usr/*" then permit\n' +
      '\tnative-fsread: filename match "/etc/ld.so.*" then permit\n' +
      `\tnative-execve: filename eq "${cat}" then permit\n`,
  );
  const runtime = await mkdtemp(join(root, 'runtime-'));
  const saved = process.env['XDG_RUNTIME_DIR'];
  process.env['XDG_RUNTIME_DIR'] = runtime;
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  const host = new Host(store, { HOME: home, USER: 'u', CWD: home });
  const terminals = serveTerminals(host, store, { HOME: home, USER: 'u', CWD: home });
  await new Promise((resolve) => terminals.once('listening', resolve));
  t.after(async () => {
    terminals.close();
    await host.shutdown();
    if (saved === undefined) delete process.env['XDG_RUNTIME_DIR'];
    else process.env['XDG_RUNTIME_DIR'] = saved;
  });
  const asked: PendingQuestion[] = [];
  host.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
    if (event !== 'questionAdded') return;
    const pending = payload as PendingQuestion;
    if (pending.question.args['filename']?.[0] !== '/etc/hostname') {
      void host.call('answerQuestion', [pending.id, { action: 'permit' }]);
      return;
    }
    asked.push(pending);
    void host.call('answerQuestion', [
      pending.id,
      {
        action: 'permit',
        always: { expression: 'filename eq "/etc/hostname"', scope: 'session' },
      },
    ]);
  });
  const run = spawn(process.execPath, [SYSGATE, cat, '/etc/hostname', '/etc/hostname'], {
    cwd: home,
    env: homeEnvironment(home, { XDG_RUNTIME_DIR: runtime }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  run.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  run.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise((resolve) => run.on('close', resolve));
  assert.match(stderr, /questions go to the sysgate window/);
  assert.equal(status, 0, stderr);
  const hostname = await readFile('/etc/hostname', 'utf8');
  assert.equal(stdout, hostname + hostname);
  // The second open was decided by the session's rule, in the run's own supervisor.
  assert.equal(asked.length, 1, JSON.stringify(asked.map((p) => p.question)));
});

test('Kill ends a session whose supervisor is held deciding a call, and the program with it', async (t) => {
  const held = fileURLToPath(new URL('../../../../native/build/hostile-held', import.meta.url));
  const user = await mkdtemp(join(root, 'held-'));
  // The program holds the supervisor in its open (a page of its own userfaultfd) and ignores
  // SIGTERM and SIGINT (native/tests/hostile/held.c).
  await writeFile(
    join(user, policyFileName(held)),
    `Policy: ${held}, Emulation: native\n` +
      `\tnative-execve: filename eq "${held}" then permit\n` +
      '\tnative-fsread: true then permit\n' +
      '\tnative-userfaultfd: permit\n' +
      '\tnative-ioctl: permit\n',
  );
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  const host = new Host(store, { HOME: root, USER: 'u', CWD: root });
  t.after(() => host.shutdown());
  let output = '';
  let pid = 0;
  let heldNow: () => void;
  const isHeld = new Promise<void>((resolve) => (heldNow = resolve));
  let endedNow: (status: number | null) => void;
  const ended = new Promise<number | null>((resolve) => (endedNow = resolve));
  host.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
    if (event === 'terminalData') {
      output += (payload as Events['terminalData']).data;
      const m = /held (\d+)/.exec(output);
      if (m && pid === 0) {
        pid = Number(m[1]);
        heldNow();
      }
    }
    if (event === 'sessionChanged' && (payload as SessionInfo).state === 'exited')
      endedNow((payload as SessionInfo).status);
  });
  const info = (await host.call('startSession', [
    { command: held, cwd: root, mode: 'enforce', cols: 80, rows: 24 },
  ])) as SessionInfo;
  await isHeld;
  // Give the program time to make its call and hold the supervisor.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const start = Date.now();
  await host.call('killSession', [info.id]);
  const status = await Promise.race([
    ended,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
  ]);
  assert.notEqual(status, 'still running', 'the session did not end within 15 s of Kill');
  const took = Date.now() - start;
  assert.ok(took < 10_000, `the session ended ${took} ms after Kill`);
  let state = '';
  try {
    state = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // gone
  }
  assert.doesNotMatch(state, /^State:\s+[^Z]/m, 'the program outlived its session');
});

test("a message of several lines in a session's terminal starts each line at its left edge (no bare line feed)", async (t) => {
  const user = await mkdtemp(join(root, 'lines-'));
  const sh = realpathSync('/bin/sh');
  const cat = realpathSync('/bin/cat');
  await writeFile(
    join(user, policyFileName(sh)),
    `Policy: ${sh}, Emulation: native\n\tnative-execve: permit\n\tnative-fsread: permit\n`,
  );
  // cat's policy has an error: the session says so over several lines, and cat runs with no rules.
  await writeFile(
    join(user, policyFileName(cat)),
    `Policy: ${cat}, Emulation: native\n\tnative-fsread: filename eq then permit\n`,
  );
  const store = new PolicyStore({ userDir: user, uid: process.getuid!() });
  const host = new Host(store, { HOME: root, USER: 'u', CWD: root });
  t.after(() => host.shutdown());
  let output = '';
  const exited = new Promise<void>((resolve) =>
    host.subscribe(<E extends EventName>(event: E, payload: Events[E]) => {
      if (event === 'terminalData') output += (payload as Events['terminalData']).data;
      if (event === 'sessionChanged' && (payload as SessionInfo).state === 'exited') resolve();
    }),
  );
  await host.call('startSession', [
    { command: `${sh} -c "exec ${cat} /dev/null"`, cwd: root, mode: 'enforce', cols: 80, rows: 24 },
  ]);
  await exited;
  assert.match(
    output,
    new RegExp(`\\[sysgate\\] the policy for ${cat} has errors:\\r\\n.*:2:29: error: `),
  );
  assert.match(output, new RegExp(`\\r\\n${cat} runs with no rules\\r\\n`));
  assert.doesNotMatch(output, /[^\r]\n/, JSON.stringify(output));
});
