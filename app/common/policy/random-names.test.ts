import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fnmatch } from './fnmatch.js';
import {
  literalPattern,
  randomNames,
  randomPart,
  shapedRule,
  shapeOf,
  type NamingCall,
} from './random-names.js';

/** An exclusive open, as mkstemp makes it: `rwcx` is O_RDWR|O_CREAT|O_EXCL. */
const mkstemp = (name: string): NamingCall => ({
  call: 'openat',
  args: { filename: [name], oflags: ['rwcx'], mode: ['600'] },
});
const call = (name: string, ...filename: string[]): NamingCall => ({
  call: name,
  args: { filename },
});
/** mkdtemp's mkdir. */
const mkdtemp = (name: string): NamingCall => ({
  call: 'mkdir',
  args: { filename: [name], mode: ['700'] },
});
const open = (name: string, oflags: string): NamingCall => ({
  call: 'openat',
  args: { filename: [name], oflags: [oflags] },
});
const shapes = (...calls: NamingCall[]) => Object.fromEntries(randomNames(calls));

test('sort -S: its temporary files become /tmp/sort and six characters', () => {
  const names = ['sortgFr7nu', 'sorthYt77l', 'sortxPLa2o', 'sortjs11qb'];
  assert.deepEqual(shapes(...names.map((n) => mkstemp(`/tmp/${n}`))), {
    '/tmp/sortgFr7nu': '/tmp/sort??????',
    '/tmp/sorthYt77l': '/tmp/sort??????',
    '/tmp/sortxPLa2o': '/tmp/sort??????',
    '/tmp/sortjs11qb': '/tmp/sort??????',
  });
});

test('one of many that happens to look like a word is of its siblings’ shape', () => {
  // "abcdef" alone is no name made at random; beside sort's others it is one of them.
  const found = shapes(mkstemp('/tmp/sortabcdef'), mkstemp('/tmp/sortQ1w2E3'));
  assert.equal(found['/tmp/sortabcdef'], '/tmp/sort??????');
  assert.deepEqual(shapes(mkstemp('/tmp/sortabcdef')), {});
});

test('gcc: /tmp/ccXXXXXX with its suffix, which stays literal', () => {
  assert.deepEqual(
    shapes(
      mkstemp('/tmp/ccR3xUZq.s'),
      mkstemp('/tmp/ccjZ0a1B.o'),
      mkstemp('/tmp/cc8Hq2LM.res'),
      mkstemp('/tmp/ccT7yWq0.ltrans0.ltrans.o'),
    ),
    {
      '/tmp/ccR3xUZq.s': '/tmp/cc??????.s',
      '/tmp/ccjZ0a1B.o': '/tmp/cc??????.o',
      '/tmp/cc8Hq2LM.res': '/tmp/cc??????.res',
      '/tmp/ccT7yWq0.ltrans0.ltrans.o': '/tmp/cc??????.ltrans0.ltrans.o',
    },
  );
});

test('mktemp: tmp. and ten characters; -d makes a directory the same way', () => {
  assert.deepEqual(shapes(mkstemp('/tmp/tmp.cJuu8zL4aV')), {
    '/tmp/tmp.cJuu8zL4aV': '/tmp/tmp.??????????',
  });
  assert.deepEqual(shapes(mkdtemp('/tmp/tmp.Qx81LmZa0c')), {
    '/tmp/tmp.Qx81LmZa0c': '/tmp/tmp.??????????',
  });
  // Letters alone, in capitalised runs, as a name of mktemp's own shape.
  assert.deepEqual(shapes(mkstemp('/tmp/tmp.CofDjbyLad')), {
    '/tmp/tmp.CofDjbyLad': '/tmp/tmp.??????????',
  });
  // A template of the user's own: the six X's mkstemp fills.
  assert.deepEqual(shapes(mkstemp('/tmp/build.ZpQ9r2')), {
    '/tmp/build.ZpQ9r2': '/tmp/build.??????',
  });
});

