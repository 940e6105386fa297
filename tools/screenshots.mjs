// Takes the README's screenshots from the real UI: `sysgate gui --web`, Debian's Chromium,
// real programs under the real supervisor. Usage: node tools/screenshots.mjs
import { join } from 'node:path';

import {
  launchChromium,
  root,
  saveLearned,
  startSession,
  startWebShell,
} from '../e2e/web-shell-driver.mjs';

const out = join(root, 'docs', 'screenshots');
const web = await startWebShell('sysgate-shots-');
const home = web.home;
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
await page.goto(web.url);

function start(command, mode) {
  return startSession(page, { command, cwd: join(home, 'work'), mode });
}

const learned = await start('ls -l /usr', 'Learn');
await page.getByText(/exited with status 0/).waitFor();
await saveLearned(page, learned);
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
const rules = page.getByRole('grid', { name: 'Rules of /usr/bin/cat' });
await rules.getByRole('row').filter({ hasText: '/etc/hostname' }).click();
await page.getByRole('button', { name: 'Explain…' }).click();
await page.getByLabel('Arguments, one name=value a line').fill('filename=/etc/hostname');
await page.getByLabel('Filter rules').fill('/etc');
await page.waitForTimeout(300);
await page.screenshot({ path: join(out, 'policies.png') });

// A denial in the History view, its record open.
await page.evaluate(() => (location.hash = '#sessions'));
const denied = await start('cat /etc/shadow', 'Enforce');
await denied.getByText(/exited with status 1/).waitFor();
await page.evaluate(() => (location.hash = '#history'));
const records = page.getByRole('rowgroup', { name: 'Records, newest first' }).getByRole('row');
await records.filter({ hasText: '/etc/shadow' }).first().click();
await page.getByRole('complementary', { name: 'Record details' }).waitFor();
await page.waitForTimeout(300);
await page.screenshot({ path: join(out, 'history.png') });
await browser.close();
await web.stop();
console.log(`screenshots in ${out}`);
