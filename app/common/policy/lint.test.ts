import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPolicy } from './check.js';

function warnings(rules: string[], options: { noAliases?: boolean } = {}) {
  const text =
    ['Policy: /usr/bin/example, Emulation: native', ...rules.map((r) => `\t${r}`)].join('\n') +
    '\n';
  const { diagnostics } = checkPolicy(text, 'example', { arch: 'x86_64', ...options });
  return diagnostics.map((d) => ({
    severity: d.severity,
    line: d.span.start.line,
    col: d.span.start.col,
    message: d.message,
  }));
}

test('a call this system does not have is a warning at the call name, and the rule is kept', () => {
  const found = warnings(['native-getdirentries: permit']);
  assert.deepEqual(found, [
    {
      severity: 'warning',
      line: 2,
      col: 2,
      message:
        'unknown system call "getdirentries" on x86_64 Linux: the rule is kept but never matches',
    },
  ]);
  assert.deepEqual(
    warnings(['native-openat: permit', 'native-fsread: permit', 'native-fswrite: permit']),
    [],
  );
});

test('a call is judged by the table of the architecture asked about', () => {
  const text = 'Policy: /x, Emulation: native\n\tnative-open: permit\n';
  assert.equal(checkPolicy(text, 'x', { arch: 'x86_64' }).diagnostics.length, 0);
  assert.match(
    checkPolicy(text, 'x', { arch: 'aarch64' }).diagnostics[0]!.message,
    /unknown system call "open" on aarch64/,
  );
});

test('an alias with aliasing turned off (-u) is a warning', () => {
  assert.deepEqual(
    warnings(['native-fsread: permit'], { noAliases: true }).map((w) => w.message),
    ['"fsread" is an alias, and aliases are off (-u): this rule never matches'],
  );
});

test('an unknown error name is a warning at the action', () => {
  const [w] = warnings(['native-openat: filename eq "/x" then deny[enoent2]']);
  assert.equal(w?.message, 'unknown error name "enoent2": such a denial fails with eperm');
  assert.equal(w?.col, 39);
  assert.deepEqual(warnings(['native-openat: filename eq "/x" then deny[EACCES]']), []);
});

test('a rule after one that decides everything for the same call can never match', () => {
  const found = warnings([
    'native-openat: permit',
    'native-openat: filename eq "/etc/shadow" then deny',
  ]);
  assert.deepEqual(
    found.map((w) => [w.line, w.message]),
    [[3, 'this rule can never match: the rule at line 2 already decides every call it would']],
  );
});

test('an exact rule covered by an earlier pattern on the same argument can never match', () => {
  const shadowed = warnings([
    'native-fsread: filename match "/usr/lib/*" then permit',
    'native-fsread: filename eq "/usr/lib/x86_64-linux-gnu/libc.so.6" then deny',
  ]);
  assert.equal(shadowed.length, 1);
  assert.equal(shadowed[0]!.line, 3);
  const distinct = warnings([
    'native-fsread: filename match "/usr/lib/*" then permit',
    'native-fsread: filename eq "/etc/passwd" then deny',
    'native-fsread: filename match "$HOME/*" then permit',
    'native-fsread: filename eq "$HOME/.ssh/id_rsa" then deny',
  ]);
  assert.equal(distinct.length, 1, JSON.stringify(distinct));
  assert.equal(distinct[0]!.line, 5);
});

test('a rule with a predicate does not shadow, since it may not apply', () => {
  assert.deepEqual(
    warnings(['native-setuid: permit, if user = 0', 'native-setuid: uid eq "0" then deny']),
    [],
  );
});

test('an unknown macro is a warning: only $HOME, $USER and $CWD are expanded', () => {
  assert.deepEqual(
    warnings(['native-fsread: filename match "$TMPDIR/*" then permit']).map((w) => w.message),
    ['unknown macro "$TMPDIR": only $HOME, $USER and $CWD are expanded; it is matched literally'],
  );
});

test('an emulation other than native is a warning', () => {
  assert.match(warnings(['linux32-open: permit'])[0]!.message, /unknown emulation "linux32"/);
});

test('the first of the earlier rules that shadow an exact rule is named, however it matches', () => {
  const shadowed = (rules: string[]) =>
    warnings(rules)
      .filter((w) => /can never match/.test(w.message))
      .map((w) => [w.line, /line (\d+)/.exec(w.message)![1]]);
  const eq = 'native-fsread: filename eq "/home/user/a/b" then permit';
  assert.deepEqual(
    shadowed([
      'native-fsread: filename match "/etc/*" then permit',
      'native-fsread: filename match "$HOME/a/*" then permit',
      'native-fsread: filename eq "$HOME/a/b" then deny',
      'native-fsread: filename sub "a/b" then permit',
      eq,
    ]),
    [
      [4, '3'],
      [6, '3'],
    ],
  );
  assert.deepEqual(
    shadowed([
      'native-fsread: filename sub "/a/" then permit',
      'native-fsread: filename eq "/home/user/a/b" then deny',
      'native-fsread: filename match "/home/user/b*" then permit',
      'native-fsread: filename[1] eq "/home/user/a/b" then permit',
      'native-fsread: true then permit',
      eq,
      'native-fsread: filename neq "/x" then permit, if user = 0',
    ]),
    [
      [3, '2'],
      [7, '2'],
      [8, '6'],
    ],
  );
});

