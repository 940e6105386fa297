// Fewer questions (issue 15), end to end in Debian's Chromium against the real web shell: a
// person answers every question with its first suggestion for this run, and ls -la /etc, a
// python script reading a directory and git status are done after at most 5, 10 and 10
// questions; related calls of one file are one question; the waiting questions a rule would
// decide are highlighted before the click and leave the queue with it. Screenshots of the scopes
// and of a grouped question go to docs/screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { openWindow, root, startSession, startWebShell } from './web-shell-driver.mjs';

const DOCS = join(root, 'docs', 'screenshots');
let web;
let browser;
let page;
let work;

before(async () => {
  web = await startWebShell('sysgate-e2e-questions-');
  work = join(web.home, 'work');
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/** The shown prompt, once armed (its buttons take clicks), or null when none is shown. */
async function armedPrompt() {
  const dialog = page.getByRole('dialog');
  if ((await dialog.count()) === 0) return null;
  const handle = await dialog.elementHandle({ timeout: 1000 }).catch(() => null);
  if (handle === null) return null;
  await page
    .waitForFunction((e) => !e.isConnected || !e.classList.contains('arming'), handle)
    .catch(() => undefined);
  return (await handle.evaluate((e) => e.isConnected)) ? handle : null;
}

/**
 * Answers every question with the prompt's first suggestion (the rule it shows) for this run,
 * until the session ends or `stop(promptText)` says to leave one waiting; gives what was asked.
 */
async function answerWithFirstSuggestions(session, stop = () => false, onPrompt = async () => {}) {
  const asked = [];
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if ((await session.getByText(/exited with status \d+/).count()) > 0) return asked;
    const prompt = await armedPrompt();
    if (prompt === null) {
      await page.waitForTimeout(50);
      continue;
    }
    const text = await prompt.innerText();
    if (stop(text)) return asked;
    const dialog = page.getByRole('dialog');
    const rule = await dialog.getByRole('combobox', { name: 'Rule' }).inputValue();
    asked.push(`${text.split('\n')[0]}: ${rule}`);
    await dialog.getByLabel('Scope').selectOption('session');
    await onPrompt(dialog, asked.length);
    await dialog.getByRole('button', { name: 'Permit always' }).click();
    await page.waitForFunction((e) => !e.isConnected, prompt, { timeout: 10_000 });
  }
  throw new Error(`the session did not end; asked: ${asked.join('\n')}`);
}

async function exitStatus(session) {
  await session.getByText(/exited with status \d+/).waitFor({ timeout: 20_000 });
  return Number(/exited with status (\d+)/.exec(await session.innerText())[1]);
}

test('ls -la /etc, answered with the first suggestions for this run, asks at most 5 questions', async () => {
  const session = await startSession(page, { command: 'ls -la /etc', cwd: work, mode: 'Ask' });
  let shot = false;
  const asked = await answerWithFirstSuggestions(session, undefined, async (dialog) => {
    // The first question whose suggestion covers others: the scopes, with the menu open.
    if (shot || !/covers this/.test(await dialog.innerText())) return;
    shot = true;
    const scope = dialog.getByLabel('Scope');
    await scope.evaluate((select) => {
      select.size = select.options.length;
      select.style.height = 'auto';
    });
    await page.getByRole('complementary', { name: 'Questions' }).screenshot({
      path: join(DOCS, 'prompt-scopes.png'),
    });
    await scope.evaluate((select) => {
      select.size = 0;
      select.style.height = '';
    });
  });
  assert.equal(await exitStatus(session), 0);
  console.log(`ls -la /etc: ${asked.length} questions\n  ${asked.join('\n  ')}`);
  assert.ok(asked.length <= 5, asked.join('\n'));
  assert.ok(shot, 'a suggestion covering the questions to come was offered');
});

test('a python script reading a directory of files asks at most 10 questions', async () => {
  const data = join(work, 'data');
  mkdirSync(data);
  for (let i = 0; i < 30; i++) writeFileSync(join(data, `file${i}.txt`), `line ${i}\n`);
  writeFileSync(
    join(work, 'read.py'),
    'import os, sys\ntotal = 0\nfor name in sorted(os.listdir(sys.argv[1])):\n' +
      '    with open(os.path.join(sys.argv[1], name)) as f:\n        total += len(f.read())\n' +
      'print("read", total)\n',
  );
  const session = await startSession(page, {
    command: '/usr/bin/python3 read.py data',
    cwd: work,
    mode: 'Ask',
  });
  const asked = await answerWithFirstSuggestions(session);
  assert.equal(await exitStatus(session), 0);
  assert.match(await session.innerText(), /read \d+/);
  console.log(`python3: ${asked.length} questions\n  ${asked.join('\n  ')}`);
  assert.ok(asked.length <= 10, asked.join('\n'));
});

test('git status in a repository asks at most 10 questions', async () => {
  const repo = join(work, 'repo');
  mkdirSync(repo);
  const git = (...args) =>
    execFileSync('git', ['-C', repo, ...args], {
      stdio: 'ignore',
      env: { ...process.env, HOME: web.home, GIT_CONFIG_NOSYSTEM: '1' },
    });
  git('init', '-q');
  for (let i = 0; i < 10; i++) writeFileSync(join(repo, `f${i}.c`), `int f${i};\n`);
  git('add', '.');
  git('-c', 'user.name=u', '-c', 'user.email=u@h', 'commit', '-qm', 'first');
  writeFileSync(join(repo, 'f0.c'), 'int changed;\n');
  const session = await startSession(page, { command: 'git status', cwd: repo, mode: 'Ask' });
  const asked = await answerWithFirstSuggestions(session);
  assert.equal(await exitStatus(session), 0);
  assert.match(await session.innerText(), /modified:\s+f0\.c/);
  console.log(`git status: ${asked.length} questions\n  ${asked.join('\n  ')}`);
  assert.ok(asked.length <= 10, asked.join('\n'));
});

test('related calls of one file are one question; the waiting ones a rule decides are highlighted and leave with it', async () => {
  // Outside /tmp, which the start-up's answers for this run may cover already.
  const files = mkdtempSync('/var/tmp/sysgate-e2e-together-');
  after(() => rmSync(files, { recursive: true, force: true }));
  for (const name of ['a', 'b', 'c', 'd']) writeFileSync(join(files, name), `${name}\n`);
  // Threads that wait for each other, so that their calls are held at the same moment: stat
  // and listxattr of one file, then opens of three other files of the same directory.
  writeFileSync(
    join(work, 'together.py'),
    [
      'import os, threading',
      `d = ${JSON.stringify(files)}`,
      'first = threading.Barrier(2)',
      'def look():',
      '    first.wait()',
      '    os.stat(os.path.join(d, "a"))',
      't = threading.Thread(target=look)',
      't.start()',
      'first.wait()',
      'os.listxattr(os.path.join(d, "a"))',
      't.join()',
      'readers = threading.Barrier(3)',
      'def read(name):',
      '    readers.wait()',
      '    open(os.path.join(d, name)).read()',
      'ts = [threading.Thread(target=read, args=(n,)) for n in "bcd"]',
      '[t.start() for t in ts]',
      '[t.join() for t in ts]',
      'print("together done")',
      '',
    ].join('\n'),
  );
  const session = await startSession(page, {
    command: '/usr/bin/python3 together.py',
    cwd: work,
    mode: 'Ask',
  });
  // Python's own start-up first, as any person answers it.
  await answerWithFirstSuggestions(session, (text) => text.includes(`${files}/a`));
  const dialog = page.getByRole('dialog');
  await dialog
    .getByText(/One question for .*listxattr.* of this file/)
    .waitFor({ timeout: 10_000 });
  const text = await dialog.innerText();
  assert.match(text, /(statx|newfstatat|stat)/);
  await page.getByRole('complementary', { name: 'Questions' }).screenshot({
    path: join(DOCS, 'prompt-grouped.png'),
  });
  // One answer for both calls.
  await dialog.getByRole('button', { name: 'Permit', exact: true }).click();

  // The three opens wait together; the first suggestion covers the other two, which are
  // highlighted before the click and leave the queue with the answer.
  const queue = page.getByRole('list', { name: 'Waiting questions' });
  await queue.getByRole('button').nth(2).waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('.prompt.arming') === null);
  const shown = page.getByRole('dialog');
  assert.match(await shown.innerText(), /covers this, 2 waiting/);
  assert.equal(await queue.getByText('decided by this rule').count(), 2);
  await shown.getByLabel('Scope').selectOption('session');
  await shown.getByRole('button', { name: 'Permit always' }).click();
  await page.getByText('No questions waiting').waitFor({ timeout: 10_000 });
  await session.getByText('together done').waitFor({ timeout: 20_000 });
});

