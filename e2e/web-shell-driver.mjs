// What the end-to-end tests, the screenshots and the desktop benchmark share: a real
// `sysgate gui --web` in a home of its own, Debian's Chromium driven by Playwright, and the
// New session form filled in as a person would.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Starts `sysgate gui --web` on a free port with `env` (and `nodeArgs` for node itself); gives
 * the process, the printed address, and the last of what it wrote to stderr.
 */
export async function startGui({ env, nodeArgs = [] }) {
  const shell = spawn(
    process.execPath,
    [...nodeArgs, join(root, 'bin/sysgate.js'), 'gui', '--web', '--port', '0', '--no-open'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  shell.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
    process.stderr.write(d);
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    shell.stdout.on('data', (d) => {
      out += d;
      const m = /web UI at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    shell.on('exit', (code) =>
      reject(new Error(`sysgate gui exited with ${code}: ${out}${stderr}`)),
    );
  });
  return { shell, url, stderr: () => stderr };
}

/**
 * Starts `sysgate gui --web` with an empty home (its policies, its socket for terminals), and
 * gives the home, the environment to run more sysgate commands in it, the printed address, the
 * process and `stop()`. `moreEnv(home)` gives variables to add to the environment.
 */
export async function startWebShell(prefix = 'sysgate-e2e-', moreEnv = () => ({})) {
  const home = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(home, 'work'));
  const env = {
    ...process.env,
    ...moreEnv(home),
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_RUNTIME_DIR: home,
  };
  const { shell, url } = await startGui({ env });
  const stop = async () => {
    if (shell.exitCode === null) {
      shell.kill('SIGTERM');
      await new Promise((resolve) => shell.on('exit', resolve));
    }
    rmSync(home, { recursive: true, force: true });
  };
  return { home, env, url, shell, stop };
}

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The web shell at `url` in a new Chromium window: `{ browser, page }`. */
export async function openWindow(url, viewport = { width: 1440, height: 900 }) {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport });
  await page.goto(url);
  return { browser, page };
}

/**
 * The policy of the burst program (bench/programs/burst.c) in `home`: the base template and the
 * clone calls its threads need, so that only its opens ask.
 */
export function writeBurstPolicy(home, burst) {
  const policies = join(home, '.config', 'sysgate', 'policies');
  mkdirSync(policies, { recursive: true });
  const base = readFileSync(join(root, 'policies', 'templates', 'base'), 'utf8')
    .split('\n')
    .filter((line) => /^\tnative-/.test(line));
  writeFileSync(
    join(policies, burst.slice(1).replace(/[^A-Za-z0-9]/g, '_')),
    `Policy: ${burst}, Emulation: native\n` +
      `\tnative-execve: filename eq "${burst}" then permit\n` +
      [...base, '\tnative-clone: permit', '\tnative-clone3: permit'].join('\n') +
      '\n',
  );
}

/**
 * Fills in the New session form and starts it; gives the new session's panel. `kernel`: with
 * Enforce, the kernel enforces the file rules.
 */
export async function startSession(page, { command, cwd, mode, kernel = false }) {
  const panels = page.getByRole('region', { name: `Session: ${command}` });
  const before = await panels.count();
  await page.getByLabel('Command').fill(command);
  await page.getByLabel('Working directory').fill(cwd);
  await page.getByRole('radio', { name: mode }).check();
  if (kernel) await page.getByRole('checkbox', { name: /Kernel speed/ }).check();
  await page.getByRole('button', { name: 'Start' }).click();
  // The same command may have run before: the new panel is the one that was not there.
  const panel = panels.nth(before);
  await panel.waitFor();
  return panel;
}

/**
 * Saves what an ended Learn session (its panel) learned, as the review shows it: every learned
 * rule kept, no generalisation accepted.
 */
export async function saveLearned(page, panel) {
  await panel.getByRole('button', { name: /^Review \d+ learned rules?$/ }).click();
  const review = page.getByRole('dialog', { name: 'Review learned rules' });
  const saves = review.getByRole('button', { name: /^Save \d+ rules? to the policy for / });
  await saves.first().waitFor();
  while ((await saves.count()) > 0) {
    // Each program's button goes once its rules are saved.
    const name = await saves.first().innerText();
    await review.getByRole('button', { name, exact: true }).click();
    await review.getByRole('button', { name, exact: true }).waitFor({ state: 'detached' });
  }
  await review.getByText('Everything learned has been saved.').waitFor();
  await review.getByRole('button', { name: 'Close' }).click();
}
