// The policy editor end to end, as a person would use it: Debian's Chromium against the real web
// shell, real policy files on disk, and real programs under the real supervisor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { openWindow, saveLearned, startSession, startWebShell } from './web-shell-driver.mjs';

const CAT = realpathSync('/bin/cat');
const ENV = '/usr/bin/env';
const ENV_POLICY = `Policy: ${ENV}, Emulation: native
\t# what env may do
\tnative-fsread: filename match "/etc/*" then permit
\tnative-execve: permit
`;

let web;
let browser;
let page;
let policies;

before(async () => {
  web = await startWebShell('sysgate-e2e-policies-');
  policies = join(web.home, '.config/sysgate/policies');
  mkdirSync(policies, { recursive: true });
  writeFileSync(join(policies, 'usr_bin_env'), ENV_POLICY, { mode: 0o600 });
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

/** Opens the editor on `program` through the address, as a link from elsewhere would. */
async function openPolicy(program, extra = '') {
  await page.evaluate(
    (hash) => (location.hash = hash),
    `#policies&policy=${encodeURIComponent(program)}${extra}`,
  );
  const grid = page.getByRole('grid', { name: `Rules of ${program}` });
  await grid.waitFor();
  return grid;
}

const rowOf = (grid, text) => grid.getByRole('row').filter({ hasText: text });

/**
 * Writes `rules` as the policy of `program` (in `file`), opens it in a window of its own (the one
 * before may have unsaved edits), and waits for the linter's notes.
 */
async function openWritten(program, file, rules) {
  const text = [`Policy: ${program}, Emulation: native`, ...rules, ''].join('\n');
  writeFileSync(join(policies, file), text, { mode: 0o600 });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(web.url);
  const grid = await openPolicy(program);
  await page.locator('[role=grid][aria-busy=false]').waitFor();
  return grid;
}

test('a rule added with the builder is saved, after the diff, to the file on disk', async () => {
  const grid = await openPolicy(ENV);
  await rowOf(grid, 'filename match "/etc/*"').waitFor();
  await page.getByRole('button', { name: 'Add rule', exact: true }).click();
  const form = page.getByRole('form', { name: 'New rule' });
  await form.getByLabel('Call', { exact: true }).fill('fsread');
  await form.getByLabel('Value of condition 1').fill('/etc/shadow');
  await form.getByRole('button', { name: 'Put $HOME in front of value 1' }).waitFor();
  await form.getByLabel('Action').selectOption('deny');
  await form.getByLabel('Error').selectOption('eacces');
  await form.getByRole('button', { name: 'Add rule' }).click();
  // The new rule goes after the selected row, or last: here, last. An earlier rule decides
  // every call it would, and the table says so.
  const added = rowOf(grid, 'filename eq "/etc/shadow"');
  await added.waitFor();
  assert.match(await added.innerText(), /deny[\s\S]*eacces[\s\S]*shadowed/);
  assert.equal(readFileSync(join(policies, 'usr_bin_env'), 'utf8'), ENV_POLICY, 'not saved yet');

  await page.getByRole('button', { name: 'Save…' }).click();
  const review = page.getByRole('dialog', { name: 'Save changes' });
  const diff = await review.getByLabel('Changes to save').innerText();
  assert.match(
    diff,
    /^\+\s+5\s+\tnative-fsread: filename eq "\/etc\/shadow" then deny\[eacces\]$/m,
  );
  await review.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Saved to' }).waitFor();
  assert.equal(
    readFileSync(join(policies, 'usr_bin_env'), 'utf8'),
    `${ENV_POLICY}\tnative-fsread: filename eq "/etc/shadow" then deny[eacces]\n`,
  );
});

test('the keyboard alone: select, move, switch off, duplicate, delete, then undo it all', async () => {
  const grid = await openPolicy(ENV);
  const calls = async () =>
    (await grid.locator('.rule-body [role=row]').allInnerTexts()).map((t) => t.split(/\s+/)[1]);
  const before = await calls();
  await grid.focus();
  await page.keyboard.press('Home');
  assert.equal(
    await grid
      .locator('[aria-selected=true]')
      .innerText()
      .then((t) => t.split(/\s+/)[1]),
    before[0],
  );
  await page.keyboard.press('Alt+ArrowDown');
  assert.deepEqual((await calls()).slice(0, 2), [before[1], before[0]]);
  await page.keyboard.press(' ');
  await grid.locator('.rule-row.disabled').waitFor();
  await page.keyboard.press('Control+d');
  assert.equal((await calls()).length, before.length + 1);
  await page.keyboard.press('Delete');
  await page.keyboard.press('Delete');
  assert.equal((await calls()).length, before.length - 1);
  for (let i = 0; i < 5; i++) await page.keyboard.press('Control+z');
  assert.deepEqual(await calls(), before);
  // A row dragged onto another takes its place.
  const rows = grid.locator('.rule-body [role=row]');
  await rows.nth(0).dragTo(rows.nth(1));
  assert.deepEqual((await calls()).slice(0, 2), [before[1], before[0]]);
  await grid.focus();
  await page.keyboard.press('Control+z');
  assert.deepEqual(await calls(), before);
  assert.equal(await page.getByRole('button', { name: 'Save…' }).isDisabled(), true);
});

test('broken text shows its error at the line and column; Undo takes it back', async () => {
  await openPolicy(ENV);
  const show = page.getByRole('radiogroup', { name: 'Show' });
  await show.getByRole('radio', { name: 'Text' }).check();
  const text = page.getByRole('textbox', { name: `Text of ${ENV}` });
  await text.click();
  // The file ends with a newline: the end of the text is the start of the line after its last.
  const line = readFileSync(join(policies, 'usr_bin_env'), 'utf8').split('\n').length;
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\tnative-read: fd eq then permit');
  const errors = page.getByRole('list', { name: 'Errors' });
  await errors.waitFor();
  assert.equal(
    await errors.innerText(),
    `line ${line}, column 21: expected a quoted string after "eq"`,
  );
  // The code editor marks the place too.
  await page.locator('.cm-lintRange-error').first().waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save…' }).isDisabled(), true);

  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await errors.waitFor({ state: 'detached' });
  assert.doesNotMatch(await text.innerText(), /native-read/);
  await show.getByRole('radio', { name: 'Rules' }).check();
});

test('the rule of a prompt’s "always" answer appears in the open editor at once, highlighted', async () => {
  // A first run in Learn mode gives cat a policy file to open.
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const learned = await startSession(page, {
    command: 'cat /etc/passwd',
    cwd: join(web.home, 'work'),
    mode: 'Learn',
  });
  await learned.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
  await saveLearned(page, learned);
  const grid = await openPolicy(CAT);
  const before = await grid.getAttribute('aria-rowcount');

  await page.getByRole('button', { name: /^Sessions/ }).click();
  const asking = await startSession(page, {
    command: 'cat /etc/hostname',
    cwd: join(web.home, 'work'),
    mode: 'Ask',
  });
  const prompt = page.getByRole('dialog');
  const deadline = Date.now() + 20_000;
  while (!/\/etc\/hostname/.test((await prompt.innerText().catch(() => '')) ?? '')) {
    assert.ok(Date.now() < deadline, 'the question about /etc/hostname came');
    if (await prompt.isVisible().catch(() => false))
      await page.getByRole('button', { name: 'Permit', exact: true }).click();
    else await page.waitForTimeout(100);
  }
  await page.getByRole('button', { name: /^Policies/ }).click();
  await page.getByRole('button', { name: 'Permit always' }).click();
  const arrived = rowOf(grid, 'filename eq "/etc/hostname"');
  await arrived.waitFor();
  assert.match((await arrived.getAttribute('class')) ?? '', /\barrived\b/);
  assert.equal(await arrived.getAttribute('aria-selected'), 'true');
  assert.notEqual(await grid.getAttribute('aria-rowcount'), before);
  await page.getByRole('button', { name: /^Sessions/ }).click();
  await asking.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
});

test('#policies&policy=...&rule=... drafts that rule in the builder, unsaved', async () => {
  const rule = 'native-fswrite: filename match "$HOME/*" and not filename sub ".ssh" then permit';
  await openPolicy(ENV, `&rule=${encodeURIComponent(rule)}`);
  const form = page.getByRole('form', { name: 'New rule' });
  assert.equal(await form.getByLabel('Call', { exact: true }).inputValue(), 'fswrite');
  assert.equal(await form.getByLabel('Value of condition 1').inputValue(), '$HOME/*');
  assert.equal(await form.getByLabel('Not, condition 2').isChecked(), true);
  assert.equal(await form.getByLabel('Value of condition 2').inputValue(), '.ssh');
  await form.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.getByText('unsaved', { exact: true }).count(), 0);

  // &line=N selects the rule on that line.
  const grid = await openPolicy(ENV, '&line=4');
  const selected = grid.locator('[role=row][aria-selected=true]');
  await selected.waitFor();
  assert.match(await selected.innerText(), /^4\s+execve/);
});

test('Explain: a typed call, the rule that decides it, or that it would be asked', async () => {
  await openPolicy(ENV);
  await page.getByRole('button', { name: 'Explain…' }).click();
  const panel = page.getByRole('region', { name: 'Explain a call' });
  await panel.getByLabel('Call to explain').fill('openat');
  await panel.getByLabel('Alias').selectOption('fsread');
  await panel.getByLabel('Arguments, one name=value a line').fill('filename=/etc/passwd');
  const result = panel.getByRole('status', { name: 'Explanation' });
  await result.getByText('Line 3 decides it: permit').waitFor();
  await panel.getByLabel('Arguments, one name=value a line').fill('filename=/srv/data');
  await result.getByText('No rule decides it: the call would be asked').waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
});

test('a Learn run ends in a review that makes five paths of one directory one rule, which then decides', async () => {
  const work = join(web.home, 'work');
  mkdirSync(join(work, 'data'));
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f'])
    writeFileSync(join(work, 'data', `${name}.csv`), `${name} data\n`);
  writeFileSync(join(work, 'secret.txt'), 'secret\n');
  await page.getByRole('button', { name: /^Sessions/ }).click();
  const learned = await startSession(page, {
    command: 'cat data/a.csv data/b.csv data/c.csv data/d.csv data/e.csv',
    cwd: work,
    mode: 'Learn',
  });
  await learned.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
  assert.doesNotMatch(
    readFileSync(join(policies, 'usr_bin_cat'), 'utf8'),
    /data\/a\.csv/,
    'nothing saved before the review',
  );

  // Closing the session would lose what it learned: it is refused until that is saved or discarded.
  await learned.getByRole('button', { name: 'Close' }).click();
  await learned
    .getByRole('alert')
    .getByText(/wait for review: save or discard them first/)
    .waitFor();
  await learned.getByRole('button', { name: /^Review \d+ learned rules?$/ }).click();
  const review = page.getByRole('dialog', { name: 'Review learned rules' });
  const generalised = 'native-fsread: filename match "$HOME/work/data/*" then permit';
  await review.getByLabel(`Accept: ${generalised}`).check();
  const replaced = review.getByLabel(
    /^Keep: native-fsread: filename eq ".*\/work\/data\/[a-e]\.csv" then permit$/,
  );
  assert.equal(await replaced.count(), 5);
  for (let i = 0; i < 5; i++) assert.equal(await replaced.nth(i).isDisabled(), true);
  await review.getByRole('button', { name: /^Save \d+ rules? to the policy for / }).click();
  await review.getByText('Everything learned has been saved.').waitFor();
  await review.getByRole('button', { name: 'Close' }).click();
  const saved = readFileSync(join(policies, 'usr_bin_cat'), 'utf8');
  assert.ok(saved.includes(`\t${generalised}\n`), saved);
  assert.doesNotMatch(saved, /data\/[a-e]\.csv/);

  // Enforced: a file of that directory nobody opened while learning is read; one elsewhere is not.
  const enforced = await startSession(page, {
    command: 'cat data/f.csv secret.txt',
    cwd: work,
    mode: 'Enforce',
  });
  await enforced.getByText(/exited with status 1/).waitFor({ timeout: 20_000 });
  const output = await enforced.innerText();
  assert.match(output, /f data/);
  assert.match(output, /secret\.txt: Operation not permitted/);
  assert.doesNotMatch(output, /^secret$/m);
});

test('a file changed outside under unsaved edits is a conflict: shown, not overwritten', async () => {
  const grid = await openPolicy(ENV);
  await grid.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Control+d');
  await page.getByText('unsaved', { exact: true }).waitFor();
  // Opening another file would lose the edits: asked first.
  await page.getByRole('list', { name: 'Policies' }).getByRole('button', { name: /^base/ }).click();
  const guard = page.getByRole('alert', { name: 'Unsaved edits' });
  await guard.getByRole('button', { name: 'Keep editing' }).click();
  await guard.waitFor({ state: 'detached' });
  await page.getByText('unsaved', { exact: true }).waitFor();
  const path = join(policies, 'usr_bin_env');
  const theirs = `${readFileSync(path, 'utf8')}\tnative-getcwd: permit\n`;
  writeFileSync(path, theirs);
  const conflict = page.getByRole('alert', { name: 'Conflict' });
  await conflict.waitFor();
  assert.match(await conflict.innerText(), /native-getcwd: permit/);
  assert.equal(readFileSync(path, 'utf8'), theirs, 'their change is kept');
  await conflict.getByRole('button', { name: 'Use the file as it is now' }).click();
  await rowOf(grid, 'getcwd').waitFor();
  assert.equal(await page.getByText('unsaved', { exact: true }).count(), 0);
});

test('a rule that decides calls counts its hits while the app runs; the files in use are marked', async () => {
  const work = join(web.home, 'work');
  writeFileSync(join(work, 'private.txt'), 'private\n');
  const path = join(policies, 'usr_bin_cat');
  const rule = 'native-fsread: filename eq "$HOME/work/private.txt" then deny[eacces]';
  // Written outside the app, at the top of the policy, so that it decides before any other.
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^(Policy:.*\n)/m, `$1\t${rule}\n`));
  const grid = await openPolicy(CAT);
  const row = rowOf(grid, 'private.txt');
  await row.waitFor();
  assert.match(await row.innerText(), /\b0\b/);

  await page.getByRole('button', { name: /^Sessions/ }).click();
  const session = await startSession(page, {
    // The last `-` reads the terminal: cat keeps running, and its policy stays in use.
    command: 'cat private.txt private.txt -',
    cwd: work,
    mode: 'Enforce',
  });
  await session
    .getByText('cat: private.txt: Permission denied')
    .first()
    .waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: /^Policies/ }).click();
  const item = page
    .getByRole('list', { name: 'Policies' })
    .getByRole('button')
    .filter({ hasText: path });
  await item.getByText('in use', { exact: true }).waitFor();
  // Hits are read again a moment after records come.
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll('[role=grid] .rule-body [role=row]')].some(
        (r) =>
          r.textContent.includes('private.txt') && / 2\D/.test(r.innerText.replace(/\n/g, ' ')),
      ),
    null,
    { timeout: 10_000 },
  );
  // Explain the call the session just made.
  await page.getByRole('button', { name: 'Explain…' }).click();
  const panel = page.getByRole('region', { name: 'Explain a call' });
  await panel.getByLabel('Recent call').selectOption({ index: 1 });
  await panel.getByText('Line 2 decides it: deny (eacces)').waitFor();
  await panel.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: /^Sessions/ }).click();
  await session.getByRole('button', { name: 'Kill' }).click();
  await session.getByText(/exited with status/).waitFor({ timeout: 20_000 });
});

