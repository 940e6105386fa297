import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmod,
  chown,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  PolicyStore,
  PolicyStoreError,
  type PolicyChange,
  type PolicyStoreOptions,
} from './store.js';

const LS =
  'Policy: /usr/bin/ls, Emulation: native\n\tnative-fsread: filename eq "/etc/ld.so.cache" then permit\n';
const EDITED_LS = `${LS}\tnative-fsread: filename match "$HOME/*" then permit\n`;

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysgate-store-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let count = 0;
/** A fresh world for one test: a system directory, a fake home, and a store over them. */
async function world(options: Partial<PolicyStoreOptions> = {}) {
  const base = join(root, `w${++count}`);
  const system = join(base, 'etc/sysgate/policies');
  const home = join(base, 'home/u');
  const user = join(home, '.config/sysgate/policies');
  const store = new PolicyStore({
    systemDir: system,
    home,
    env: {},
    uid: process.getuid!(),
    watchDebounceMs: 50,
    ...options,
  });
  return { base, system, home, user, store };
}

async function put(path: string, text: string, mode = 0o644): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

test('the user directory defaults to $XDG_CONFIG_HOME/sysgate/policies, else ~/.config', async () => {
  assert.equal(
    new PolicyStore({ home: '/home/u', env: {} }).userDir,
    '/home/u/.config/sysgate/policies',
  );
  assert.equal(
    new PolicyStore({ home: '/home/u', env: { XDG_CONFIG_HOME: '/cfg' } }).userDir,
    '/cfg/sysgate/policies',
  );
  assert.equal(
    new PolicyStore({ home: '/home/u', env: { XDG_CONFIG_HOME: 'rel' } }).userDir,
    '/home/u/.config/sysgate/policies',
  );
  assert.equal(new PolicyStore({}).systemDir, '/etc/sysgate/policies');
});

test('a system policy applies when the user has none', async () => {
  const { system, store } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  assert.deepEqual(await store.lookup('/usr/bin/ls'), {
    path: join(system, 'usr_bin_ls'),
    origin: 'system',
    reason: `system policy ${join(system, 'usr_bin_ls')}`,
  });
});

test('a program without any policy has no lookup result', async () => {
  const { store } = await world();
  assert.equal(await store.lookup('/usr/bin/ls'), null);
});

test("the user's copy wins over the system policy, and the reason says so", async () => {
  const { system, user, store } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  await put(join(user, 'usr_bin_ls'), EDITED_LS, 0o600);
  const found = await store.lookup('/usr/bin/ls');
  assert.equal(found?.origin, 'user');
  assert.equal(found?.path, join(user, 'usr_bin_ls'));
  assert.equal(
    found?.reason,
    `user policy ${join(user, 'usr_bin_ls')} (overrides the system policy ${join(system, 'usr_bin_ls')})`,
  );
});

test('a policy given with -f whose header names the program wins over user and system policies', async () => {
  const { base, system, user } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  await put(join(user, 'usr_bin_ls'), LS);
  const extra = await put(
    join(base, 'extra.policy'),
    `Policy: /bin/cat, Emulation: native\n\tnative-read: permit\n${LS}`,
  );
  const { store } = await world({ systemDir: system, userDir: user, files: [extra] });
  const found = await store.lookup('/usr/bin/ls');
  assert.equal(found?.origin, 'file');
  assert.equal(found?.path, extra);
  assert.match(
    found?.reason ?? '',
    /given with -f.*overrides the user policy .* and the system policy/,
  );
});

test('a policy given with -f for another program does not apply', async () => {
  const { base, system } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  const extra = await put(
    join(base, 'cat.policy'),
    'Policy: /bin/cat, Emulation: native\n\tnative-read: permit\n',
  );
  const { store } = await world({ systemDir: system, files: [extra] });
  assert.equal((await store.lookup('/usr/bin/ls'))?.origin, 'system');
});

