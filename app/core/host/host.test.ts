// The window API's host with a real session: a real program under the real supervisor, its
// decisions seen as a window sees them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { EventName, Events, SessionInfo } from '../../common/contract.js';
import type { DecisionRecord } from '../../common/session/events.js';
import { policyFileName } from '../policy/naming.js';
import { PolicyStore } from '../policy/store.js';
import { Host } from './host.js';

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
