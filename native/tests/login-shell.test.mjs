// sysgate-shell (native/shell.c), a login shell confined by sysgate, as a user meets it: `su -l`
// on a real pseudo-terminal for a user whose login shell it is, created for the test, with the
// shipped policies (policies/usr_bin_bash, usr_bin_dash) as the system's and a datagram socket
// as syslog. What is permitted works; what is not is denied and logged; and `exec` of another
// shell, chsh, a program the policy does not name, and killing the supervisor (or anything
// else of the session's) leave the user confined: every attempt is counted, a single escape
// fails the test. Needs root (it creates users); the user must be able to read this checkout
// (Node.js runs the command line as the user), else the tests are skipped with the reason.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const pty = createRequire(import.meta.url)('node-pty');

const isRoot = process.getuid?.() === 0;
const suffix = `${process.pid % 100000}`;
const USER = `sgsh${suffix}`;
const OTHER = `sgsho${suffix}`;
const SECRET = 'the other user s secret';

let dir = '';
let wrapper = '';
let skip = isRoot ? '' : 'needs root: the test creates users';
let receiver = null;
let logged = '';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (skip) return;
  for (const tool of ['useradd', 'userdel', 'su', 'cc', 'python3', 'pkill'])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      skip = `needs ${tool}, which is not installed`;
      return;
    }
  dir = mkdtempSync('/tmp/sysgate-login-shell-');
  chmodSync(dir, 0o755);
  // The settings file is named when sysgate-shell is built: a copy for this test, in
  // native/build so that it finds the checkout's command line as the installed one does.
  wrapper = join(root, 'native', 'build', `sysgate-shell-test-${suffix}`);
  run('cc', [
    '-std=c11',
    '-D_GNU_SOURCE',
    '-O2',
    '-static',
    `-DSG_SHELL_CONF="${join(dir, 'shell.conf')}"`,
    '-o',
    wrapper,
    join(root, 'native', 'shell.c'),
  ]);
  const policies = join(dir, 'policies');
  run('mkdir', ['-m', '755', policies]);
  for (const name of ['usr_bin_bash', 'usr_bin_dash'])
    copyFileSync(join(root, 'policies', name), join(policies, name));
  const socket = join(dir, 'log.sock');
  writeFileSync(
    join(dir, 'shell.conf'),
    `# written by login-shell.test.mjs\nshell /bin/bash\npolicies ${policies}\nsyslog ${socket}\n`,
    { mode: 0o644 },
  );
  run('useradd', ['-m', '-s', wrapper, USER]);
  run('useradd', ['-m', '-s', '/bin/sh', OTHER]);
  const home = `/home/${USER}`;
  writeFileSync(join(home, 'mine'), 'my own words\n');
  run('chown', [`${USER}:`, join(home, 'mine')]);
  chmodSync(`/home/${OTHER}`, 0o755);
  writeFileSync(`/home/${OTHER}/secret`, `${SECRET}\n`, { mode: 0o644 });
  // The command line runs as the user: it must be able to read the checkout.
  const readable = spawnSync('su', [
    USER,
    '-s',
    '/bin/sh',
    '-c',
    `test -r ${join(root, 'bin', 'sysgate.js')} && test -r ${join(root, 'build', 'app', 'bundle', 'main.mjs')}`,
  ]);
  if (readable.status !== 0) {
    skip = `the user ${USER} cannot read this checkout (${root}), and Node.js runs sysgate's command line as that user`;
    return;
  }
  receiver = spawn('python3', [
    '-c',
    'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nimport os\nos.chmod(sys.argv[1],0o666)\nprint("ready",flush=True)\nwhile True: print(s.recv(65536).decode(),flush=True)',
    socket,
  ]);
  receiver.stdout.on('data', (d) => (logged += d.toString()));
  await new Promise((resolve) => receiver.stdout.once('data', resolve));
});

