// The desktop's rough edges (issue 15), each as a person meets it in the web shell in Debian's
// Chromium: what they see on hover, after a mistake, in a second window, in a narrow column.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium, root, startSession, startWebShell } from './web-shell-driver.mjs';

const SCREENSHOTS = join(root, 'build', 'screenshots');

const ENV = '/usr/bin/env';
let web;
let browser;
let main;
/** The Content-Security-Policy violations the main page reported. */
const violations = [];

before(async () => {
  web = await startWebShell('sysgate-e2e-edges-');
  mkdirSync(SCREENSHOTS, { recursive: true });
  const policies = join(web.home, '.config/sysgate/policies');
  mkdirSync(policies, { recursive: true });
  writeFileSync(
    join(policies, 'usr_bin_env'),
    `Policy: ${ENV}, Emulation: native\n\tnative-fsread: filename match "/etc/*" then permit\n\tnative-execve: permit\n`,
    { mode: 0o600 },
  );
  browser = await launchChromium();
  main = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  main.on('pageerror', (e) => console.error('PAGE ERROR', e.message));
  await main.exposeFunction('reportViolation', (v) => violations.push(v));
  await main.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      window.reportViolation(`${e.effectiveDirective} ${e.blockedURI}`),
    ),
  );
  await main.goto(web.url);
  await main.getByRole('button', { name: 'Start' }).waitFor();
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/** WCAG's contrast ratio of two `rgb(...)` colours. */
function contrast(a, b) {
  const luminance = (css) => {
    const [r, g, bl] = css
      .match(/[\d.]+/g)
      .slice(0, 3)
      .map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The first question `page` shows, once it is armed. */
async function firstQuestion(page) {
  // The prompt, a dialog of the dock (not a modal dialog such as the Learn review).
  const dialog = page.getByRole('complementary', { name: 'Questions' }).getByRole('dialog').first();
  await dialog.waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('.prompt.arming') === null);
  return dialog;
}

test('Permit and Deny stay readable under the pointer', async () => {
  const panel = await startSession(main, {
    command: 'cat /etc/hostname',
    cwd: join(web.home, 'work'),
    mode: 'Ask',
  });
  const dialog = await firstQuestion(main);
  for (const name of ['Permit', 'Deny']) {
    const button = dialog.getByRole('button', { name, exact: true });
    await button.hover();
    // The hover's look is drawn at once (no transition), as a person sees it.
    const { color, background } = await button.evaluate((b) => {
      const style = getComputedStyle(b);
      return { color: style.color, background: style.backgroundColor };
    });
    const ratio = contrast(color, background);
    assert.ok(
      ratio >= 4.5,
      `${name} under the pointer: ${color} on ${background} (${ratio.toFixed(2)}:1)`,
    );
    await main.screenshot({ path: join(SCREENSHOTS, `edges-hover-${name.toLowerCase()}.png`) });
  }
  await panel
    .getByRole('button', { name: /^Stop/ })
    .click()
    .catch(() => {});
});

/** Opens the editor on `program` through the address, as a link from elsewhere would. */
async function openPolicy(program) {
  await main.evaluate(
    (hash) => (location.hash = hash),
    `#policies&policy=${encodeURIComponent(program)}`,
  );
  const grid = main.getByRole('grid', { name: `Rules of ${program}` });
  await grid.waitFor();
  return grid;
}

test("the code editor's error marks are drawn: the gutter's marker and the wavy underline", async () => {
  await openPolicy(ENV);
  const show = main.getByRole('radiogroup', { name: 'Show' });
  await show.getByRole('radio', { name: 'Text' }).check();
  await main.getByRole('textbox', { name: `Text of ${ENV}` }).click();
  await main.keyboard.press('Control+End');
  await main.keyboard.type('\tnative-read: fd eq then permit');
  const marker = main.locator('.cm-lint-marker-error').first();
  await marker.waitFor();
  await main.locator('.cm-lintRange-error').first().waitFor();
  // The marker and the underline are data: images, drawn only if the page may load them. (The
  // inline <style> elements refused are carried over by renderer/terminal/inline-styles.ts.)
  assert.match(await marker.evaluate((m) => getComputedStyle(m).content), /^url\("data:image\/svg/);
  const underline = main.locator('.cm-lintRange-error').first();
  assert.match(
    await underline.evaluate((m) => getComputedStyle(m).backgroundImage),
    /^url\("data:image\/svg/,
  );
  await main.waitForTimeout(200);
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-lint-markers.png') });
  assert.deepEqual(
    violations.filter((v) => !v.startsWith('style-src')),
    [],
    'nothing but inline styles is refused',
  );
  await main.getByRole('button', { name: 'Undo', exact: true }).click();
  await show.getByRole('radio', { name: 'Rules' }).check();
});

test('Delete acts only on a rule the filter shows: a selected rule it hides is left alone', async () => {
  const grid = await openPolicy(ENV);
  const rule = (text) => grid.getByRole('row').filter({ hasText: text });
  await rule('execve').waitFor();
  await grid.getByRole('row').filter({ hasText: 'filename match "/etc/*"' }).click();
  await main.getByLabel('Filter rules').fill('execve');
  await grid
    .getByRole('row')
    .filter({ hasText: 'filename match "/etc/*"' })
    .waitFor({ state: 'detached' });
  const del = main.getByRole('button', { name: 'Delete', exact: true });
  if (await del.isEnabled()) await del.click();
  await grid.focus();
  await main.keyboard.press('Delete');
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-delete-filtered.png') });
  await main.getByLabel('Filter rules').fill('');
  await grid
    .getByRole('row')
    .filter({ hasText: 'filename match "/etc/*"' })
    .waitFor({ timeout: 2000 });
  assert.equal(await grid.getByRole('row').filter({ hasText: 'execve' }).count(), 1);
  assert.equal(await main.getByText('unsaved').count(), 0, 'nothing was changed');
});

test("the navigation's badges say what they count", async () => {
  // A policy is in use while a session runs: an Ask session held on its first question.
  await main.getByRole('button', { name: /^Sessions/ }).click();
  await startSession(main, {
    command: 'cat /etc/hostname',
    cwd: join(web.home, 'work'),
    mode: 'Ask',
  });
  await firstQuestion(main);
  const policies = main.getByRole('button', { name: /^Policies/ });
  const badge = policies.locator('.nav-count');
  await badge.waitFor();
  const count = Number(await badge.innerText());
  assert.ok(count >= 1);
  const label = `${count} ${count === 1 ? 'policy' : 'policies'} in use by the sessions`;
  assert.equal(await badge.getAttribute('title'), label);
  const described = await policies.evaluate(
    (b) => document.getElementById(b.getAttribute('aria-describedby'))?.textContent,
  );
  assert.equal(described, label);
  const sessions = main.getByRole('button', { name: /^Sessions/ }).locator('.nav-count');
  assert.match(await sessions.getAttribute('title'), /^\d+ sessions? running$/);
  await main.getByRole('dialog').first().getByRole('button', { name: 'Kill', exact: true }).click();
});

test('Could not start says what is wrong, and goes once the command is cleared', async () => {
  await main.getByRole('button', { name: /^Sessions/ }).click();
  const form = main.getByRole('form', { name: 'New session' });
  const work = join(web.home, 'work');
  const script = join(work, 'script.sh');
  writeFileSync(script, '#!/bin/sh\necho hi\n', { mode: 0o644 });
  const alert = form.getByRole('alert');

  await form.getByLabel('Command').fill(script);
  await form.getByLabel('Working directory').fill(work);
  await form.getByRole('button', { name: 'Start' }).click();
  await alert.waitFor();
  assert.equal(
    await alert.innerText(),
    `Could not start: ${script} is not executable (chmod +x ${script})`,
  );

  await form.getByLabel('Command').fill('true');
  await form.getByLabel('Working directory').fill(script);
  await form.getByRole('button', { name: 'Start' }).click();
  await main.waitForFunction(
    (path) => document.querySelector('.form-error')?.textContent?.includes(`${path} is a file`),
    script,
  );
  assert.equal(
    await alert.innerText(),
    `Could not start: the working directory ${script} is a file, not a directory`,
  );
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-could-not-start.png') });

  // The error is about the command that was tried: a cleared command takes it away.
  await form.getByLabel('Command').fill('');
  assert.equal(await alert.count(), 0);
  await form.getByLabel('Working directory').fill(work);
});

test('a wrong token is said, once, with what to do; the page stops trying and Start says why it waits', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  let attempts = 0;
  page.on('websocket', () => attempts++);
  try {
    const wrong = new URL(web.url);
    wrong.hash = '#token=not-the-token-sysgate-printed';
    await page.goto(wrong.href);
    const alert = page.getByRole('alert').filter({ hasText: 'token' });
    await alert.waitFor({ timeout: 10_000 });
    assert.equal(
      await alert.innerText(),
      "This address's token is not valid: open the address `sysgate gui` printed.",
    );
    // Retrying would only fail again (every 5 s, for ever): after the answer, it stops.
    await page.waitForTimeout(3000);
    assert.equal(attempts, 1, `${attempts} connections tried`);
    const form = page.getByRole('form', { name: 'New session' });
    await form.getByLabel('Command').fill('true');
    assert.equal(await form.getByRole('button', { name: 'Start' }).isDisabled(), true);
    await form.getByText('Start waits for the connection to sysgate').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'edges-wrong-token.png') });
  } finally {
    await page.close();
  }
});