test('a rule that runs its call as another user carries a badge "as root:root" in the table (issue 16)', async () => {
  const NC = '/usr/bin/elevated-example';
  writeFileSync(
    join(policies, 'usr_bin_elevated-example'),
    `Policy: ${NC}, Emulation: native\n` +
      '\tnative-bind: sockaddr eq "inet-[0.0.0.0]:80" then permit as root:root\n' +
      '\tnative-bind: sockaddr eq "inet-[0.0.0.0]:8080" then permit\n' +
      '\tnative-kill: permit as root\n',
    { mode: 0o600 },
  );
  const grid = await openPolicy(NC);
  const elevated = rowOf(grid, 'inet-[0.0.0.0]:80"');
  await elevated.waitFor();
  assert.equal(await elevated.locator('.elevation-tag').innerText(), 'as root:root');
  assert.equal(await rowOf(grid, ':8080').locator('.elevation-tag').count(), 0);
  // One the supervisor cannot perform says so where the rule is.
  const kill = rowOf(grid, 'kill');
  assert.equal(await kill.locator('.elevation-tag').innerText(), 'as root');
  assert.match(await kill.innerText(), /the supervisor cannot perform kill/);
  await grid.screenshot({ path: join(web.home, 'elevated-rules.png') });
  if (process.env.SYSGATE_E2E_SHOTS) await grid.screenshot({ path: process.env.SYSGATE_E2E_SHOTS });
  // Its form says so too, and keeps it; the review of the save marks the rule it adds.
  await elevated.dblclick();
  let form = page.getByRole('form', { name: 'Edit rule' });
  await form.getByLabel('Value of condition 1').fill('inet-[0.0.0.0]:443');
  await form.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('button', { name: 'Save…' }).click();
  const review = page.getByRole('dialog', { name: 'Save changes' });
  const diff = await review.getByLabel('Changes to save').innerText();
  assert.match(
    diff,
    /^\+\s+2\s+\tnative-bind: sockaddr eq "inet-\[0\.0\.0\.0\]:443" then permit as root:root as root:root$/m,
  );
  assert.match(
    diff,
    /^-\s+2\s+\tnative-bind: sockaddr eq "inet-\[0\.0\.0\.0\]:80" then permit as root:root$/m,
  );
  if (process.env.SYSGATE_E2E_SHOTS)
    await review.screenshot({ path: process.env.SYSGATE_E2E_SHOTS.replace(/\.png$/, '-save.png') });
  await review.getByRole('button', { name: 'Cancel' }).click();
  // Denying it drops the "as", which only a permit may have.
  await rowOf(grid, ':443"').dblclick();
  form = page.getByRole('form', { name: 'Edit rule' });
  assert.equal(
    await form.getByLabel('Runs as').locator('.elevation-tag').innerText(),
    'as root:root',
  );
  if (process.env.SYSGATE_E2E_SHOTS)
    await form.screenshot({ path: process.env.SYSGATE_E2E_SHOTS.replace(/\.png$/, '-form.png') });
  await form.getByLabel('Action').selectOption('deny');
  assert.equal(await form.getByLabel('Runs as').count(), 0);
  await form.getByRole('button', { name: 'Apply' }).click();
  const denied = rowOf(grid, 'inet-[0.0.0.0]:443"');
  await denied.filter({ hasText: 'deny' }).waitFor();
  assert.equal(await denied.locator('.elevation-tag').count(), 0);
});

