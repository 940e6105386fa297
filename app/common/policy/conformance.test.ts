// The conformance vectors (conformance.json): a policy, the macros, a decoded call, and the
// decision it must get. Each runs twice: through the policy evaluator (parsePolicy → decideCall),
// and through the compiled form the supervisor reads (compilePolicy → parseCompiled) with a small
// evaluator of that form written here from the format's description in compile.ts, as the C one
// is. The supervisor's C tests run the same file.
//
// A vector's optional "users" and "groups" map the names its predicates use to ids, and
// "noAliases" is -u. The C side needs neither maps nor flag: the host settles both when compiling.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { DECIDED_PER_MESSAGE } from '../calls/arguments.js';
import { errnoNumber } from '../calls/index.js';
import { sectionsOf } from './ast.js';
import {
  compilePolicy,
  parseCompiled,
  type CompiledPolicy,
  type CompiledToken,
} from './compile.js';
import { decideCall, isNeverPermitted, type DecideOptions } from './evaluate.js';
import { fnmatch } from './fnmatch.js';
import { parsePolicy } from './parser.js';
import { printPolicy } from './printer.js';
import { RandomPolicy, seededRandom } from './random-policy.js';
import { compileRegex, regexMatches } from './regex.js';
import type { ActionName } from './ast.js';
import type { CallRequest, Macros } from './request.js';

interface Vector {
  name: string;
  policy: string;
  macros: Macros;
  request: CallRequest;
  noAliases?: boolean;
  users?: Record<string, number>;
  groups?: Record<string, number>;
  expect: Expected;
}

interface Expected {
  action: ActionName;
  errno: string | null;
  errnoNumber: number;
  log: boolean;
  inherit: boolean;
  detach: boolean;
  line: number | null;
}

const VECTORS: Vector[] = JSON.parse(
  readFileSync(new URL('../../../../app/common/policy/conformance.json', import.meta.url), 'utf8'),
) as Vector[];

function optionsOf(vector: Vector): DecideOptions {
  return {
    macros: vector.macros,
    noAliases: vector.noAliases ?? false,
    resolveUser: (name) => vector.users?.[name],
    resolveGroup: (name) => vector.groups?.[name],
  };
}

function sectionOf(vector: Vector) {
  const { file, diagnostics } = parsePolicy(vector.policy, vector.name);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return sectionsOf(file)[0] ?? { header: null, filters: [], detached: false };
}

describe('conformance vectors', () => {
  test('there are enough of them, and each expected error number fits its name', () => {
    assert.ok(VECTORS.length >= 60, `${VECTORS.length} vectors`);
    assert.equal(new Set(VECTORS.map((v) => v.name)).size, VECTORS.length, 'names are unique');
    for (const { name, expect } of VECTORS) {
      const number = expect.errno === null ? 0 : errnoNumber(expect.errno);
      assert.equal(expect.errnoNumber, number, name);
    }
  });

  test('every operator is tried both ways', () => {
    for (const op of ['eq', 'neq', 'sub', 'nsub', 'match', 're', 'inpath']) {
      const outcomes = new Set(
        VECTORS.filter((v) => new RegExp(`\\b${op} "`).test(v.policy)).map((v) => v.expect.action),
      );
      assert.ok(outcomes.has('permit') && outcomes.has('ask'), op);
    }
  });

  for (const vector of VECTORS) {
    test(`${vector.name}: the evaluator`, () => {
      const decision = decideCall(sectionOf(vector), vector.request, optionsOf(vector));
      assert.deepEqual(
        {
          action: decision.action,
          errno: decision.errno,
          errnoNumber: decision.errno === null ? 0 : errnoNumber(decision.errno),
          log: decision.log,
          inherit: decision.inherit,
          detach: decision.detach,
          line: decision.filter?.span.start.line ?? null,
        },
        vector.expect,
      );
    });

    test(`${vector.name}: the compiled form`, () => {
      const { text } = compilePolicy(sectionOf(vector), optionsOf(vector));
      const parsed = parseCompiled(text);
      assert.ok(parsed.ok, parsed.ok ? '' : `line ${parsed.line}: ${parsed.message}\n${text}`);
      // The compiled form carries error numbers only.
      const expected: Omit<Expected, 'errno'> & { errno?: string | null } = { ...vector.expect };
      delete expected.errno;
      assert.deepEqual(decideCompiled(parsed.policy, vector.request), expected, text);
    });
  }
});