test('a command whose policy has errors does not start: the errors are said, and the policy opens at the first', async () => {
  await main.getByRole('button', { name: /^Sessions/ }).click();
  const policies = join(web.home, '.config/sysgate/policies');
  const broken = join(policies, 'usr_bin_head');
  writeFileSync(
    broken,
    'Policy: /usr/bin/head, Emulation: native\n\tnative-fsread: filename eq then permit\n',
    { mode: 0o600 },
  );
  const form = main.getByRole('form', { name: 'New session' });
  const sessions = main.getByRole('region', { name: /^Session: head / });
  const before = await sessions.count();
  const waiting = await main.getByRole('dialog').count();
  await form.getByLabel('Command').fill('head -c 10 /etc/hostname');
  await form.getByLabel('Working directory').fill(join(web.home, 'work'));
  await form.getByRole('radio', { name: 'Ask' }).check();
  await form.getByRole('button', { name: 'Start' }).click();
  const alert = form.getByRole('alert');
  await alert.waitFor();
  assert.equal(
    await alert.getByRole('paragraph').innerText(),
    `Could not start: the policy for /usr/bin/head has errors: fix them to run it\n` +
      `${broken}:2:29: error: expected a quoted string after "eq"`,
  );
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-policy-errors.png') });
  // No session, no question about sysgate's own execve, nothing recorded as sysgate-supervisor.
  assert.equal(await sessions.count(), before);
  assert.equal(await main.getByRole('dialog').count(), waiting);
  assert.equal(await main.getByText('sysgate-supervisor').count(), 0);

  await alert.getByRole('button', { name: 'Open the policy' }).click();
  const grid = main.getByRole('grid', { name: 'Rules of /usr/bin/head' });
  await grid.waitFor();
  await main
    .getByRole('list', { name: 'Errors' })
    .getByText('expected a quoted string after "eq"')
    .waitFor();
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-policy-errors-opened.png') });
  await main.getByRole('button', { name: /^Sessions/ }).click();
});