test('thousands of rules: the linter in its worker marks a far rule shadowed, the table shows the right rows wherever it scrolls, and an edit is checked again (issue 17)', async () => {
  const program = '/usr/bin/manyrules';
  const rules = Array.from(
    { length: 2000 },
    (_, i) => `\tnative-fsread: filename eq "/usr/share/doc/pkg${i}/README" then permit`,
  );
  const grid = await openWritten(program, 'usr_bin_manyrules', [
    '\tnative-fsread: filename match "/data/*" then permit',
    ...rules,
    '\tnative-fsread: filename eq "/data/x" then permit',
  ]);
  /** The line numbers of the rows drawn, in the page's order. */
  const drawn = () =>
    grid
      .locator('.rule-body [role=row]')
      .evaluateAll((rows) =>
        rows.map((r) => Number(r.querySelector('[role=gridcell]').textContent)),
      );
  const consecutive = (lines) => lines.every((n, i) => i === 0 || n === lines[i - 1] + 1);

  await grid.focus();
  await page.keyboard.press('End');
  const last = rowOf(grid, 'filename eq "/data/x"');
  await last.waitFor();
  assert.match(await last.innerText(), /^2003\b[\s\S]*shadowed: an earlier rule decides/);
  let lines = await drawn();
  assert.ok(consecutive(lines) && lines.at(-1) === 2003, `rows drawn: ${lines}`);

  // Scrolled to the middle by hand: the rows drawn are the ones there, in order.
  await page.locator('.rule-scroll').evaluate((s) => (s.scrollTop = 1000 * 30));
  await rowOf(grid, 'pkg1000/README').waitFor();
  lines = await drawn();
  assert.ok(consecutive(lines) && lines.includes(1003) && lines.length < 100, `${lines}`);
  assert.match(await rowOf(grid, 'pkg1000/README').innerText(), /^1003\b/);

  // The pattern switched off: after the linter's second look the far rule is no longer shadowed.
  await page.keyboard.press('Home');
  await page.keyboard.press(' ');
  await grid.locator('.rule-row.disabled').filter({ hasText: '/data/*' }).waitFor();
  await page.locator('[role=grid][aria-busy=false]').waitFor();
  await page.keyboard.press('End');
  await last.waitFor();
  assert.doesNotMatch(await last.innerText(), /shadowed/);
  await page.keyboard.press('Control+z');
});

