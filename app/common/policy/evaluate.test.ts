import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { sectionsOf, type PolicySection } from './ast.js';
import { decideCall, isInPath, type DecideOptions } from './evaluate.js';
import { parsePolicy } from './parser.js';
import type { CallRequest, Decision } from './request.js';

const macros = { HOME: '/home/jose', USER: 'jose', CWD: '/home/jose/src' };

/** The one policy in `rules` (filter lines, indented under a header). */
function policy(...rules: string[]): PolicySection {
  const text = ['Policy: /usr/bin/test, Emulation: native', ...rules.map((r) => `\t${r}`)].join(
    '\n',
  );
  const { file, diagnostics } = parsePolicy(text, 'test');
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  return sectionsOf(file)[0]!;
}

function call(
  name: string,
  args: Record<string, string[]> = {},
  more: Partial<CallRequest> = {},
): CallRequest {
  return { call: name, alias: null, args, uid: 1000, gid: 1000, ...more };
}

function decide(
  section: PolicySection,
  request: CallRequest,
  options: Partial<DecideOptions> = {},
): Decision {
  return decideCall(section, request, { macros, ...options });
}

/** The action, error and line of a decision, which is what most tests look at. */
function outcome(decision: Decision): string {
  const errno = decision.errno === null ? '' : `[${decision.errno}]`;
  return `${decision.action}${errno} ${decision.filter?.span.start.line ?? '-'}`;
}

const open = (path: string, oflags = 'ro') =>
  call('openat', { filename: [path], oflags: [oflags] });

describe('deciding a call', () => {
  test('the first filter that holds decides, in the order written', () => {
    const section = policy(
      'native-openat: filename eq "/etc/shadow" then deny',
      'native-openat: filename match "/etc/*" then permit',
      'native-openat: true then deny[eacces]',
    );
    assert.equal(outcome(decide(section, open('/etc/shadow'))), 'deny[eperm] 2');
    assert.equal(outcome(decide(section, open('/etc/passwd'))), 'permit 3');
    assert.equal(outcome(decide(section, open('/tmp/x'))), 'deny[eacces] 4');
  });

  test('a call no filter decides is asked', () => {
    const decision = decide(policy('native-openat: filename eq "/a" then permit'), open('/b'));
    assert.deepEqual(decision, {
      action: 'ask',
      errno: null,
      log: false,
      inherit: false,
      detach: false,
      filter: null,
    });
  });

  test('filters for other calls do not apply', () => {
    assert.equal(outcome(decide(policy('native-close: permit'), open('/a'))), 'ask -');
  });

  test('the short form "call: action" always holds', () => {
    assert.equal(outcome(decide(policy('native-openat: permit'), open('/a'))), 'permit 2');
  });

  test('the decision carries log, the error and the filter that decided', () => {
    const section = policy('native-openat: filename eq "/a" then deny[ENOENT] log');
    const decision = decide(section, open('/a'));
    assert.equal(decision.action, 'deny');
    assert.equal(decision.errno, 'enoent');
    assert.equal(decision.log, true);
    assert.equal(decision.filter, section.filters[0]);
  });

  test('a denial with an unknown error name fails with eperm', () => {
    assert.equal(
      outcome(decide(policy('native-openat: deny[enosuch]'), open('/a'))),
      'deny[eperm] 2',
    );
  });

  test('permit[inherit] and permit[detach] are carried to the decision', () => {
    const exec = call('execve', { filename: ['/bin/sh'] });
    const inherit = decide(policy('native-execve: permit[inherit]'), exec);
    assert.deepEqual([inherit.inherit, inherit.detach, inherit.errno], [true, false, null]);
    const detach = decide(policy('native-execve: permit[detach]'), exec);
    assert.deepEqual([detach.inherit, detach.detach], [false, true]);
  });

  test('emulation native or linux; anything else never applies', () => {
    assert.equal(outcome(decide(policy('linux-openat: permit'), open('/a'))), 'permit 2');
    assert.equal(outcome(decide(policy('freebsd-openat: permit'), open('/a'))), 'ask -');
  });
});

