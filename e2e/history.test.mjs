// The history end to end, as a reviewer uses it: a program enforced from the web shell is
// denied, the denial appears live in the History view of another window, a filter finds it and
// survives a reload, "Create rule…" drafts the rule that permits it for the policy editor, the
// rows export, and the history clears; the denial also reaches syslog, a real datagram socket.
// Debian's Chromium against the real `sysgate gui --web`, the real supervisor and the real
// SQLite file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium, root, startSession, startWebShell } from './web-shell-driver.mjs';

const { HistoryStore } = await import(
  new URL('../build/app/core/records/history-store.js', import.meta.url)
);

const CAT = realpathSync('/bin/cat');

let web;
let browser;
/** What a datagram socket standing for /dev/log received, a line each. */
let syslog = '';
let receiver;
/** The window that watches the history; `sessions` starts the programs. */
let review;
let sessions;

before(async () => {
  web = await startWebShell('sysgate-e2e-history-', (home) => ({
    SYSGATE_SYSLOG_SOCKET: join(home, 'log.sock'),
  }));
  receiver = spawn('python3', [
    '-c',
    'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ready",flush=True)\nwhile True: print(s.recv(65536).decode(),flush=True)',
    join(web.home, 'log.sock'),
  ]);
  receiver.stdout.on('data', (d) => (syslog += d));
  await new Promise((resolve) => receiver.stdout.once('data', resolve));
  // cat's policy permits what `cat /dev/null` did: /etc/hostname is not in it.
  const learned = spawnSync(
    process.execPath,
    [join(root, 'bin/sysgate.js'), '-A', 'cat', '/dev/null'],
    {
      env: web.env,
      encoding: 'utf8',
    },
  );
  assert.equal(learned.status, 0, learned.stderr);
  browser = await launchChromium();
  review = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  sessions = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await review.goto(web.url);
  await sessions.goto(web.url);
});

after(async () => {
  receiver?.kill();
  await browser?.close();
  await web?.stop();
});

const records = () =>
  review.getByRole('rowgroup', { name: 'Records, newest first' }).getByRole('row');

