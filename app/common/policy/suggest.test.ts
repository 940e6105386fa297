import { test } from 'node:test';
import assert from 'node:assert/strict';

import { sectionsOf } from './ast.js';
import { decideCall } from './evaluate.js';
import { fnmatch } from './fnmatch.js';
import { parsePolicy } from './parser.js';
import type { CallRequest, Macros } from './request.js';
import { suggestRules, type Suggestion } from './suggest.js';

const macros: Macros = { HOME: '/home/jose', USER: 'jose', CWD: '/home/jose/src' };

function call(args: Record<string, string[]>, name = 'openat'): CallRequest {
  return { call: name, alias: 'fsread', args, uid: 1000, gid: 1000 };
}

const expressions = (suggestions: Suggestion[]) => suggestions.map((s) => s.expression);

test('a file under $HOME: exact, with macros, same extension, then directory by directory, then true', () => {
  assert.deepEqual(expressions(suggestRules(call({ filename: ['/home/jose/src/a.c'] }), macros)), [
    'filename eq "/home/jose/src/a.c"',
    'filename eq "$CWD/a.c"',
    'filename match "$CWD/*.c"',
    'filename match "$CWD/*"',
    'filename match "$HOME/*"',
    'filename match "/home/*"',
    'true',
  ]);
});

test('$HOME is put back in when the working directory is elsewhere', () => {
  const elsewhere = { ...macros, CWD: '/tmp' };
  const suggestions = suggestRules(
    call({ filename: ['/home/jose/.config/app/settings.json'] }),
    elsewhere,
  );
  assert.deepEqual(suggestions.slice(0, 4), [
    {
      label: 'only /home/jose/.config/app/settings.json',
      expression: 'filename eq "/home/jose/.config/app/settings.json"',
    },
    {
      label: 'only $HOME/.config/app/settings.json',
      expression: 'filename eq "$HOME/.config/app/settings.json"',
    },
    {
      label: '*.json in $HOME/.config/app',
      expression: 'filename match "$HOME/.config/app/*.json"',
    },
    { label: 'anything in $HOME/.config/app', expression: 'filename match "$HOME/.config/app/*"' },
  ]);
});

test('$USER is put back in where the user name stands as a word of a path', () => {
  const suggestions = expressions(suggestRules(call({ filename: ['/var/mail/jose'] }), macros));
  assert.ok(suggestions.includes('filename eq "/var/mail/$USER"'));
  const cache = expressions(suggestRules(call({ filename: ['/tmp/jose-cache/x'] }), macros));
  assert.ok(cache.includes('filename match "/tmp/$USER-cache/*"'));
  const lookalike = expressions(suggestRules(call({ filename: ['/srv/josefina/x'] }), macros));
  assert.ok(!lookalike.some((e) => e.includes('$USER')));
});

test('a versioned shared library suggests every version of every library in its directory', () => {
  assert.deepEqual(
    expressions(suggestRules(call({ filename: ['/usr/lib/x86_64-linux-gnu/libc.so.6'] }), macros)),
    [
      'filename eq "/usr/lib/x86_64-linux-gnu/libc.so.6"',
      'filename match "/usr/lib/x86_64-linux-gnu/*.so.*"',
      'filename match "/usr/lib/x86_64-linux-gnu/*"',
      'filename match "/usr/lib/*"',
      'filename match "/usr/*"',
      'true',
    ],
  );
  assert.ok(
    expressions(suggestRules(call({ filename: ['/usr/lib/libfoo.so'] }), macros)).includes(
      'filename match "/usr/lib/*.so"',
    ),
  );
});

test('a read-only open also offers each pattern for reading only, as in systrace’s `$HOME/*` example', () => {
  const suggestions = expressions(
    suggestRules(call({ filename: ['/home/jose/notes.txt'], oflags: ['ro'] }), {
      ...macros,
      CWD: '/',
    }),
  );
  assert.deepEqual(suggestions, [
    'filename eq "/home/jose/notes.txt"',
    'filename eq "$HOME/notes.txt"',
    'filename match "$HOME/*.txt" and oflags sub "ro"',
    'filename match "$HOME/*.txt"',
    'filename match "$HOME/*" and oflags sub "ro"',
    'filename match "$HOME/*"',
    'filename match "/home/*" and oflags sub "ro"',
    'filename match "/home/*"',
    'oflags sub "ro"',
    'true',
  ]);
  const writing = expressions(
    suggestRules(call({ filename: ['/home/jose/notes.txt'], oflags: ['wo-c'] }), macros),
  );
  assert.ok(!writing.some((e) => e.includes('oflags')));
});

test('a file directly under / is not widened to everything', () => {
  assert.deepEqual(expressions(suggestRules(call({ filename: ['/vmlinuz'] }), macros)), [
    'filename eq "/vmlinuz"',
    'true',
  ]);
  assert.deepEqual(expressions(suggestRules(call({ filename: ['/etc/passwd'] }), macros)), [
    'filename eq "/etc/passwd"',
    'filename match "/etc/*"',
    'true',
  ]);
});

test('a network address: exactly that one, then any address on the same port', () => {
  const request = call({ sockaddr: ['inet-[192.0.2.1]:53'], fd: ['3'] }, 'connect');
  assert.deepEqual(suggestRules(request, macros), [
    { label: 'only inet-[192.0.2.1]:53', expression: 'sockaddr eq "inet-[192.0.2.1]:53"' },
    { label: 'any address, port 53', expression: 'sockaddr match "inet-*:53"' },
    { label: 'anything', expression: 'true' },
  ]);
  assert.deepEqual(
    expressions(suggestRules(call({ sockaddr: ['inet-[::1]:631'] }, 'connect'), macros)),
    ['sockaddr eq "inet-[::1]:631"', 'sockaddr match "inet-*:631"', 'true'],
  );
});