after(() => {
  receiver?.kill();
  if (!isRoot) return;
  // Never `userdel -r`: it removes whatever folder the account names as its home, recursively.
  // Only the two homes this test made, by their exact names.
  for (const user of [USER, OTHER]) {
    spawnSync('pkill', ['-KILL', '-u', user]);
    spawnSync('userdel', ['-f', user], { stdio: 'ignore' });
    if (/^sgsho?\d+$/.test(user)) rmSync(`/home/${user}`, { recursive: true, force: true });
  }
  if (wrapper) rmSync(wrapper, { force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A login of USER on a pseudo-terminal, as `su -l` gives it; `type` runs one command line. */
class Login {
  constructor() {
    this.out = '';
    this.exited = null;
    this.marks = 0;
    this.term = pty.spawn('su', ['-l', USER], {
      cols: 200,
      rows: 50,
      env: { TERM: 'dumb', PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    this.term.onData((d) => (this.out += d));
    this.ended = new Promise((resolve) =>
      this.term.onExit((e) => {
        this.exited = e;
        resolve(e);
      }),
    );
  }

  /** Types `line` and waits for nothing (`exec`, which never comes back to print a mark). */
  send(line) {
    this.term.write(`${line}\r`);
  }

  /** Waits until what the terminal shows ends as `pattern` says. */
  async waitFor(pattern, timeoutMs = 10000) {
    const end = Date.now() + timeoutMs;
    while (!pattern.test(this.out.replace(/\r/g, ''))) {
      if (Date.now() > end || this.exited !== null)
        throw new Error(`no ${pattern} on the terminal:\n${this.out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Runs `line` in the shell and gives what it printed, or null if the session ended. */
  async type(line, timeoutMs = 15000) {
    const mark = `M${++this.marks}x`;
    const from = this.out.length;
    // The mark is put together by the shell, so that the echoed line never contains it.
    this.term.write(`${line}; echo "@@${mark.slice(0, 1)}""${mark.slice(1)}@@"\r`);
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const at = this.out.indexOf(`@@${mark}@@`, from);
      if (at >= 0) {
        const text = this.out.slice(from, at).replace(/\r/g, '');
        // What was printed after the line the terminal echoed (twice, when typed ahead).
        const echoed = text.lastIndexOf(`"${mark.slice(1)}@@"`);
        return text.slice(text.indexOf('\n', echoed) + 1);
      }
      if (this.exited !== null) return null;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no answer to ${JSON.stringify(line)}; the terminal shows:\n${this.out}`);
  }

  async close() {
    if (this.exited === null) this.term.kill('SIGKILL');
    await Promise.race([this.ended, new Promise((r) => setTimeout(r, 2000))]);
  }
}

/** A log line of a denial to USER of `what`, waiting a little for syslog. */
async function denialLogged(what) {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const line = logged.split('\n').find((l) => l.includes(`deny user: ${USER}`) && l.includes(what));
    if (line !== undefined) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** USER's processes that run without a seccomp filter: only the host (Node.js) and the supervisor may. */
function unconfined() {
  const uid = Number(run('id', ['-u', USER]).trim());
  const found = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let status;
    let exe = '';
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
      exe = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue;
    }
    if (!new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(status)) continue;
    // A zombie runs nothing; a process under the filter is confined.
    if (/^State:\s+Z/m.test(status) || /^Seccomp:\s+2$/m.test(status)) continue;
    // The host, its supervisor, and the host's logger of denials.
    if (/--login-shell|sysgate-supervisor|^logger --socket \/tmp\/sysgate-login-shell-/.test(exe))
      continue;
    found.push(`${pid} ${exe}`);
  }
  return found;
}

/** Ends every process of USER, and waits until they are gone. */
async function noneLeft() {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    spawnSync('pkill', ['-KILL', '-u', USER]);
    if (spawnSync('pgrep', ['-u', USER]).status !== 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sysgate-shell: a confined login shell', { concurrency: false }, () => {
  test('a permitted command works, as the user, in the user s home', async (t) => {
    if (skip) return t.skip(skip);
    const s = new Login();
    try {
      assert.match(await s.type('ls ~'), /mine/);
      assert.equal((await s.type('cat ~/mine')).trim(), 'my own words');
      assert.equal((await s.type('echo new > ~/made; cat ~/made')).trim(), 'new');
      assert.equal((await s.type('id -un; echo $HOME $SHELL')).trim(), `${USER}\n/home/${USER} /bin/bash`);
      // A login shell, as login(1) makes one: argv[0] "-bash".
      assert.equal((await s.type('echo $0; shopt -q login_shell && echo login')).trim(), '-bash\nlogin');
      // An editor and a pager on the terminal.
      await s.type("vi -c 's/own/edited/' -c wq ~/mine");
      assert.equal((await s.type('cat ~/mine')).trim(), 'my edited words');
      assert.match(await s.type('TERM=xterm less -FX ~/mine'), /my edited words/);
      // Job control: Ctrl-C reaches the command, not sysgate, and the session goes on.
      s.send('sleep 30');
      await new Promise((r) => setTimeout(r, 500));
      s.term.write('\x03');
      assert.equal((await s.type('echo after')).trim(), 'after');
      assert.equal(s.exited, null);
    } finally {
      await s.close();
    }
  });

  test("another user's home and /etc/shadow are denied and logged", async (t) => {
    if (skip) return t.skip(skip);
    const s = new Login();
    try {
      const other = await s.type(`cat /home/${OTHER}/secret`);
      assert.doesNotMatch(other, new RegExp(SECRET));
      assert.match(other, /Permission denied/);
      const line = await denialLogged(`filename: /home/${OTHER}/secret`);
      assert.ok(line, `no denial of /home/${OTHER}/secret in the log:\n${logged}`);
      assert.match(line, /prog: \/usr\/bin\/cat, .*policy: \/usr\/bin\/bash/);
      assert.match(await s.type('cat /etc/shadow'), /Permission denied/);
      assert.ok(await denialLogged('filename: /etc/shadow'), `no denial of /etc/shadow:\n${logged}`);
    } finally {
      await s.close();
    }
  });

  test('exec of another shell, a program the policy does not name, and chsh stay confined', async (t) => {
    if (skip) return t.skip(skip);
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const s = new Login();
    let attempts = 0;
    let escapes = 0;
    const leaks = (text) => text !== null && text.includes(SECRET);
    try {
      // A copy of cat in the home: not a program the policy lets run.
      attempts++;
      const copy = await s.type(`cp /bin/cat ~/mycat && ~/mycat /home/${OTHER}/secret`);
      if (leaks(copy)) escapes++;
      assert.match(copy, /Operation not permitted/);
      assert.ok(await denialLogged(`filename: /home/${USER}/mycat`), `no denial of mycat:\n${logged}`);
      // Programs the policy names, each held to the shell's policy (-i), not one of their own.
      for (const line of [
        `python3 -c 'print(open("/home/${OTHER}/secret").read())'`,
        `/bin/dash -c 'cat /home/${OTHER}/secret'`,
        `env -i /bin/sh -c 'cat /home/${OTHER}/secret'`,
        `perl -e 'open(F, "/home/${OTHER}/secret") && print <F>'`,
        `su ${OTHER} -c 'cat /home/${OTHER}/secret' </dev/null`,
      ]) {
        attempts++;
        if (leaks(await s.type(line))) escapes++;
      }
      // chsh: setuid root, but the session runs with no_new_privs.
      attempts++;
      await s.type('chsh -s /bin/bash </dev/null');
      if (readFileSync('/etc/passwd', 'utf8') !== passwd) escapes++;
      // exec replaces the login shell itself.
      attempts++;
      s.send('exec /bin/dash');
      await s.waitFor(/\n\$ $/);
      const after = await s.type(`cat /home/${OTHER}/secret; ls ~`);
      if (leaks(after)) escapes++;
      assert.match(after, /mine/, 'dash works, as the user');
      assert.equal(unconfined().length, 0, unconfined().join('\n'));
    } finally {
      await s.close();
    }
    t.diagnostic(`attempts ${attempts} escapes ${escapes}`);
    assert.equal(escapes, 0, `attempts ${attempts} escapes ${escapes}`);
    assert.equal(readFileSync('/etc/passwd', 'utf8'), passwd, 'chsh changed /etc/passwd');
  });

  test('killing the supervisor, its group, everything, or the host never leaves the user unconfined', async (t) => {
    if (skip) return t.skip(skip);
    // Each way to end the supervision from inside; after it, the session has ended or is still
    // confined, and no process of the user runs without the filter.
    const ways = [
      'kill -9 $PPID',
      'kill -STOP $PPID',
      'kill -9 -- -$(ps -o pgid= -p $PPID | tr -d " ")',
      'kill -9 $(ps -o ppid= -p $PPID | tr -d " ")',
      '(sleep 600 &) ; kill -9 -1',
      'sh -c \'kill -9 $(cat /proc/$PPID/status | sed -n "s/^PPid:\\t//p")\'',
    ];
    let attempts = 0;
    let escapes = 0;
    const report = [];
    for (const way of ways) {
      const s = new Login();
      try {
        assert.match(await s.type('ls ~'), /mine/);
        attempts++;
        const said = await s.type(way, 5000).catch(() => null);
        let after = null;
        if (s.exited === null) after = await s.type(`cat /home/${OTHER}/secret`, 5000).catch(() => null);
        await new Promise((r) => setTimeout(r, 300));
        const loose = unconfined();
        const escaped = (after !== null && after.includes(SECRET)) || loose.length > 0;
        if (escaped) escapes++;
        report.push(
          `${way}: ${s.exited !== null ? 'session ended' : after === null ? 'session held' : 'still confined'}${said === null ? '' : ''}${loose.length ? ` unconfined: ${loose.join(', ')}` : ''}`,
        );
      } finally {
        await s.close();
        await noneLeft();
      }
    }
    t.diagnostic(report.join('\n'));
    t.diagnostic(`attempts ${attempts} escapes ${escapes}`);
    assert.equal(escapes, 0, report.join('\n'));
  });

  test('the user cannot steer sysgate-shell through its arguments or environment', async (t) => {
    if (skip) return t.skip(skip);
    // What sshd would pass through from ~/.ssh/environment or AcceptEnv: each would run the
    // user's code outside the supervision if sysgate-shell, Node.js or sysgate read it.
    writeFileSync(join(dir, 'hook.js'), "process.stderr.write('HOOKED by NODE_OPTIONS\\n');\n");
    writeFileSync(
      join(dir, 'hook.c'),
      '#include <unistd.h>\n__attribute__((constructor)) static void h(void) { write(2, "HOOKED by the loader\\n", 21); }\n',
    );
    run('cc', ['-shared', '-fPIC', '-o', join(dir, 'hook.so'), join(dir, 'hook.c')]);
    const env = {
      TERM: 'dumb',
      NODE_OPTIONS: `--require ${join(dir, 'hook.js')}`,
      LD_PRELOAD: join(dir, 'hook.so'),
      LD_LIBRARY_PATH: dir,
      SYSGATE_SUPERVISOR: '/bin/true',
      XDG_CONFIG_HOME: '/tmp',
      XDG_CACHE_HOME: '/tmp',
      HOME: '/tmp',
      SHELL: '/bin/dash',
      PATH: dir,
    };
    const uid = Number(run('id', ['-u', USER]).trim());
    const gid = Number(run('id', ['-g', USER]).trim());
    const r = spawnSync(wrapper, ['-c', `echo $HOME $SHELL $PATH; cat /home/${OTHER}/secret`], {
      encoding: 'utf8',
      env,
      uid,
      gid,
      cwd: `/home/${USER}`,
      timeout: 20000,
    });
    assert.doesNotMatch(r.stdout, new RegExp(SECRET));
    assert.match(r.stdout, new RegExp(`^/home/${USER} /bin/bash /usr/local/bin:/usr/bin:/bin$`, 'm'));
    assert.match(r.stderr, /Permission denied/);
    assert.doesNotMatch(r.stderr, /HOOKED/);
    // Arguments other than -c COMMAND and -l are refused, and nothing runs.
    const bad = spawnSync('/usr/bin/su', [USER, '-s', wrapper, '-c', 'true', '--', '--rcfile', '/tmp/x'], {
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.notEqual(bad.status, 0);
  });
});
