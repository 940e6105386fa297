// A daemon under sysgate, started exactly as packaging/systemd/sysgate@.service starts it: the
// shipped lighttpd policy (policies/usr_sbin_lighttpd), configuration and unit, with every place
// they name moved below a temporary root ($SYSGATE_SYSTEM_ROOT for sysgate's own). lighttpd
// serves a file on 127.0.0.1; a request for a name in its document root that leads out of it
// (a symbolic link) is denied, the denial reaches a real syslog datagram socket in systrace's
// line format and the system history; lighttpd goes on serving. Needs Debian's lighttpd
// (.ci/run installs it) and root (sysgate -c starts it as www-data).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = new URL('../..', import.meta.url).pathname;
const LIGHTTPD = '/usr/sbin/lighttpd';
const UNIT = join(root, 'packaging/systemd/sysgate@.service');
const INSTANCE = join(root, 'packaging/systemd/daemons/lighttpd.conf');
const CONFIG = join(root, 'packaging/lighttpd/sysgate.conf');
const POLICY = join(root, 'policies/usr_sbin_lighttpd');
/** The places the shipped files name, each moved below the test's root. */
const PLACES = ['/etc/lighttpd/sysgate.conf', '/var/www/html', '/var/log/lighttpd', '/var/cache'];
const asRoot = process.getuid() === 0;

let top;
let port;
let daemon;
let daemonOutput = '';
let receiver;
let syslog = '';

/** A shipped file's text with its places below `top` and its port the test's. */
function moved(text) {
  let out = text;
  for (const place of PLACES) out = out.split(place).join(join(top, place));
  return out.replace(/\b8080\b/g, String(port));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: p } = server.address();
      server.close(() => resolve(p));
    });
  });
}

/** `KEY=value` lines, as systemd reads an EnvironmentFile (comments and blank lines skipped). */
function environmentFile(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].trim();
  }
  return env;
}

/** One key of the unit's [Service] section, every value in order. */
function unitValues(text, key) {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${key}=`))
    .map((line) => line.slice(key.length + 1));
}

/**
 * ExecStart's words as systemd expands them: `${VAR}` is one word, `$VAR` alone is split at
 * white space (systemd.service, "Command lines").
 */
function execStart(line, env) {
  return line.split(/\s+/).flatMap((word) => {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(word);
    if (whole) return (env[whole[1]] ?? '').split(/\s+/).filter(Boolean);
    return [word.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name) => env[name] ?? '')];
  });
}

function request(path) {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer in 5 s`)));
    req.on('error', reject);
  });
}

async function waitFor(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > end)
      assert.fail(`${what} did not happen in ${ms / 1000} s; sysgate said:\n${daemonOutput}`);
    await sleep(100);
  }
}

before(async () => {
  if (!asRoot) return;
  assert.ok(
    existsSync(LIGHTTPD),
    `${LIGHTTPD} is missing: this test runs Debian's lighttpd under sysgate ` +
      '(apt-get install lighttpd; .ci/run installs it)',
  );
  top = mkdtempSync(join(tmpdir(), 'sysgate-daemon-'));
  // www-data walks to its configuration and document root below it.
  chmodSync(top, 0o755);
  port = await freePort();
  const dir = (path, mode = 0o755) => {
    mkdirSync(join(top, path), { recursive: true });
    chmodSync(join(top, path), mode);
    return join(top, path);
  };
  const file = (path, text) => writeFileSync(join(top, path), text, { mode: 0o644 });
  dir('etc/sysgate/policies');
  dir('etc/sysgate/daemons');
  dir('etc/lighttpd');
  dir('var/www/html');
  dir('srv');
  dir('root', 0o700);
  const log = dir('var/log/lighttpd', 0o750);
  chownSync(log, 33, 33);
  file('etc/sysgate/policies/usr_sbin_lighttpd', moved(readFileSync(POLICY, 'utf8')));
  file('etc/sysgate/daemons/lighttpd.conf', moved(readFileSync(INSTANCE, 'utf8')));
  file('etc/lighttpd/sysgate.conf', moved(readFileSync(CONFIG, 'utf8')));
  file('var/www/html/index.html', 'served under sysgate\n');
  // Readable by www-data: only the policy keeps lighttpd from it.
  file('srv/secret.txt', 'not for the web\n');
  symlinkSync(join(top, 'srv/secret.txt'), join(top, 'var/www/html/leak.txt'));
  // A folder beside the document root whose name begins with the root's: not below it.
  dir('var/www/html.old');
  file('var/www/html.old/page.html', 'an old page\n');
  symlinkSync(join(top, 'var/www/html.old/page.html'), join(top, 'var/www/html/old.html'));

  receiver = spawn('python3', [
    '-c',
    'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready",flush=True)\nwhile True: print(s.recv(65536).decode(),flush=True)',
    join(top, 'log.sock'),
  ]);
  receiver.stdout.on('data', (d) => (syslog += d));
  await new Promise((resolve) => receiver.stdout.once('data', resolve));
});

