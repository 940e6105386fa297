// `sysgate log` against the history written by real `sysgate -a` runs of real programs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { HistoryEntry } from '../common/history/entry.js';
import { HistoryStore } from '../core/records/history-store.js';
import { SYSGATE, homeEnvironment, runSysgate } from '../core/testing/sysgate-command.js';

const CAT = realpathSync('/bin/cat');
const LS = realpathSync('/bin/ls');

let home: string;
let env: NodeJS.ProcessEnv;
before(() => {
  home = mkdtempSync(join(tmpdir(), 'sysgate-log-'));
  env = homeEnvironment(home, { XDG_DATA_HOME: join(home, 'data') });
  // The policy of cat permits what `cat /dev/null` did, nothing more.
  assert.equal(sysgate(['-A', 'cat', '/dev/null']).status, 0);
  assert.equal(sysgate(['-A', 'ls', '/dev/null']).status, 0);
  const denied = sysgate(['-a', '-E', join(home, 'log'), 'cat', '/etc/hostname']);
  assert.match(denied.stderr, /cat: \/etc\/hostname: Operation not permitted/);
});
after(() => rmSync(home, { recursive: true, force: true }));

function sysgate(args: string[]): SpawnSyncReturns<string> {
  return runSysgate(args, { home, env });
}

function log(args: string[]): { status: number | null; lines: string[]; stderr: string } {
  const result = sysgate(['log', ...args]);
  return {
    status: result.status,
    lines: result.stdout.split('\n').filter((l) => l !== ''),
    stderr: result.stderr,
  };
}