test('an enforced program is denied, and the denial appears live in the History view', async () => {
  await review.getByRole('button', { name: 'History' }).click();
  assert.match(review.url(), /#history$/);
  await review.getByText('No record matches').waitFor();

  const session = await startSession(sessions, {
    command: 'cat /etc/hostname',
    cwd: join(web.home, 'work'),
    mode: 'Enforce',
  });
  await session.getByText(/exited with status 1/).waitFor({ timeout: 20_000 });

  // No reload, no click: the record arrives by itself.
  const row = records().filter({ hasText: '/etc/hostname' });
  await row.waitFor({ timeout: 10_000 });
  const text = await row.innerText();
  assert.match(text, /deny \(eperm\)/);
  assert.ok(text.includes(CAT), text);
  assert.match(text, /openat/);
  assert.match(text, /no rule/);

  // The app writes its sessions' denials to syslog in systrace's format.
  const deadline = Date.now() + 10_000;
  while (!syslog.includes('/etc/hostname') && Date.now() < deadline)
    await review.waitForTimeout(100);
  assert.match(
    syslog,
    new RegExp(
      `sysgate\\[\\d+\\]: deny user: \\S+, prog: ${CAT}, pid: \\d+\\(0\\)\\[\\d+\\], policy: ${CAT}, filters: \\d+, syscall: native-openat\\(\\d+\\), filename: /etc/hostname, oflags: ro`,
    ),
  );
});

test('the filter finds it, is kept in the address, and survives a reload', async () => {
  await review.getByLabel('Filter', { exact: true }).fill('prog:cat hostname');
  await review.waitForFunction(() => location.hash === '#history&q=prog%3Acat%20hostname');
  await review.waitForFunction(
    () => document.querySelector('[aria-label="Records"]')?.getAttribute('aria-rowcount') === '2',
  );
  await review.getByLabel('Filter', { exact: true }).fill('prog:cat action:allow');
  await review
    .getByText('Column 17: unknown action "allow": expected permit, deny or ask')
    .waitFor();
  assert.match(review.url(), /#history&q=prog%3Acat%20hostname$/, 'a bad filter is not applied');
  await review.getByLabel('Filter', { exact: true }).fill('prog:ls');
  await review.getByText('No record matches').waitFor();

  await review.getByLabel('Filter', { exact: true }).fill('prog:cat hostname');
  await review.waitForFunction(() => location.hash === '#history&q=prog%3Acat%20hostname');
  await review.reload();
  assert.equal(
    await review.getByLabel('Filter', { exact: true }).inputValue(),
    'prog:cat hostname',
  );
  assert.equal(await review.getByLabel('Program').inputValue(), 'cat');
  await records().filter({ hasText: '/etc/hostname' }).waitFor();
  assert.equal(await records().count(), 1);
});

test('the detail pane shows the record in full; "Create rule…" drafts the rule in the editor, and once saved the program runs', async () => {
  await records().filter({ hasText: '/etc/hostname' }).click();
  const detail = review.getByRole('complementary', { name: 'Record details' });
  await detail.getByRole('list', { name: 'Process tree' }).waitFor();
  const facts = await detail.innerText();
  assert.match(facts, /filename\s+\/etc\/hostname/);
  assert.match(facts, /oflags\s+ro/);
  assert.match(facts, /Arguments\s+cat \/etc\/hostname/);
  assert.match(facts, /openat \(fsread\)/);
  const rule = 'native-fsread: filename eq "/etc/hostname" then permit';
  assert.equal(await detail.locator('code.history-rule-text').innerText(), rule);
  await review.screenshot({ path: join(root, 'build', 'screenshots', 'history.png') });

  const denials = await records().filter({ hasText: '/etc/hostname' }).count();
  await detail.getByRole('button', { name: 'Create rule…' }).click();
  const form = review.getByRole('form', { name: 'New rule' });
  await form.waitFor();
  assert.equal(
    new URL(review.url()).hash,
    `#policies&policy=${encodeURIComponent(CAT)}&rule=${encodeURIComponent(rule)}`,
  );
  assert.equal(await form.getByLabel('Call', { exact: true }).inputValue(), 'fsread');
  assert.equal(await form.getByLabel('Value of condition 1').inputValue(), '/etc/hostname');
  await form.getByRole('button', { name: 'Add rule' }).click();
  await review.getByRole('button', { name: 'Save…' }).click();
  await review
    .getByRole('dialog', { name: 'Save changes' })
    .getByRole('button', { name: 'Save', exact: true })
    .click();
  await review.getByRole('status').filter({ hasText: 'Saved to' }).waitFor();

  // The same program, enforced again: it reads the file, and no new denial arrives.
  const again = await startSession(sessions, {
    command: 'cat /etc/hostname',
    cwd: join(web.home, 'work'),
    mode: 'Enforce',
  });
  await again.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
  assert.match(await again.innerText(), new RegExp(readFileSync('/etc/hostname', 'utf8').trim()));
  await review
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: 'History' })
    .click();
  await records().first().waitFor();
  assert.equal(denials, 1);
  assert.equal(await records().filter({ hasText: '/etc/hostname' }).count(), denials);
});

