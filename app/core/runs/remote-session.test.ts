// What a terminal's run sends the app is checked before anything acts on it: a question, a
// record or an answer of the wrong shape is refused with the place of the fault, and the call
// it was about is denied, never left waiting and never permitted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Frame } from '../supervisor/frames.js';
import { connectToApp, listenForTerminals, type FrameConnection } from '../app-socket.js';
import { PolicyStore } from '../policy/store.js';
import { RemoteSession } from './remote-session.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysgate-remote-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

const QUESTION = {
  id: 'q1',
  pid: 10,
  tid: 10,
  ppid: 1,
  uid: 0,
  gid: 0,
  exe: '/usr/bin/cat',
  cwd: '/',
  argv: ['cat', '/etc/hostname'],
  policy: '/usr/bin/cat',
  call: 'openat',
  nr: 257,
  alias: 'fsread',
  args: { filename: ['/etc/hostname'] },
};

/** A RemoteSession (the app's side) and the terminal's end of its socket. */
async function pair(t: { after(fn: () => unknown): void }) {
  const path = join(await mkdtemp(join(root, 'run-')), 'sysgate', 'app.sock');
  const accepted = new Promise<FrameConnection>((resolve) => {
    const server = listenForTerminals(resolve, path);
    t.after(() => server.close());
  });
  const terminal = (await connectToApp(path))!;
  assert.ok(terminal !== null);
  const store = new PolicyStore({ userDir: join(root, 'none'), uid: process.getuid!() });
  const session = new RemoteSession(
    's1',
    { command: 'cat /etc/hostname', cwd: '/' },
    await accepted,
    store,
    { HOME: '/', USER: 'u', CWD: '/' },
  );
  t.after(() => terminal.close());
  const seen = { questions: 0, records: 0, problems: [] as string[], replies: [] as Frame[] };
  session.on('question', () => seen.questions++);
  session.on('record', () => seen.records++);
  session.on('problem', (message) => seen.problems.push(message));
  terminal.onFrame((frame) => seen.replies.push(frame));
  return { terminal, seen };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

test('a question of the wrong shape is not asked, is said with its place, and its call is denied', async (t) => {
  const { terminal, seen } = await pair(t);
  terminal.send('ask', { json: JSON.stringify({ ...QUESTION, args: { filename: [42] } }) });
  await settle();
  assert.equal(seen.questions, 0);
  assert.match(
    seen.problems.join('\n'),
    /malformed "ask" from cat \/etc\/hostname \(args\.filename\.0: /,
  );
  assert.deepEqual(
    seen.replies.map((f) => [f.verb, f.fields.text('id'), JSON.parse(f.fields.text('json')!)]),
    [['answer', 'q1', { action: 'deny', errno: 1 }]],
  );

  // Text that is not JSON at all: said, nothing asked, nothing to deny by name.
  terminal.send('ask', { json: '{"id":' });
  await settle();
  assert.equal(seen.questions, 0);
  assert.match(seen.problems.at(-1)!, /\(not JSON: /);

  // The same question with the right shape is asked.
  terminal.send('ask', { json: JSON.stringify(QUESTION) });
  await settle();
  assert.equal(seen.questions, 1);
});

test('a record of the wrong shape is not counted nor kept', async (t) => {
  const { terminal, seen } = await pair(t);
  const record = {
    time: 1,
    pid: 10,
    ppid: 1,
    uid: 0,
    gid: 0,
    exe: '/usr/bin/cat',
    argv: ['cat'],
    policy: '/usr/bin/cat',
    call: 'openat',
    nr: 257,
    alias: 'fsread',
    args: { filename: ['/etc/hostname'] },
    action: 'allow',
    errno: 0,
    by: 'rule',
    line: 2,
    col: 1,
    log: false,
  };
  terminal.send('record', { json: JSON.stringify(record) });
  await settle();
  assert.equal(seen.records, 0);
  assert.match(seen.problems.join('\n'), /malformed "record" .*\(action: /);
  terminal.send('record', { json: JSON.stringify({ ...record, action: 'permit' }) });
  await settle();
  assert.equal(seen.records, 1);
});