describe('sysgate log', () => {
  test('without a history it says so, and makes none', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sysgate-log-empty-'));
    const result = spawnSync(process.execPath, [SYSGATE, 'log'], {
      encoding: 'utf8',
      env: { ...env, XDG_DATA_HOME: empty },
    });
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^sysgate log: no history yet \(.*history\.sqlite3\)/);
    assert.deepEqual(readdirSync(empty), []);
    rmSync(empty, { recursive: true, force: true });
  });

  test('shows the denial of a real enforced run: time, action, program, call, arguments, why', () => {
    const { status, lines, stderr } = log([]);
    assert.equal(status, 0, stderr);
    const line = lines.find((l) => l.includes('/etc/hostname'));
    assert.ok(line, lines.join('\n'));
    assert.match(
      line,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} deny\\[eperm\\] ${CAT}\\[\\d+\\] openat filename: /etc/hostname, oflags: ro \\(no rule: denied\\)$`,
      ),
    );
    assert.ok(
      lines.every((l) => / deny\[/.test(l)),
      'learning and permits are not kept by default',
    );
  });

  test('--json gives every field, with the program arguments and the session', () => {
    const { lines } = log(['--json', '--call', 'openat']);
    const entries = lines.map((l) => JSON.parse(l) as HistoryEntry);
    const entry = entries.find((e) => e.args['filename']?.[0] === '/etc/hostname');
    assert.ok(entry, lines.join('\n'));
    assert.equal(entry.program, CAT);
    assert.deepEqual(entry.argv, ['cat', '/etc/hostname']);
    assert.equal(entry.action, 'deny');
    assert.equal(entry.errno, 1);
    assert.equal(entry.by, 'default');
    assert.match(entry.session, /^cli\d+@\d+$/);
    assert.equal(entry.user, process.env['USER'] ?? entry.user);
  });

  test('the filters: --prog by name or path, --action, --call, --since, --until, and a query', () => {
    const count = (args: string[]): number => log(args).lines.length;
    const all = count([]);
    assert.ok(all >= 1);
    assert.equal(count(['--prog', 'cat']), all);
    assert.equal(count(['--prog', CAT]), all);
    assert.equal(count(['--prog', LS]), 0);
    assert.equal(count(['--action', 'permit']), 0);
    assert.equal(count(['--action=deny']), all);
    assert.equal(count(['--call', 'connect']), 0);
    assert.equal(count(['--since', '1h']), all);
    assert.equal(count(['--until', '2000-01-01']), 0);
    assert.equal(count(['prog:cat', 'hostname']), 1);
    assert.equal(count(['--limit', '1']), 1);
  });

  test('a bad filter is an error with its column, and nothing is printed', () => {
    const { status, lines, stderr } = log(['--prog', 'cat', '--action', 'allow']);
    assert.equal(status, 2);
    assert.deepEqual(lines, []);
    assert.equal(
      stderr,
      'query:1:17: error: unknown action "allow": expected permit, deny or ask\nprog:cat action:allow\n                ^~~~~\n',
    );
    const unknown = log(['--colour']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^sysgate log: unknown option --colour\nusage: sysgate log/);
  });

  test('with every decision recorded, permits come with the rule that decided, file:line', () => {
    const store = new HistoryStore(join(home, 'data', 'sysgate', 'history.sqlite3'));
    store.setSettings({ ...store.settings(), record: 'all' });
    store.close();
    try {
      assert.equal(sysgate(['-a', 'cat', '/dev/null']).status, 0);
      const { lines } = log(['--action', 'permit', '--prog', 'cat', 'null']);
      assert.ok(lines.length >= 1, 'the permitted open of /dev/null is there');
      const policy = join(
        home,
        '.config',
        'sysgate',
        'policies',
        CAT.slice(1).replace(/[^A-Za-z0-9]/g, '_'),
      );
      assert.match(
        lines.at(-1)!,
        new RegExp(
          `^\\S+ \\S+ permit ${CAT}\\[\\d+\\] openat filename: /dev/null.* \\(rule ${policy}:\\d+\\)$`,
        ),
      );
    } finally {
      const reset = new HistoryStore(join(home, 'data', 'sysgate', 'history.sqlite3'));
      reset.setSettings({ ...reset.settings(), record: 'denials' });
      reset.close();
    }
  });

  test('--follow prints records as they are written', async () => {
    const follower = spawn(process.execPath, [SYSGATE, 'log', '--follow', '--prog', 'ls'], {
      env,
      cwd: home,
    });
    let out = '';
    follower.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(out, '', 'ls was never denied yet');
    const denied = sysgate(['-a', '-E', join(home, 'log'), 'ls', '/etc/hostname']);
    assert.notEqual(denied.status, 0);
    const deadline = Date.now() + 10_000;
    while (!out.includes('/etc/hostname') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    follower.kill('SIGTERM');
    const status = await new Promise((r) => follower.on('exit', r));
    assert.match(out, new RegExp(`deny\\[eperm\\] ${LS}\\[\\d+\\] \\S+ filename: /etc/hostname`));
    assert.equal(status, 0);
  });
  test('--json stopping at the limit says how many older records are left and how to see them', () => {
    // Every entry of /etc is a denied lstat for an ls whose policy only knows /dev/null.
    const paths = readdirSync('/etc').map((name) => join('/etc', name));
    assert.ok(paths.length > 100);
    sysgate(['-a', '-E', join(home, 'log'), 'ls', '-ld', ...paths]);
    const all = log(['--json', '--prog', 'ls', '--all']);
    assert.equal(all.status, 0, all.stderr);
    assert.ok(all.lines.length > 100, `${all.lines.length} records`);
    assert.equal(all.stderr, '');
    const ids = all.lines.map((l) => (JSON.parse(l) as HistoryEntry).id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'oldest first, each once',
    );
    assert.equal(new Set(ids).size, ids.length);

    const first = log(['--json', '--prog', 'ls']);
    assert.equal(first.status, 0);
    assert.equal(first.lines.length, 100);
    assert.deepEqual(
      first.lines.map((l) => (JSON.parse(l) as HistoryEntry).id),
      ids.slice(-100),
      'the newest 100',
    );
    const left = all.lines.length - 100;
    assert.equal(
      first.stderr,
      `sysgate log: ${left} older records not shown; see them with --limit ${all.lines.length} or --all\n`,
    );
    assert.equal(log(['--json', '--prog', 'ls', '--limit', String(all.lines.length)]).stderr, '');
  });
});
