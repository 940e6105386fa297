import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseExpression, parseFilter, parsePolicy } from './parser.js';
import { printExpr, printFilter, printPolicy } from './printer.js';
import { formatDiagnostic } from './diagnostics.js';
import { quoteString, tokenizeLine } from './lexer.js';
import type { BinaryExpr, Expr, Filter } from './ast.js';
import { OPERATORS } from './ast.js';
import { RandomPolicy, seededRandom, withoutPositions } from './random-policy.js';

// Policies written for OpenBSD's systrace (copied from shared/examples/policies).
const EXAMPLES = new URL('../../../../app/common/policy/testdata/openbsd/', import.meta.url);

function rule(text: string): Filter {
  const { filter, diagnostics } = parseFilter(text);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  assert.ok(filter);
  return filter;
}

function firstError(text: string): {
  message: string;
  line: number;
  col: number;
  formatted: string;
} {
  const { diagnostics } = parsePolicy(text, 'test.policy');
  const error = diagnostics.find((d) => d.severity === 'error');
  assert.ok(error, `expected an error in ${JSON.stringify(text)}`);
  return {
    message: error.message,
    line: error.span.start.line,
    col: error.span.start.col,
    formatted: formatDiagnostic(error),
  };
}

describe('parsing rules', () => {
  for (const op of OPERATORS) {
    test(`the ${op} operator compares an argument with a string`, () => {
      const f = rule(`native-fsread: filename ${op} "/etc/passwd" then permit`);
      assert.deepEqual(withoutPositions(f.expr), {
        kind: 'symbol',
        arg: 'filename',
        index: null,
        op,
        value: '/etc/passwd',
      });
    });
  }

  test('the short form "native-mmap: permit" has no expression', () => {
    const f = rule('native-mmap: permit');
    assert.equal(f.emulation, 'native');
    assert.equal(f.call, 'mmap');
    assert.equal(f.expr, null);
    assert.equal(f.action.name, 'permit');
  });

  test('a call name may contain underscores and dashes after the emulation', () => {
    assert.equal(rule('native-__sysctl: permit').call, '__sysctl');
    assert.equal(rule('native-fs-read: permit').call, 'fs-read');
  });

  test('[n] selects the argument of that kind by position', () => {
    const f = rule(
      'native-rename: filename match "/tmp/*" and filename[1] match "/tmp/*" then permit',
    );
    const expr = f.expr as BinaryExpr;
    assert.equal((expr.left as Extract<Expr, { kind: 'symbol' }>).index, null);
    assert.equal((expr.right as Extract<Expr, { kind: 'symbol' }>).index, 1);
  });

  test('not, and, or and parentheses build the tree with the usual precedence', () => {
    const f = rule('native-open: not a eq "1" and (b eq "2" or c eq "3") then permit');
    assert.equal(printExpr(f.expr!), 'not a eq "1" and (b eq "2" or c eq "3")');
    const tree = withoutPositions(f.expr) as {
      kind: string;
      left: { kind: string };
      right: { kind: string };
    };
    assert.equal(tree.kind, 'and');
    assert.equal(tree.left.kind, 'not');
    assert.equal(tree.right.kind, 'or');
  });

  test('true matches everything', () => {
    assert.equal(rule('native-open: true then ask').expr?.kind, 'true');
  });

  test('every action form', () => {
    const cases: [string, string, string | null][] = [
      ['permit', 'permit', null],
      ['deny', 'deny', null],
      ['ask', 'ask', null],
      ['deny[enoent]', 'deny', 'enoent'],
      ['permit[inherit]', 'permit', 'inherit'],
      ['permit[detach]', 'permit', 'detach'],
    ];
    for (const [text, name, modifier] of cases) {
      const f = rule(`native-execve: filename eq "/bin/sh" then ${text}`);
      assert.equal(f.action.name, name, text);
      assert.equal(f.action.modifier, modifier, text);
    }
  });

  test('log, "as user:group" and ", if" predicates follow the action', () => {
    const f = rule('native-setuid: uid eq "1000" then permit log as root:wheel, if user != 0');
    assert.equal(f.log, true);
    assert.deepEqual(withoutPositions(f.elevation), { user: 'root', group: 'wheel' });
    assert.deepEqual(withoutPositions(f.predicate), { subject: 'user', op: '!=', value: '0' });
    assert.deepEqual(withoutPositions(rule('native-kill: permit as :staff').elevation), {
      user: null,
      group: 'staff',
    });
    for (const op of ['=', '!=', '<', '>']) {
      assert.equal(rule(`native-kill: permit, if group ${op} 10`).predicate?.op, op);
    }
  });

  test('strings keep backslashes except before a quote or a backslash', () => {
    const f = rule(
      'native-fsread: filename re "\\.so$" or filename eq "say \\"hi\\" \\\\" then permit',
    );
    const tree = withoutPositions(f.expr) as { left: { value: string }; right: { value: string } };
    assert.equal(tree.left.value, '\\.so$');
    assert.equal(tree.right.value, 'say "hi" \\');
  });

  test('every string, quoted and read back, is itself (quotes and backslashes anywhere)', () => {
    const values = ['', 'plain', '"', '\\', 'a"b', 'ends\\', '\\\\', '\\"', 'a\\b', '"\\"x\\'];
    for (const value of values) {
      const quoted = quoteString(value);
      const tokens = tokenizeLine(quoted, 1, 0);
      assert.deepEqual(
        tokens.map((t) => [t.kind, t.text]),
        [
          ['string', value],
          ['end', ''],
        ],
        quoted,
      );
    }
    assert.equal(quoteString('a"b\\'), '"a\\"b\\\\"');
    assert.equal(quoteString('\\.so$'), '"\\.so$"');
  });

  test('macros are kept in the value for the evaluator to expand', () => {
    const f = rule('native-fsread: filename match "$HOME/*" and oflags sub "ro" then permit');
    assert.match(printExpr(f.expr!), /"\$HOME\/\*"/);
  });

  test('a comment after a rule is kept', () => {
    assert.equal(rule('native-open: permit # the loader').trailingComment, ' the loader');
  });
});

