// The linter says the same of a policy's lines as of its text, and, for many generated policies
// full of what it looks at, exactly what the plain linter it replaced said: the same messages, at
// the same spans, in the same order, with the same lines shown. That linter's whole output for
// them is pinned by its digest (SAID_BEFORE), taken when the index replaced it (issue 17).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';

import { lintPolicy, type LintOptions } from './lint.js';
import type { Diagnostic } from './diagnostics.js';
import { parsePolicy } from './parser.js';
import { printPolicy } from './printer.js';
import { RandomPolicy, seededRandom } from './random-policy.js';

const ROOT = new URL('../../../../', import.meta.url);
const EXAMPLE_DIRS = ['app/common/policy/testdata/openbsd/', 'policies/', 'policies/templates/'];

const OPTIONS: LintOptions[] = [
  { arch: 'x86_64' },
  { arch: 'aarch64', noAliases: true },
  { arch: 'x86_64', uid: 1000, resolveUser: (n) => (n === 'root' ? 0 : undefined) },
];

/** What the linter says of `text`, under each of OPTIONS; the same given its lines. */
function lintAll(text: string, what: string): Diagnostic[][] {
  const { file } = parsePolicy(text, what);
  return OPTIONS.map((options) => {
    const said = lintPolicy(file, text, options);
    // The editor passes its lines instead of their joined text.
    const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
    assert.deepEqual(lintPolicy(file, lines, options), said, `${what} (lines)`);
    return said;
  });
}

test('the example policies: the same messages from their lines as from their text', () => {
  let files = 0;
  for (const dir of EXAMPLE_DIRS) {
    const url = new URL(dir, ROOT);
    for (const entry of readdirSync(url, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      lintAll(readFileSync(new URL(entry.name, url), 'utf8'), dir + entry.name);
      files++;
    }
  }
  assert.ok(files >= 5, `only ${files} example policies found`);
});

// Rules chosen to shadow one another in every way the index knows (rules on everything, equal
// values, patterns by their literal starts, other comparisons), and not to.
const CALLS = ['fsread', 'fswrite', 'openat', 'stat', 'connect', 'unlinkat', 'getdirentries'];
const EMULATIONS = ['native', 'native', 'native', 'linux', 'openbsd'];
const VALUES = [
  '/etc/passwd',
  '/etc/pass',
  '/etc/passwd/x',
  '/usr/lib/libc.so.6',
  '/usr/lib/*',
  '/usr/lib/lib*.so.[0-9]',
  '/usr/l?b/*',
  '/usr',
  '$HOME/.ssh/id_rsa',
  '$HOME/*',
  '/home/user/.ssh/id_rsa',
  '$HOME/.config/sysgate/policies/x',
  '$HOME/.config/*',
  '/etc/sysgate/*',
  '$CWD/out',
  '$USERNAME/x',
  '$FOO',
  'inet-[10.0.0.1]:53',
  'inet-*:53',
  '',
  '*',
  'a\\*b',
];
const OPS = ['eq', 'eq', 'eq', 'match', 'match', 'neq', 'sub', 're', 'nsub', 'inpath'];
const ARGS = ['filename', 'filename', 'filename', 'filename[1]', 'sockaddr', 'oflags'];
const ACTIONS = [
  'permit',
  'permit',
  'deny',
  'deny[eacces]',
  'deny[enope]',
  'ask',
  'permit as root',
  'permit as nobody:nogroup',
  'deny as root',
  'permit[inherit]',
  'permit log',
];

function generated(seed: number, rules: number): string {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const quote = (s: string) => JSON.stringify(s);
  const out = ['Policy: /usr/bin/a, Emulation: native'];
  for (let i = 0; i < rules; i++) {
    const roll = random();
    if (roll < 0.02) out.push(`Policy: /usr/bin/b${i}, Emulation: native`);
    else if (roll < 0.04) out.push('\t# a note');
    else if (roll < 0.05) out.push('');
    else if (roll < 0.06) out.push('\tthis is not a rule');
    else {
      const call = `${pick(EMULATIONS)}-${pick(CALLS)}`;
      const cond = () => `${pick(ARGS)} ${pick(OPS)} ${quote(pick(VALUES))}`;
      const c = random();
      const expr =
        c < 0.1
          ? ''
          : c < 0.15
            ? 'true then '
            : c < 0.2
              ? `(${cond()}) then `
              : c < 0.25
                ? `${cond()} and ${cond()} then `
                : c < 0.28
                  ? `not ${cond()} then `
                  : `${cond()} then `;
      const predicate =
        random() < 0.1 ? `, if ${pick(['user', 'group'])} = ${pick(['0', 'root'])}` : '';
      out.push(`\t${call}: ${expr}${pick(ACTIONS)}${predicate}${random() < 0.05 ? '\r' : ''}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * The digest of what the plain linter said of the generated policies below (sha256 of the JSON
 * of every message, in order). A change to what the linter says changes it: if the change is
 * meant, print the new digest and put it here.
 */
const SAID_BEFORE = '5fda5d230dadd5686a68ee8e5fa0a67983e136e1ba4a08143061aae0c2ba446e';

test('generated policies and random policy trees get exactly the messages the plain linter gave', () => {
  const hash = createHash('sha256');
  let said = 0;
  const add = (text: string, what: string) => {
    for (const diagnostics of lintAll(text, what)) {
      hash.update(JSON.stringify(diagnostics));
      said += diagnostics.length;
    }
  };
  for (let seed = 1; seed <= 300; seed++) add(generated(seed, 60), `seed ${seed}`);
  add(generated(1000, 3000), 'a large one');
  const random = new RandomPolicy(seededRandom(17));
  for (let i = 0; i < 200; i++) add(printPolicy(random.file(30)), `tree ${i}`);
  // Many messages of every kind, or the digest would say little.
  assert.ok(said > 5000, `only ${said} messages`);
  assert.equal(hash.digest('hex'), SAID_BEFORE);
});
