// The Learn review shows the names a program made at random, and the shape each was learned as,
// before anything is saved: Debian's Chromium against the real web shell and supervisor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

import { openWindow, startSession, startWebShell } from './web-shell-driver.mjs';

const MKTEMP = realpathSync('/usr/bin/mktemp');

let web;
let browser;
let page;

before(async () => {
  web = await startWebShell('sysgate-e2e-random-');
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

test('mktemp’s name is shown as learned, as the shape it becomes and why, then enforced', async () => {
  const work = join(web.home, 'work');
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  const command = `mktemp -p ${tmp}`;
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const learned = await startSession(page, { command, cwd: work, mode: 'Learn' });
  await learned.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
  // The name mktemp made, from the folder: on the terminal it may wrap at any column.
  const made = readdirSync(tmp);
  assert.equal(made.length, 1, made.join(' '));
  const name = join(tmp, made[0]);
  assert.match(name, new RegExp(`^${tmp}/tmp\\.[A-Za-z0-9]{10}$`));

  await learned.getByRole('button', { name: /^Review \d+ learned rules?$/ }).click();
  const review = page.getByRole('dialog', { name: 'Review learned rules' });
  const list = review.getByRole('list', { name: `Names made at random by ${MKTEMP}` });
  const shaped = `native-fswrite: filename match "${tmp}/tmp.??????????" and (not filename match "${tmp}/tmp.??????????/*") then permit`;
  const item = list.getByRole('listitem', { name: `Generalised: ${shaped}` });
  await item.waitFor();
  const text = await item.innerText();
  assert.match(text, new RegExp(`As learned: native-fswrite: filename eq "${name}" then permit`));
  assert.ok(text.includes(`Becomes: ${shaped}`), text);
  assert.ok(
    text.includes(
      `Why: "${name}" is a name made at random, another in every run: learned as its shape "${tmp}/tmp.??????????"`,
    ),
    text,
  );
  // The rule to save is the shape, not the name.
  await review.getByLabel(`Keep: ${shaped}`).waitFor();
  assert.equal(
    await review.getByLabel(`Keep: native-fswrite: filename eq "${name}" then permit`).count(),
    0,
  );

  await review.getByRole('button', { name: /^Save \d+ rules? to the policy for / }).click();
  await review.getByText('Everything learned has been saved.').waitFor();
  await review.getByRole('button', { name: 'Close' }).click();
  const saved = readFileSync(join(web.home, '.config/sysgate/policies/usr_bin_mktemp'), 'utf8');
  assert.ok(saved.includes(`\t${shaped}\n`), saved);

  // The next run makes another name, and is not denied.
  const enforced = await startSession(page, { command, cwd: work, mode: 'Enforce' });
  await enforced.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
  const output = await enforced.innerText();
  const others = readdirSync(tmp).filter((file) => join(tmp, file) !== name);
  assert.equal(others.length, 1, output);
  assert.doesNotMatch(output, /Operation not permitted/);
});