test('a rule for a call sysgate always permits in the kernel is a warning: no call reaches it', () => {
  assert.deepEqual(warnings(['native-mmap: permit', 'native-read: fd eq "3" then deny']), [
    {
      severity: 'warning',
      line: 2,
      col: 2,
      message: `"mmap" is always permitted in the kernel (sysgate's baseline): no call reaches this rule`,
    },
    {
      severity: 'warning',
      line: 3,
      col: 2,
      message: `"read" is always permitted in the kernel (sysgate's baseline): no call reaches this rule`,
    },
  ]);
});

test('process creation: fork is in the baseline, clone3 refused, clone decided only with namespace flags', () => {
  assert.deepEqual(warnings(['native-fork: deny', 'native-clone3: permit', 'native-clone: deny']), [
    {
      severity: 'warning',
      line: 2,
      col: 2,
      message: `"fork" is always permitted in the kernel (sysgate's baseline): no call reaches this rule`,
    },
    {
      severity: 'warning',
      line: 3,
      col: 2,
      message: `"clone3" always fails with enosys in the kernel (the C library falls back to clone): no call reaches this rule`,
    },
    {
      severity: 'warning',
      line: 4,
      col: 2,
      message: `"clone" is permitted in the kernel unless its flags make a namespace or say CLONE_PARENT: only those clones reach this rule (fork, threads and spawns never do)`,
    },
  ]);
});

test("a rule that would permit changing sysgate's own files says they stay protected", () => {
  const said = (rules: string[]) =>
    warnings(rules)
      .filter((w) => w.message.startsWith("sysgate's own files"))
      .map((w): [number, string] => [w.line, w.message]);
  assert.deepEqual(said(['native-fswrite: filename match "$HOME/*" then permit']), [
    [
      2,
      "sysgate's own files stay protected whatever this rule says: a traced program never changes $HOME/.config/sysgate (refused before any rule)",
    ],
  ]);
  assert.match(
    said(['native-rename: filename match "$HOME/.cache/*" then permit'])[0]![1]!,
    /never changes \$HOME\/\.cache\/sysgate/,
  );
  assert.equal(
    said([
      'native-chmod: filename eq "/etc/sysgate/policies/usr_bin_example" then permit',
      'native-unlink: filename match "/etc/*" then permit',
    ]).length,
    2,
  );
  // Reading them, denying, asking, writing elsewhere, and a rule on everything say nothing.
  assert.deepEqual(
    said([
      'native-fsread: filename match "$HOME/*" then permit',
      'native-fswrite: filename match "$HOME/.config/sysgate/*" then deny',
      'native-fswrite: filename match "$HOME/*" then ask',
      'native-fswrite: filename match "$HOME/.cache/pip/*" then permit',
      'native-connect: permit',
      'native-fswrite: permit',
    ]),
    [],
  );
});

test('"permit as" that the supervisor cannot honour is an error at its "as"', () => {
  const text =
    'Policy: /usr/bin/example, Emulation: native\n' +
    '\tnative-bind: sockaddr eq "inet-[0.0.0.0]:80" then permit as root\n' +
    '\tnative-kill: permit as root\n' +
    '\tnative-openat: deny as root\n' +
    '\tnative-openat: permit[inherit] as root\n' +
    '\tnative-openat: permit as ghost:root\n' +
    '\tnative-fsread: filename eq "/etc/shadow" then permit as root\n';
  const errors = (uid?: number) =>
    checkPolicy(text, 'example', {
      arch: 'x86_64',
      uid,
      resolveUser: (n) => (n === 'root' ? 0 : undefined),
      resolveGroup: (n) => (n === 'root' ? 0 : undefined),
    })
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => `${d.span.start.line}:${d.span.start.col}: ${d.message.split(/[:;(]/)[0]}`);
  const always = [
    '3:22: the supervisor cannot perform kill for the program, so it cannot run it as root',
    '4:22: only a permit can run a call as another user ',
    '5:33: permit[inherit] cannot run a call as another user',
    '6:24: there is no user "ghost" to run the call as',
    '7:55: the supervisor cannot perform fsread for the program, so it cannot run it as root',
  ];
  assert.deepEqual(errors(0), always);
  assert.deepEqual(errors(undefined), always, 'the editor: who runs it is unknown');
  assert.deepEqual(errors(1000), ['2:59: the supervisor runs as uid 1000, not root', ...always]);
});

test('patterns are looked up by their literal start: the first that matches is named, wherever it starts', () => {
  const shadowed = (rules: string[]) =>
    warnings(rules)
      .filter((w) => /can never match/.test(w.message))
      .map((w) => [w.line, /line (\d+)/.exec(w.message)![1]]);
  assert.deepEqual(
    shadowed([
      'native-fsread: filename match "/opt/tree/a*/x" then permit',
      'native-fsread: filename match "/opt/tree/longer-than-the-name/*" then permit',
      'native-fsread: filename match "/opt/tree/*" then deny',
      'native-fsread: filename match "/s*" then permit',
      'native-fsread: filename eq "/opt/tree/b/x" then permit',
      'native-fsread: filename eq "/opt/tree/a1/x" then permit',
      'native-fsread: filename eq "/srv/x" then permit',
      'native-fsread: filename eq "/srv/y" then permit',
    ]),
    [
      [6, '4'],
      [7, '2'],
      [8, '5'],
      [9, '5'],
    ],
  );
});
