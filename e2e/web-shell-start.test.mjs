// The page's start (issue 17): the view the page opens on needs only its own script. The policy
// editor (CodeMirror) and the terminals (xterm.js) are chunks of their own, fetched once the page
// has settled or when first needed, and a view shown before its chunk has come shows its heading,
// never a blank page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { join } from 'node:path';

import { launchChromium, startSession, startWebShell } from './web-shell-driver.mjs';

/** The editor's and the terminals' chunks (vite.config.ts, window/App.tsx, terminal/lazy-registry.ts). */
const LATER = /\/assets\/(PoliciesView|registry)-[\w-]+\.js$/;

let web;
let browser;

before(async () => {
  web = await startWebShell('sysgate-e2e-start-');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/** A new page that keeps the size of each script it is sent, in order. */
async function watchedPage() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const scripts = [];
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return;
    const entry = { url: response.url(), bytes: 0 };
    scripts.push(entry);
    // A page closed meanwhile has no body to give: its size no longer matters.
    entry.bytes = await response.body().then(
      (body) => body.length,
      () => 0,
    );
  });
  return { page, scripts };
}

test("the History view shows its records without the editor's and the terminals' scripts; they come once the page has settled", async () => {
  const { page, scripts } = await watchedPage();
  await page.goto(web.url.replace('#', '#history&'));
  await page.getByText('0 records').waitFor();
  const before = scripts.map((s) => s.url);
  assert.deepEqual(
    before.filter((url) => LATER.test(url)),
    [],
    `scripts before the records: ${before.join(', ')}`,
  );
  const bytes = scripts.reduce((sum, s) => sum + s.bytes, 0);
  assert.ok(bytes < 500_000, `${bytes} bytes of script before the first records`);

  // Settled: both chunks come by themselves, and the editor's view is then there at once.
  for (let i = 0; i < 100 && scripts.filter((s) => LATER.test(s.url)).length < 2; i++) {
    await page.waitForTimeout(100);
  }
  assert.equal(
    scripts.filter((s) => LATER.test(s.url)).length,
    2,
    scripts.map((s) => s.url).join(', '),
  );
  await page.getByRole('button', { name: 'Policies', exact: true }).click();
  await page.getByText('Choose a policy to see and edit its rules.').waitFor({ timeout: 10_000 });
  // The nav button keeps the keyboard focus, as for any view.
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Policies');
  await page.close();
});

test('a page opened on Policies fetches the editor at once and shows the view', async () => {
  const { page, scripts } = await watchedPage();
  await page.goto(web.url.replace('#', '#policies&'));
  await page.getByText('Choose a policy to see and edit its rules.').waitFor();
  assert.ok(scripts.some((s) => /PoliciesView/.test(s.url)));
  await page.close();
});

test('a session started as soon as the page shows has its output in its terminal, drawn once xterm.js has come', async () => {
  const { page } = await watchedPage();
  await page.goto(web.url);
  const panel = await startSession(page, {
    command: "sh -c 'echo started-early; echo second line'",
    cwd: join(web.home, 'work'),
    mode: 'Learn',
  });
  await panel.getByText(/exited with status 0/).waitFor({ timeout: 30_000 });
  await panel.locator('.xterm-rows').getByText('started-early').waitFor();
  await panel.locator('.xterm-rows').getByText('second line').waitFor();
  await page.close();
});