test('a missing -f file is an error that names it', async () => {
  const { base, store: plain } = await world();
  const store = new PolicyStore({
    systemDir: plain.systemDir,
    userDir: plain.userDir,
    files: [join(base, 'nope')],
  });
  await assert.rejects(
    store.lookup('/usr/bin/ls'),
    (e: Error) => e instanceof PolicyStoreError && e.message.includes(join(base, 'nope')),
  );
});

test('with -U the user directory is not read', async () => {
  const { system, user, home } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  await put(join(user, 'usr_bin_ls'), LS);
  const store = new PolicyStore({ systemDir: system, home, env: {}, systemOnly: true });
  const found = await store.lookup('/usr/bin/ls');
  assert.equal(found?.origin, 'system');
  assert.match(found?.reason ?? '', /user policies are not read \(-U\)/);
});

test('with -d the given directory replaces the user directory', async () => {
  const { base, system, user, home } = await world();
  await put(join(user, 'usr_bin_ls'), LS);
  const other = join(base, 'other');
  const store = new PolicyStore({ systemDir: system, home, env: {}, userDir: other });
  assert.equal(await store.lookup('/usr/bin/ls'), null);
  await put(join(other, 'usr_bin_ls'), LS);
  assert.equal((await store.lookup('/usr/bin/ls'))?.path, join(other, 'usr_bin_ls'));
  assert.equal(await store.save('/usr/bin/ls', EDITED_LS), join(other, 'usr_bin_ls'));
});

test('a file whose header names another program is not used, and the reason reports it', async () => {
  const { system, user, store } = await world();
  // `/usr/bin/a-b` and `/usr/bin/a_b` share a file name; the header tells them apart.
  await put(join(user, 'usr_bin_a_b'), 'Policy: /usr/bin/a-b, Emulation: native\n');
  await put(join(system, 'usr_bin_a_b'), 'Policy: /usr/bin/a_b, Emulation: native\n');
  const found = await store.lookup('/usr/bin/a_b');
  assert.equal(found?.origin, 'system');
  assert.match(found?.reason ?? '', /usr_bin_a_b is not used: its header names \/usr\/bin\/a-b/);
});

test('load reads and parses a policy', async () => {
  const { system, store } = await world();
  const loaded = await store.load(await put(join(system, 'usr_bin_ls'), LS));
  assert.equal(loaded.text, LS);
  assert.deepEqual(loaded.diagnostics, []);
  assert.equal(loaded.file.source, join(system, 'usr_bin_ls'));
});

test('a policy file writable by its group is refused', async () => {
  const { system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS, 0o664);
  await assert.rejects(store.load(path), {
    name: 'PolicyStoreError',
    message: `refusing ${path}: writable by group`,
  });
});

test('a policy file with a second name (a hard link) is refused: sysgate guards its folder, not the other name', async () => {
  const { system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS);
  await link(path, join(system, '..', 'second-name'));
  await assert.rejects(store.load(path), {
    name: 'PolicyStoreError',
    message: `refusing ${path}: it has 2 names (hard links), and another name may be changed`,
  });
});

test('a policy file writable by everyone is refused', async () => {
  const { system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS, 0o666);
  await assert.rejects(store.load(path), {
    message: `refusing ${path}: writable by group and others`,
  });
});

test('a policy file owned by another user is refused', async () => {
  const { system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS);
  await chown(path, 12345, 12345);
  await assert.rejects(
    store.load(path),
    (e: Error) =>
      e instanceof PolicyStoreError && /^refusing .*usr_bin_ls: owned by uid 12345/.test(e.message),
  );
});

test('a policy directory writable by others, or by its group, is refused and named', async () => {
  const { system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS);
  await chmod(system, 0o777);
  await assert.rejects(store.load(path), {
    message: `refusing ${path}: the directory ${system} is writable by group and others`,
  });
  await chmod(system, 0o775);
  await assert.rejects(store.load(path), {
    message: `refusing ${path}: the directory ${system} is writable by group`,
  });
  await chmod(system, 0o755);
  assert.equal((await store.load(path)).text, LS);
});