test('where the linter worker cannot start, the page lints the draft itself: the notes still come (issue 17)', async () => {
  const program = '/usr/bin/noworker';
  writeFileSync(
    join(policies, 'usr_bin_noworker'),
    `Policy: ${program}, Emulation: native\n\tnative-fsread: filename match "/a/*" then permit\n\tnative-fsread: filename eq "/a/b" then permit\n`,
    { mode: 0o600 },
  );
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const refused = [];
  await page.route('**/lint-worker-*.js', (route) => {
    refused.push(route.request().url());
    return route.fulfill({ status: 404, body: '' });
  });
  await page.goto(web.url);
  const grid = await openPolicy(program);
  await page.locator('[role=grid][aria-busy=false]').waitFor();
  assert.match(await rowOf(grid, '"/a/b"').innerText(), /shadowed: an earlier rule decides/);
  assert.equal(refused.length, 1, 'the worker was asked for, and refused');
});

test("a rule's cells stand under their columns, and say which, also where empty cells are left out (issue 17)", async () => {
  const program = '/usr/bin/columns';
  const grid = await openWritten(program, 'usr_bin_columns', [
    '\tnative-fsread: filename eq "/etc/hosts" then permit',
    '\tnative-fswrite: filename match "/tmp/*" then deny[eacces] log',
    '\tnative-getpid: permit',
  ]);
  const cells = await grid.evaluate((table) => {
    const headers = [...table.querySelectorAll('[role=columnheader]')].map((h) => {
      const box = h.getBoundingClientRect();
      return { name: h.textContent, left: box.left, right: box.right };
    });
    return [...table.querySelectorAll('.rule-body [role=row]')].map((row) =>
      [...row.querySelectorAll(':scope > [role=gridcell]')].map((cell) => {
        const left = cell.getBoundingClientRect().left;
        return {
          text: cell.textContent,
          said: headers[Number(cell.getAttribute('aria-colindex')) - 1]?.name,
          under: headers.find((h) => left >= h.left - 1 && left < h.right)?.name,
        };
      }),
    );
  });
  for (const row of cells) for (const cell of row) assert.equal(cell.said, cell.under, cell.text);
  const said = (row) => Object.fromEntries(row.map((cell) => [cell.said, cell.text]));
  const [read, write, getpid] = cells.map(said);
  assert.deepEqual(Object.keys(read), ['Line', 'Call', 'Condition', 'Action', 'Hits', 'Last hit']);
  assert.equal(write.Error, 'eacces');
  assert.equal(write.Log, 'log');
  assert.match(getpid.Notes, /always permitted in the kernel/);
});