describe('parsing files', () => {
  test('headers, templates, comments, blank lines and detached', () => {
    const text = [
      '# a policy',
      'Policy: /usr/bin/ls, Emulation: native',
      '\tnative-open: permit',
      '',
      '\t# inside',
      '\tdetached',
      'Template: base, Emulation: native, Description: loader, libc, locale',
      '\tnative-mmap: permit',
    ].join('\n');
    const { file, diagnostics } = parsePolicy(text, 'x');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      file.lines.map((l) => l.kind),
      ['comment', 'header', 'filter', 'blank', 'comment', 'detached', 'header', 'filter'],
    );
    const template = file.lines[6];
    assert.ok(template?.kind === 'header');
    assert.equal(template.type, 'Template');
    assert.equal(template.name, 'base');
    assert.deepEqual(
      template.fields.map((f) => [f.key, f.value]),
      [
        ['Template', 'base'],
        ['Emulation', 'native'],
        ['Description', 'loader, libc, locale'],
      ],
    );
  });

  test('positions are 1-based lines and columns', () => {
    const { file } = parsePolicy('Policy: /bin/ls\n\tnative-open: filename eq "/x" then permit\n');
    const f = file.lines[1] as Filter;
    assert.deepEqual([f.span.start.line, f.span.start.col], [2, 2]);
    assert.deepEqual([f.expr!.span.start.line, f.expr!.span.start.col], [2, 15]);
    assert.deepEqual([f.action.span.start.col], [37]);
  });

  for (const name of readdirSync(EXAMPLES).filter((n) => n !== 'README')) {
    test(`the OpenBSD policy ${name} parses without errors and prints back byte for byte`, () => {
      const text = readFileSync(new URL(name, EXAMPLES), 'utf8');
      const { file, diagnostics } = parsePolicy(text, name);
      assert.deepEqual(
        diagnostics.filter((d) => d.severity === 'error'),
        [],
      );
      assert.equal(printPolicy(file), text);
    });
  }
});

