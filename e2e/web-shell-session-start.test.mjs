// A session's start while keys are typed (issue 17): the frame that shows a new session's panel
// does not also open its terminal (xterm.js's open and fit, tens of ms in which keys wait), and
// the terminal, opened in a task of its own right after, is drawn at the size it is fitted to,
// once, with the widths of the characters the terminals before it measured. What the program
// wrote meanwhile is in it, and the keyboard reaches it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { join } from 'node:path';

import { launchChromium, startSession, startWebShell } from './web-shell-driver.mjs';

let web;
let browser;

before(async () => {
  web = await startWebShell('sysgate-e2e-session-start-');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/**
 * Runs in the page: notes, for each session panel that appears, whether its terminal was already
 * open by the end of the task that put the panel in the page (the observer is told then), and
 * whether its terminal's rows were ever drawn at another size than their last (xterm.js makes
 * them before it puts them in the page when it opens; a resize adds or takes rows away in the
 * page, and sets each row's width again).
 */
function watchPanels() {
  const seen = new WeakSet();
  window.__panels = [];
  const panels = new MutationObserver(() => {
    for (const panel of document.querySelectorAll('section.session')) {
      if (seen.has(panel)) continue;
      seen.add(panel);
      const record = {
        command: panel.querySelector('.session-command')?.textContent ?? '',
        openInItsTask: panel.querySelector('.xterm') !== null,
        rowsResized: 0,
        measured: [],
      };
      window.__panels.push(record);
      // Rows added or taken away once the terminal is in the page, or a row that had another
      // width than it has now: the terminal was drawn at one size, then at another.
      const width = (style) => /(?:^|;)\s*width:\s*([^;]+)/.exec(style ?? '')?.[1]?.trim();
      new MutationObserver((changes) => {
        for (const { type, target, oldValue, addedNodes } of changes) {
          if (type === 'childList' && target.classList.contains('xterm-rows')) record.rowsResized++;
          // A character measured: its text, 32 times, put in a hidden element of the width
          // cache ('W' is the font's own measure, taken once when the terminal opens).
          if (type === 'childList' && target.closest('.xterm-width-cache-measure-container')) {
            for (const node of addedNodes) {
              const measured = node.nodeValue?.[0];
              if (measured !== undefined && measured !== 'W') record.measured.push(measured);
            }
          }
          if (type !== 'attributes' || !target.parentElement?.classList.contains('xterm-rows'))
            continue;
          // 0px: set before xterm.js had measured its font.
          const was = width(oldValue);
          if (was !== undefined && was !== '0px' && was !== target.style.width) {
            record.rowsResized++;
            record.widths = `${was} then ${target.style.width}`;
          }
        }
      }).observe(panel, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['style'],
        attributeOldValue: true,
      });
    }
  });
  const observe = () =>
    panels.observe(document.documentElement, { childList: true, subtree: true });
  // An init script may run before the document has its element.
  if (document.documentElement) observe();
  else document.addEventListener('DOMContentLoaded', observe);
}

test("a new session's terminal opens after its panel is shown, drawn once at its fitted size with the widths already measured, with the output written before", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(watchPanels);
  await page.goto(web.url);
  const cwd = join(web.home, 'work');
  // The first session's terminal fills the view; the second shares it with the first, so its
  // terminal's size is not the last one fitted. Both write the same line first.
  const line = 'written-at-once 1,2';
  const first = await startSession(page, {
    command: `sh -c 'echo ${line}; sleep 30'`,
    cwd,
    mode: 'Learn',
  });
  await first.locator('.xterm-rows').getByText(line).waitFor();
  const second = await startSession(page, {
    command: `sh -c 'echo ${line}; read line; echo got $line'`,
    cwd,
    mode: 'Learn',
  });
  await second.locator('.xterm-rows').getByText(line).waitFor();
  // A frame or two for a late resize to show.
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
  const panels = await page.evaluate(() => window.__panels);
  assert.equal(panels.length, 2);
  for (const panel of panels) {
    assert.equal(panel.openInItsTask, false, `${panel.command}: opened in the panel's own task`);
  }
  // The first terminal measured the line's characters; the second knows their widths.
  assert.ok(panels[0].measured.length > 0, 'the first terminal measured no character');
  assert.deepEqual(panels[1].measured, [], 'characters measured again by the second terminal');
  assert.equal(
    panels[1].rowsResized,
    0,
    `the second terminal's rows were drawn again at another size (${panels[1].widths})`,
  );

  // The keyboard reaches the program through its terminal.
  await second.locator('.xterm-screen').click();
  await page.keyboard.type('typed\n');
  await second.locator('.xterm-rows').getByText('got typed').waitFor();
  await page.close();
});