test("History's details name the session by its command", async () => {
  await main.getByRole('button', { name: /^Sessions/ }).click();
  const panel = await startSession(main, {
    command: 'tail -c 5 /etc/hostname',
    cwd: join(web.home, 'work'),
    mode: 'Enforce',
  });
  await panel.getByText(/exited with status/).waitFor({ timeout: 20_000 });
  await main.getByRole('button', { name: /^History/ }).click();
  const row = main
    .getByRole('rowgroup', { name: 'Records, newest first' })
    .getByRole('row')
    .filter({ hasText: '/etc/hostname' })
    .filter({ hasText: 'tail' });
  await row.first().click();
  const detail = main.getByRole('complementary', { name: 'Record details' });
  await detail.getByRole('list', { name: 'Process tree' }).waitFor();
  const session = detail.getByRole('definition').filter({ has: main.locator('.history-session') });
  await session.waitFor({ timeout: 5000 });
  assert.equal(await session.innerText(), 'tail -c 5 /etc/hostname');
  assert.match(await session.locator('.history-session').getAttribute('title'), /^s\d+@\d+$/);
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-history-session.png') });
});

test('the Learn review saves every program at once; a program whose policy has errors stays, with its errors', async () => {
  await main.getByRole('button', { name: /^Sessions/ }).click();
  const policies = join(web.home, '.config/sysgate/policies');
  writeFileSync(
    join(policies, 'usr_bin_head'),
    'Policy: /usr/bin/head, Emulation: native\n\tnative-fsread: filename eq then permit\n',
    { mode: 0o600 },
  );
  const panel = await startSession(main, {
    command: 'sh -c "head -c 3 /etc/hostname; tail -c 3 /etc/hostname"',
    cwd: join(web.home, 'work'),
    mode: 'Learn',
  });
  await panel.getByText(/exited with status/).waitFor({ timeout: 20_000 });
  await panel.getByRole('button', { name: /^Review \d+ learned rules?$/ }).click();
  const review = main.getByRole('dialog', { name: 'Review learned rules' });
  const head = review.getByRole('region', { name: 'Learned for /usr/bin/head' });
  await head.waitFor();
  await review.getByRole('region', { name: 'Learned for /usr/bin/tail' }).waitFor();
  assert.match(
    await head.getByRole('alert').innerText(),
    /the policy for \/usr\/bin\/head has errors:\n.*usr_bin_head:2:29: error: expected a quoted string after "eq"/,
  );
  await review.getByRole('button', { name: 'Save all' }).click();
  await review
    .getByRole('region', { name: 'Learned for /usr/bin/tail' })
    .waitFor({ state: 'detached' });
  assert.equal(
    await review.getByRole('region', { name: /^Learned for \/usr\/bin\/(dash|sh)$/ }).count(),
    0,
  );
  // head's rules wait for its policy to be fixed, its errors in view.
  await head.getByRole('alert').filter({ hasText: 'has errors' }).waitFor();
  assert.equal(
    readFileSync(join(policies, 'usr_bin_head'), 'utf8'),
    'Policy: /usr/bin/head, Emulation: native\n\tnative-fsread: filename eq then permit\n',
    "the user's file is left as it was",
  );
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-learn-save-all.png') });
  // Open the policy: the review gives way to the editor, and what was learned still waits.
  await head.getByRole('link', { name: 'Open the policy' }).click();
  await review.waitFor({ state: 'detached' });
  await main.getByRole('grid', { name: 'Rules of /usr/bin/head' }).waitFor();
  await main.getByRole('button', { name: /^Sessions/ }).click();
  await panel.getByRole('button', { name: /^Review \d+ learned rules?$/ }).click();
  await review.getByRole('region', { name: 'Learned for /usr/bin/head' }).waitFor();
  await review.getByRole('button', { name: 'Discard what was learned' }).click();
});