test('the filtered rows export as CSV and JSON', async () => {
  await review.goto(`${new URL(web.url).origin}/#history&q=prog%3Acat%20hostname`);
  await records().filter({ hasText: '/etc/hostname' }).waitFor();
  const [csv] = await Promise.all([
    review.waitForEvent('download'),
    review.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  assert.equal(csv.suggestedFilename(), 'sysgate-history.csv');
  const lines = readFileSync(await csv.path(), 'utf8')
    .trim()
    .split('\r\n');
  assert.equal(lines.length, 2, lines.join('\n'));
  assert.match(lines[0], /^time,action,errno,program,pid/);
  assert.ok(lines[1].includes(`,deny,1,${CAT},`), lines[1]);
  const [json] = await Promise.all([
    review.waitForEvent('download'),
    review.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
  const entries = JSON.parse(readFileSync(await json.path(), 'utf8'));
  assert.deepEqual(
    entries.map((e) => [e.program, e.call, e.args.filename[0], e.argv]),
    [[CAT, 'openat', '/etc/hostname', ['cat', '/etc/hostname']]],
  );
});

test('with hundreds of thousands of records the table scrolls anywhere, and new ones wait behind a marker', async () => {
  // Records written by another process, as `sysgate -a` runs write them.
  const store = new HistoryStore(join(web.home, '.local/share/sysgate/history.sqlite3'));
  const seeded = 300_000;
  const record = {
    time: Date.now() - 3_600_000,
    ppid: 1,
    uid: 1000,
    gid: 1000,
    exe: '/usr/bin/seeded',
    argv: ['seeded'],
    policy: '/usr/bin/seeded',
    call: 'unlinkat',
    nr: 263,
    alias: 'fswrite',
    action: 'deny',
    errno: 13,
    by: 'default',
    line: null,
    col: null,
    log: false,
  };
  const context = { session: 'seed@1', user: 'jose', ruleFile: null };
  for (let i = 1; i <= seeded; i++)
    store.add({ ...record, pid: i, args: { filename: [`/seeded/file-${i}`] } }, context);
  store.close();

  await review.getByLabel('Filter', { exact: true }).fill('prog:seeded');
  await records()
    .filter({ hasText: `/seeded/file-${seeded}` })
    .waitFor({ timeout: 15_000 });
  await review.getByText('300,000 records').waitFor();
  const scroller = review.locator('.history-body');
  // To the middle: the rows there are fetched and drawn, a screenful, not 300,000 of them.
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  const middle = records()
    .filter({ hasText: /\/seeded\/file-15\d{4}(?!\d)/ })
    .first();
  await middle.waitFor({ timeout: 10_000 });
  await review.screenshot({ path: join(root, 'build', 'screenshots', 'history-middle.png') });
  assert.ok((await records().count()) < 100, 'only the rows in view are in the page');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await records()
    .filter({ hasText: /\/seeded\/file-1(?!\d)/ })
    .waitFor({ timeout: 10_000 });

  // Scrolled away, a new denial does not move the table: a marker counts it.
  await review.getByLabel('Filter', { exact: true }).fill('');
  await review.waitForFunction(() => location.hash === '#history');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight / 3));
  await records().first().waitFor();
  const denied = spawnSync(
    process.execPath,
    [
      join(root, 'bin/sysgate.js'),
      '-a',
      '-E',
      join(web.home, 'denials.log'),
      'cat',
      // Not /etc/hostname: a rule permits it since "Create rule…".
      '/etc/passwd',
    ],
    { env: web.env, encoding: 'utf8' },
  );
  assert.notEqual(denied.status, 0);
  const marker = review.getByRole('button', { name: '1 new' });
  await marker.waitFor({ timeout: 10_000 });
  assert.ok(
    (await scroller.evaluate((el) => el.scrollTop)) > 1000,
    'the table stayed where it was',
  );
  await marker.click();
  assert.equal(await scroller.evaluate((el) => el.scrollTop), 0);
  await records().filter({ hasText: '/etc/passwd' }).first().waitFor();
  assert.match(await records().first().innerText(), /\/usr\/bin\/cat.*\/etc\/passwd/s);
  await marker.waitFor({ state: 'detached' });
});

test('while the wheel scrolls the table, the row under the pointer does not light up; once it rests it does, and takes a click', async () => {
  // Each row passing under a still pointer took the hover's background: the rows were painted
  // again in every frame of the scroll (issue 17).
  const box = await review.locator('.history-rows').boundingBox();
  await review.mouse.move(box.x + 200, box.y + 5 * 28 + 14);
  // The background of the row under the pointer, once there is one.
  const lit = () =>
    review.waitForFunction(() => {
      const row = document.querySelector('.history-rows .history-row:hover');
      return row !== null && getComputedStyle(row).backgroundColor !== 'rgba(0, 0, 0, 0)';
    });
  await lit();
  await review.evaluate(() => {
    window.duringScroll = new Promise((resolve) =>
      document.querySelector('.history-body').addEventListener(
        'scroll',
        // After the table's own handler for this event: what the next frames show.
        () =>
          setTimeout(() =>
            resolve(
              [...document.querySelectorAll('.history-rows .history-row:hover')].map(
                (row) => getComputedStyle(row).backgroundColor,
              ),
            ),
          ),
        { once: true },
      ),
    );
  });
  await review.mouse.wheel(0, 600);
  assert.deepEqual(
    await review.evaluate(() => window.duringScroll),
    ['rgba(0, 0, 0, 0)'],
    'the row under the pointer is not lit while the table scrolls',
  );
  await lit();
  const row = review.locator('.history-rows .history-row:hover');
  await row.click();
  assert.equal(await row.getAttribute('aria-selected'), 'true');
});

test('with every decision recorded, a permit links to the rule that decided it, and several records make one rule', async () => {
  await review.getByRole('button', { name: 'Settings' }).click();
  const settings = review.getByRole('form', { name: 'History settings' });
  await settings.getByLabel('Record', { exact: true }).selectOption('all');
  await settings.getByLabel('Keep days').fill('30');
  await settings.getByRole('button', { name: 'Save' }).click();
  await settings.waitFor({ state: 'detached' });
  await review.getByRole('button', { name: 'Settings' }).click();
  assert.equal(await settings.getByLabel('Record', { exact: true }).inputValue(), 'all');
  assert.equal(await settings.getByLabel('Keep days').inputValue(), '30');
  await review.getByRole('button', { name: 'Settings' }).click();

  const session = await startSession(sessions, {
    command: 'cat /dev/null',
    cwd: join(web.home, 'work'),
    mode: 'Enforce',
  });
  await session.getByText(/exited with status 0/).waitFor({ timeout: 20_000 });
  await review.getByLabel('Filter', { exact: true }).fill('action:permit prog:cat null');
  const row = records().filter({ hasText: '/dev/null' }).first();
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.innerText(), /permit[\s\S]*rule, line \d+/);
  await row.click();
  const link = review
    .getByRole('complementary', { name: 'Record details' })
    .getByRole('link', { name: /^usr_bin_cat:\d+$/ });
  const line = (await link.innerText()).split(':')[1];
  await link.click();
  await review.getByRole('grid', { name: `Rules of ${CAT}` }).waitFor();
  assert.equal(
    new URL(review.url()).hash,
    `#policies&policy=${encodeURIComponent(CAT)}&line=${line}`,
  );
  const policy = readFileSync(join(web.home, '.config/sysgate/policies/usr_bin_cat'), 'utf8');
  assert.match(
    policy.split('\n')[Number(line) - 1],
    /^\tnative-fsread: filename eq "\/dev\/null".* then permit$/,
  );

  // Several records at once: one rule for all of them.
  await review.goto(
    `${new URL(web.url).origin}/#history&q=${encodeURIComponent('prog:cat action:permit call:fsread')}`,
  );
  const fsread = records().filter({ hasText: 'permit' });
  await fsread.nth(1).waitFor({ timeout: 10_000 });
  const chosen = [await fsread.nth(0).innerText(), await fsread.nth(1).innerText()];
  await fsread.nth(0).click();
  await fsread.nth(1).click({ modifiers: ['Control'] });
  const detail = review.getByRole('complementary', { name: 'Record details' });
  await detail.getByText('2 records selected').waitFor();
  assert.equal(await detail.getByLabel('One rule for all of them').count(), 1);
  const rule = await detail.locator('code.history-rule-text').innerText();
  assert.match(rule, /^native-fsread: .+ then permit$/);
  const [first, second] = chosen.map((text) => text.split('\n')[5]);
  assert.notEqual(first, second, 'two different files');
  assert.ok(!rule.includes(`eq "${first}"`) && !rule.includes(`eq "${second}"`), rule);
  // A Shift-click selects the records from the last one clicked, and none of the page's text.
  await fsread.nth(0).click({ modifiers: ['Shift'] });
  await detail.getByText('2 records selected').waitFor();
  assert.equal(await review.evaluate(() => String(getSelection())), '');
  await review.goto(`${new URL(web.url).origin}/#history`);
});

test('clearing the history empties the view', async () => {
  await review.getByRole('button', { name: 'Clear…' }).click();
  await review.getByRole('button', { name: 'Clear history' }).click();
  await review.getByText('The history was cleared.').waitFor();
  await review.getByText('No record matches').waitFor();
  await review.getByText(/^0 records$/).waitFor();
});
