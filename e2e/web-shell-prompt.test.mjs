// The prompt window's page (`#prompt`) end to end: Debian's Chromium, driven by Playwright,
// against the real web shell (`sysgate gui --web`). One tab is the main window, where a session
// starts; another, at the prompt window's size, is the page the Electron shell shows in its small
// always-on-top window: the questions only, no terminal, and only the commands that window may
// send. Also: the main window follows `#sessions`, `#policies` and `#new-session`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { openWindow, root, startSession, startWebShell } from './web-shell-driver.mjs';

const SCREENSHOTS = join(root, 'build', 'screenshots');
const PROMPT_SIZE = { width: 460, height: 520 };
// What the Electron shell lets the prompt window send (PROMPT_WINDOW_COMMANDS in the contract).
const PROMPT_COMMANDS = new Set(['snapshot', 'answerQuestion', 'policy']);

let home;
let web;
let browser;
let url;
let main;
let prompt;
/** Every command the prompt page sent, and every event it received, by name. */
const promptSent = [];
const promptReceived = [];
const promptConsole = [];

before(async () => {
  web = await startWebShell('sysgate-e2e-prompt-');
  home = web.home;
  url = web.url;
  mkdirSync(SCREENSHOTS, { recursive: true });
  ({ browser, page: main } = await openWindow(url));

  // The printed address is `http://127.0.0.1:PORT/#token=...`; the prompt page's is the same with
  // `&prompt` after the token (renderer/README.md, "Pages and views").
  prompt = await browser.newPage({ viewport: PROMPT_SIZE });
  prompt.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => promptSent.push(JSON.parse(String(payload)).command));
    ws.on('framereceived', ({ payload }) => {
      // One frame holds one message, or an array of them (what the host said in one turn).
      for (const message of [JSON.parse(String(payload))].flat())
        if ('event' in message) promptReceived.push(message.event);
    });
  });
  prompt.on('console', (message) => promptConsole.push(message.text()));
  await prompt.goto(`${url}&prompt`);
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/** The question `page` shows, as an element handle and its text, or null when none waits. */
async function shownQuestion(page) {
  const dialog = page.getByRole('dialog');
  if ((await dialog.count()) === 0) return null;
  const handle = await dialog.elementHandle({ timeout: 1000 }).catch(() => null);
  if (handle === null) return null;
  return { handle, text: await handle.innerText() };
}

/**
 * Answers each question `page` shows with Permit until one matches `pattern`, which is left
 * waiting. After each answer it waits for that question's prompt to go, so that the next click
 * is never meant for a question it has not read.
 */
async function permitUntil(page, pattern, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const question = await shownQuestion(page);
    if (question === null) {
      await page.waitForTimeout(100);
      continue;
    }
    if (pattern.test(question.text)) return question.text;
    await question.handle.$('button:text-is("Permit")').then((b) => b.click());
    await page.waitForFunction((element) => !element.isConnected, question.handle, {
      timeout: 10_000,
    });
  }
  throw new Error(`no question matching ${pattern} came`);
}

test('the prompt page shows the questions alone, and its address keeps the route without the token', async () => {
  assert.equal(new URL(prompt.url()).hash, '#prompt');
  assert.equal(await prompt.getByRole('navigation').count(), 0);
  assert.equal(await prompt.getByRole('form').count(), 0);
  assert.equal(await prompt.getByLabel('Command').count(), 0);
  await prompt.getByText('No questions waiting').waitFor({ timeout: 10_000 });
  assert.equal(await prompt.getByRole('complementary', { name: 'Questions' }).count(), 1);
  assert.equal(await prompt.title(), 'sysgate — no questions');
  // Nothing scrolls but the questions themselves.
  const overflow = await prompt.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  }));
  assert.deepEqual(overflow, PROMPT_SIZE);
  await prompt.screenshot({ path: join(SCREENSHOTS, 'prompt-window-empty.png') });
});

