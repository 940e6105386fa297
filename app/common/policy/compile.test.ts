import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { sectionsOf, type PolicySection } from './ast.js';
import { compilePolicy, parseCompiled, type CompiledPolicy } from './compile.js';
import type { DecideOptions } from './evaluate.js';
import { parsePolicy } from './parser.js';

const macros = { HOME: '/home/jose', USER: 'jose', CWD: '/home/jose/src' };

function section(text: string): PolicySection {
  const { file, diagnostics } = parsePolicy(text, 'test');
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return sectionsOf(file)[0]!;
}

function compile(text: string, options: Partial<DecideOptions> = {}) {
  return compilePolicy(section(text), { macros, ...options });
}

function roundTrip(text: string): CompiledPolicy {
  const parsed = parseCompiled(text);
  assert.ok(parsed.ok, parsed.ok ? '' : `line ${parsed.line}: ${parsed.message}`);
  return parsed.policy;
}

describe('compiling a policy for the supervisor', () => {
  test('one item per line, strings by length, macros expanded, parentheses dropped', () => {
    const { text, problems } = compile(
      [
        'Policy: /usr/bin/ls, Emulation: native',
        '\tnative-openat: permit',
        '\tnative-fsread: filename match "$HOME/*" and (oflags sub "ro" or not filename[1] eq "a b") then permit log',
        '\tnative-unlink: filename eq "/tmp/x" then deny[ENOENT]',
        '\tnative-setuid: uid eq "1000" then permit, if user != 0',
        '\tnative-execve: true then permit[inherit]',
        '\tdetached',
      ].join('\n'),
    );
    assert.deepEqual(problems, []);
    assert.equal(
      text,
      [
        'sysgate-policy 1',
        'policy 11:/usr/bin/ls',
        'detached 1',
        'filter 2 2 openat permit 0 -',
        'expr 1',
        'true',
        'filter 3 2 fsread permit 0 l',
        'expr 6',
        'and',
        'sym filename 0 match 12:/home/jose/*',
        'or',
        'sym oflags 0 sub 2:ro',
        'not',
        'sym filename 1 eq 3:a b',
        'filter 4 2 unlink deny 2 -',
        'expr 1',
        'sym filename 0 eq 6:/tmp/x',
        'filter 5 2 setuid permit 0 -',
        'pred user ne 0',
        'expr 1',
        'sym uid 0 eq 4:1000',
        'filter 6 2 execve permit 0 i',
        'expr 1',
        'true',
        'end',
        '',
      ].join('\n'),
    );
  });

  test('lengths count UTF-8 bytes, and the text reads back as it was', () => {
    const { text } = compile('Template: café\n\tnative-openat: filename eq "/tmp/été" then permit');
    assert.match(text, /^policy 5:café$/m);
    assert.match(text, /^sym filename 0 eq 10:\/tmp\/été$/m);
    const policy = roundTrip(text);
    assert.equal(policy.name, 'café');
    assert.deepEqual(policy.filters[0]!.expr, [
      { kind: 'sym', arg: 'filename', index: 0, op: 'eq', value: '/tmp/été' },
    ]);
  });

  test('a policy without a header has an empty name', () => {
    assert.match(compile('native-openat: permit').text, /^policy 0:$/m);
  });

  test('a macro value with spaces and newlines needs no escaping', () => {
    const { text } = compile('native-openat: filename eq "$HOME/x" then permit', {
      macros: { ...macros, HOME: '/home/a b\nc' },
    });
    assert.match(text, /^sym filename 0 eq 13:\/home\/a b\nc\/x$/m);
    const policy = roundTrip(text);
    assert.deepEqual(policy.filters[0]!.expr[0], {
      kind: 'sym',
      arg: 'filename',
      index: 0,
      op: 'eq',
      value: '/home/a b\nc/x',
    });
  });

  test('user and group names become ids; a filter naming an unknown one is left out', () => {
    const { text, problems } = compile(
      [
        'native-kill: permit, if user = jose',
        'native-kill: permit, if group > staff',
        'native-kill: deny, if user = nobodyhere',
      ].join('\n'),
      { resolveUser: (n) => ({ jose: 1000 })[n], resolveGroup: (n) => ({ staff: 50 })[n] },
    );
    assert.deepEqual(
      roundTrip(text).filters.map((f) => f.predicate),
      [
        { subject: 'user', op: 'eq', id: 1000 },
        { subject: 'group', op: 'gt', id: 50 },
      ],
    );
    assert.deepEqual(problems, ['line 3: native-kill is left out: there is no user "nobodyhere"']);
  });

  test('alias filters are kept by name, and left out with aliases off', () => {
    const text = 'native-fsread: permit\nnative-openat: deny';
    assert.deepEqual(
      roundTrip(compile(text).text).filters.map((f) => f.call),
      ['fsread', 'openat'],
    );
    const off = compile(text, { noAliases: true });
    assert.deepEqual(
      roundTrip(off.text).filters.map((f) => f.call),
      ['openat'],
    );
    assert.deepEqual(off.problems, [
      'line 1: native-fsread is left out: "fsread" is an alias, and aliases are off (-u)',
    ]);
  });

  test('filters that can never apply here are left out and reported', () => {
    const { text, problems } = compile(
      ['freebsd-openat: permit', 'native-openat: filename re "(a)\\1" then permit'].join('\n'),
    );
    assert.deepEqual(roundTrip(text).filters, []);
    assert.deepEqual(problems, [
      'line 1: freebsd-openat is left out: emulation "freebsd" is not this system\'s',
      'line 2: native-openat is left out: re "(a)\\1": back-references ("\\1") are not supported',
    ]);
  });

  test('an unknown error name denies with eperm, reported', () => {
    const { text, problems } = compile('native-openat: deny[enosuch]');
    assert.deepEqual(
      roundTrip(text).filters.map((f) => [f.call, f.action, f.errno]),
      [['openat', 'deny', 1]],
    );
    assert.deepEqual(problems, [
      'line 1: "enosuch" is not an error name: the call is denied with eperm',
    ]);
  });

  test('"as user:group" is written as ids after its filter; one that cannot be honoured is left out', () => {
    const ids: Record<string, number> = { root: 0, nobody: 65534, www: 33 };
    const { text, problems } = compile(
      [
        'native-bind: sockaddr eq "inet-[0.0.0.0]:80" then permit as root',
        'native-openat: filename eq "/etc/shadow" then permit as www:root, if user = nobody',
        'native-kill: permit as root',
        'native-openat: deny as root',
        'native-openat: permit[inherit] as root',
        'native-openat: permit as ghost',
        'native-openat: permit as :root',
      ].join('\n'),
      {
        resolveUser: (n) => ids[n],
        resolveGroup: (n) => ids[n],
        resolveUserGroup: (n) => (n === 'root' ? 0 : undefined),
      },
    );
    assert.match(text, /^filter 1 1 bind permit 0 -\nas 0 0\nexpr 1\n/m);
    assert.match(text, /^filter 2 1 openat permit 0 -\nas 33 0\npred user eq 65534\n/m);
    assert.deepEqual(
      roundTrip(text).filters.map((f) => [f.call, f.elevation]),
      [
        ['bind', { uid: 0, gid: 0 }],
        ['openat', { uid: 33, gid: 0 }],
      ],
    );
    assert.equal(problems.length, 5);
    assert.match(
      problems[0]!,
      /^line 3: native-kill is left out: the supervisor cannot perform kill/,
    );
    assert.match(problems[1]!, /^line 4: .*only a permit can run a call as another user/);
    assert.match(problems[2]!, /^line 5: .*permit\[inherit\] cannot run a call as another user/);
    assert.match(problems[3]!, /^line 6: .*there is no user "ghost"/);
    assert.match(problems[4]!, /^line 7: .*needs a user/);
  });

  test('flags: log, inherit, detach', () => {
    const { text } = compile(
      'native-execve: permit[detach] log\nnative-execve: permit[inherit] log\nnative-execve: deny log',
    );
    assert.deepEqual(
      roundTrip(text).filters.map((f) => [f.log, f.inherit, f.detach]),
      [
        [true, false, true],
        [true, true, false],
        [true, false, false],
      ],
    );
    assert.match(text, / ld$/m);
    assert.match(text, / li$/m);
  });
});

