// The desktop app's part for daemons, as its host sees it: a real `sysgate -U -a` run by root
// keeps its denial in the system history; the host of a system administrator shows it and
// turns it into a rule of the system policy, which the next run obeys. Another user's host
// offers neither.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { HistoryPage } from '../../common/history/entry.js';
import type { Snapshot } from '../../common/contract.js';
import { PolicyStore } from '../policy/store.js';
import { runSysgate } from '../testing/sysgate-command.js';
import { Host } from './host.js';
import { SystemAdmin } from './system-admin.js';

const asRoot = process.getuid?.() === 0;
const CAT = realpathSync('/bin/cat');
let top: string;
let home: string;

before(async () => {
  top = await mkdtemp(join(tmpdir(), 'sysgate-system-admin-'));
  home = join(top, 'home');
  await mkdir(home);
  await mkdir(join(top, 'etc/sysgate/policies'), { recursive: true });
  await writeFile(join(top, 'secret'), 'daemon data\n');
  // cat may start and read what the C library reads, not the file.
  const base = await readFile(new URL('../../../../policies/templates/base', import.meta.url));
  await writeFile(
    join(top, 'etc/sysgate/policies/usr_bin_cat'),
    `Policy: ${CAT}, Emulation: native\n\tnative-execve: filename eq "${CAT}" then permit\n` +
      base
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('\t'))
        .join('\n') +
      '\n',
    { mode: 0o644 },
  );
});
after(() => rm(top, { recursive: true, force: true }));

/** `sysgate -U -a cat SECRET` as the unit runs a daemon, below the test's system root. */
function catAsDaemon() {
  return runSysgate(['-U', '-a', '-E', join(home, 'log'), CAT, join(top, 'secret')], {
    home,
    env: { SYSGATE_SYSTEM_ROOT: top },
  });
}

function hostOf(system: SystemAdmin | null): Host {
  const store = new PolicyStore({ userDir: join(home, 'policies'), uid: process.getuid!() });
  return new Host(store, { HOME: home, USER: 'root', CWD: home }, null, system);
}

test(
  "root's -U run keeps its denial in the system history; the administrator's host shows it and adds the system rule that permits it",
  { skip: !asRoot && 'needs root: the system history is root-only' },
  async (t) => {
    const denied = catAsDaemon();
    assert.equal(denied.status, 1, denied.stderr);
    assert.match(denied.stderr, /Operation not permitted/);
    const history = join(top, 'var/lib/sysgate/history.sqlite3');
    assert.equal((await stat(join(top, 'var/lib/sysgate'))).mode & 0o777, 0o700);

    const host = hostOf(new SystemAdmin({ SYSGATE_SYSTEM_ROOT: top }));
    t.after(() => host.shutdown());
    assert.equal(((await host.call('snapshot', [])) as Snapshot).systemAdmin, true);
    const page = (await host.call('historyPage', [
      { query: 'action:deny', offset: 0, limit: 10, system: true },
    ])) as HistoryPage;
    const denial = page.entries.find((e) => e.args['filename']?.[0] === join(top, 'secret'));
    assert.ok(denial, `${history}: ${JSON.stringify(page.entries)}`);
    assert.equal(denial.program, CAT);
    assert.equal(await host.call('historyCount', ['action:deny', { after: 0, system: true }]), 1);
    const detail = (await host.call('systemHistoryDetail', [denial.id])) as {
      entry: { id: number };
    };
    assert.equal(detail.entry.id, denial.id);
    // The user's own history is another: this host has none.
    await assert.rejects(
      host.call('historyPage', [{ query: '', offset: 0, limit: 10 }]),
      /history is not available/,
    );

    const rule = `native-fsread: filename eq "${join(top, 'secret')}" then permit`;
    const written = (await host.call('addSystemRule', [CAT, rule])) as {
      path: string;
      line: number;
    };
    const path = join(top, 'etc/sysgate/policies/usr_bin_cat');
    assert.equal(written.path, path);
    const text = await readFile(path, 'utf8');
    assert.equal(text.split('\n')[written.line - 1], `\t${rule}`);
    const info = await stat(path);
    assert.equal(info.mode & 0o777, 0o644);
    assert.equal(info.uid, 0);
    // The user's own policies are untouched.
    await assert.rejects(stat(join(home, 'policies/usr_bin_cat')));

    const permitted = catAsDaemon();
    assert.equal(permitted.status, 0, permitted.stderr);
    assert.equal(permitted.stdout, 'daemon data\n');
  },
);

test('a rule for a daemon without a system policy starts its file; a broken rule is refused', async (t) => {
  const host = hostOf(new SystemAdmin({ SYSGATE_SYSTEM_ROOT: top }));
  t.after(() => host.shutdown());
  await assert.rejects(
    host.call('addSystemRule', ['/usr/sbin/lighttpd', 'native-fsread: filename eq "/x" permit']),
    /not a rule: expected "then"/,
  );
  const written = (await host.call('addSystemRule', [
    '/usr/sbin/lighttpd',
    'native-fsread: filename eq "/srv/www" then permit',
  ])) as { path: string; line: number };
  assert.equal(
    await readFile(written.path, 'utf8'),
    'Policy: /usr/sbin/lighttpd, Emulation: native\n' +
      '\tnative-fsread: filename eq "/srv/www" then permit\n',
  );
  assert.equal(written.line, 2);
});

test('a system policy file others may write is refused, not extended', async (t) => {
  const path = join(top, 'etc/sysgate/policies/usr_bin_tee');
  await writeFile(path, 'Policy: /usr/bin/tee, Emulation: native\n');
  await chmod(path, 0o666);
  const host = hostOf(new SystemAdmin({ SYSGATE_SYSTEM_ROOT: top }));
  t.after(() => host.shutdown());
  await assert.rejects(
    host.call('addSystemRule', ['/usr/bin/tee', 'native-getpid: permit']),
    /refusing .*writable by group and others/,
  );
});

test('a user who does not administer the system policies is offered neither the system history nor its rules', async (t) => {
  const host = hostOf(null);
  t.after(() => host.shutdown());
  assert.equal(((await host.call('snapshot', [])) as Snapshot).systemAdmin, false);
  await assert.rejects(
    host.call('historyPage', [{ query: '', offset: 0, limit: 10, system: true }]),
    /only an administrator of the system policies/,
  );
  await assert.rejects(
    host.call('addSystemRule', [CAT, 'native-getpid: permit']),
    /only an administrator of the system policies/,
  );
});