test('Python: tempfile’s tmp and eight characters, multiprocessing’s pymp- and its socket', () => {
  assert.deepEqual(shapes(mkstemp('/tmp/tmpk3j_x9ab')), { '/tmp/tmpk3j_x9ab': '/tmp/tmp????????' });
  assert.deepEqual(shapes(mkstemp('/tmp/tmp8w1qz0pe.txt')), {
    '/tmp/tmp8w1qz0pe.txt': '/tmp/tmp????????.txt',
  });
  assert.deepEqual(
    shapes(mkdtemp('/tmp/pymp-5_s0qa3m'), {
      call: 'bind',
      args: { sockaddr: ['/tmp/pymp-5_s0qa3m/listener-v2ldm9_b'] },
    }),
    {
      '/tmp/pymp-5_s0qa3m': '/tmp/pymp-????????',
      '/tmp/pymp-5_s0qa3m/listener-v2ldm9_b': '/tmp/pymp-????????/listener-????????',
    },
  );
});

test('git: init’s probe file, an object (a commit’s hash holds the time), a lock file', () => {
  const repo = '/home/ana/src/x/.git';
  const hash = 'e4b1c07a3d3b0f6f0d2c9b1e8a7d6c5b4a3f2e';
  assert.deepEqual(
    shapes(
      mkstemp(`${repo}/tV3xq0P`),
      call('symlink', `${repo}/tV3xq0P`),
      call('mkdir', `${repo}/objects/9f`),
      mkstemp(`${repo}/objects/9f/tmp_obj_Ab3dE9`),
      call('link', `${repo}/objects/9f/tmp_obj_Ab3dE9`, `${repo}/objects/9f/${hash}`),
      mkstemp(`${repo}/index.lock`),
      call('rename', `${repo}/index.lock`, `${repo}/index`),
    ),
    {
      [`${repo}/tV3xq0P`]: `${repo}/t??????`,
      [`${repo}/objects/9f`]: `${repo}/objects/??`,
      [`${repo}/objects/9f/${hash}`]: `${repo}/objects/??/${'?'.repeat(38)}`,
      [`${repo}/objects/9f/tmp_obj_Ab3dE9`]: `${repo}/objects/??/tmp_obj_??????`,
    },
  );
  // An object the run only read, or a directory of two digits alone, stays as it is.
  assert.deepEqual(
    shapes(call('stat', `${repo}/objects/9f/${hash}`), call('mkdir', `${repo}/objects/9f`)),
    {},
  );
});

test('names the run did not create are never shapes, however random they look', () => {
  assert.deepEqual(
    shapes(
      open('/tmp/sortgFr7nu', 'ro'),
      open('/tmp/ccR3xUZq.s', 'wotc'), // O_CREAT without O_EXCL: an ordinary output file
      call('unlink', '/tmp/tmp.cJuu8zL4aV'),
      call('rename', '/tmp/tmpk3j_x9ab', '/tmp/out'),
      call('stat', '/usr/lib/x86_64-linux-gnu/libQt6Core.so.6'),
      // What tar extracts: opened for writing only, directories of the archive's modes, links.
      open('/srv/www/main.a8f3Bc.js', 'wocx'),
      { call: 'mkdir', args: { filename: ['/srv/www/tmp.Qx81LmZa0c'], mode: ['755'] } },
      call('symlink', '/srv/www/ccR3xUZq.s'),
      call('link', '/srv/www/index.html', '/srv/www/index.Zq81xB.html'),
    ),
    {},
  );
});

