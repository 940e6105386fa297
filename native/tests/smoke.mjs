// End-to-end smoke test of sysgate-supervisor with a scripted host (host.mjs): enforce mode
// with a permissive policy and with one denying /etc/hostname, ask mode answered both ways,
// learning mode's deduplication, a forking and threading program, and failing closed when
// the host goes away. Needs root or unprivileged seccomp (any Linux >= 5.14), and `make`.
// Exits non-zero on the first failure. Usage: node native/tests/smoke.mjs
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { compilePolicy, parseFields, permissive, runSupervised, testProgram } from './host.mjs';

const denyHostname = (name) =>
  permissive(name, [
    { call: 'fsread', action: 'deny', errno: 1, expr: [['sym', 'filename', 0, 'eq', '/etc/hostname']] },
  ]);

const records = (r, by) => r.frames.filter((f) => f.verb === 'record' && (!by || f.fields.by === by));
const hostname = readFileSync('/etc/hostname', 'utf8');
const results = [];

async function test(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`ok    ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push(`FAIL  ${name}: ${e.message}`);
    console.log(results.join('\n'));
    process.exit(1);
  }
}

await test('enforce, permissive: /bin/true exits 0 and says exit', async () => {
  const r = await runSupervised(['/bin/true'], { policyFor: permissive }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.frames.some((f) => f.verb === 'started'));
  assert.equal(r.frames.at(-1).verb, 'exit');
  assert.equal(r.frames.at(-1).fields.status, '0');
});

await test('enforce, permissive: the exit status is the command\'s', async () => {
  const r = await runSupervised(['sh', '-c', 'exit 7'], { policyFor: permissive }).done;
  assert.equal(r.code, 7);
  const k = await runSupervised(['sh', '-c', 'kill -9 $$'], { policyFor: permissive }).done;
  assert.equal(k.code, 137);
});

await test('enforce, permissive: cat /etc/hostname', async () => {
  const r = await runSupervised(['cat', '/etc/hostname'], { policyFor: permissive }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, hostname);
  assert.equal(records(r).length, 0, 'nothing recorded without log or denial');
});

await test('enforce, permissive: sh -c cat /etc/hostname', async () => {
  const r = await runSupervised(['sh', '-c', 'cat /etc/hostname'], { policyFor: permissive }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, hostname);
  const events = r.frames.filter((f) => f.verb === 'process').map((f) => f.fields.event);
  assert.ok(events.includes('fork') && events.includes('exec') && events.includes('exit'), events.join());
});

await test('enforce, deny /etc/hostname: cat says Operation not permitted', async () => {
  const r = await runSupervised(['cat', '/etc/hostname'], { policyFor: denyHostname }).done;
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Operation not permitted/);
  const denial = records(r, 'rule').find((f) => f.fields.action === 'deny');
  assert.ok(denial, 'a record of the denial');
  assert.equal(denial.fields.line, '1');
  assert.equal(parseFields(denial.raw.args).filename, '/etc/hostname');
  assert.equal(denial.fields.alias, 'fsread');
});

await test('enforce, deny /etc/hostname through sh -c', async () => {
  const r = await runSupervised(['sh', '-c', 'cat /etc/hostname'], { policyFor: denyHostname }).done;
  assert.match(r.stderr, /Operation not permitted/);
});

await test('enforce, a call no rule answers is denied with EPERM, by=default', async () => {
  const policy = (name) =>
    compilePolicy(
      name,
      [...permissive(name).matchAll(/^filter \d+ \d+ (\S+) permit/gm)]
        .map((m) => m[1])
        .filter((c) => c !== 'mkdir')
        .map((call) => ({ call, action: 'permit' })),
    );
  const r = await runSupervised(['mkdir', '/tmp/sysgate-smoke-never'], { policyFor: policy }).done;
  assert.match(r.stderr, /Operation not permitted/);
  assert.ok(records(r, 'default').some((f) => f.fields.call === 'mkdir'));
  assert.ok(!existsSync('/tmp/sysgate-smoke-never'));
});

await test('ask: deny the open of /etc/hostname, permit the rest', async () => {
  let asked = 0;
  const r = await runSupervised(['cat', '/etc/hostname'], {
    mode: 'ask',
    onAsk: (q, args) => {
      asked++;
      if (args.filename === '/etc/hostname') return { action: 'deny', errno: 13 };
      return { action: 'permit' };
    },
  }).done;
  assert.ok(asked > 3, `asked ${asked}`);
  assert.match(r.stderr, /Permission denied/);
  assert.ok(records(r, 'user').some((f) => f.fields.action === 'deny' && f.fields.errno === '13'));
});

await test('ask: permit everything, cat prints the file', async () => {
  const r = await runSupervised(['cat', '/etc/hostname'], {
    mode: 'ask',
    onAsk: () => ({ action: 'permit' }),
  }).done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, hostname);
  const ask = r.frames.find((f) => f.verb === 'ask');
  for (const key of ['id', 'pid', 'tid', 'ppid', 'uid', 'gid', 'exe', 'cwd', 'argv', 'policy', 'call', 'nr', 'alias', 'args', 'count']) {
    assert.ok(key in ask.fields, `ask has ${key}`);
  }
});

await test('ask: questions stay pending while other processes run', async () => {
  // The first question about /etc/hostname is held until the second process has finished.
  let held = null;
  let host = null;
  const h = runSupervised(['sh', '-c', 'cat /etc/hostname & sleep 0.2; /bin/echo second; wait'], {
    mode: 'ask',
    onAsk: (q, args) => {
      if (args.filename === '/etc/hostname' && q.call === 'openat' && !held) {
        held = q.id;
        return null;
      }
      return { action: 'permit' };
    },
    onFrame: (f, hst) => {
      host = hst;
      if (f.verb === 'process' && f.fields.event === 'exit' && f.fields.exe.endsWith('/echo')) {
        hst.send('answer', { id: held, action: 'permit' });
      }
    },
  });
  const late = setTimeout(() => held && host?.send('answer', { id: held, action: 'permit' }), 3000);
  const r = await h.done;
  clearTimeout(late);
  assert.ok(held, 'a question was held');
  // The other process ran to its end while the question was held.
  assert.equal(r.stdout, `second\n${hostname}`);
});

await test('learn: every distinct call recorded once', async () => {
  const r = await runSupervised(['sh', '-c', 'cat /etc/hostname; cat /etc/hostname; cat /etc/hostname'], {
    mode: 'learn',
  }).done;
  assert.equal(r.code, 0, r.stderr);
  const opens = records(r, 'learn').filter(
    (f) => f.fields.call === 'openat' && parseFields(f.raw.args).filename === '/etc/hostname',
  );
  assert.equal(opens.length, 1);
});

await test('forker: threads, forks and an exec under enforce', async () => {
  const r = await runSupervised([testProgram('forker')], { policyFor: permissive }).done;
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /forker: ok/);
  const forks = r.frames.filter((f) => f.verb === 'process' && f.fields.event === 'fork');
  assert.ok(forks.length >= 4, `saw ${forks.length} processes`);
  const execs = r.frames.filter((f) => f.verb === 'process' && f.fields.event === 'exec');
  assert.ok(execs.some((f) => f.fields.exe === '/usr/bin/true'));
});

await test('denied execve: the program does not run', async () => {
  const policy = (name) =>
    permissive(name, [{ call: 'execve', action: 'deny', errno: 13, expr: [['sym', 'filename', 0, 'eq', '/usr/bin/cat']] }]);
  const r = await runSupervised(['sh', '-c', 'cat /etc/hostname'], { policyFor: policy }).done;
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Permission denied/);
});

await test('opens on the program\'s behalf keep its credentials, umask, errno and O_CLOEXEC', async () => {
  // As nobody, /etc/shadow stays unreadable although the supervisor runs as root.
  const asNobody = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups'];
  const shadow = await runSupervised([...asNobody, 'cat', '/etc/shadow'], { policyFor: permissive }).done;
  assert.match(shadow.stderr, /Permission denied/);
  const missing = await runSupervised(['cat', '/nonexistent/file'], { policyFor: permissive }).done;
  assert.match(missing.stderr, /No such file or directory/);
  const file = `/tmp/sysgate-smoke-umask.${process.pid}`;
  const made = await runSupervised(['sh', '-c', `umask 027; : > ${file}; stat -c %a ${file}; rm ${file}`], {
    policyFor: permissive,
  }).done;
  assert.equal(made.stdout, '640\n', made.stderr);
  // O_CLOEXEC travels with the injected descriptor, and only with it.
  const flags = await runSupervised(
    ['python3', '-c', "import ctypes, fcntl; libc = ctypes.CDLL(None); a = libc.open(b'/etc/hostname', 0o2000000); b = libc.open(b'/etc/hostname', 0); print(fcntl.fcntl(a, fcntl.F_GETFD), fcntl.fcntl(b, fcntl.F_GETFD))"],
    { policyFor: permissive },
  ).done;
  assert.equal(flags.stdout, '1 0\n', flags.stderr);
});

await test('a seccomp listener of the program\'s own is refused, even when permitted', async () => {
  const py = [
    'import ctypes, os',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'libc.prctl(38, 1, 0, 0, 0)',
    "class F(ctypes.Structure): _fields_ = [('code', ctypes.c_ushort), ('jt', ctypes.c_ubyte), ('jf', ctypes.c_ubyte), ('k', ctypes.c_uint)]",
    "class P(ctypes.Structure): _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.POINTER(F))]",
    'p = P(1, (F * 1)(F(6, 0, 0, 0x7fff0000)))',
    'print(libc.syscall(317, 1, 8, ctypes.byref(p)), os.strerror(ctypes.get_errno()))',
    'print(libc.syscall(317, 1, 0, ctypes.byref(p)))',
  ].join('\n');
  const r = await runSupervised(['python3', '-c', py], { policyFor: permissive }).done;
  assert.equal(r.stdout, '-1 Operation not permitted\n0\n', r.stderr);
});

await test('host gone: the traced tree is killed', async () => {
  const pids = [];
  const h = runSupervised(['sh', '-c', 'sleep 30 & sleep 30 & wait'], {
    policyFor: permissive,
    onFrame: (f, host) => {
      if (f.verb === 'process' && f.fields.event === 'exec') pids.push(Number(f.fields.pid));
      if (pids.length === 3) host.control.destroy();
    },
  });
  const r = await h.done;
  assert.ok(pids.length >= 3, `saw ${pids.length} execs`);
  for (const pid of pids) {
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    assert.ok(!alive, `pid ${pid} still runs`);
  }
  assert.equal(r.code, 137);
});

await test('host gone with --on-host-loss deny: asks are denied, the program goes on', async () => {
  const h = runSupervised(['sh', '-c', 'sleep 0.3; cat /etc/hostname; echo done'], {
    mode: 'ask',
    args: ['--on-host-loss', 'deny'],
    policyFor: (name) =>
      compilePolicy(
        name,
        [...permissive(name).matchAll(/^filter \d+ \d+ (\S+) permit/gm)]
          .map((m) => m[1])
          .filter((c) => c !== 'openat')
          .map((call) => ({ call, action: 'permit' }))
          .concat([{ call: 'openat', action: 'permit', expr: [['sym', 'filename', 0, 'nsub', 'hostname']] }]),
      ),
    onFrame: (f, host) => {
      if (f.verb === 'process' && f.fields.event === 'exec' && f.fields.exe === '/usr/bin/sleep') host.control.destroy();
    },
  });
  const r = await h.done;
  assert.match(r.stderr, /Operation not permitted/);
  assert.match(r.stdout, /done/);
});

console.log(results.join('\n'));