describe('aliases', () => {
  const read = call('openat', { filename: ['/etc/hosts'], oflags: ['ro'] }, { alias: 'fsread' });

  test('a filter for fsread applies to the calls in that group', () => {
    const section = policy('native-fsread: filename eq "/etc/hosts" then permit');
    assert.equal(outcome(decide(section, read)), 'permit 2');
    assert.equal(outcome(decide(section, { ...read, alias: 'fswrite' })), 'ask -');
  });

  test('with aliases off (-u) only filters for the call itself apply', () => {
    const section = policy('native-fsread: permit', 'native-openat: deny');
    assert.equal(outcome(decide(section, read)), 'permit 2');
    assert.equal(outcome(decide(section, read, { noAliases: true })), 'deny[eperm] 3');
  });
});

describe('the operators', () => {
  const holds = (rule: string, args: Record<string, string[]>): boolean =>
    decide(policy(`native-openat: ${rule} then permit`), call('openat', args)).action === 'permit';

  test('eq and neq compare exactly, case included', () => {
    assert.equal(holds('filename eq "/a/B"', { filename: ['/a/B'] }), true);
    assert.equal(holds('filename eq "/a/B"', { filename: ['/a/b'] }), false);
    assert.equal(holds('filename neq "/a/B"', { filename: ['/a/b'] }), true);
    assert.equal(holds('filename neq "/a/B"', { filename: ['/a/B'] }), false);
  });

  test('sub and nsub look for a substring', () => {
    assert.equal(holds('oflags sub "ro"', { oflags: ['ro,c'] }), true);
    assert.equal(holds('oflags sub "wo"', { oflags: ['ro,c'] }), false);
    assert.equal(holds('oflags nsub "wo"', { oflags: ['ro,c'] }), true);
    assert.equal(holds('oflags nsub "ro"', { oflags: ['ro,c'] }), false);
  });

  test('match is fnmatch with leading directories', () => {
    assert.equal(holds('filename match "/usr/lib"', { filename: ['/usr/lib/libc.so.6'] }), true);
    assert.equal(holds('filename match "/tmp/*.c"', { filename: ['/tmp/a/b.c'] }), false);
    assert.equal(holds('sockaddr match "inet-*:53"', { sockaddr: ['inet-[10.0.0.1]:53'] }), true);
  });

  test('re finds a POSIX extended expression anywhere', () => {
    assert.equal(holds('filename re "\\.so(\\.[0-9]+)*$"', { filename: ['/lib/libc.so.6'] }), true);
    assert.equal(holds('filename re "^/etc/"', { filename: ['/usr/etc/x'] }), false);
  });

  test('inpath, as in systrace: the value itself or a directory on the way to it', () => {
    assert.equal(holds('filename inpath "/usr/lib"', { filename: ['/usr/lib'] }), true);
    assert.equal(holds('filename inpath "/usr/lib"', { filename: ['/usr'] }), true);
    assert.equal(holds('filename inpath "/usr/lib"', { filename: ['/'] }), true);
    assert.equal(holds('filename inpath "/usr/lib"', { filename: ['/us'] }), false);
    assert.equal(holds('filename inpath "/usr/lib"', { filename: ['/usr/lib/x/y'] }), false);
    assert.equal(holds('filename inpath "/usr/lib"', { filename: ['/usr/libexec'] }), false);
  });

  test('a missing argument makes every comparison false, neq and nsub too', () => {
    for (const op of ['eq', 'neq', 'sub', 'nsub', 'match', 're', 'inpath']) {
      assert.equal(holds(`filename ${op} "x"`, { oflags: ['ro'] }), false, op);
      assert.equal(holds(`filename[1] ${op} "x"`, { filename: ['/a'] }), false, `${op} [1]`);
    }
  });

  test('[n] picks the n-th argument of that name', () => {
    const rename = { filename: ['/tmp/a', '/home/jose/b'] };
    assert.equal(holds('filename[1] match "/home/*"', rename), true);
    assert.equal(holds('filename[0] match "/home/*"', rename), false);
    assert.equal(holds('filename match "/tmp/*" and filename[1] match "/tmp/*"', rename), false);
  });

  test('not, and, or and parentheses', () => {
    const args = { filename: ['/a'], oflags: ['wo'] };
    assert.equal(holds('not filename eq "/b"', args), true);
    assert.equal(holds('filename eq "/a" and oflags eq "ro"', args), false);
    assert.equal(holds('filename eq "/b" or oflags eq "wo"', args), true);
    assert.equal(
      holds('(filename eq "/b" or filename eq "/a") and not oflags eq "ro"', args),
      true,
    );
    assert.equal(holds('not (filename eq "/a" or oflags eq "ro")', args), false);
    assert.equal(holds('true', args), true);
  });

  test('$HOME, $USER and $CWD are replaced before comparing', () => {
    assert.equal(holds('filename match "$HOME/*"', { filename: ['/home/jose/.profile'] }), true);
    assert.equal(holds('filename eq "/var/mail/$USER"', { filename: ['/var/mail/jose'] }), true);
    assert.equal(holds('filename eq "$CWD/x"', { filename: ['/home/jose/src/x'] }), true);
    assert.equal(holds('filename eq "$HOME/x"', { filename: ['$HOME/x'] }), false);
  });

  test('a filter whose regular expression is refused never applies, even under not', () => {
    const section = policy(
      'native-openat: not filename re "(a)\\1" then deny',
      'native-openat: permit',
    );
    assert.equal(outcome(decide(section, open('/x'))), 'permit 3');
  });
});

