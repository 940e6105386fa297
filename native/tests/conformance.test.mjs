// The supervisor's evaluator decides every conformance vector (app/common/policy/conformance.json)
// as the TypeScript evaluator does: each vector's policy is compiled by the host's compiler,
// installed in sgp-eval (the C evaluator alone, speaking frames on stdin and stdout), and the
// vector's call decided there. The TypeScript tests hold the TypeScript evaluator to the same
// expectations. Needs `npm run build`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const built = (path) => new URL(`build/app/${path}`, root);
const { parsePolicy } = await import(built('common/policy/parser.js'));
const { sectionsOf } = await import(built('common/policy/ast.js'));
const { compilePolicy } = await import(built('common/policy/compile.js'));
const { encodeFrame, FrameReader } = await import(built('core/supervisor/frames.js'));

const vectors = JSON.parse(
  readFileSync(new URL('app/common/policy/conformance.json', root), 'utf8'),
);

function compiled(vector) {
  const { file } = parsePolicy(vector.policy, vector.name);
  const section = sectionsOf(file)[0] ?? { header: null, filters: [], detached: false };
  return compilePolicy(section, {
    macros: vector.macros,
    noAliases: vector.noAliases ?? false,
    resolveUser: (name) => vector.users?.[name],
    resolveGroup: (name) => vector.groups?.[name],
  }).text;
}

/** `filename` for the first value of a kind, `filename.1` for the second, as the supervisor sends. */
function argsOf(request) {
  const fields = {};
  for (const [name, values] of Object.entries(request.args)) {
    values.forEach((v, i) => (fields[i === 0 ? name : `${name}.${i}`] = v));
  }
  return fields;
}

/** sgp-eval, asked one frame at a time. */
class Evaluator {
  constructor() {
    this.child = spawn(new URL('native/build/sgp-eval', root).pathname, [], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child.stdin.on('error', () => undefined);
    this.reader = new FrameReader();
    this.waiting = [];
    this.child.stdout.on('data', (chunk) => {
      for (const frame of this.reader.push(chunk)) this.waiting.shift()?.resolve(frame);
    });
    this.child.on('exit', (code, signal) => {
      for (const w of this.waiting.splice(0))
        w.reject(new Error(`sgp-eval ended (${signal ?? code})`));
    });
  }

  /** Sends frames and resolves with the one frame that answers the last of them. */
  ask(...frames) {
    const answer = new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    for (const f of frames) this.child.stdin.write(f);
    return answer;
  }

  close() {
    this.child.stdin.end();
  }
}

describe('the C evaluator decides each conformance vector as the TypeScript evaluator does', () => {
  let evaluator;
  before(() => (evaluator = new Evaluator()));
  after(() => evaluator.close());

  for (const [i, v] of vectors.entries()) {
    test(v.name, async () => {
      const name = `v${i}`;
      const got = await evaluator.ask(
        encodeFrame('policy', { name, text: compiled(v) }),
        encodeFrame('decide', {
          policy: name,
          call: v.request.call,
          alias: v.noAliases ? '' : (v.request.alias ?? ''),
          uid: v.request.uid,
          gid: v.request.gid,
          args: argsOf(v.request),
        }),
      );
      assert.equal(got.verb, 'decision', got.fields?.text?.('message'));
      const f = got.fields;
      assert.deepEqual(
        {
          action: f.text('action'),
          errno: f.number('errno'),
          log: f.text('log') === '1',
          inherit: f.text('inherit') === '1',
          detach: f.text('detach') === '1',
          line: f.number('line') || null,
        },
        {
          action: v.expect.action,
          errno: v.expect.errnoNumber,
          log: v.expect.log,
          inherit: v.expect.inherit,
          detach: v.expect.detach,
          line: v.expect.line ?? null,
        },
      );
    });
  }
});