/**
 * A second window whose news of answered questions comes late (a slow link): the host's
 * questionRemoved events reach it `delayMs` after they were sent.
 */
async function slowWindow(delayMs) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.routeWebSocket(/\/api/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    // A frame holds one message or an array of them (what the host said in one turn): the
    // removals in it go on later, the rest now, each in its order.
    server.onMessage((message) => {
      const said = JSON.parse(String(message));
      const all = Array.isArray(said) ? said : [said];
      const late = all.filter((m) => m.event === 'questionRemoved');
      const now = all.filter((m) => m.event !== 'questionRemoved');
      if (now.length > 0) ws.send(JSON.stringify(now.length === 1 ? now[0] : now));
      if (late.length > 0)
        setTimeout(() => ws.send(JSON.stringify(late.length === 1 ? late[0] : late)), delayMs);
    });
  });
  await page.goto(web.url);
  await page.getByRole('button', { name: 'Start' }).waitFor();
  return page;
}

test('a second window answering a question already answered is told how it was answered', async () => {
  await main.getByRole('button', { name: /^Sessions/ }).click();
  const second = await slowWindow(4000);
  try {
    await startSession(main, {
      command: 'sh -c "cat /etc/hostname; sleep 20"',
      cwd: join(web.home, 'work'),
      mode: 'Ask',
    });
    const here = await firstQuestion(main);
    const there = await firstQuestion(second);
    const title = await here.getByRole('heading').innerText();
    assert.equal(await there.getByRole('heading').innerText(), title);
    await here.getByRole('button', { name: 'Permit', exact: true }).click();
    await there.getByRole('button', { name: 'Permit', exact: true }).click();
    const told = second.getByRole('alert').filter({ hasText: 'another window' });
    await told.waitFor();
    // Said where it stays when the late news takes the question away.
    await second.waitForTimeout(4500);
    assert.equal(await told.innerText(), 'answered by another window: Permit');
    await second.screenshot({ path: join(SCREENSHOTS, 'edges-answered-elsewhere.png') });
  } finally {
    await second.close();
    await main
      .getByRole('dialog')
      .first()
      .getByRole('button', { name: 'Kill', exact: true })
      .click()
      .catch(() => {});
  }
});