test('a parent of the policy directory writable by others is refused, unless it is sticky as /tmp is', async () => {
  const { base, system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS);
  await chmod(join(base, 'etc'), 0o777);
  await assert.rejects(store.load(path), {
    message: `refusing ${path}: the directory ${join(base, 'etc')} is writable by group and others`,
  });
  await chmod(join(base, 'etc'), 0o1777);
  assert.equal((await store.load(path)).text, LS);
});

test('a policy directory owned by another user is refused; by root it is not', async () => {
  const { system, store } = await world();
  const path = await put(join(system, 'usr_bin_ls'), LS);
  await chown(system, 12345, 12345);
  await assert.rejects(store.load(path), (e: Error) =>
    e.message.startsWith(`refusing ${path}: the directory ${system} is owned by uid 12345`),
  );
  await chown(system, 0, 0);
  assert.equal((await store.load(path)).text, LS);
});

test('the directory a symlinked policy is found through is checked, and the target’s too', async () => {
  const { base, system, store } = await world();
  const target = await put(join(base, 'elsewhere/ls'), LS);
  await mkdir(system, { recursive: true });
  await symlink(target, join(system, 'usr_bin_ls'));
  await chmod(join(base, 'elsewhere'), 0o777);
  await assert.rejects(store.load(join(system, 'usr_bin_ls')), {
    message: `refusing ${join(system, 'usr_bin_ls')} (-> ${target}): the directory ${join(base, 'elsewhere')} is writable by group and others`,
  });
  await chmod(join(base, 'elsewhere'), 0o755);
  await chmod(system, 0o757);
  await assert.rejects(store.load(join(system, 'usr_bin_ls')), {
    message: `refusing ${join(system, 'usr_bin_ls')} (-> ${target}): the directory ${system} is writable by others`,
  });
});

test('a symlink is followed and its target is checked', async () => {
  const { base, system, store } = await world();
  const target = await put(join(base, 'elsewhere/ls'), LS, 0o664);
  await mkdir(system, { recursive: true });
  await symlink(target, join(system, 'usr_bin_ls'));
  await assert.rejects(store.load(join(system, 'usr_bin_ls')), {
    message: `refusing ${join(system, 'usr_bin_ls')} (-> ${target}): writable by group`,
  });
  await chmod(target, 0o644);
  assert.equal((await store.load(join(system, 'usr_bin_ls'))).text, LS);
});

test('a missing policy file is an error that names it', async () => {
  const { system, store } = await world();
  await assert.rejects(store.load(join(system, 'usr_bin_nope')), {
    message: `cannot read ${join(system, 'usr_bin_nope')}: no such file`,
  });
});

test("saving an edited system policy writes the user's copy and leaves the system file alone", async () => {
  const { system, user, store } = await world();
  const systemFile = await put(join(system, 'usr_bin_ls'), LS);
  const loaded = await store.load(systemFile);
  const written = await store.save(
    '/usr/bin/ls',
    loaded.text + '\tnative-fsread: filename match "$HOME/*" then permit\n',
  );
  assert.equal(written, join(user, 'usr_bin_ls'));
  assert.equal(await readFile(written, 'utf8'), EDITED_LS);
  assert.equal(await readFile(systemFile, 'utf8'), LS);
  assert.equal((await stat(written)).mode & 0o777, 0o600);
  assert.equal((await stat(user)).mode & 0o777, 0o700);
  assert.equal((await store.lookup('/usr/bin/ls'))?.origin, 'user');
});

test('a save replaces the file at once and leaves no temporary file behind', async () => {
  const { user, store } = await world();
  const path = await store.save('usr_bin_ls', LS);
  const before = await stat(path);
  await store.save('usr_bin_ls', EDITED_LS);
  // A new inode renamed over the old one: a reader sees the old file or the new, never half of one.
  assert.notEqual((await stat(path)).ino, before.ino);
  assert.equal(await readFile(path, 'utf8'), EDITED_LS);
  assert.deepEqual(await readdir(user), ['usr_bin_ls']);
});