test('ordinary names, version numbers and hashes the run created stay literal', () => {
  for (const name of [
    '/home/ana/Makefile',
    '/home/ana/description',
    '/home/ana/output2',
    '/home/ana/file1234.txt',
    '/home/ana/MyClass.java',
    '/home/ana/node_modules',
    '/home/ana/python-packages',
    '/home/ana/libfoo-1.2.3',
    '/home/ana/v2.40.1',
    '/home/ana/README',
    '/home/ana/.cache/e4b1c07a3d3b0f6f0d2c',
    '/home/ana/objects/9f/e4b1c07a3d3b0f6f0d2c9b1e8a7d6c5b4a3f2e1d',
    '/tmp/x',
    '/tmp/',
  ])
    assert.deepEqual(shapes(mkstemp(name), mkdtemp(name)), {}, name);
});

test('the directory stays literal, and what fnmatch reads specially in it is escaped', () => {
  const found = shapes(mkstemp('/tmp/a*b?[c]\\d/ccR3xUZq.s'));
  assert.deepEqual(found, { '/tmp/a*b?[c]\\d/ccR3xUZq.s': '/tmp/a\\*b\\?\\[c]\\\\d/cc??????.s' });
  const pattern = found['/tmp/a*b?[c]\\d/ccR3xUZq.s']!;
  assert.ok(fnmatch(pattern, '/tmp/a*b?[c]\\d/ccZZZZZZ.s'));
  assert.ok(!fnmatch(pattern, '/tmp/aXbY[c]\\d/ccZZZZZZ.s'));
  assert.equal(literalPattern('[*?\\'), '\\[\\*\\?\\\\');
});

test('each ? is one character of the name: not a slash, not two', () => {
  const pattern = randomNames([mkstemp('/tmp/sortgFr7nu')]).get('/tmp/sortgFr7nu')!;
  assert.ok(fnmatch(pattern, '/tmp/sortQ1w2E3'));
  assert.ok(!fnmatch(pattern, '/tmp/sortQ1w2E'));
  assert.ok(!fnmatch(pattern, '/tmp/sortQ1w2E34'));
  assert.ok(!fnmatch(pattern, '/tmp/sortQ1/2E3'));
  assert.ok(!fnmatch(pattern, '/tmp/otherQ1w2E3'));
});

test('names below a directory made at random take its shape; others are left alone', () => {
  const names = randomNames([mkdtemp('/tmp/tmp.Qx81LmZa0c')]);
  assert.equal(shapeOf('/tmp/tmp.Qx81LmZa0c/data.csv', names), '/tmp/tmp.??????????/data.csv');
  assert.equal(shapeOf('/tmp/tmp.Qx81LmZa0c', names), '/tmp/tmp.??????????');
  assert.equal(shapeOf('/tmp/tmp.Qx81LmZa0cX', names), null);
  assert.equal(shapeOf('/tmp/other', names), null);
});

test('gcc’s temporaries of other suffixes vouch for one whose characters look like a word', () => {
  // One mkstemp name in a hundred draws letters of one case only: its siblings tell.
  assert.equal(randomPart('ccBRHBZB.res'), null);
  assert.equal(randomPart('ccBRHBZB.res', { alike: ['ccx3Tq9a.s', 'ccBRHBZB.res'] })?.start, 2);
  assert.equal(randomPart('ccBRHBZB.res', { alike: ['cdx3Tq9a.s'] }), null);
  assert.equal(randomPart('ccBRHBZB', { alike: ['ccx3Tq9a.s'] }), null);
  assert.equal(randomPart('output.lock', { alike: ['output.tmp', 'output.o'] }), null);
});

test('where the random part is: mkstemp’s six, Python’s eight, mktemp’s ten', () => {
  assert.deepEqual(randomPart('sortgFr7nu'), {
    start: 4,
    end: 10,
    characters: /^[A-Za-z0-9]+$/,
    byDefault: false,
  });
  assert.equal(randomPart('pymp-5_s0qa3m')?.start, 5);
  assert.equal(randomPart('tmp.cJuu8zL4aV')?.start, 4);
  assert.equal(randomPart('index.lock'), null);
});

