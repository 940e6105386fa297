// The desktop flow end to end, as a person would use it: Debian's Chromium, driven by
// Playwright, against the real web shell (`sysgate gui --web`), tracing real programs with the
// real supervisor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  openWindow,
  root,
  saveLearned,
  startSession as startSessionIn,
  startWebShell,
} from './web-shell-driver.mjs';

const CAT = realpathSync('/bin/cat');
const policyFile = (home, program) =>
  join(home, '.config/sysgate/policies', program.slice(1).replace(/[^A-Za-z0-9]/g, '_'));

let web;
let home;
let browser;
let page;

before(async () => {
  web = await startWebShell();
  home = web.home;
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

function startSession(command, mode) {
  return startSessionIn(page, { command, cwd: join(home, 'work'), mode });
}

/** The prompt's question text, or null when no question waits. */
async function currentQuestion() {
  const prompt = page.getByRole('dialog');
  if ((await prompt.count()) === 0 || !(await prompt.isVisible())) return null;
  return prompt.innerText();
}

const HOSTNAME = /filename\s+\/etc\/hostname\b/;

/**
 * Answers every question with Permit until one matches `pattern`, which is left waiting; gives
 * its text, and every question seen before it.
 */
async function permitUntil(pattern, timeout = 20_000, seen = []) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const question = await currentQuestion();
    if (question !== null && pattern.test(question)) return question;
    if (question !== null) {
      seen.push(question);
      await page.getByRole('button', { name: 'Permit', exact: true }).click();
    } else await page.waitForTimeout(100);
  }
  throw new Error(`no question matching ${pattern} came`);
}

async function waitForExit(session) {
  await session.getByText(/exited with status \d+/).waitFor({ timeout: 20_000 });
}

test('Ask mode: the prompt names the call, and Deny makes the program fail with a permission error', async () => {
  const session = await startSession('cat /etc/hostname', 'Ask');
  const question = await permitUntil(HOSTNAME);
  assert.match(question, /openat/);
  assert.match(question, /fsread/);
  await page.screenshot({ path: join(root, 'build', 'screenshots', 'e2e-prompt.png') });
  await page.getByRole('button', { name: 'Deny', exact: true }).click();
  await session
    .getByText('cat: /etc/hostname: Operation not permitted')
    .waitFor({ timeout: 20_000 });
  await waitForExit(session);
});

test('Permit always with the suggested rule writes it to the policy file, and the next run asks nothing about it', async () => {
  const session = await startSession('cat /etc/hostname', 'Ask');
  await permitUntil(HOSTNAME);
  const rule = page.getByRole('combobox', { name: 'Rule' });
  assert.equal(await rule.inputValue(), 'filename eq "/etc/hostname"');
  await page.getByRole('button', { name: 'Permit always' }).click();
  await session
    .getByText(readFileSync('/etc/hostname', 'utf8').trim())
    .waitFor({ timeout: 20_000 });
  await waitForExit(session);
  assert.match(
    readFileSync(policyFile(home, CAT), 'utf8'),
    /\tnative-fsread: filename eq "\/etc\/hostname" then permit\n/,
  );

  const third = await startSession('cat /etc/hostname', 'Ask');
  const asked = [];
  await permitUntil(/^$/, 3000, asked).catch(() => undefined);
  assert.deepEqual(
    asked.filter((q) => HOSTNAME.test(q)),
    [],
  );
  await third.getByText(readFileSync('/etc/hostname', 'utf8').trim()).waitFor({ timeout: 20_000 });
  await waitForExit(third);
});

