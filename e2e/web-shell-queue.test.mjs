// The queue of waiting questions end to end, with many waiting at once: the list is virtual
// (renderer/prompts/QuestionQueue.tsx: only the rows in view are in the DOM), yet it holds every
// question, shows the right ones where it is scrolled, and the keyboard reaches every one.
// Debian's Chromium, driven by Playwright, against the real web shell, the real supervisor and
// bench/programs/burst.c (THREADS threads that each open their own missing file at once).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import {
  openWindow,
  root,
  startSession,
  startWebShell,
  writeBurstPolicy,
} from './web-shell-driver.mjs';

const THREADS = 120;
const SCREENSHOTS = join(root, 'build', 'screenshots');

let web;
let browser;
let page;
let burst;
let denied;

before(async () => {
  web = await startWebShell('sysgate-e2e-queue-');
  burst = join(web.home, 'burst');
  denied = join(web.home, 'denied');
  mkdirSync(denied);
  const cc = spawnSync(
    'cc',
    ['-O2', '-pthread', '-o', burst, join(root, 'bench', 'programs', 'burst.c')],
    { encoding: 'utf8' },
  );
  assert.equal(cc.status, 0, cc.stderr);
  // The base template plus the threads: only the opens ask (as bench/desktop.mjs does).
  writeBurstPolicy(web.home, burst);
  mkdirSync(SCREENSHOTS, { recursive: true });
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/** The focused row: its place in the list and the file its question is about. */
function focusedRow() {
  return page.evaluate(() => {
    const button = document.activeElement;
    const li = button?.closest('ul[aria-label="Waiting questions"] > li');
    if (!li) return null;
    const list = li.parentElement;
    const box = button.getBoundingClientRect();
    const view = list.getBoundingClientRect();
    return {
      place: Number(li.getAttribute('aria-posinset')),
      file: /burst-\d+/.exec(button.textContent)?.[0] ?? null,
      visible: box.top >= view.top - 1 && box.bottom <= view.bottom + 1,
    };
  });
}

test('a virtual queue of 120 questions holds them all and the keyboard reaches every one', async () => {
  const session = await startSession(page, {
    command: `${burst} ${denied} ${THREADS}`,
    cwd: web.home,
    mode: 'Ask',
  });
  await page
    .locator('.dock-count', { hasText: `${THREADS} calls waiting` })
    .waitFor({ timeout: 30_000 });
  const list = page.getByRole('list', { name: 'Waiting questions' });
  const rows = list.locator(':scope > li');
  // Virtual: far fewer rows in the DOM than questions, each saying how many there are.
  const drawn = await rows.count();
  assert.ok(drawn > 3 && drawn < 40, `${drawn} rows drawn`);
  assert.equal(await rows.first().getAttribute('aria-setsize'), String(THREADS));
  assert.equal(await rows.first().getAttribute('aria-posinset'), '1');

  // Scrolled to the end, the list draws the last questions, the newest marked.
  await list.evaluate((ul) => (ul.scrollTop = ul.scrollHeight));
  await list.locator(`li[aria-posinset="${THREADS}"]`).waitFor();
  assert.match(
    await list.locator(`li[aria-posinset="${THREADS}"]`).innerText(),
    /burst-\d+[\s\S]*new/,
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'queue-virtual-end.png') });
  await list.evaluate((ul) => (ul.scrollTop = 0));

  // The keyboard: from the first row, ArrowDown to the last, each row in turn, in view.
  await list.locator('li[aria-posinset="1"] button').focus();
  const files = [];
  for (let i = 1; i <= THREADS; i++) {
    const row = await focusedRow();
    assert.equal(row?.place, i, `row ${i}: ${JSON.stringify(row)}`);
    assert.ok(row.visible, `row ${i} is scrolled into view`);
    files.push(row.file);
    if (i < THREADS) await page.keyboard.press('ArrowDown');
  }
  // Every question, each once.
  assert.deepEqual(
    [...new Set(files)].sort(),
    Array.from({ length: THREADS }, (_, i) => `burst-${i}`).sort(),
  );
  await page.keyboard.press('Home');
  assert.equal((await focusedRow())?.place, 1);
  await page.keyboard.press('End');
  assert.equal((await focusedRow())?.place, THREADS);
  await page.keyboard.press('PageUp');
  const up = await focusedRow();
  assert.ok(up.place < THREADS && up.visible, JSON.stringify(up));

  // Enter on a focused row shows its question in the prompt.
  await page.keyboard.press('Enter');
  assert.match(await page.getByRole('dialog').innerText(), new RegExp(`${up.file}\\b`));
  // Tab leaves the list from its one row in the Tab order, and Shift+Tab comes back to it.
  await page.keyboard.press('Tab');
  assert.equal(await focusedRow(), null);
  await page.keyboard.press('Shift+Tab');
  assert.equal((await focusedRow())?.place, up.place);

  await session.getByRole('button', { name: 'Kill' }).click();
  await page.locator('.dock-empty').waitFor({ timeout: 30_000 });
});
