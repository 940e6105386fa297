// A window that reloads while a full-screen program runs draws the screen the program drew, as
// it was: its text, its colours, the alternate screen it is on (app/core/runs/terminal-replay.ts).
// Debian's Chromium, driven by Playwright, against the real web shell and real programs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { openWindow, root, startSession, startWebShell } from './web-shell-driver.mjs';

let web;
let browser;
let page;

before(async () => {
  web = await startWebShell('sysgate-e2e-replay-');
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/**
 * The rows the session's terminal shows: each row's text, and its runs of colour and other
 * attributes as xterm.js draws them (the classes of its spans, the cursor's left out).
 */
function screen(panel) {
  return panel.locator('.xterm-rows').evaluate((rows) =>
    [...rows.children].map((row) => {
      const runs = [];
      for (const span of row.querySelectorAll('span')) {
        const style = span.className.replace(/\bxterm-cursor\S*/g, '').trim();
        const last = runs.at(-1);
        if (last !== undefined && last.style === style) last.text += span.textContent;
        else runs.push({ style, text: span.textContent });
      }
      return { text: row.textContent, runs: runs.filter((r) => r.style !== '') };
    }),
  );
}

// A full-screen program as top or a pager draws one: coloured lines on the shell's screen, then
// the alternate screen in yellow on blue, redrawn far more often than a raw scrollback could keep
// (600 kB of output after the colours were set), then a red READY, and it waits.
const DRAW = `
i=0
while [ $i -lt 5 ]; do printf '\\033[1;3%dmshell line %d\\033[0m\\r\\n' $((i + 1)) $i; i=$((i + 1)); done
printf '\\033[?1049h\\033[H\\033[2J\\033[44;33m'
n=0
while [ $n -lt 1500 ]; do
  printf '\\033[H'
  j=0
  while [ $j -lt 8 ]; do printf 'frame %5d row %d of the full-screen program\\033[K\\r\\n' $n $j; j=$((j + 1)); done
  n=$((n + 1))
done
printf '\\033[1;31mREADY\\033[0m\\033[44;33m'
exec sleep 120
`;

test('a reloaded window shows the full-screen program as it drew itself, colours and all', async () => {
  const work = join(web.home, 'work');
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'draw.sh'), DRAW);
  const command = 'sh draw.sh';
  let panel = await startSession(page, { command, cwd: work, mode: 'Learn' });
  await panel.getByText('READY').waitFor({ timeout: 60_000 });
  const drawn = await screen(panel);
  const text = drawn.map((row) => row.text);
  assert.match(text[0], /^frame  1499 row 0 of the full-screen program/);
  assert.match(text[8], /^READY/);
  // Yellow on blue to the end of each row (the erase takes the background), READY in red.
  assert.ok(
    drawn[0].runs.some((r) => /xterm-bg-4/.test(r.style) && /xterm-fg-3/.test(r.style)),
    JSON.stringify(drawn[0]),
  );
  assert.ok(drawn[8].runs.some((r) => r.text === 'READY' && /xterm-fg-9|xterm-fg-1/.test(r.style)));

  await page.reload();
  panel = page.getByRole('region', { name: `Session: ${command}` });
  await panel.getByText('READY').waitFor({ timeout: 20_000 });
  // The replay is written after the panel is laid out: give xterm.js a frame to draw it.
  await page.waitForTimeout(300);
  assert.deepEqual(await screen(panel), drawn);
  mkdirSync(join(root, 'build', 'screenshots'), { recursive: true });
  await panel.screenshot({ path: join(root, 'build', 'screenshots', 'e2e-replay.png') });
  await panel.getByRole('button', { name: 'Stop' }).click();
});

test('a reloaded window shows less as it was, and q still leaves it', async () => {
  const work = join(web.home, 'work');
  const lines = Array.from(
    { length: 200 },
    (_, i) => `\x1b[3${(i % 6) + 1}mcoloured line ${i}\x1b[0m of a long file`,
  );
  writeFileSync(join(work, 'colours.txt'), `${lines.join('\n')}\n`);
  const command = 'less -R colours.txt';
  let panel = await startSession(page, { command, cwd: work, mode: 'Learn' });
  await panel.getByText('coloured line 0', { exact: false }).waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);
  const drawn = await screen(panel);
  assert.ok(drawn.some((row) => row.runs.some((r) => /xterm-fg-2/.test(r.style))));

  await page.reload();
  panel = page.getByRole('region', { name: `Session: ${command}` });
  await panel.getByText('coloured line 0', { exact: false }).waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);
  assert.deepEqual(await screen(panel), drawn);
  await panel.screenshot({ path: join(root, 'build', 'screenshots', 'e2e-replay-less.png') });

  // Reloaded on another view, the terminal has no box to fit when the replay comes: it is drawn
  // at the size the program drew it, not at a default one.
  await page.getByRole('button', { name: 'History', exact: true }).click();
  await page.reload();
  await page.getByRole('button', { name: 'Sessions', exact: true }).click();
  panel = page.getByRole('region', { name: `Session: ${command}` });
  await panel.getByText('coloured line 0', { exact: false }).waitFor({ timeout: 20_000 });
  await page.waitForTimeout(300);
  assert.deepEqual(await screen(panel), drawn);

  await panel.locator('.xterm').click();
  await page.keyboard.press('q');
  await panel.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
});
