// The desktop app end to end, through Playwright's Electron support: start `cat /etc/hostname` in
// Ask mode from the New session form, answer its questions (Deny the one about /etc/hostname),
// and see cat's own error in the session's terminal. It also checks what the preload gives the
// page (exactly the contract's commands and `on`, no Node) and the window's settings.
//
// It runs where the Electron binary is installed (node_modules/electron/dist) and there is a
// display (X or Wayland, or Xvfb to start one); elsewhere it is reported as skipped, with why.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const helper = join(root, 'build', 'app', 'core', 'electron-binary.js');

async function electron() {
  if (!existsSync(helper)) return { reason: 'the host is not built (npm run build)' };
  const { electronStatus } = await import(pathToFileURL(helper).href);
  return electronStatus();
}

const status = await electron();
const display = status.reason === undefined ? findDisplay() : null;
const skip =
  status.reason !== undefined
    ? `Electron is not installed here: ${status.reason}`
    : display.reason !== undefined
      ? `no display for Electron here: ${display.reason}`
      : false;

/** The display to use: the session's own, else an Xvfb of our own, else why there is none. */
function findDisplay() {
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return { env: {} };
  if (spawnSync('which', ['Xvfb']).status !== 0)
    return { reason: 'no DISPLAY and no Xvfb (apt-get install xvfb)' };
  return { xvfb: true };
}

let home;
let xvfb = null;
let app = null;

before(async () => {
  if (skip) return;
  home = mkdtempSync(join(tmpdir(), 'sysgate-electron-'));
  if (display.xvfb) {
    const number = 90 + Math.floor(Math.random() * 400);
    xvfb = spawn('Xvfb', [`:${number}`, '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'], {
      stdio: 'ignore',
    });
    display.env = { DISPLAY: `:${number}` };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const { _electron } = await import('playwright-core');
  app = await _electron.launch({
    executablePath: status.binary,
    args: [status.main],
    cwd: home,
    env: {
      ...process.env,
      ...display.env,
      // Nobody's own policies or settings: an empty home, and the app's data in it.
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_RUNTIME_DIR: home,
      ELECTRON_RUN_AS_NODE: '',
    },
    timeout: 60_000,
  });
});

after(async () => {
  await app?.close().catch(() => undefined);
  xvfb?.kill();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** Polls `read` until it gives something that matches, or fails with what it last saw. */
async function eventually(read, pattern, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await read();
    if (pattern.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${what}: ${pattern} not seen; last: ${JSON.stringify(last.slice(-500))}`);
}

test(
  'the page gets exactly the contract (one function per command, and on) and no Node',
  { skip },
  async () => {
    const page = await app.firstWindow();
    const seen = await page.evaluate(() => ({
      keys: Object.keys(window.sysgate).sort(),
      kinds: [...new Set(Object.values(window.sysgate).map((v) => typeof v))],
      require: typeof require,
      process: typeof process,
      origin: location.origin,
    }));
    const { COMMAND_NAMES } = await import(
      pathToFileURL(join(root, 'build', 'app', 'common', 'contract.js')).href
    );
    assert.deepEqual(seen.keys, [...COMMAND_NAMES, 'on'].sort());
    assert.deepEqual(seen.kinds, ['function']);
    assert.equal(seen.require, 'undefined');
    assert.equal(seen.process, 'undefined');
    assert.equal(seen.origin, 'sysgate://app');
    // An event that is not in the contract is refused, and a malformed command is rejected.
    const refusals = await page.evaluate(async () => {
      let unknownEvent = '';
      try {
        window.sysgate.on('nonsense', () => undefined);
      } catch (e) {
        unknownEvent = String(e);
      }
      const badArguments = await window.sysgate.stopSession({ not: 'an id' }).then(
        () => 'resolved',
        (e) => String(e),
      );
      return { unknownEvent, badArguments };
    });
    assert.match(refusals.unknownEvent, /no event nonsense/);
    assert.match(refusals.badArguments, /bad arguments for stopSession/);
  },
);

test(
  'the windows are sandboxed, isolated, without Node, and open nothing else',
  { skip },
  async () => {
    const page = await app.firstWindow();
    const settings = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((w) => {
        const p = w.webContents.getLastWebPreferences();
        return {
          sandbox: p.sandbox,
          contextIsolation: p.contextIsolation,
          nodeIntegration: p.nodeIntegration,
          webSecurity: p.webSecurity,
        };
      }),
    );
    for (const s of settings)
      assert.deepEqual(s, {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
      });
    const before = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    await page.evaluate(() => window.open('https://example.com/'));
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length),
      before,
    );
    assert.match(page.url(), /^sysgate:\/\/app\//);
  },
);

test(
  'Ask mode: cat /etc/hostname asks, Deny, and cat says "Operation not permitted"',
  { skip },
  async () => {
    const page = await app.firstWindow();
    await page.getByLabel('Command').fill('cat /etc/hostname');
    await page.getByRole('radio', { name: 'Ask' }).check();
    await page.getByRole('button', { name: 'Start' }).click();

    const terminal = page.locator('.xterm-rows').first();
    const terminalText = () =>
      terminal.textContent().then(
        (t) => t ?? '',
        () => '',
      );
    // Answer every question until the one about /etc/hostname (the base template answers what the
    // loader and the C library do; what is left depends on the C library).
    const deadline = Date.now() + 30_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'no question about /etc/hostname');
      const prompt = page.getByRole('dialog').first();
      await prompt.waitFor({ timeout: 20_000 });
      const text = (await prompt.textContent()) ?? '';
      if (text.includes('/etc/hostname')) {
        await prompt.getByRole('button', { name: 'Deny', exact: true }).click();
        break;
      }
      await prompt.getByRole('button', { name: 'Permit', exact: true }).click();
      // The next question may come in the same place: wait for this one to go.
      await eventually(
        () =>
          prompt.textContent({ timeout: 1000 }).then(
            (t) => (t === text ? 'same' : 'gone'),
            () => 'gone',
          ),
        /gone/,
        'the answered question',
      );
    }
    await eventually(terminalText, /cat: \/etc\/hostname: Operation not permitted/, 'the terminal');
  },
);