after(async () => {
  if (daemon !== undefined && daemon.exitCode === null) {
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    await exited;
  }
  receiver?.kill();
  if (top !== undefined) rmSync(top, { recursive: true, force: true });
});

/** The environment systemd gives the unit's service, with sysgate's places below `top`. */
function serviceEnvironment(unit) {
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: join(top, 'root'),
    SYSGATE_SYSTEM_ROOT: top,
    SYSGATE_SYSLOG_SOCKET: join(top, 'log.sock'),
  };
  for (const value of unitValues(unit, 'Environment'))
    for (const assignment of value.split(/\s+/)) {
      const [name, ...rest] = assignment.split('=');
      env[name] = moved(rest.join('='));
    }
  const [instanceFile] = unitValues(unit, 'EnvironmentFile');
  assert.equal(instanceFile, '/etc/sysgate/daemons/%i.conf');
  Object.assign(
    env,
    environmentFile(readFileSync(join(top, 'etc/sysgate/daemons/lighttpd.conf'), 'utf8')),
  );
  return env;
}

test('the unit template is a valid systemd unit', { skip: !asRoot && 'needs root' }, () => {
  const verify = '/usr/bin/systemd-analyze';
  assert.ok(existsSync(verify), `${verify} is missing (apt-get install systemd; .ci/run does)`);
  // Verified as installed, with sysgate where this checkout has it.
  const units = mkdtempSync(join(tmpdir(), 'sysgate-unit-'));
  try {
    const text = readFileSync(UNIT, 'utf8').replaceAll(
      '/usr/local/bin/sysgate',
      join(root, 'bin/sysgate'),
    );
    writeFileSync(join(units, 'sysgate@.service'), text);
    const result = spawnSync(verify, ['verify', '--man=no', 'sysgate@lighttpd.service'], {
      cwd: units,
      encoding: 'utf8',
      timeout: 30000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), '', 'systemd-analyze warns about the unit');
  } finally {
    rmSync(units, { recursive: true, force: true });
  }
});