describe('error messages say where and what', () => {
  const cases: [string, string, number, number][] = [
    ['\tnative-fsread: filename eq "/etc" permit', 'expected "then" after the expression', 1, 36],
    [
      '\tnative-fsread: filename eqq "/etc" then permit',
      'expected an operator (eq, neq, match, sub, nsub, re, inpath) after "filename"',
      1,
      26,
    ],
    [
      '\tnative-fsread: filename eq "/etc then permit',
      'unterminated string: add the closing "',
      1,
      29,
    ],
    ['\tnative-fsread: filename eq /etc then permit', 'expected a quoted string after "eq"', 1, 29],
    ['\tnative-fsread: then permit', 'expected a condition before "then"', 1, 17],
    ['\tnative-fsread: filename eq "/x" then', 'expected an action (permit, deny or ask)', 1, 38],
    [
      '\tnative-fsread: filename eq "/x" then allow',
      'expected an action (permit, deny or ask), found "allow"',
      1,
      39,
    ],
    ['\tnative-fsread filename eq "/x" then permit', 'expected ":" after "native-fsread"', 1, 16],
    [
      '\tfsread: permit',
      'expected "emulation-call" such as "native-fsread" at the start of the rule',
      1,
      2,
    ],
    ['\tnative-open: (a eq "1" then permit', 'expected ")" to close the "("', 1, 25],
    ['\tnative-open: a[9] eq "1" then permit', 'argument number 9 is out of range (0 to 5)', 1, 17],
    [
      '\tnative-open: a[x] eq "1" then permit',
      'expected an argument number inside "a[...]"',
      1,
      17,
    ],
    [
      '\tnative-open: permit[forever]',
      'unknown flag "forever" for permit: expected inherit or detach',
      1,
      22,
    ],
    ['\tnative-open: ask[enoent]', '"ask" takes no "[...]"', 1, 19],
    ['\tnative-open: permit log extra', 'unexpected "extra" after the action', 1, 26],
    ['\tnative-open: permit, user = 0', 'expected "if" after "," (as in ", if user != 0")', 1, 23],
    ['\tnative-open: permit, if uid = 0', 'expected "user" or "group" after "if"', 1, 26],
    ['\tnative-open: permit, if user == 0', 'expected a user name or number after "="', 1, 32],
    ['\tnative-open: permit as', 'expected user[:group] after "as"', 1, 24],
    ['Policy:', 'expected the program\'s path after "Policy:"', 1, 1],
    [
      '\tnative-open: a eq "1" & b eq "2" then permit',
      'expected "then" after the expression',
      1,
      24,
    ],
    ['\tnative-open: a eq "1" and then permit', 'expected a condition before "then"', 1, 28],
    [
      '\tnative-read: maybe',
      'expected an action (permit, deny or ask) or a condition, found "maybe"',
      1,
      15,
    ],
  ];
  for (const [text, message, line, col] of cases) {
    test(`${message} (${JSON.stringify(text.trim())})`, () => {
      const error = firstError(`${text}\n`);
      assert.equal(error.message, message);
      assert.deepEqual([error.line, error.col], [line, col]);
    });
  }

  test('the formatted error names file:line:col, shows the line and puts a caret under the column', () => {
    const error = firstError('Policy: /bin/ls\n\tnative-fsread: filename eq "/etc" permit\n');
    assert.equal(
      error.formatted,
      'test.policy:2:36: error: expected "then" after the expression\n' +
        '\tnative-fsread: filename eq "/etc" permit\n' +
        '\t                                  ^~~~~~',
    );
  });

  test('a bad line does not hide the good lines around it', () => {
    const { file, diagnostics } = parsePolicy(
      'Policy: /bin/ls\n\tnative-open: oops\n\tnative-read: permit\n',
    );
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(
      file.lines.map((l) => l.kind),
      ['header', 'filter'],
    );
  });

  test('mixing and/or without parentheses is a warning, not an error', () => {
    const { diagnostics } = parsePolicy(
      '\tnative-open: a eq "1" and b eq "2" or c eq "3" then permit\n',
    );
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.severity, 'warning');
    assert.match(diagnostics[0]!.message, /add parentheses/);
    const clear = parsePolicy('\tnative-open: (a eq "1" and b eq "2") or c eq "3" then permit\n');
    assert.deepEqual(clear.diagnostics, []);
  });

  test('"not" before "and" warns that systrace read it differently', () => {
    const { diagnostics } = parsePolicy('\tnative-open: not a eq "1" and b eq "2" then permit\n');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message, /"not" applies only to the condition right after it/);
  });
});

describe('printing', () => {
  test('parse then print keeps comments, blank lines and order', () => {
    const text =
      '# top\nPolicy: /bin/ls, Emulation: native\n\t# why\n\tnative-open: permit\n\n\tnative-read: permit log # fast\n';
    assert.equal(printPolicy(parsePolicy(text).file), text);
  });

  test('print then parse then print is stable for every kind of line', () => {
    const text =
      'Policy: /x\n  native-open:   filename   eq "a"   then   deny[enoent]   log\n\tdetached\n';
    const once = printPolicy(parsePolicy(text).file);
    assert.equal(
      once,
      'Policy: /x\n\tnative-open: filename eq "a" then deny[enoent] log\n\tdetached\n',
    );
    assert.equal(printPolicy(parsePolicy(once).file), once);
  });

  test('a tree without parentheses is printed with the ones it needs', () => {
    const e = parseExpression('(a eq "1" or b eq "2") and not (c eq "3" or d eq "4")').expr!;
    const stripped = withoutPositions(e) as Expr;
    assert.equal(printExpr(stripped), '(a eq "1" or b eq "2") and not (c eq "3" or d eq "4")');
  });

  test('property: printing any generated policy and parsing it back gives the same policy', () => {
    const random = seededRandom(20261127);
    for (let i = 0; i < 300; i++) {
      const generator = new RandomPolicy(random);
      const file = generator.file(12);
      const text = printPolicy(file);
      const parsed = parsePolicy(text, 'generated');
      const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map(formatDiagnostic), [], text);
      assert.deepEqual(withoutPositions(parsed.file.lines), withoutPositions(file.lines), text);
      assert.equal(printPolicy(parsed.file), text);
    }
  });

  test('printFilter writes one rule without indentation', () => {
    assert.equal(
      printFilter(rule('native-connect: sockaddr match "inet-*:53" then permit log')),
      'native-connect: sockaddr match "inet-*:53" then permit log',
    );
  });
});