test('the optional default answer denies once when its countdown ends, and writes no rule', async () => {
  writeFileSync(join(work, 'note.txt'), 'a note\n');
  const session = await startSession(page, { command: 'cat note.txt', cwd: work, mode: 'Ask' });
  // Every question before the file's is permitted once; the file's is left to the countdown.
  const deadline = Date.now() + 60_000;
  for (;;) {
    assert.ok(Date.now() < deadline, 'no question about note.txt came');
    const prompt = await armedPrompt();
    if (prompt === null) {
      await page.waitForTimeout(50);
      continue;
    }
    if ((await prompt.innerText()).includes('note.txt')) break;
    await page.getByRole('dialog').getByRole('button', { name: 'Permit', exact: true }).click();
    await page.waitForFunction((e) => !e.isConnected, prompt, { timeout: 10_000 });
  }
  const dialog = page.getByRole('dialog');
  assert.equal(await dialog.getByRole('timer').count(), 0, 'off by default');
  await dialog.getByLabel('If unanswered').selectOption('10');
  await dialog
    .getByRole('timer')
    .getByText(/Denied once in \d+ s unless you answer/)
    .waitFor();
  await page.getByRole('complementary', { name: 'Questions' }).screenshot({
    path: join(root, 'build', 'screenshots', 'prompt-countdown.png'),
  });
  // The countdown answers (the question leaves), then cat says what it was told.
  await page
    .getByRole('complementary', { name: 'Questions' })
    .getByText('No questions waiting')
    .waitFor({ timeout: 30_000 });
  assert.notEqual(await exitStatus(session), 0);
  await session.getByText('cat: note.txt: Operation not permitted').waitFor({ timeout: 10_000 });
  // Denied once: the policy of cat, if it has a file at all, holds no rule for the file.
  const policies = join(web.home, '.config', 'sysgate', 'policies');
  const file = join(policies, 'usr_bin_cat');
  assert.ok(!existsSync(file) || !readFileSync(file, 'utf8').includes('note.txt'));
  // Back to waiting, as it was, in the prompt of the next question.
  const next = await startSession(page, { command: 'cat note.txt', cwd: work, mode: 'Ask' });
  while ((await armedPrompt()) === null) {
    assert.ok(Date.now() < deadline + 60_000, 'no question came');
    await page.waitForTimeout(50);
  }
  await page.getByRole('dialog').getByLabel('If unanswered').selectOption('0');
  assert.equal(await page.getByRole('dialog').getByRole('timer').count(), 0);
  await next.getByRole('button', { name: 'Kill' }).click();
  await next.getByText(/exited/).waitFor({ timeout: 20_000 });
});