test('a question from a session started in the main page is answered with Deny in the prompt page', async () => {
  const session = await startSession(main, {
    command: 'cat /etc/hostname',
    cwd: join(home, 'work'),
    mode: 'Ask',
  });

  const question = await permitUntil(prompt, /filename\s+\/etc\/hostname\b/);
  assert.match(question, /openat/);
  // It came without taking the focus.
  assert.equal(await prompt.evaluate(() => document.activeElement === document.body), true);
  assert.match(await prompt.title(), /^\(\d+\) sysgate — /);
  // Armed (half a second after it appeared) before it is drawn for the screenshot.
  const deny = prompt.getByRole('button', { name: 'Deny', exact: true });
  await prompt.waitForFunction(() => document.querySelector('.prompt.arming') === null);
  // The answers are in view in the small window, however long the question's details.
  assert.equal(await deny.isVisible(), true);
  const box = await deny.boundingBox();
  assert.ok(box !== null && box.y + box.height <= PROMPT_SIZE.height, JSON.stringify(box));
  await prompt.screenshot({ path: join(SCREENSHOTS, 'prompt-window.png') });

  // The main page shows the same question; it goes from both when the prompt page answers it.
  await main.getByRole('dialog').getByText('/etc/hostname').first().waitFor();
  await deny.click();
  await session
    .getByText('cat: /etc/hostname: Operation not permitted')
    .waitFor({ timeout: 20_000 });
  await session.getByText(/exited with status \d+/).waitFor({ timeout: 20_000 });
  await prompt.getByText('No questions waiting').waitFor({ timeout: 10_000 });

  // The main page draws the terminal; the prompt page has none, and got its output all the same.
  assert.ok((await main.locator('.xterm').count()) >= 1);
  assert.equal(await prompt.locator('.xterm').count(), 0);
  assert.ok(promptReceived.includes('terminalData'), promptReceived.join(' '));
  assert.ok(promptSent.includes('answerQuestion'));
  const others = promptSent.filter((command) => !PROMPT_COMMANDS.has(command));
  assert.deepEqual(others, [], `the prompt page sent ${others.join(', ')}`);
  assert.deepEqual(
    promptConsole.filter((text) => /may not send/.test(text)),
    [],
    'the page tried a command the prompt window may not send',
  );
});

test('the main page follows #policies, #sessions and #new-session, and keeps its view in the address', async () => {
  const current = () =>
    main.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]').innerText();
  const hash = () => main.evaluate(() => location.hash);
  const isCommandFocused = () =>
    main.getByLabel('Command').evaluate((input) => document.activeElement === input);

  await main.evaluate(() => (location.hash = '#policies'));
  await main.getByRole('heading', { name: 'Policies', exact: true }).waitFor();
  assert.match(await current(), /^Policies/);
  assert.equal(await hash(), '#policies');

  await main.evaluate(() => (location.hash = '#sessions'));
  await main.getByLabel('Command').waitFor();
  assert.match(await current(), /^Sessions/);

  // The view chosen in the page is kept in the address, so the shell asking for another is a change.
  await main.getByRole('button', { name: /^Policies/ }).click();
  assert.equal(await hash(), '#policies');
  await main.evaluate(() => (location.hash = '#sessions'));
  await main.getByLabel('Command').waitFor();

  // New Session: the Sessions view, the focus in the Command field; and again, after the focus went.
  for (let i = 0; i < 2; i++) {
    await main.getByRole('button', { name: /^Policies/ }).click();
    await main.evaluate(() =>
      document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined,
    );
    await main.evaluate(() => (location.hash = '#new-session'));
    await main.waitForFunction(() => location.hash === '#sessions');
    assert.match(await current(), /^Sessions/);
    assert.equal(await isCommandFocused(), true);
  }

  // A token is never a route: the page takes it up by loading again, and the address keeps none.
  const token = new URL(url).hash.slice('#token='.length);
  await Promise.all([
    main.waitForEvent('load'),
    main.evaluate((t) => (location.hash = `#token=${t}&policies`), token),
  ]);
  await main.getByRole('heading', { name: 'Policies', exact: true }).waitFor();
  assert.equal(await hash(), '#policies');
  assert.ok(!main.url().includes(token));
});

test('a tab of the main page becomes the prompt page when its fragment says #prompt, and back', async () => {
  const page = await browser.newPage({ viewport: PROMPT_SIZE });
  try {
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    // The token went into this tab's storage on the first load; the new page load reads it there.
    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => (location.hash = '#prompt')),
    ]);
    await page.getByText('No questions waiting').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('navigation').count(), 0);
    assert.equal(await page.locator('.xterm').count(), 0);
    await Promise.all([
      page.waitForEvent('load'),
      page.evaluate(() => (location.hash = '#policies')),
    ]);
    await page.getByRole('heading', { name: 'Policies', exact: true }).waitFor({ timeout: 10_000 });
  } finally {
    await page.close();
  }
});
