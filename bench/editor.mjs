// The policy editor part of `npm run bench`: a learned-looking policy of 5,000 rules opened in the
// web shell in Debian's Chromium. Measured in the page, each from the action to the frame painted
// after the table shows its result:
//   open    the address asks for the policy → its rows are drawn (read over the WebSocket,
//           parse, lint, first rows)
//   scroll  the table scrolled a page at a time, top to bottom: the longest and the median frame
//   filter  a query typed into "Filter rules" → the matching rows drawn (median of several)
//   edit    a rule switched off with Space → the table drawn again (the whole text re-checked)
// Usage: node bench/editor.mjs [--rules 5000]
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { CHROMIUM, launchChromium, root, startWebShell } from '../e2e/web-shell-driver.mjs';

const PROGRAM = '/usr/bin/learned-big';

/** What a long Learn run and a review leave: mostly exact paths, some patterns, some denials. */
function bigPolicy(rules) {
  const lines = [`Policy: ${PROGRAM}, Emulation: native`];
  for (let i = 0; i < rules; i++) {
    const k = i % 10;
    if (k < 6)
      lines.push(`\tnative-fsread: filename eq "/usr/share/doc/pkg${i}/README" then permit`);
    else if (k === 6) lines.push(`\tnative-fsread: filename match "/opt/tree${i}/*" then permit`);
    else if (k === 7)
      lines.push(`\tnative-fswrite: filename eq "$HOME/out/${i}.txt" then deny[eacces] log`);
    else if (k === 8)
      lines.push(
        `\tnative-connect: sockaddr eq "inet-[10.0.${i % 250}.1]:${1000 + i}" then permit`,
      );
    else lines.push(`\tnative-stat: filename eq "/var/lib/state/${i}" then permit`);
  }
  return lines.join('\n') + '\n';
}

/** In the page: runs `act`, and gives the time until the start of the frame that shows `done()`. */
function measure(act, done) {
  return new Promise((resolve) => {
    const start = performance.now();
    act();
    const check = () =>
      done() ? resolve(performance.now() - start) : requestAnimationFrame(check);
    requestAnimationFrame(check);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchEditor(argv = process.argv.slice(2)) {
  const at = argv.indexOf('--rules');
  const RULES = at >= 0 ? Number(argv[at + 1]) : 5000;
  console.log(
    `\npolicy editor (web shell in Chromium, ${RULES} rules, ${new Date().toISOString()})`,
  );
  if (!existsSync(CHROMIUM)) {
    console.log(`editor: skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
    return;
  }
  if (!existsSync(join(root, 'build', 'renderer', 'index.html'))) {
    console.log('editor: skipped: the window is not built (npm run build)');
    return;
  }
  const web = await startWebShell('sysgate-bench-editor-');
  let browser;
  try {
    const policies = join(web.home, '.config', 'sysgate', 'policies');
    mkdirSync(policies, { recursive: true });
    writeFileSync(join(policies, 'usr_bin_learned_big'), bigPolicy(RULES), { mode: 0o600 });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(`window.measure = ${measure.toString()};`);
    await page.goto(web.url);
    await page.getByLabel('Command').waitFor();

    const open = await page.evaluate(
      (program) =>
        window.measure(
          () => (location.hash = `#policies&policy=${encodeURIComponent(program)}`),
          () => document.querySelector('[role=grid] [aria-rowindex="2"]') !== null,
        ),
      PROGRAM,
    );

    const frames = await page.evaluate(async () => {
      const scroller = document.querySelector('.rule-scroll');
      const gaps = [];
      while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
        const top = scroller.scrollTop;
        gaps.push(
          await window.measure(
            () => (scroller.scrollTop = top + scroller.clientHeight),
            () => true,
          ),
        );
      }
      return gaps;
    });

    const filter = page.getByLabel('Filter rules');
    const filters = [];
    for (const query of ['tree', 'connect', 'pkg4', 'eacces', 'no such rule', '']) {
      await filter.focus();
      filters.push(
        await page.evaluate(
          (q) =>
            window.measure(
              () => {
                const input = document.activeElement;
                const set = Object.getOwnPropertyDescriptor(
                  HTMLInputElement.prototype,
                  'value',
                ).set;
                set.call(input, q);
                input.dispatchEvent(new Event('input', { bubbles: true }));
              },
              () => {
                const rows = document.querySelectorAll('[role=grid] .rule-body [role=row]');
                return [...rows].every((r) => r.textContent.includes(q) || q === 'eacces');
              },
            ),
          query,
        ),
      );
    }

    await page.getByRole('grid').click();
    await page.keyboard.press('Home');
    const edit = await page.evaluate(() =>
      window.measure(
        () =>
          document
            .querySelector('[role=grid]')
            .dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true })),
        () => document.querySelector('[role=grid] .rule-row.disabled') !== null,
      ),
    );

    const ms = (x) => `${x.toFixed(0)} ms`;
    console.log(`open (read, parse, lint, first rows painted)   ${ms(open)}`);
    console.log(
      `scroll a page (${frames.length} pages)              median ${ms(median(frames))}, longest ${ms(Math.max(...frames))}`,
    );
    console.log(
      `filter (${filters.length} queries)                       median ${ms(median(filters))}, longest ${ms(Math.max(...filters))}`,
    );
    console.log(`edit (switch a rule off, all re-checked)       ${ms(edit)}`);
  } catch (e) {
    console.log(`editor: failed: ${e instanceof Error ? e.stack : e}`);
    process.exitCode = 1;
  } finally {
    await browser?.close();
    await web.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchEditor();
