import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PolicySource } from '../runs/policy-source.js';
import { CompiledPolicyCache, type CompileInputs } from './compiled-cache.js';
import { PolicyStore } from './store.js';

const macros = { HOME: '/home/jose', USER: 'jose', CWD: '/tmp' };

function place() {
  const root = mkdtempSync(join(tmpdir(), 'sysgate-cache-'));
  const userDir = join(root, 'policies');
  const store = new PolicyStore({ userDir, systemDir: join(root, 'system') });
  const cache = new CompiledPolicyCache(join(root, 'cache'), 'this build');
  const source = () => new PolicySource(store, macros, { cache });
  const write = (rules: string) =>
    writeFileSync(join(userDir, 'usr_bin_ls'), `Policy: /usr/bin/ls, Emulation: native\n${rules}`, {
      mode: 0o600,
    });
  return { root, userDir, store, cache, source, write };
}

async function setUp(rules: string) {
  const p = place();
  await p.store.save('/usr/bin/ls', `Policy: /usr/bin/ls, Emulation: native\n${rules}`);
  return p;
}

const inputs = (text: string, over: Partial<CompileInputs> = {}): CompileInputs => ({
  program: '/usr/bin/ls',
  path: '/p/usr_bin_ls',
  text,
  macros,
  noAliases: false,
  kernel: false,
  ...over,
});

test('a second run gets the compiled form the first one kept, without compiling', async () => {
  const p = await setUp('\tnative-fsread: filename match "$HOME/*" then permit\n');
  const first = await p.source().policyFor('/usr/bin/ls');
  assert.match(first.compiled, /\/home\/jose/);
  const [entry] = readdirSync(p.cache.dir);
  assert.match(entry!, /^[0-9a-f]{64}$/);
  // Proof that the next run reads the entry instead of compiling: an entry changed in place (as
  // its owner could) is what it gets.
  writeFileSync(join(p.cache.dir, entry!), JSON.stringify({ ...first, compiled: 'kept' }));
  const second = await p.source().policyFor('/usr/bin/ls');
  assert.equal(second.compiled, 'kept');
  assert.equal(second.filters, 1);
});

test('an edited policy, other macros, options or builds are other entries', () => {
  const cache = new CompiledPolicyCache('/nonexistent', 'build 1');
  const text = 'Policy: /usr/bin/ls, Emulation: native\n';
  const key = cache.keyOf(inputs(text));
  assert.equal(cache.keyOf(inputs(text)), key);
  for (const other of [
    inputs(`${text}\tnative-getpid: permit\n`),
    inputs(text, { macros: { ...macros, CWD: '/home' } }),
    inputs(text, { noAliases: true }),
    inputs(text, { kernel: true }),
    inputs(text, { program: '/bin/ls' }),
    inputs(text, { path: '/q/usr_bin_ls' }),
  ]) {
    assert.notEqual(cache.keyOf(other), key);
  }
  assert.notEqual(new CompiledPolicyCache('/nonexistent', 'build 2').keyOf(inputs(text)), key);
});

test('an edited policy file is compiled again', async () => {
  const p = await setUp('\tnative-getpid: permit\n');
  await p.source().policyFor('/usr/bin/ls');
  p.write('\tnative-getpid: permit\n\tnative-getppid: permit\n');
  const again = await p.source().policyFor('/usr/bin/ls');
  assert.equal(again.filters, 2);
  assert.match(again.compiled, /getppid/);
  assert.equal(readdirSync(p.cache.dir).length, 2);
});

test('an entry others could have written, or a garbled one, is not used', async (t) => {
  const p = await setUp('\tnative-getpid: permit\n');
  const honest = await p.source().policyFor('/usr/bin/ls');
  const entry = join(p.cache.dir, readdirSync(p.cache.dir)[0]!);
  const planted = JSON.stringify({ compiled: 'planted', problems: [], filters: 1 });

  writeFileSync(entry, planted);
  chmodSync(entry, 0o666);
  assert.equal((await p.source().policyFor('/usr/bin/ls')).compiled, honest.compiled);

  writeFileSync(entry, '{"compiled": 12');
  chmodSync(entry, 0o600);
  assert.equal((await p.source().policyFor('/usr/bin/ls')).compiled, honest.compiled);

  if (process.getuid?.() !== 0) return t.diagnostic('the foreign-owner case needs root');
  writeFileSync(entry, planted);
  chownSync(entry, 4321, 4321);
  assert.equal((await p.source().policyFor('/usr/bin/ls')).compiled, honest.compiled);
});

test('a cache that cannot be written costs nothing but the compile', async () => {
  const p = place();
  await p.store.save('/usr/bin/ls', 'Policy: /usr/bin/ls, Emulation: native\n');
  writeFileSync(join(p.root, 'cache'), 'a file where the directory should be');
  const policy = await p.source().policyFor('/usr/bin/ls');
  assert.equal(policy.filters, 0);
});