describe('predicates', () => {
  const users: Record<string, number> = { root: 0, jose: 1000 };
  const groups: Record<string, number> = { wheel: 10 };
  const options = { resolveUser: (n: string) => users[n], resolveGroup: (n: string) => groups[n] };

  test('user and group compare the caller with a number', () => {
    const section = policy(
      'native-setuid: permit, if user = 0',
      'native-setuid: deny, if group > 999',
    );
    assert.equal(outcome(decide(section, call('setuid', {}, { uid: 0 }))), 'permit 2');
    assert.equal(
      outcome(decide(section, call('setuid', {}, { uid: 5, gid: 1000 }))),
      'deny[eperm] 3',
    );
    assert.equal(outcome(decide(section, call('setuid', {}, { uid: 5, gid: 5 }))), 'ask -');
  });

  test('!= and < hold as written', () => {
    const section = policy('native-kill: permit, if user != 0', 'native-kill: deny, if user < 1');
    assert.equal(outcome(decide(section, call('kill', {}, { uid: 1000 }))), 'permit 2');
    assert.equal(outcome(decide(section, call('kill', {}, { uid: 0 }))), 'deny[eperm] 3');
  });

  test('names are looked up, and a name nobody has makes the filter not apply', () => {
    const section = policy(
      'native-kill: permit, if user = jose',
      'native-kill: deny, if group != nobodyhere',
    );
    assert.equal(outcome(decide(section, call('kill', {}, { uid: 1000 }), options)), 'permit 2');
    assert.equal(outcome(decide(section, call('kill', {}, { uid: 0 }), options)), 'ask -');
    assert.equal(outcome(decide(section, call('kill', {}, { uid: 1000 }))), 'ask -');
  });
});

describe('inpath', () => {
  test('a directory on the way to the value is in its path, on component boundaries only', () => {
    assert.equal(isInPath('/usr/lib', '/usr/lib/'), true);
    assert.equal(isInPath('/usr', '/usr/lib/x'), true);
    assert.equal(isInPath('/usr/li', '/usr/lib/x'), false);
    assert.equal(isInPath('/usr/lib/x/y', '/usr/lib/x'), false);
  });

  test('the root is in every path; an empty argument is in none', () => {
    assert.equal(isInPath('/', '/etc/hosts'), true);
    assert.equal(isInPath('/', '/'), true);
    assert.equal(isInPath('', '/etc'), false);
    assert.equal(isInPath('e', 'etc'), false);
  });
});