test('Learn mode then Enforce mode on the same program', async () => {
  writeFileSync(join(home, 'work', 'notes.txt'), 'learned\n');
  const learned = await startSession('head -n1 notes.txt', 'Learn');
  await learned.getByText('learned').first().waitFor({ timeout: 20_000 });
  await waitForExit(learned);
  await saveLearned(page, learned);
  const head = realpathSync('/usr/bin/head');
  await page.waitForFunction((p) => p, null, { timeout: 1000 }).catch(() => undefined);
  const enforced = await startSession('head -n1 notes.txt', 'Enforce');
  await waitForExit(enforced);
  assert.match(await enforced.innerText(), /exited with status 0/);
  assert.ok(existsSync(policyFile(home, head)), 'learning wrote a policy for head');
});

test('Enforce at kernel speed: the terminal says what the kernel enforces; it refuses the rest', async () => {
  writeFileSync(join(home, 'work', 'kernel.txt'), 'kernel text\n');
  writeFileSync(join(home, 'secret.txt'), 'secret\n');
  const learned = await startSession('cat kernel.txt', 'Learn');
  await waitForExit(learned);
  await saveLearned(page, learned);
  const enforced = await startSessionIn(page, {
    command: 'cat kernel.txt ../secret.txt',
    cwd: join(home, 'work'),
    mode: 'Enforce',
    kernel: true,
  });
  await enforced.getByText('cat: ../secret.txt: Permission denied').waitFor({ timeout: 20_000 });
  await waitForExit(enforced);
  // Alone in the window the terminal shows every line; it wraps long ones: read it as one line.
  await enforced.getByRole('button', { name: 'Maximise' }).click();
  await enforced.getByText('-K: the kernel enforces', { exact: false }).first().waitFor();
  const text = (await enforced.innerText()).replace(/\n/g, '');
  await enforced.getByRole('button', { name: 'Maximise' }).click();
  assert.match(text, /kernel text/);
  assert.match(text, new RegExp(`\\[sysgate\\] -K: the kernel enforces the file rules of ${CAT}`));
  assert.match(text, /not restricted in this mode: stat/);
  await enforced.getByText('kernel', { exact: true }).waitFor();
});

test("a forked child's question names the child", async () => {
  // The shell and cat learn what they do with one file, so that the other file is the question.
  const learned = await startSession(`sh -c "cat /etc/hostname > /dev/null & wait"`, 'Learn');
  await waitForExit(learned);
  await saveLearned(page, learned);
  const session = await startSession(`sh -c "cat /etc/passwd > /dev/null & wait"`, 'Ask');
  const question = await permitUntil(/filename\s+\/etc\/passwd\b/);
  const [, pid, ppid] = /pid (\d+) · ppid (\d+)/.exec(question) ?? [];
  assert.ok(question.includes(CAT), question);
  // The question is the child's own: its pid, and the shell that forked it as its parent.
  await session.getByText('Processes').click();
  // The tree follows the supervisor's process events, which reach the window a moment later.
  const row = (p) =>
    session.getByRole('row').filter({ has: page.getByRole('cell', { name: p, exact: true }) });
  await row(pid).waitFor();
  assert.ok((await row(ppid).innerText()).includes(realpathSync('/bin/sh')));
  assert.ok((await row(pid).innerText()).includes(CAT));
  await page.getByRole('button', { name: 'Permit', exact: true }).click();
  await waitForExit(session);
});

test('a sysgate run from a terminal without -a, -A or -t asks in the window', async () => {
  const run = spawn(
    process.execPath,
    [join(root, 'bin/sysgate.js'), '-E', join(home, 'terminal.log'), 'cat', '/etc/group'],
    {
      cwd: join(home, 'work'),
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_RUNTIME_DIR: home,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  run.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => run.on('close', resolve));
  await page.getByRole('region', { name: 'Session: cat /etc/group' }).waitFor({ timeout: 20_000 });
  await permitUntil(/filename\s+\/etc\/group\b/);
  await page.getByRole('button', { name: 'Deny', exact: true }).click();
  const status = await exited;
  assert.notEqual(status, 0);
  assert.match(stderr, /questions go to the sysgate window/);
  assert.match(stderr, /cat: \/etc\/group: Operation not permitted/);
});