test('a failed save names the file and leaves nothing behind', async () => {
  const { base } = await world();
  const blocked = await put(join(base, 'blocked'), 'not a directory');
  const store = new PolicyStore({ userDir: join(blocked, 'policies') });
  await assert.rejects(
    store.save('usr_bin_ls', LS),
    (e: Error) =>
      e instanceof PolicyStoreError &&
      e.message.startsWith(`cannot save ${join(blocked, 'policies', 'usr_bin_ls')}`),
  );
});

test('a policy name that is not a file name of the user directory is refused', async () => {
  const { store } = await world();
  await assert.rejects(store.save('../escape', LS), /not a policy name/);
  await assert.rejects(store.save('usr/bin/ls', LS), /not a policy name/);
});

test('saving a program whose file name another program already uses is refused, and that file is kept', async () => {
  const { user, store } = await world();
  const other = 'Policy: /usr/bin/a-b, Emulation: native\n\tnative-open: permit\n';
  const path = await put(join(user, 'usr_bin_a_b'), other, 0o600);
  await assert.rejects(
    store.save('/usr/bin/a_b', 'Policy: /usr/bin/a_b, Emulation: native\n'),
    (e: unknown) =>
      e instanceof PolicyStoreError &&
      /refusing to overwrite .*usr_bin_a_b: its header names \/usr\/bin\/a-b/.test(e.message),
  );
  assert.equal(await readFile(path, 'utf8'), other);
});

test('list shows every policy and template with its origin and header', async () => {
  const { base, system, user, home } = await world();
  const shipped = join(base, 'checkout/policies');
  await put(join(system, 'usr_bin_ls'), LS);
  await put(join(system, 'usr_sbin_lpd'), 'Policy: /usr/sbin/lpd, Emulation: native\n', 0o666);
  await put(join(user, 'usr_bin_ls'), EDITED_LS, 0o600);
  await put(
    join(user, 'templates/network'),
    'Template: network, Emulation: native, Description: DNS lookups\n',
  );
  await put(join(shipped, 'bin_ls'), 'Policy: /bin/ls, Emulation: native\n');
  await put(join(shipped, 'README'), 'Policies shipped with sysgate.\n');
  const store = new PolicyStore({ systemDir: system, home, env: {}, shippedDir: shipped });
  const listed = (await store.list()).map((l) => [
    l.origin,
    l.kind,
    l.name,
    l.path.slice(base.length),
    l.description,
    l.problem,
  ]);
  assert.deepEqual(listed, [
    ['user', 'policy', '/usr/bin/ls', '/home/u/.config/sysgate/policies/usr_bin_ls', null, null],
    ['system', 'policy', '/usr/bin/ls', '/etc/sysgate/policies/usr_bin_ls', null, null],
    [
      'system',
      'policy',
      null,
      '/etc/sysgate/policies/usr_sbin_lpd',
      null,
      `refusing ${join(system, 'usr_sbin_lpd')}: writable by group and others`,
    ],
    [
      'user',
      'template',
      'network',
      '/home/u/.config/sysgate/policies/templates/network',
      'DNS lookups',
      null,
    ],
    ['shipped', 'policy', '/bin/ls', '/checkout/policies/bin_ls', null, null],
  ]);
  assert.deepEqual(
    (await store.templates()).map((t) => t.name),
    ['network', '/bin/ls'],
  );
});

test('describe gives the listing of one file where the store keeps policies, and nothing elsewhere', async () => {
  const { system, user, home } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  await put(join(user, 'templates/network'), 'Template: network, Emulation: native\n');
  const store = new PolicyStore({ systemDir: system, home, env: {} });
  assert.deepEqual(
    (await store.describe(join(system, 'usr_bin_ls')))?.map((l) => [l.origin, l.kind, l.name]),
    [['system', 'policy', '/usr/bin/ls']],
  );
  assert.deepEqual(
    (await store.describe(join(user, 'templates/network')))?.map((l) => [l.origin, l.kind]),
    [['user', 'template']],
  );
  assert.equal(await store.describe('/etc/passwd'), null);
  assert.equal(await store.describe(join(system, '.usr_bin_ls.tmp')), null);
  assert.equal(await store.describe(join(system, 'sub/usr_bin_ls')), null);
});

