// The C evaluator against the TypeScript one: every vector of app/common/policy/conformance.json
// is compiled by the host's compiler (build/app/common/policy/compile.js, built by
// `npx tsc -p tsconfig.host.json`), installed in sgp-eval, and decided there; the decision must
// equal the vector's expectation, which the TypeScript tests hold the TypeScript evaluator to.
// Exits non-zero on any difference. Usage: node native/tests/conformance.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { FrameReader, encodeFrame } from './host.mjs';

const root = new URL('../../', import.meta.url);
const built = (p) => new URL(`build/app/common/policy/${p}`, root);
const { parsePolicy } = await import(built('parser.js'));
const { sectionsOf } = await import(built('ast.js'));
const { compilePolicy } = await import(built('compile.js'));
const vectors = JSON.parse(readFileSync(new URL('app/common/policy/conformance.json', root), 'utf8'));
const sgpEval = new URL('native/build/sgp-eval', root).pathname;

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

/** `filename` for the first of a kind, `filename.1` for the second, as the supervisor sends. */
function argsOf(request) {
  const fields = {};
  for (const [name, values] of Object.entries(request.args)) {
    values.forEach((v, i) => (fields[i === 0 ? name : `${name}.${i}`] = v));
  }
  return fields;
}

const child = spawn(sgpEval, [], { stdio: ['pipe', 'pipe', 'inherit'] });
const reader = new FrameReader();
const answers = [];
let wake = null;
child.stdout.on('data', (chunk) => {
  answers.push(...reader.feed(chunk));
  wake?.();
});
const nextAnswer = async () => {
  while (answers.length === 0) await new Promise((r) => (wake = r));
  return answers.shift();
};

let failures = 0;
for (const [i, v] of vectors.entries()) {
  const name = `v${i}`;
  child.stdin.write(encodeFrame('policy', { name, text: compiled(v) }));
  child.stdin.write(
    encodeFrame('decide', {
      policy: name,
      call: v.request.call,
      alias: v.noAliases ? '' : (v.request.alias ?? ''),
      uid: v.request.uid,
      gid: v.request.gid,
      args: argsOf(v.request),
    }),
  );
  const got = await nextAnswer();
  const want = {
    action: v.expect.action,
    errno: String(v.expect.errnoNumber),
    log: v.expect.log ? '1' : '0',
    inherit: v.expect.inherit ? '1' : '0',
    detach: v.expect.detach ? '1' : '0',
    line: String(v.expect.line ?? 0),
  };
  const have = got.verb === 'decision' ? got.fields : { error: got.fields.message };
  const differs = Object.keys(want).some((k) => have[k] !== want[k]);
  if (differs) {
    failures++;
    console.log(`FAIL ${v.name}\n  want ${JSON.stringify(want)}\n  have ${JSON.stringify(have)}`);
  }
}
child.stdin.end();
console.log(`conformance: ${vectors.length} vectors, ${failures} differ`);
process.exit(failures === 0 ? 0 : 1);