test(
  'lighttpd under sysgate -U -a serves, a request that leads out of its policy is denied and logged, and it goes on serving',
  { skip: !asRoot && 'needs root: sysgate -c starts the daemon as www-data' },
  async () => {
    const unit = readFileSync(UNIT, 'utf8');
    const env = serviceEnvironment(unit);
    const [line] = unitValues(unit, 'ExecStart');
    const argv = execStart(line, env);
    assert.deepEqual(argv.slice(0, 6), [
      '/usr/local/bin/sysgate',
      '-U',
      '-a',
      '-c',
      'www-data:www-data',
      LIGHTTPD,
    ]);
    // As systemd starts it: no terminal (a session of its own), standard input /dev/null.
    daemon = spawn(join(root, 'bin/sysgate'), argv.slice(1), {
      env,
      cwd: '/',
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    daemon.stdout.on('data', (d) => (daemonOutput += d));
    daemon.stderr.on('data', (d) => (daemonOutput += d));

    const first = await waitFor('lighttpd answering on 127.0.0.1', () => request('/'));
    assert.deepEqual(first, { status: 200, body: 'served under sysgate\n' });

    const leak = await request('/leak.txt');
    assert.notEqual(leak.status, 200);
    assert.doesNotMatch(leak.body, /not for the web/);
    const secret = join(top, 'srv/secret.txt');
    const line1 = await waitFor('the denial on syslog', () =>
      syslog.split('\n').find((l) => l.includes(secret)),
    );
    assert.match(
      line1,
      new RegExp(
        String.raw`^<\d+>.*sysgate\[\d+\]: deny user: www-data, prog: /usr/sbin/lighttpd, pid: \d+\(0\)\[\d+\], ` +
          String.raw`policy: /usr/sbin/lighttpd, filters: \d+, syscall: native-\w+\(\d+\), filename: ` +
          secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') +
          '$',
      ),
    );

    const beside = await request('/old.html');
    assert.notEqual(beside.status, 200);
    assert.doesNotMatch(beside.body, /an old page/);
    await waitFor('the denial of the folder beside the root on syslog', () =>
      syslog.split('\n').find((l) => l.endsWith(join(top, 'var/www/html.old/page.html'))),
    );

    // It goes on serving.
    assert.deepEqual(await request('/'), { status: 200, body: 'served under sysgate\n' });
    assert.equal((await request('/index.html')).status, 200);
    assert.equal(daemon.exitCode, null, daemonOutput);

    // The denial is in the system history, which `sysgate log --system` reads.
    const log = await waitFor('the denial in the system history', () => {
      const r = spawnSync(
        process.execPath,
        [join(root, 'bin/sysgate.js'), 'log', '--system', '--json', 'action:deny'],
        { env: { ...process.env, SYSGATE_SYSTEM_ROOT: top }, encoding: 'utf8' },
      );
      return r.stdout.includes(secret) ? r.stdout : null;
    });
    const record = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((r) => r.args.filename?.includes(secret));
    assert.equal(record.program, LIGHTTPD);
    assert.equal(record.action, 'deny');
    assert.equal(record.by, 'default');
    assert.equal(record.user, 'www-data');
    assert.ok(existsSync(join(top, 'var/lib/sysgate/history.sqlite3')));
  },
);

test(
  'with no terminal and no app, a -U run asks nobody: what its policy does not answer is denied at once and logged',
  { skip: !asRoot && 'needs root' },
  () => {
    const base = readFileSync(join(root, 'policies/templates/base'), 'utf8');
    writeFileSync(
      join(top, 'etc/sysgate/policies/usr_bin_cat'),
      'Policy: /usr/bin/cat, Emulation: native\n' +
        '\tnative-execve: filename eq "/usr/bin/cat" then permit\n' +
        base
          .split('\n')
          .filter((l) => l.startsWith('\t'))
          .join('\n') +
        '\n',
      { mode: 0o644 },
    );
    const runtime = mkdtempSync(join(tmpdir(), 'sysgate-noapp-'));
    const secret = join(top, 'srv/secret.txt');
    const started = Date.now();
    // Neither -a nor -t: sysgate would ask a terminal or the desktop app, and there is neither.
    const result = spawnSync('setsid', ['-w', join(root, 'bin/sysgate'), '-U', 'cat', secret], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: join(top, 'root'),
        XDG_RUNTIME_DIR: runtime,
        SYSGATE_SYSTEM_ROOT: top,
        SYSGATE_SYSLOG_SOCKET: join(top, 'log.sock'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 20000,
    });
    rmSync(runtime, { recursive: true, force: true });
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /cat: .*secret\.txt: Operation not permitted/);
    assert.ok(Date.now() - started < 10000, 'the run waited for an answer');
    return waitFor('the denial of cat on syslog', () =>
      syslog
        .split('\n')
        .find((l) => /deny user: root, prog: \/usr\/bin\/cat, .*syscall: native-openat/.test(l)),
    );
  },
);
