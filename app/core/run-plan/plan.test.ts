// Run plans as the front door (native/front.c) reads them: the name it computes, the frames in
// their order, the identities it compares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FrameReader, FrameError, type Frame } from '../supervisor/frames.js';
import { preamble } from '../supervisor/supervisor.js';
import { fnv1a64 } from './hash.js';
import { fileIdentity, namesIdentity, RunInputs } from './inputs.js';
import { encodePlan, planName, writePlan, PLAN_ENVIRONMENT, type RunPlan } from './plan.js';

function frames(bytes: Buffer): Frame[] {
  const read = new FrameReader().push(bytes);
  for (const item of read) if (item instanceof FrameError) assert.fail(item.message);
  return read as Frame[];
}

const PLAN: RunPlan = {
  args: ['-a', '-e', 'cat', 'a file'],
  inputs: [{ path: '/etc/passwd', id: 'absent' }],
  say: ['sysgate: -K: a line\n'],
  options: ['--mode', 'enforce'],
  command: ['cat', 'a file'],
  preamble: preamble(undefined, [['/usr/bin/cat', 'compiled text']]),
};

test('FNV-1a 64 gives the published values the C side computes too', () => {
  assert.equal(fnv1a64(Buffer.from('')), 0xcbf29ce484222325n);
  assert.equal(fnv1a64(Buffer.from('a')), 0xaf63dc4c8601ec8cn);
  assert.equal(fnv1a64(Buffer.from('foobar')), 0x85944171f73967e8n);
});

test('a plan is named by the uid, the working directory and every argument', () => {
  const name = planName(0, '/home/a', ['-a', 'ls']);
  assert.match(name, /^[0-9a-f]{16}$/);
  assert.equal(name, fnv1a64(Buffer.from('0\0/home/a\0-a\0ls\0')).toString(16).padStart(16, '0'));
  // PROTOCOL.md's test vector, which native/front.c is tested against too.
  assert.equal(planName(1000, '/home/u', ['-a', 'true']), '257ee2977947ddbc');
  assert.notEqual(planName(1, '/home/a', ['-a', 'ls']), name);
  assert.notEqual(planName(0, '/home/b', ['-a', 'ls']), name);
  assert.notEqual(planName(0, '/home/a', ['-a', 'ls', '']), name);
  // The NUL after each argument keeps `ab` `c` apart from `a` `bc`.
  assert.notEqual(planName(0, '/', ['ab', 'c']), planName(0, '/', ['a', 'bc']));
});

test('a plan holds its key, environment, inputs, lines, options, command and preamble in order', () => {
  const env = { HOME: '/home/a', PATH: '/bin', XDG_CACHE_HOME: undefined };
  const read = frames(encodePlan(PLAN, { uid: 1000, cwd: '/home/a', root: '/opt/sysgate' }, env));
  assert.deepEqual(
    read.map((f) => f.verb),
    [
      'plan',
      'key',
      ...PLAN.args.map(() => 'arg'),
      ...PLAN_ENVIRONMENT.map(() => 'env'),
      'input',
      'say',
      'option',
      'option',
      'command',
      'command',
      'policy',
      'start',
    ],
  );
  const [plan, key] = read;
  assert.equal(plan!.fields.text('version'), '1');
  assert.deepEqual(
    ['uid', 'cwd', 'root', 'argc'].map((field) => key!.fields.text(field)),
    ['1000', '/home/a', '/opt/sysgate', '4'],
  );
  assert.deepEqual(
    read.filter((f) => f.verb === 'arg').map((f) => f.fields.text('value')),
    PLAN.args,
  );
  const envs = read.filter((f) => f.verb === 'env');
  assert.equal(envs.find((f) => f.fields.text('name') === 'HOME')?.fields.text('value'), '/home/a');
  // An unset variable is a frame without a value: it must be unset next time too.
  const cache = envs.find((f) => f.fields.text('name') === 'XDG_CACHE_HOME')!;
  assert.equal(cache.fields.has('value'), false);
  assert.equal(read.find((f) => f.verb === 'policy')?.fields.text('text'), 'compiled text');
});

test('a written plan is private to its user and found by its name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-plans-'));
  try {
    const path = writePlan(PLAN, join(dir, 'runs'));
    assert.ok(path !== null);
    assert.equal(path, join(dir, 'runs', planName(process.geteuid!(), process.cwd(), PLAN.args)));
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'runs')).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(dir, 'runs')), [path.split('/').at(-1)]);
    assert.ok(readFileSync(path).includes(PLAN.preamble));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a plan that cannot be written is no plan, and no error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-plans-'));
  try {
    writeFileSync(join(dir, 'runs'), 'a file where the directory should be');
    assert.equal(writePlan(PLAN, join(dir, 'runs')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an identity changes when the file is edited, re-moded or replaced, and says absent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-inputs-'));
  try {
    const file = join(dir, 'policy');
    assert.equal(fileIdentity(file), 'absent');
    assert.equal(fileIdentity(join(dir, 'policy', 'beneath a file')), 'absent');
    writeFileSync(file, 'one');
    const first = fileIdentity(file);
    assert.match(first!, /^\d+:\d+:3:\d+:\d+:\d+:\d+$/);
    writeFileSync(file, 'two');
    const edited = fileIdentity(file);
    assert.notEqual(edited, first);
    chmodSync(file, 0o644);
    assert.notEqual(fileIdentity(file), edited);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an input keeps the identity it had when first noted, before it was read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-inputs-'));
  try {
    const file = join(dir, 'policy');
    writeFileSync(file, 'as read');
    const inputs = new RunInputs();
    inputs.note(file);
    const noted = fileIdentity(file);
    writeFileSync(file, 'changed after the read');
    inputs.note(file);
    assert.deepEqual(inputs.all(), [{ path: file, id: noted }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('which names a pattern matched is one sum, whatever their order', () => {
  assert.equal(namesIdentity([]), '0000000000000000');
  assert.equal(namesIdentity(['a']), 'af63dc4c8601ec8c');
  assert.equal(namesIdentity(['ccA.s', 'ccB.o']), namesIdentity(['ccB.o', 'ccA.s']));
  assert.notEqual(namesIdentity(['ccA.s']), namesIdentity(['ccA.s', 'ccB.o']));
  const inputs = new RunInputs();
  inputs.noteMatches('/tmp', 'cc*', ['ccA.s']);
  assert.deepEqual(inputs.all(), [{ path: '/tmp', pattern: 'cc*', id: namesIdentity(['ccA.s']) }]);
});
