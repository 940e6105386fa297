// The Statistics view end to end: a real program under the real supervisor, started from the
// web shell in Debian's Chromium, opens a file N times; the supervisor counts every call it
// decided (permitted ones too: none of them is a record) and the Statistics view, the policy
// editor's Hits and History's grouping show what the run did.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { permitEvery } from '../native/tests/supervised.mjs';
import { openWindow, root, startSession, startWebShell } from './web-shell-driver.mjs';

const N = 300;
const ROUNDS = 4;
const shown = (n) => n.toLocaleString('en');
const HOSTNAME_RULE = 'native-fsread: filename eq "/etc/hostname" then permit';
const SHADOW_RULE = 'native-fsread: filename eq "/etc/shadow" then deny[eacces]';

/** systrace's file name for a program's policy (app/core/policy/naming.ts). */
const fileName = (path) => path.slice(1).replace(/[^A-Za-z0-9]/g, '_');

let web;
let browser;
let page;
let openloop;

before(async () => {
  web = await startWebShell('sysgate-e2e-statistics-');
  const work = join(web.home, 'work');
  openloop = join(work, 'openloop');
  copyFileSync(join(root, 'native/build/openloop'), openloop);
  const policies = join(web.home, '.config/sysgate/policies');
  mkdirSync(policies, { recursive: true });
  const write = (program, first) =>
    writeFileSync(
      join(policies, fileName(program)),
      `Policy: ${program}, Emulation: native\n${first}${permitEvery()}\n`,
      { mode: 0o600 },
    );
  write(openloop, `\t${HOSTNAME_RULE}\n`);
  write(realpathSync('/bin/cat'), `\t${SHADOW_RULE}\n`);
  write(realpathSync('/bin/sh'), '');
  write(realpathSync('/bin/sleep'), '');
  ({ browser, page } = await openWindow(web.url, { width: 1280, height: 1000 }));
});

after(async () => {
  await browser?.close();
  await web?.stop();
});