test('"Permit always" clicked as the process dies still writes the rule, and says so', async () => {
  await main.getByRole('button', { name: /^Sessions/ }).click();
  const second = await slowWindow(60_000);
  try {
    const command = 'sh -c "cat /etc/hostname; sleep 20"';
    await startSession(main, { command, cwd: join(web.home, 'work'), mode: 'Ask' });
    const panel = main.getByRole('region', { name: `Session: ${command}` }).last();
    // Permit until cat asks to open /etc/hostname; then cat is killed while it waits.
    const dock = main.getByRole('complementary', { name: 'Questions' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'cat never asked to open /etc/hostname');
      const handle = await dock.getByRole('dialog').first().elementHandle({ timeout: 20_000 });
      await main.waitForFunction(() => document.querySelector('.prompt.arming') === null);
      const text = await handle.innerText();
      if (/cat\s+asks for\s+openat/.test(text) && /\/etc\/hostname/.test(text)) {
        // The slow window still lists the questions answered here: its user goes to the newest
        // (the list draws only the rows in view) and picks cat's.
        const queue = second.getByRole('list', { name: 'Waiting questions' });
        await queue.locator('button[tabindex="0"]').focus();
        await second.keyboard.press('End');
        await queue
          .getByRole('listitem')
          .filter({ hasText: /cat · pid/ })
          .last()
          .click();
        await second.getByRole('dialog').filter({ hasText: 'cat asks for' }).first().waitFor();
        process.kill(Number(/pid (\d+)/.exec(text)[1]), 'SIGKILL');
        await main.waitForFunction((element) => !element.isConnected, handle, { timeout: 10_000 });
        break;
      }
      await (await handle.$('button:text-is("Permit")')).click();
      await main.waitForFunction((element) => !element.isConnected, handle, { timeout: 10_000 });
    }
    // The slow window still shows the question of the process that is gone.
    const there = second
      .getByRole('complementary', { name: 'Questions' })
      .getByRole('dialog')
      .filter({ hasText: 'cat asks for' });
    await there.getByRole('button', { name: 'Permit always', exact: true }).click();
    const policy = join(web.home, '.config/sysgate/policies/usr_bin_cat');
    await panel
      .getByText(/the process had ended before the answer; the rule was still added to/)
      .waitFor();
    assert.match(
      readFileSync(policy, 'utf8'),
      /native-fsread: filename eq "\/etc\/hostname" then permit/,
    );
    await main.screenshot({ path: join(SCREENSHOTS, 'edges-permit-always-late.png') });
  } finally {
    await second.close();
  }
});

