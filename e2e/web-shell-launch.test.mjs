// `sysgate gui --web` opening the browser itself: the web shell's token must not be in anything
// another local user can read. A browser's argument list is in /proc/PID/cmdline for everyone;
// the test puts a stand-in `chromium` first on PATH that writes down what it was given, then
// opens, in Debian's Chromium, what the stand-in was told to open, as the real one would.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium, root } from './web-shell-driver.mjs';

const home = mkdtempSync(join(tmpdir(), 'sysgate-e2e-launch-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** Waits until `check()` is true, or fails after `ms`. */
async function until(check, ms, what) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `sysgate gui --web` with `bin` first on PATH (where a stand-in `chromium` waits), in the test's
 * home; what it prints is gathered in `said.out` and `said.err`.
 */
function startGui(bin) {
  const shell = spawn(
    process.execPath,
    [join(root, 'bin/sysgate.js'), 'gui', '--web', '--port', '0'],
    {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        DISPLAY: ':99',
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_RUNTIME_DIR: home,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const said = { out: '', err: '' };
  shell.stdout.on('data', (d) => (said.out += d));
  shell.stderr.on('data', (d) => (said.err += d));
  return { shell, said };
}

test('the browser sysgate opens is given no token on its command line, and the page it opens connects', async () => {
  const bin = join(home, 'bin');
  const record = join(home, 'browser-argv.json');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'chromium'),
    `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));\n`,
  );
  chmodSync(join(bin, 'chromium'), 0o755);

  const { shell, said } = startGui(bin);
  let browser;
  try {
    await until(
      () => /web UI at \S+/.test(said.out) && existsSync(record),
      20_000,
      'the browser to be started',
    );
    const printed = /web UI at (\S+)/.exec(said.out)[1];
    const token = new URL(printed).hash.slice('#token='.length);
    assert.ok(token.length >= 16, printed);

    const argv = JSON.parse(readFileSync(record, 'utf8'));
    assert.ok(
      !argv.join(' ').includes(token),
      `the token is in the browser's arguments: ${argv.join(' ')}`,
    );
    const app = argv.find((a) => a.startsWith('--app='));
    assert.ok(app !== undefined, argv.join(' '));
    const page = fileURLToPath(app.slice('--app='.length));
    // The page holding the token is the user's alone, in a folder that is the user's alone.
    assert.equal(statSync(page).mode & 0o777, 0o600);
    assert.equal(statSync(join(page, '..')).mode & 0o777, 0o700);

    browser = await launchChromium();
    const tab = await browser.newPage();
    await tab.goto(app.slice('--app='.length));
    await tab.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//);
    // Connected: the window lists its sessions, and asks for no token.
    await tab.getByRole('button', { name: 'Start' }).waitFor();
    assert.equal(await tab.getByText(/has no access token/).count(), 0);
    assert.ok(!tab.url().includes(token), 'the token stays out of the address bar');

    // When the shell ends, the page with the token goes with it.
    shell.kill('SIGTERM');
    await new Promise((resolve) => shell.on('exit', resolve));
    assert.ok(!existsSync(page), `${page} is left behind`);
  } finally {
    await browser?.close();
    if (shell.exitCode === null) shell.kill('SIGKILL');
  }
});

test('a browser that refuses to start (Chromium as root without its sandbox) is said, with the address to open', async () => {
  const bin = join(home, 'bin-refusing');
  mkdirSync(bin);
  // What Debian's Chromium does when root starts it without --no-sandbox.
  writeFileSync(
    join(bin, 'chromium'),
    `#!/bin/sh\necho 'Running as root without --no-sandbox is not supported. See https://crbug.com/638180.' >&2\nexit 1\n`,
  );
  chmodSync(join(bin, 'chromium'), 0o755);
  const { shell, said } = startGui(bin);
  try {
    await until(() => /web UI at \S+/.test(said.out), 20_000, 'the address');
    const printed = /web UI at (\S+)/.exec(said.out)[1];
    await until(
      () => said.err.includes(printed),
      10_000,
      `the refusal to be said (stderr: ${said.err})`,
    );
    assert.match(said.err, /chromium did not open the window \(it exited with status 1\)/);
    if (process.getuid() === 0)
      assert.match(said.err, /Chromium does not run as root with its sandbox on/);
    assert.match(
      said.err,
      new RegExp(`open ${printed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in a browser`),
    );
  } finally {
    shell.kill('SIGTERM');
    await new Promise((resolve) => shell.on('exit', resolve));
  }
});