test('Statistics shows the counts of a real traced run: per program, per call, per rule, over time, as a chart and a table', async () => {
  const session = await startSession(page, {
    command: `sh -c 'for i in ${Array.from({ length: ROUNDS }, (_, i) => i + 1).join(' ')}; do ./openloop ${N} /etc/hostname; cat /etc/shadow; sleep 0.6; done'`,
    cwd: join(web.home, 'work'),
    mode: 'Enforce',
  });
  await session.getByText(/exited with status/).waitFor({ timeout: 30_000 });
  const terminal = await session.innerText();
  assert.equal(terminal.match(new RegExp(`openloop: ${N} open\\+close`, 'g'))?.length, ROUNDS);

  await page.getByRole('button', { name: 'Statistics' }).click();
  const view = page.getByRole('region', { name: 'Statistics' });
  const perRule = view.getByRole('table', { name: 'Per rule' });
  const hostnameRow = perRule.getByRole('row').filter({ hasText: '/etc/hostname' });
  await hostnameRow.waitFor({ timeout: 10_000 });
  // Every open of the loop, though no record was written for any of them.
  const cells = await hostnameRow.getByRole('cell').allInnerTexts();
  assert.deepEqual(cells.slice(-3), [shown(N * ROUNDS), '0', shown(N * ROUNDS)], cells.join(' | '));
  const shadow = await perRule
    .getByRole('row')
    .filter({ hasText: '/etc/shadow' })
    .getByRole('cell')
    .allInnerTexts();
  assert.deepEqual(shadow.slice(-3), ['0', `${ROUNDS}`, `${ROUNDS}`]);

  const perProgram = view.getByRole('table', { name: 'Per program' });
  for (const program of [openloop, realpathSync('/bin/cat'), realpathSync('/bin/sh')])
    await perProgram.getByRole('row').filter({ hasText: program }).waitFor();
  // Every program's row is there: their totals are the view's.
  const programTotals = (await perProgram.getByRole('row').allInnerTexts())
    .slice(1)
    .map((r) => Number(r.split('\t').at(-1).replace(/,/g, '')));
  const said = await view.getByText(/^[0-9,]+ calls: /).innerText();
  assert.equal(
    programTotals.reduce((a, b) => a + b, 0).toLocaleString('en'),
    /^([0-9,]+) calls/.exec(said)[1],
  );
  const perCall = view.getByRole('table', { name: 'Per call' });
  const opens = await perCall
    .getByRole('row')
    .filter({ hasText: openloop })
    .filter({ hasText: 'openat' })
    .getByRole('cell')
    .allInnerTexts();
  assert.ok(Number(opens.at(-3).replace(/,/g, '')) >= N * ROUNDS, opens.join(' | '));

  // The chart, and the same numbers as a table.
  const chart = view.getByRole('img', { name: /Calls over time/ });
  await chart.waitFor();
  assert.ok((await chart.locator('rect.bar.permit').count()) >= 2, 'the run spans seconds');
  await view.getByText(/Not counted/).waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(root, 'build', 'screenshots', 'statistics.png') });
  await view.getByRole('button', { name: 'Show as table' }).click();
  const overTime = view.getByRole('table', { name: /Calls over time/ });
  const rows = await overTime.getByRole('row').allInnerTexts();
  const permitted = rows
    .slice(1)
    .map((r) => Number(r.split('\t')[1].replace(/,/g, '')))
    .reduce((a, b) => a + b, 0);
  const total = await view.getByText(/ calls: .* permitted, .* denied/).innerText();
  assert.match(
    total,
    new RegExp(`: ${permitted.toLocaleString('en')} permitted, ${ROUNDS} denied`),
  );

  // The run itself can be chosen, and its records shown.
  const run = view.getByLabel('Run');
  const options = await run.locator('option').allInnerTexts();
  assert.equal(options.length, 2, options.join(' | '));
  await run.selectOption({ index: 1 });
  await hostnameRow.waitFor();
  await view.getByRole('link', { name: "This run's records" }).click();
  const history = page.getByRole('region', { name: 'History' });
  await history.waitFor();
  assert.match(await history.getByLabel('Filter', { exact: true }).inputValue(), /^run:s1@\d+$/);

  // History groups the run's records (its denials) by program and call.
  await history.getByRole('button', { name: 'Group by program and call' }).click();
  assert.equal(
    await history
      .getByRole('button', { name: 'Group by program and call' })
      .getAttribute('aria-pressed'),
    'true',
  );
  const groups = history.getByRole('table', { name: /Records by program and call/ });
  const group = groups.getByRole('row').filter({ hasText: realpathSync('/bin/cat') });
  await group.waitFor();
  assert.deepEqual((await group.getByRole('cell').allInnerTexts()).slice(1, 5), [
    'openat',
    `${ROUNDS}`,
    '0',
    `${ROUNDS}`,
  ]);
  await group.getByRole('button', { name: new RegExp(`^Show the ${ROUNDS} records`) }).click();
  await history.getByRole('table', { name: 'Records' }).waitFor();
  assert.match(
    await history.getByLabel('Filter', { exact: true }).inputValue(),
    /run:s1@\d+ prog:\/\S+\/cat call:openat/,
  );
});

test("the editor's Hits column counts the calls a rule permitted, not only the recorded ones", async () => {
  await page.evaluate(
    (hash) => (location.hash = hash),
    `#policies&policy=${encodeURIComponent(openloop)}`,
  );
  const grid = page.getByRole('grid', { name: `Rules of ${openloop}` });
  const row = grid.getByRole('row').filter({ hasText: '/etc/hostname' });
  await row.waitFor();
  const hits = row.locator('[role=gridcell][aria-colindex="7"]');
  await page.waitForFunction(
    ([el, want]) => el.textContent === want,
    [await hits.elementHandle(), String(N * ROUNDS)],
    { timeout: 10_000 },
  );
  assert.equal(
    await hits.getAttribute('title'),
    `${N * ROUNDS} calls: ${N * ROUNDS} permitted, 0 denied`,
  );
  // Last hit: the time of day as the window's toLocaleTimeString writes it (en-US here).
  assert.match(
    await row.locator('[role=gridcell][aria-colindex="8"]').innerText(),
    /^\d{1,2}:\d\d:\d\d [AP]M$/,
  );
});
