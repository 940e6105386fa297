import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type {
  EventName,
  Events,
  PolicyDocument,
  PolicyFileInfo,
  SaveResult,
} from '../../common/contract.js';
import { PolicyStore } from '../policy/store.js';
import { Host } from './host.js';

const LS =
  'Policy: /usr/bin/ls, Emulation: native\n\tnative-fsread: filename eq "/etc/hosts" then permit\n';
const CAT = 'Policy: /usr/bin/cat, Emulation: native\n\tnative-read: permit\n';
const BASE = 'Template: base, Emulation: native, Description: the start\n\tnative-mmap: permit\n';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysgate-policy-files-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let count = 0;
/** A host over a system directory with ls's policy and a template, and an empty user directory. */
async function world(t: { after(fn: () => Promise<void>): void }) {
  const base = join(root, `w${++count}`);
  const system = join(base, 'system');
  const user = join(base, 'user');
  await mkdir(join(system, 'templates'), { recursive: true });
  await writeFile(join(system, 'usr_bin_ls'), LS);
  await writeFile(join(system, 'templates', 'base'), BASE);
  const store = new PolicyStore({
    systemDir: system,
    userDir: user,
    uid: process.getuid!(),
    watchDebounceMs: 20,
  });
  const host = new Host(store, { HOME: '/home/u', USER: 'u', CWD: '/' });
  const events: Array<{ event: EventName; payload: unknown }> = [];
  host.subscribe(<E extends EventName>(event: E, payload: Events[E]) =>
    events.push({ event, payload }),
  );
  t.after(() => host.shutdown());
  const call = <T>(command: string, ...args: unknown[]) => host.call(command, args) as Promise<T>;
  return { system, user, host, call, events };
}

test('the editor lists system policies and templates, and opens one with a version', async (t) => {
  const { system, call } = await world(t);
  const files = await call<PolicyFileInfo[]>('policyFiles');
  assert.deepEqual(
    files.map((f) => [f.kind, f.origin, f.name, f.inUse, f.overridden]),
    [
      ['policy', 'system', '/usr/bin/ls', false, false],
      ['template', 'system', 'base', false, false],
    ],
  );
  const doc = await call<PolicyDocument>('readPolicy', join(system, 'usr_bin_ls'));
  assert.equal(doc.text, LS);
  assert.equal(doc.name, '/usr/bin/ls');
  assert.match(doc.version, /^[0-9a-f]{32}$/);
  const template = await call<PolicyDocument>('readPolicy', join(system, 'templates', 'base'));
  assert.equal(template.savesTo, null, 'a template is not saved by the editor');
});

test('only files the store lists can be read: no other path on the machine', async (t) => {
  const { call } = await world(t);
  await assert.rejects(call('readPolicy', '/etc/passwd'), /not a policy file sysgate knows/);
  await assert.rejects(call('readPolicy', 42), /bad arguments/);
});

test('an edited system policy is saved as the user’s copy, which then takes its place', async (t) => {
  const { system, user, call, events } = await world(t);
  const doc = await call<PolicyDocument>('readPolicy', join(system, 'usr_bin_ls'));
  const edited = `${LS}\tnative-fsread: filename match "$HOME/*" then permit\n`;
  const result = await call<SaveResult>('savePolicy', doc.path, edited, doc.version);
  assert.ok('saved' in result);
  assert.equal(result.saved.path, join(user, 'usr_bin_ls'));
  assert.equal(result.saved.origin, 'user');
  assert.equal(await readFile(join(user, 'usr_bin_ls'), 'utf8'), edited);
  assert.equal(await readFile(join(system, 'usr_bin_ls'), 'utf8'), LS, 'the system file is kept');
  assert.deepEqual(
    events.filter((e) => e.event === 'policyFileChanged').map((e) => e.payload),
    [{ path: join(user, 'usr_bin_ls'), program: '/usr/bin/ls', removed: false }],
  );
  const files = await call<PolicyFileInfo[]>('policyFiles');
  assert.deepEqual(
    files.filter((f) => f.name === '/usr/bin/ls').map((f) => [f.origin, f.overridden]),
    [
      ['user', false],
      ['system', true],
    ],
  );
});

test('a save based on an older version is refused and shows the file as it is now', async (t) => {
  const { system, user, call } = await world(t);
  await mkdir(user, { recursive: true });
  await writeFile(join(user, 'usr_bin_cat'), CAT);
  const doc = await call<PolicyDocument>('readPolicy', join(user, 'usr_bin_cat'));
  const theirs = `${CAT}\tnative-write: permit\n`;
  await writeFile(join(user, 'usr_bin_cat'), theirs);
  const result = await call<SaveResult>(
    'savePolicy',
    doc.path,
    `${CAT}\tnative-close: permit\n`,
    doc.version,
  );
  assert.ok('conflict' in result);
  assert.equal(result.conflict.text, theirs);
  assert.equal(await readFile(join(user, 'usr_bin_cat'), 'utf8'), theirs, 'nothing overwritten');

  // The same for a system policy whose user copy appeared meanwhile.
  const ls = await call<PolicyDocument>('readPolicy', join(system, 'usr_bin_ls'));
  await writeFile(join(user, 'usr_bin_ls'), `${LS}\tnative-stat: permit\n`);
  const second = await call<SaveResult>('savePolicy', ls.path, LS, ls.version);
  assert.ok('conflict' in second);
  assert.equal(second.conflict.path, join(user, 'usr_bin_ls'));
});

test('a text with errors is refused with the place of each, and nothing is written', async (t) => {
  const { system, user, call } = await world(t);
  const doc = await call<PolicyDocument>('readPolicy', join(system, 'usr_bin_ls'));
  await assert.rejects(
    call('savePolicy', doc.path, `${LS}\tnative-fsread: filename eq then permit\n`, doc.version),
    /usr_bin_ls:3:\d+: error:/,
  );
  await assert.rejects(
    call('savePolicy', doc.path, CAT, doc.version),
    /no "Policy: \/usr\/bin\/ls" header/,
  );
  await assert.rejects(readFile(join(user, 'usr_bin_ls')), /ENOENT/);
});

test('a file changed outside the app is announced to the windows', async (t) => {
  const { system, events } = await world(t);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await writeFile(join(system, 'usr_bin_ls'), `${LS}\tnative-stat: permit\n`);
  const deadline = Date.now() + 5000;
  while (!events.some((e) => e.event === 'policyFileChanged') && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(events.find((e) => e.event === 'policyFileChanged')?.payload, {
    path: join(system, 'usr_bin_ls'),
    program: '/usr/bin/ls',
    removed: false,
  });
});