test('a learned rule is written with the shape, and says that names below it are not meant', () => {
  const names = randomNames([mkstemp('/tmp/sortgFr7nu')]);
  assert.deepEqual(shapedRule('native-fswrite: filename eq "/tmp/sortgFr7nu" then permit', names), {
    rule:
      'native-fswrite: filename match "/tmp/sort??????" and ' +
      '(not filename match "/tmp/sort??????/*") then permit',
    shaped: [{ name: '/tmp/sortgFr7nu', pattern: '/tmp/sort??????' }],
  });
  assert.deepEqual(
    shapedRule(
      'native-rename: filename eq "/tmp/sortgFr7nu" and filename[1] eq "/tmp/out" then permit',
      names,
    )?.rule,
    'native-rename: filename match "/tmp/sort??????" and (not filename match "/tmp/sort??????/*") ' +
      'and filename[1] eq "/tmp/out" then permit',
  );
  assert.equal(shapedRule('native-fsread: filename eq "/etc/hosts" then permit', names), null);
  assert.equal(shapedRule('native-read: permit', names), null);
});

test('a name the run removed again is temporary: characters that merely mix kinds suffice', () => {
  // "ab1234" could be a word and a number; made exclusively and removed, it is gcc's.
  assert.deepEqual(shapes(mkstemp('/tmp/ccab1234.s')), {});
  assert.deepEqual(shapes(mkstemp('/tmp/ccab1234.s'), call('unlink', '/tmp/ccab1234.s')), {
    '/tmp/ccab1234.s': '/tmp/cc??????.s',
  });
  // A word stays a word, removed or not.
  assert.deepEqual(shapes(mkdtemp('/tmp/objects'), call('rmdir', '/tmp/objects')), {});
});

test('Python: the name gettempdir() probes with, and a socket that looks like a word', () => {
  assert.deepEqual(shapes(mkstemp('/tmp/i0p1vzhj'), call('unlink', '/tmp/i0p1vzhj')), {
    '/tmp/i0p1vzhj': '/tmp/????????',
  });
  assert.deepEqual(
    shapes(mkdtemp('/tmp/pymp-7c0fot6n'), {
      call: 'bind',
      args: { sockaddr: ['/tmp/pymp-7c0fot6n/listener-iroksood'] },
    }),
    {
      '/tmp/pymp-7c0fot6n': '/tmp/pymp-????????',
      '/tmp/pymp-7c0fot6n/listener-iroksood': '/tmp/pymp-????????/listener-????????',
    },
  );
  // The same name, made in a directory of no random shape, is left as it is.
  assert.deepEqual(
    shapes({ call: 'bind', args: { sockaddr: ['/run/app/listener-iroksood'] } }),
    {},
  );
});

test('glibc’s semaphores: sem_open’s temporary name, linked to Python’s mp- name', () => {
  assert.deepEqual(
    shapes(
      mkstemp('/dev/shm/sem.x7yE3A'),
      call('link', '/dev/shm/sem.x7yE3A', '/dev/shm/sem.mp-jwfx7sks'),
      call('unlink', '/dev/shm/sem.x7yE3A'),
    ),
    {
      '/dev/shm/sem.x7yE3A': '/dev/shm/sem.??????',
      '/dev/shm/sem.mp-jwfx7sks': '/dev/shm/sem.mp-????????',
    },
  );
});

test('Python’s probe of a directory, made and removed, in letters only', () => {
  // gettempdir() tries the next directory when this is denied: it must be learned as a shape.
  assert.deepEqual(shapes(mkstemp('/tmp/akrpemfq'), call('unlink', '/tmp/akrpemfq')), {
    '/tmp/akrpemfq': '/tmp/????????',
  });
  assert.deepEqual(shapes(mkstemp('/tmp/akrpemfq')), {});
  assert.deepEqual(shapes(mkstemp('/tmp/20240101'), call('unlink', '/tmp/20240101')), {});
});