test('a unix socket path is generalised like a file', () => {
  assert.deepEqual(
    expressions(suggestRules(call({ sockaddr: ['/run/user/1000/bus'] }, 'connect'), macros)),
    [
      'sockaddr eq "/run/user/1000/bus"',
      'sockaddr match "/run/user/1000/*"',
      'sockaddr match "/run/user/*"',
      'sockaddr match "/run/*"',
      'true',
    ],
  );
});

test('the file name comes first even when other arguments are listed before it', () => {
  const request = call({ mode: ['0644'], filename: ['/etc/hosts'] }, 'chmod');
  assert.equal(suggestRules(request, macros)[0]?.expression, 'filename eq "/etc/hosts"');
  assert.deepEqual(expressions(suggestRules(call({ uid: ['1000'] }, 'setuid'), macros)), [
    'uid eq "1000"',
    'true',
  ]);
  assert.deepEqual(expressions(suggestRules(call({}, 'getpid'), macros)), ['true']);
});

test('a file that could not be resolved is offered as the placeholder systrace uses', () => {
  assert.deepEqual(
    expressions(suggestRules(call({ filename: ['<non-existent filename>'] }), macros)),
    ['filename eq "<non-existent filename>"', 'true'],
  );
});

test('quotes, backslashes and pattern characters in a path are escaped', () => {
  const path = '/data/say "hi"\\/a[1]/f*.c';
  const suggestions = expressions(suggestRules(call({ filename: [path] }), macros));
  assert.equal(suggestions[0], 'filename eq "/data/say \\"hi\\"\\/a[1]/f*.c"');
  assert.ok(
    suggestions.includes('filename match "/data/say \\"hi\\"\\\\\\/a\\[1\\]/*.c"'),
    String(suggestions),
  );
});

test('every suggestion is a filter that the policy parser accepts, meaning the value it was made from', () => {
  const requests = [
    call({ filename: ['/home/jose/src/a.c'], oflags: ['ro'] }),
    call({ filename: ['/usr/lib/x86_64-linux-gnu/libc.so.6'] }),
    call({ filename: ['/data/say "hi"\\/a[1]/f*.c'] }),
    call({ filename: ['/tmp/jose-cache/x'] }),
    call({ filename: ['<non-existent filename>'] }),
    call({ sockaddr: ['inet-[::1]:53'] }, 'connect'),
    call({ sockaddr: ['@/tmp/.X11-unix/X0'] }, 'connect'),
    call({ uid: ['0'] }, 'setuid'),
  ];
  for (const request of requests) {
    for (const { expression } of suggestRules(request, macros)) {
      const { file, diagnostics } = parsePolicy(`native-fsread: ${expression} then permit\n`);
      assert.deepEqual(diagnostics, [], expression);
      assert.equal(sectionsOf(file)[0]?.filters.length, 1, expression);
    }
    const exact = sectionsOf(
      parsePolicy(`native-fsread: ${suggestRules(request, macros)[0]!.expression} then permit`)
        .file,
    )[0];
    const expr = exact?.filters[0]?.expr;
    assert.equal(expr?.kind === 'symbol' ? expr.value : null, Object.values(request.args)[0]![0]);
  }
});

test('every pattern suggested matches the value it was made from', () => {
  const expand = (text: string) =>
    text.replace(/\$(HOME|USER|CWD)/g, (_, name: keyof Macros) => macros[name]);
  const values = [
    '/home/jose/src/a.c',
    '/usr/lib/x86_64-linux-gnu/libc.so.6',
    '/data/say "hi"\\/a[1]/f*.c',
    '/tmp/jose-cache/x',
  ];
  for (const value of values) {
    for (const { expression } of suggestRules(call({ filename: [value] }), macros)) {
      const pattern = /^filename match (".*")$/.exec(expression)?.[1];
      if (pattern === undefined) continue;
      const parsed = sectionsOf(parsePolicy(`native-fsread: ${expression} then permit`).file)[0];
      const expr = parsed?.filters[0]?.expr;
      assert.ok(
        expr?.kind === 'symbol' && fnmatch(expand(expr.value), value),
        `${expression} for ${value}`,
      );
    }
  }
  assert.ok(fnmatch('inet-*:53', 'inet-[192.0.2.1]:53'));
});

test('a rename is offered rules that name both its names, each permitting it whole', () => {
  const rename = {
    call: 'rename',
    alias: 'fswrite',
    args: { filename: ['/home/jose/src/a.tmp', '/home/jose/src/sub/a'] },
    uid: 1000,
    gid: 1000,
  };
  const suggestions = suggestRules(rename, macros);
  assert.deepEqual(expressions(suggestions), [
    'filename eq "/home/jose/src/a.tmp" and filename[1] eq "/home/jose/src/sub/a"',
    'filename eq "$CWD/a.tmp" and filename[1] eq "$CWD/sub/a"',
    'filename match "$CWD/*" and filename[1] match "$CWD/*"',
    'filename match "$HOME/*" and filename[1] match "$HOME/*"',
    'filename match "/home/*" and filename[1] match "/home/*"',
    'true',
  ]);
  for (const { expression } of suggestions) {
    const section = sectionsOf(
      parsePolicy(
        `Policy: /bin/mv, Emulation: native\n\tnative-fswrite: ${expression} then permit\n`,
      ).file,
    )[0]!;
    assert.equal(decideCall(section, rename, { macros }).action, 'permit', expression);
    const elsewhere = { ...rename, args: { filename: ['/home/jose/src/a.tmp', '/etc/passwd'] } };
    if (expression !== 'true')
      assert.equal(decideCall(section, elsewhere, { macros }).action, 'ask', expression);
  }
});