describe('random policies', () => {
  // Requests drawn so that the random policies' values sometimes match and sometimes do not.
  const VALUES = [
    '/etc/passwd',
    '/home/jose/x',
    'inet-[10.0.0.1]:53',
    'ro',
    'rw,c',
    '/lib/libc.so',
  ];
  const MORE = ['say "hi"', 'a\\', '', '/tmp/a, b', '/home/jose', '#not a comment', '1000'];
  const CALLS: [string, string | null][] = [
    ['openat', 'fsread'],
    ['openat', 'fswrite'],
    ['connect', null],
    ['execve', null],
    ['rename', 'fswrite'],
    ['setuid', null],
  ];

  test('decide the same through the compiled form as through the evaluator', () => {
    const random = seededRandom(20240601);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const options: DecideOptions = {
      macros: { HOME: '/home/jose', USER: 'jose', CWD: '/home/jose/src' },
      resolveUser: (name) => (name === 'root' ? 0 : undefined),
      resolveGroup: (name) => (name === 'wheel' ? 10 : undefined),
      resolveUserGroup: (name) => (name === 'root' ? 0 : undefined),
    };
    let decided = 0;
    for (let round = 0; round < 200; round++) {
      const { file } = parsePolicy(printPolicy(new RandomPolicy(random).file(12)), 'random');
      const section = sectionsOf(file)[0]!;
      const noAliases = random() < 0.3;
      const compiled = parseCompiled(compilePolicy(section, { ...options, noAliases }).text);
      assert.ok(compiled.ok);
      for (let i = 0; i < 20; i++) {
        const [call, alias] = pick(CALLS);
        const args: Record<string, string[]> = {};
        for (const name of ['filename', 'oflags', 'sockaddr', 'uid', 'argv', 'mode']) {
          if (random() < 0.6) args[name] = [pick(VALUES), pick([...VALUES, ...MORE])];
        }
        const request = { call, alias, args, uid: pick([0, 1000, 5]), gid: pick([0, 1000]) };
        const decision = decideCall(section, request, { ...options, noAliases });
        if (decision.filter !== null) decided++;
        assert.deepEqual(decideCompiled(compiled.policy, request), {
          action: decision.action,
          errnoNumber: decision.errno === null ? 0 : errnoNumber(decision.errno),
          log: decision.log,
          inherit: decision.inherit,
          detach: decision.detach,
          line: decision.filter?.span.start.line ?? null,
        });
      }
    }
    assert.ok(decided > 1000, `only ${decided} requests were decided by a filter`);
  });
});

/** The supervisor's evaluator in miniature, following only the description in compile.ts. */
function decideCompiled(policy: CompiledPolicy, request: CallRequest): Omit<Expected, 'errno'> {
  const names = request.args['filename'] ?? [];
  if (names.length >= 2) {
    const whole = decideCompiledOne(policy, request);
    const filter = policy.filters.find((f) => f.line === whole.line);
    const second = filter?.expr.some(
      (t) => t.kind === 'sym' && t.arg === 'filename' && t.index === 1,
    );
    if (whole.action !== 'permit' || second === true) return whole;
    const alone = decideCompiledOne(
      policy,
      { ...request, args: { ...request.args, filename: [names[1]!] } },
      request,
    );
    return alone.action === 'permit' ? whole : alone;
  }
  const messages = request.args['sockaddr'] ?? [];
  if (!DECIDED_PER_MESSAGE.includes(request.call) || messages.length < 2)
    return decideCompiledOne(policy, request);
  let permitted: Omit<Expected, 'errno'> | null = null;
  for (const address of messages) {
    const decided = decideCompiledOne(policy, {
      ...request,
      args: { ...request.args, sockaddr: [address] },
    });
    if (decided.action !== 'permit') return decided;
    permitted ??= decided;
  }
  return permitted!;
}

function decideCompiledOne(
  policy: CompiledPolicy,
  alone: CallRequest,
  whole?: CallRequest,
): Omit<Expected, 'errno'> {
  if (isNeverPermitted(alone))
    return {
      action: 'deny',
      errnoNumber: 1,
      log: false,
      inherit: false,
      detach: false,
      line: null,
    };
  for (const filter of policy.filters) {
    // A filter that names `filename[1]` reads the call as it is, when its second name is decided.
    const request =
      whole !== undefined &&
      filter.expr.some((t) => t.kind === 'sym' && t.arg === 'filename' && t.index === 1)
        ? whole
        : alone;
    if (filter.call !== request.call && filter.call !== request.alias) continue;
    const predicate = filter.predicate;
    if (predicate !== null) {
      const actual = predicate.subject === 'user' ? request.uid : request.gid;
      const holds = {
        eq: actual === predicate.id,
        ne: actual !== predicate.id,
        lt: actual < predicate.id,
        gt: actual > predicate.id,
      }[predicate.op];
      if (!holds) continue;
    }
    const [holds, next] = evaluatePrefix(filter.expr, 0, request);
    assert.equal(next, filter.expr.length, 'the expression uses every token');
    if (!holds) continue;
    const { action, errno: errnoNumber, log, inherit, detach, line } = filter;
    return { action, errnoNumber, log, inherit, detach, line };
  }
  return { action: 'ask', errnoNumber: 0, log: false, inherit: false, detach: false, line: null };
}

/** The value of the expression starting at token `at`, and where the next one starts. */
function evaluatePrefix(
  tokens: CompiledToken[],
  at: number,
  request: CallRequest,
): [boolean, number] {
  const token = tokens[at]!;
  switch (token.kind) {
    case 'true':
      return [true, at + 1];
    case 'not': {
      const [value, next] = evaluatePrefix(tokens, at + 1, request);
      return [!value, next];
    }
    case 'and':
    case 'or': {
      const [left, middle] = evaluatePrefix(tokens, at + 1, request);
      const [right, next] = evaluatePrefix(tokens, middle, request);
      return [token.kind === 'and' ? left && right : left || right, next];
    }
    case 'sym': {
      const s = request.args[token.arg]?.[token.index];
      return [s !== undefined && symbolHolds(token.op, s, token.value), at + 1];
    }
  }
}

function symbolHolds(op: string, s: string, v: string): boolean {
  switch (op) {
    case 'eq':
      return s === v;
    case 'neq':
      return s !== v;
    case 'sub':
      return s.includes(v);
    case 'nsub':
      return !s.includes(v);
    case 'match':
      return fnmatch(v, s);
    case 're': {
      const compiled = compileRegex(v);
      return compiled.ok && regexMatches(compiled.regex, s);
    }
    case 'inpath': {
      // As the format's description says, in C terms.
      const n = s.length;
      if (n === 0 || n > v.length) return false;
      if (n === 1) return s === '/';
      return v.slice(0, n) === s && (v.length === n || v[n] === '/');
    }
    default:
      throw new Error(`unknown operator ${op}`);
  }
}
