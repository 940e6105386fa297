// The desktop app of a system administrator (root here), in Chromium through the web shell: a
// daemon's denial, kept in the system history by a `sysgate -U -a` run as its unit runs it,
// shows in the History view under "System"; "Add to system policy" writes the rule into the
// system policy file, and the daemon's next run is permitted what was denied.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openWindow, root, startWebShell } from '../web-shell-driver.mjs';

const CAT = realpathSync('/bin/cat');
const asRoot = process.getuid() === 0;
let top;
let web;
let browser;
let page;

/** `sysgate -U -a cat SECRET`, below the test's system root, as a unit would run it. */
function catAsDaemon() {
  return spawnSync(
    process.execPath,
    [join(root, 'bin/sysgate.js'), '-U', '-a', '-E', join(top, 'log'), CAT, join(top, 'secret')],
    {
      env: {
        PATH: process.env.PATH,
        HOME: join(top, 'root'),
        XDG_CACHE_HOME: join(top, 'cache'),
        SYSGATE_SYSTEM_ROOT: top,
      },
      encoding: 'utf8',
    },
  );
}

before(async () => {
  if (!asRoot) return;
  top = mkdtempSync(join(tmpdir(), 'sysgate-e2e-system-'));
  mkdirSync(join(top, 'etc/sysgate/policies'), { recursive: true });
  mkdirSync(join(top, 'root'));
  writeFileSync(join(top, 'secret'), 'daemon data\n');
  const base = readFileSync(join(root, 'policies/templates/base'), 'utf8');
  writeFileSync(
    join(top, 'etc/sysgate/policies/usr_bin_cat'),
    `Policy: ${CAT}, Emulation: native\n\tnative-execve: filename eq "${CAT}" then permit\n` +
      base
        .split('\n')
        .filter((l) => l.startsWith('\t'))
        .join('\n') +
      '\n',
    { mode: 0o644 },
  );
  const denied = catAsDaemon();
  assert.equal(denied.status, 1, denied.stderr);
  web = await startWebShell('sysgate-e2e-system-', () => ({ SYSGATE_SYSTEM_ROOT: top }));
  ({ browser, page } = await openWindow(web.url));
});

after(async () => {
  await browser?.close();
  await web?.stop();
  if (top !== undefined) rmSync(top, { recursive: true, force: true });
});

test(
  "root's History view shows a daemon's denial under System and adds the system rule that permits it",
  { skip: !asRoot && 'needs root: the system history and policies are root-only' },
  async () => {
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const whose = page.getByRole('group', { name: 'Whose history' });
    await whose.getByRole('button', { name: 'Yours' }).waitFor();
    assert.equal(
      await whose.getByRole('button', { name: 'Yours' }).getAttribute('aria-pressed'),
      'true',
    );
    await whose.getByRole('button', { name: 'System' }).click();
    assert.equal(
      await whose.getByRole('button', { name: 'System' }).getAttribute('aria-pressed'),
      'true',
    );
    // The user's own history's tools are not the system's.
    assert.equal(await page.getByRole('button', { name: 'Clear…' }).count(), 0);

    const secret = join(top, 'secret');
    const row = page
      .getByRole('rowgroup', { name: 'Records, newest first' })
      .getByRole('row')
      .filter({ hasText: secret });
    await row.waitFor({ timeout: 10_000 });
    assert.match(await row.innerText(), /deny \(eperm\)/);
    await row.click();
    const details = page.getByRole('complementary', { name: 'Record details' });
    await details.getByText(`native-fsread: filename eq "${secret}" then permit`).waitFor();
    await page.screenshot({ path: join(tmpdir(), 'sysgate-system-history.png') });
    await details.getByRole('button', { name: 'Add to system policy' }).click();
    const policy = join(top, 'etc/sysgate/policies/usr_bin_cat');
    const status = details.getByRole('status');
    await status.waitFor();
    const said = await status.innerText();
    assert.match(said, new RegExp(`^Added to ${policy}, line \\d+\\.`), said);
    await page.screenshot({ path: join(tmpdir(), 'sysgate-system-rule-added.png') });
    const line = Number(/line (\d+)/.exec(said)[1]);
    assert.equal(
      readFileSync(policy, 'utf8').split('\n')[line - 1],
      `\tnative-fsread: filename eq "${secret}" then permit`,
    );
    // The user's own policies are untouched: the rule is the system's.
    assert.throws(() => readFileSync(join(web.home, '.config/sysgate/policies/usr_bin_cat')));

    const permitted = catAsDaemon();
    assert.equal(permitted.status, 0, permitted.stderr);
    assert.equal(permitted.stdout, 'daemon data\n');

    // Back to the user's own history, which holds nothing of the daemon's.
    await whose.getByRole('button', { name: 'Yours' }).click();
    await page.getByText('No record matches').waitFor();
  },
);
