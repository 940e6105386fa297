// Takes the README's screenshots from the real UI: `sysgate gui --web`, Debian's Chromium,
// real programs under the real supervisor. Usage: node tools/screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs', 'screenshots');
const home = mkdtempSync(join(tmpdir(), 'sysgate-shots-'));
mkdirSync(join(home, 'work'));
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: join(home, '.config'),
  XDG_RUNTIME_DIR: home,
};
const shell = spawn(
  process.execPath,
  [join(root, 'bin/sysgate.js'), 'gui', '--web', '--port', '0', '--no-open'],
  {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise((resolve) => {
  let text = '';
  shell.stdout.on('data', (d) => {
    text += d;
    const m = /web UI at (\S+)/.exec(text);
    if (m) resolve(m[1]);
  });
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
await page.goto(url);

async function start(command, mode) {
  await page.getByLabel('Command').fill(command);
  await page.getByLabel('Working directory').fill(join(home, 'work'));
  await page.getByRole('radio', { name: mode }).check();
  await page.getByRole('button', { name: 'Start' }).click();
}

await start('ls -l /usr', 'Learn');
await page.getByText(/exited with status 0/).waitFor();
await start('cat /etc/hostname', 'Ask');
await page.getByRole('dialog').waitFor();
await page.waitForTimeout(800);
await page.screenshot({ path: join(out, 'main-window.png') });
await page.getByRole('dialog').screenshot({ path: join(out, 'prompt.png') });
await page.getByRole('button', { name: 'Permit always' }).click();
await page
  .getByText(/exited with status 0/)
  .nth(1)
  .waitFor();
await page.evaluate(() => (location.hash = '#policies'));
await page.getByRole('list', { name: 'Policies' }).getByText('/usr/bin/cat').first().click();
await page.waitForTimeout(300);
await page.screenshot({ path: join(out, 'policies.png') });
await browser.close();
shell.kill('SIGTERM');
await new Promise((r) => shell.on('exit', r));
rmSync(home, { recursive: true, force: true });
console.log(`screenshots in ${out}`);