test('the listing follows each change of a file: a new header, an error written in, the error fixed', async () => {
  const { user, store } = await world();
  const path = await put(join(user, 'usr_bin_ls'), LS, 0o600);
  const listed = async () =>
    (await store.list()).filter((l) => l.path === path).map((l) => [l.name, l.problem]);
  assert.deepEqual(await listed(), [['/usr/bin/ls', null]]);
  assert.deepEqual(await listed(), [['/usr/bin/ls', null]]);
  await put(path, LS.replace('/usr/bin/ls', '/usr/bin/dir'), 0o600);
  assert.deepEqual(await listed(), [['/usr/bin/dir', null]]);
  await put(path, `${LS}\tnative-fsread: filename eq then permit\n`, 0o600);
  assert.match(String((await listed())[0]?.[1]), /^3:/);
  assert.deepEqual(await store.describe(path).then((l) => l?.map((x) => x.problem !== null)), [
    true,
  ]);
  await put(path, EDITED_LS, 0o600);
  assert.deepEqual(await listed(), [['/usr/bin/ls', null]]);
});

/** Collects what a watch reports, and waits for a report that satisfies `wanted`. */
function recorder() {
  const changes: PolicyChange[] = [];
  const waiters: Array<() => void> = [];
  return {
    changes,
    record: (change: PolicyChange) => {
      changes.push(change);
      for (const wake of waiters.splice(0)) wake();
    },
    async until(wanted: (c: PolicyChange) => boolean, ms = 1000): Promise<PolicyChange> {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = changes.find(wanted);
        if (hit !== undefined) return hit;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no such change within ${ms} ms; saw ${JSON.stringify(changes)}`);
        await new Promise<void>((wake) => {
          waiters.push(wake);
          setTimeout(wake, left);
        });
      }
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('watch reports an edit made outside sysgate within a second, and not the store’s own save', async (t) => {
  const { system, user, store } = await world();
  await put(join(system, 'usr_bin_ls'), LS);
  await store.save('usr_bin_ls', LS);
  const seen = recorder();
  const stop = store.watch(seen.record);
  t.after(stop);

  await store.save('usr_bin_ls', EDITED_LS);
  await pause(300);
  assert.deepEqual(seen.changes, []);

  await writeFile(join(user, 'usr_bin_ls'), LS);
  assert.deepEqual(await seen.until((c) => c.path === join(user, 'usr_bin_ls')), {
    path: join(user, 'usr_bin_ls'),
    kind: 'changed',
  });
  await writeFile(join(system, 'usr_bin_ls'), EDITED_LS);
  await seen.until((c) => c.path === join(system, 'usr_bin_ls') && c.kind === 'changed');
  await rm(join(system, 'usr_bin_ls'));
  await seen.until((c) => c.path === join(system, 'usr_bin_ls') && c.kind === 'removed');
});

test('watch notices the user directory being created and the policies put in it', async (t) => {
  const { user, home, store } = await world();
  await mkdir(home, { recursive: true });
  const seen = recorder();
  const stop = store.watch(seen.record);
  t.after(stop);

  await put(join(user, 'usr_bin_ls'), LS);
  await seen.until((c) => c.path === join(user, 'usr_bin_ls') && c.kind === 'changed');
  await writeFile(join(user, 'usr_bin_cat'), 'Policy: /usr/bin/cat, Emulation: native\n');
  await seen.until((c) => c.path === join(user, 'usr_bin_cat'));
});

test('a watch whose store creates the user directory does not report that save', async (t) => {
  const { home, store } = await world();
  await mkdir(home, { recursive: true });
  const seen = recorder();
  const stop = store.watch(seen.record);
  t.after(stop);
  await store.save('/usr/bin/ls', LS);
  await pause(400);
  assert.deepEqual(seen.changes, []);
});

test('a stopped watch reports nothing more', async () => {
  const { user, store } = await world();
  await put(join(user, 'usr_bin_ls'), LS);
  const seen = recorder();
  store.watch(seen.record)();
  await writeFile(join(user, 'usr_bin_ls'), EDITED_LS);
  await pause(300);
  assert.deepEqual(seen.changes, []);
});