describe('reading the compiled form', () => {
  const good = [
    'sysgate-policy 1',
    'policy 1:x',
    'detached 0',
    'filter 3 2 openat deny 13 l',
    'pred group lt 100',
    'expr 4',
    'or',
    'not',
    'sym filename 2 inpath 4:/usr',
    'true',
    'end',
    '',
  ];

  test('reads every field', () => {
    assert.deepEqual(roundTrip(good.join('\n')), {
      name: 'x',
      detached: false,
      filters: [
        {
          line: 3,
          col: 2,
          call: 'openat',
          action: 'deny',
          errno: 13,
          log: true,
          inherit: false,
          detach: false,
          elevation: null,
          predicate: { subject: 'group', op: 'lt', id: 100 },
          expr: [
            { kind: 'or' },
            { kind: 'not' },
            { kind: 'sym', arg: 'filename', index: 2, op: 'inpath', value: '/usr' },
            { kind: 'true' },
          ],
        },
      ],
    });
  });

  /** `good` with line `index` (0-based) replaced by `lines`. */
  const broken = (index: number, ...lines: string[]): string =>
    [...good.slice(0, index), ...lines, ...good.slice(index + 1)].join('\n');

  const cases: [string, string, number, RegExp][] = [
    ['another version', broken(0, 'sysgate-policy 2'), 1, /version 2/],
    ['a missing string length', broken(1, 'policy x'), 2, /<len>:<bytes>/],
    ['a string longer than its line', broken(1, 'policy 5:x'), 2, /not followed by the end/],
    ['a string shorter than its line', broken(1, 'policy 0:x'), 2, /not followed by the end/],
    ['detached other than 0 or 1', broken(2, 'detached yes'), 3, /0 or 1/],
    ['an unknown action', broken(3, 'filter 3 2 openat allow 0 -'), 4, /unknown action/],
    ['deny without an error', broken(3, 'filter 3 2 openat deny 0 l'), 4, /errno/],
    ['permit with an error', broken(3, 'filter 3 2 openat permit 1 -'), 4, /errno/],
    ['flags out of order', broken(3, 'filter 3 2 openat deny 13 dl'), 4, /bad flags/],
    ['a leading zero', broken(3, 'filter 03 2 openat deny 13 l'), 4, /not a number/],
    ['a missing word', broken(3, 'filter 3 2 openat deny 13'), 4, /takes 6 words/],
    ['two spaces', broken(3, 'filter 3 2  openat deny 13 l'), 4, /exactly one space/],
    ['an unknown comparison', broken(4, 'pred group le 100'), 5, /unknown comparison/],
    ['an id too large', broken(4, 'pred user eq 4294967296'), 5, /out of range/],
    ['too few tokens', broken(5, 'expr 3'), 6, /not a whole expression/],
    ['too many tokens', broken(5, 'expr 4', 'true', 'true', 'true', 'true'), 8, /complete before/],
    ['an unknown operator', broken(8, 'sym filename 2 like 4:/usr'), 9, /unknown operator/],
    ['no end', good.slice(0, -2).join('\n') + '\n', 11, /expected "end"/],
    ['text after the end', good.join('\n') + 'more\n', 12, /nothing may follow/],
    ['no final newline', good.join('\n').slice(0, -1), 11, /newline/],
  ];
  for (const [what, text, line, message] of cases) {
    test(`rejects ${what}, naming the line`, () => {
      const parsed = parseCompiled(text);
      assert.equal(parsed.ok, false);
      if (parsed.ok) return;
      assert.match(parsed.message, message);
      assert.equal(parsed.line, line);
    });
  }

  test('lines are counted inside strings that hold newlines', () => {
    const text = broken(1, 'policy 3:a', 'b', 'detached 2').replace('detached 0\n', '');
    const parsed = parseCompiled(text);
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.equal(parsed.line, 4);
  });
});