test("History's columns fit the pane without a hidden sideways scroll, and can be widened by dragging", async () => {
  await main.getByRole('button', { name: /^History/ }).click();
  const body = main.locator('.history-body');
  await main
    .getByRole('rowgroup', { name: 'Records, newest first' })
    .getByRole('row')
    .first()
    .waitFor();
  const sideways = await body.evaluate((b) => b.scrollWidth - b.clientWidth);
  assert.ok(sideways <= 0, `the records scroll sideways by ${sideways} px, hiding columns`);
  // Every column's header is in view.
  for (const name of ['Argument', 'Decided by']) {
    const box = await main.getByRole('columnheader', { name }).boundingBox();
    const pane = await body.boundingBox();
    assert.ok(box.x + box.width <= pane.x + pane.width + 1, `${name} is cut off`);
  }
  const argument = main.getByRole('columnheader', { name: 'Argument' });
  const before = (await argument.boundingBox()).width;
  const handle = main.getByRole('separator', { name: 'Resize column 3' });
  const at = await handle.boundingBox();
  await main.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
  await main.mouse.down();
  await main.mouse.move(at.x - 60, at.y + at.height / 2, { steps: 5 });
  await main.mouse.up();
  const after = (await argument.boundingBox()).width;
  assert.ok(after >= before + 50, `Argument went from ${before} to ${after} px`);
  assert.ok((await body.evaluate((b) => b.scrollWidth - b.clientWidth)) <= 0);
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-history-columns.png') });
});

test("the rules' condition column widens with the keyboard, and the selected rule is shown whole", async () => {
  const grid = await openPolicy(ENV);
  const row = grid.getByRole('row').filter({ hasText: 'filename match "/etc/*"' });
  await row.waitFor();
  const condition = grid.getByRole('columnheader', { name: 'Condition' });
  const before = (await condition.boundingBox()).width;
  // Narrowing Action (the 4th column) gives the condition the room.
  const actionEdge = grid.getByRole('separator', { name: 'Resize column 4' });
  await actionEdge.focus();
  for (let i = 0; i < 5; i++) await main.keyboard.press('ArrowLeft');
  const after = (await condition.boundingBox()).width;
  assert.ok(after >= before + 70, `Condition went from ${before} to ${after} px`);
  const table = main.locator('.rule-scroll');
  assert.ok(
    (await table.evaluate((t) => t.scrollWidth - t.clientWidth)) <= 0,
    'no sideways scroll',
  );
  // A cell shows what fits; the selected rule is under the table, whole.
  await row.click();
  const whole = main.getByLabel('Selected rule');
  assert.match(
    await whole.innerText(),
    /^line \d+: native-fsread: filename match "\/etc\/\*" then permit/,
  );
  await main.screenshot({ path: join(SCREENSHOTS, 'edges-rule-columns.png') });
});

test("a terminal's styles are carried past the CSP without restyling the page for text it already has", async () => {
  // xterm.js sets its <style> elements' text again and again while a session starts and its
  // panel resizes; each sheet replaced is a restyle of the whole page, which keys typed then wait for.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.addInitScript(() => {
    const replace = CSSStyleSheet.prototype.replaceSync;
    const had = new WeakMap();
    window.__sheets = { replaced: 0, unchanged: 0 };
    CSSStyleSheet.prototype.replaceSync = function (text) {
      window.__sheets.replaced++;
      if (had.get(this) === text) window.__sheets.unchanged++;
      had.set(this, text);
      return replace.call(this, text);
    };
  });
  try {
    await page.goto(web.url);
    await page.getByRole('button', { name: 'Start' }).waitFor();
    const panel = await startSession(page, {
      command: `${ENV} SYSGATE_CARRIED=yes`,
      cwd: join(web.home, 'work'),
      mode: 'Enforce',
    });
    await panel.getByText('SYSGATE_CARRIED=yes').first().waitFor();
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.setViewportSize({ width: 1440, height: 900 });
    await panel.getByText(/exited with status \d+/).waitFor();
    const sheets = await page.evaluate(() => window.__sheets);
    // The terminal's styles were carried (the CSP blocks them as <style> elements) ...
    assert.ok(sheets.replaced > 0, 'no stylesheet was carried');
    // ... each time with text its sheet did not have yet.
    assert.equal(
      sheets.unchanged,
      0,
      `${sheets.unchanged} of ${sheets.replaced} replacements changed nothing`,
    );
    // And the terminal is drawn with them: xterm's cell layout puts its rows in place.
    const row = panel.locator('.xterm-rows > div').first();
    assert.ok((await row.boundingBox()).height > 0);
  } finally {
    await page.close();
  }
});
