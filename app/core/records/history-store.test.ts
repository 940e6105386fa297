// The history store against real SQLite files: what is kept, how it is found, what survives.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

import { parseQuery } from '../../common/history/query.js';
import type { CallCount, DecisionRecord } from '../../common/session/events.js';
import { HistoryStore, historyPath, type RecordContext } from './history-store.js';
import { whereOf } from './query-sql.js';

let root: string;
let n = 0;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'sysgate-history-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const newPath = (): string => join(root, `h${++n}`, 'history.sqlite3');
const context: RecordContext = { session: 's1@1000', user: 'jose', ruleFile: '/p/usr_bin_ls' };
const NOW = Date.UTC(2026, 10, 27, 6, 0);

export function decision(overrides: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    time: NOW,
    pid: 100,
    ppid: 1,
    uid: 1000,
    gid: 1000,
    exe: '/usr/bin/ls',
    argv: ['ls', '/etc'],
    policy: '/usr/bin/ls',
    call: 'openat',
    nr: 257,
    alias: 'fsread',
    args: { filename: ['/etc/passwd'], oflags: ['ro'] },
    action: 'deny',
    errno: 1,
    by: 'rule',
    line: 7,
    col: 2,
    log: false,
    ...overrides,
  };
}

/** The entry `decision()` becomes, with `context`. */
/** A reader of the database at `path` beside its store: how many rows a table has now. */
function rowCounter(path: string): { rows(table?: string): number; close(): void } {
  const reader = new Database(path, { readonly: true });
  return {
    rows: (table = 'decisions') =>
      (reader.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    close: () => reader.close(),
  };
}

function decisionEntry(id: number) {
  return {
    id,
    time: NOW,
    session: 's1@1000',
    pid: 100,
    ppid: 1,
    uid: 1000,
    user: 'jose',
    program: '/usr/bin/ls',
    argv: ['ls', '/etc'],
    policy: '/usr/bin/ls',
    call: 'openat',
    alias: 'fsread',
    args: { filename: ['/etc/passwd'], oflags: ['ro'] },
    action: 'deny',
    errno: 1,
    by: 'rule',
    rule: { file: '/p/usr_bin_ls', line: 7, col: 2 },
  };
}

describe('where the history lives', () => {
  test('$XDG_DATA_HOME/sysgate/history.sqlite3, or ~/.local/share when unset or relative', () => {
    assert.equal(historyPath({ XDG_DATA_HOME: '/d' }, '/home/j'), '/d/sysgate/history.sqlite3');
    assert.equal(historyPath({}, '/home/j'), '/home/j/.local/share/sysgate/history.sqlite3');
    assert.equal(
      historyPath({ XDG_DATA_HOME: 'rel' }, '/home/j'),
      '/home/j/.local/share/sysgate/history.sqlite3',
    );
  });

  test('the file is created with its directory, in WAL mode', () => {
    const path = newPath();
    new HistoryStore(path).close();
    assert.ok(existsSync(path));
    const db = new Database(path, { readonly: true });
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });
});

describe('what is stored', () => {
  test('every field of a record comes back, with its session, user and the rule file:line', () => {
    const store = new HistoryStore(newPath());
    store.add(decision(), context);
    store.flush();
    const [entry] = store.page(parseQuery(''), { offset: 0, limit: 10 }).entries;
    assert.deepEqual(entry, decisionEntry(1));
    store.close();
  });

  test('a decision no rule made has no rule', () => {
    const store = new HistoryStore(newPath());
    store.add(decision({ by: 'default', line: null, col: null }), context);
    store.add(decision({ by: 'host-gone', line: null, col: null }), context);
    store.flush();
    const entries = store.page(parseQuery(''), { offset: 0, limit: 10 }).entries;
    assert.deepEqual(
      entries.map((e) => [e.by, e.rule]),
      [
        ['host-gone', null],
        ['default', null],
      ],
    );
    store.close();
  });

  test('denials always; answers and permits only at the level that asks for them', () => {
    const store = new HistoryStore(newPath());
    const permitByRule = decision({ action: 'permit', errno: 0 });
    const permitByUser = decision({ action: 'permit', errno: 0, by: 'user' });
    const denyByUser = decision({ by: 'user' });
    const all = [decision(), permitByRule, permitByUser, denyByUser];
    const kept = (): boolean[] => all.map((r) => store.add(r, context));
    assert.deepEqual(kept(), [true, false, false, true]);
    store.setSettings({ ...store.settings(), record: 'answers' });
    assert.deepEqual(kept(), [true, false, true, true]);
    store.setSettings({ ...store.settings(), record: 'all' });
    assert.deepEqual(kept(), [true, true, true, true]);
    store.close();
  });

  test('a call performed with a rule\'s "permit as" is kept at every level, marked with whom it ran as', () => {
    const store = new HistoryStore(newPath());
    const elevated = decision({ action: 'permit', errno: 0, log: true, as: '0:0' });
    assert.equal(store.add(elevated, { ...context, runAs: 'root:root' }), true);
    assert.equal(store.add(decision({ action: 'permit', errno: 0 }), context), false);
    const id = store.flush();
    assert.deepEqual(store.entry(id), {
      ...decisionEntry(id),
      action: 'permit',
      errno: 0,
      runAs: 'root:root',
    });
    store.add(decision(), context);
    assert.deepEqual(store.entry(store.flush()), decisionEntry(id + 1), 'no runAs on the others');
    store.close();
  });

  test('settings are kept in the database, for the app and the command line alike', () => {
    const path = newPath();
    const store = new HistoryStore(path);
    assert.deepEqual(store.settings(), { record: 'denials', keepDays: 90, keepRows: 5_000_000 });
    store.setSettings({ record: 'all', keepDays: 7, keepRows: 1000 });
    store.close();
    const again = new HistoryStore(path);
    assert.deepEqual(again.settings(), { record: 'all', keepDays: 7, keepRows: 1000 });
    again.close();
  });
});

describe('batching', () => {
  test('records wait in the queue and are committed together, 100 ms later or at the batch size', async () => {
    const path = newPath();
    const store = new HistoryStore(path, { batchSize: 50 });
    const commits: [number, number][] = [];
    store.onCommitted((newest, count) => commits.push([newest, count]));
    const reader = rowCounter(path);
    const rows = (): number => reader.rows();
    for (let i = 0; i < 10; i++) store.add(decision({ pid: i }), context);
    assert.equal(rows(), 0, 'not committed yet');
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(rows(), 10);
    for (let i = 0; i < 120; i++) store.add(decision({ pid: i }), context);
    assert.equal(rows(), 110, 'two full batches committed at once, 20 still queued');
    store.close();
    assert.equal(rows(), 130, 'close commits the rest');
    assert.deepEqual(commits, [
      [10, 10],
      [60, 50],
      [110, 50],
      [130, 20],
    ]);
    reader.close();
  });

  test('a batch of 123 records comes back whole and in order, its newest id told', () => {
    const store = new HistoryStore(newPath());
    store.setSettings({ ...store.settings(), record: 'all' });
    const commits: [number, number][] = [];
    store.onCommitted((newest, count) => commits.push([newest, count]));
    // Each record its own: 100 + 10 + 10 + 3 of them, every column and text different.
    const nth = (i: number): DecisionRecord =>
      decision({
        time: NOW + i,
        pid: 100 + i,
        exe: `/usr/bin/p${i}`,
        argv: [`p${i}`, `-${i}`],
        policy: `/usr/bin/p${i % 7}`,
        call: i % 2 === 0 ? 'openat' : 'connect',
        alias: i % 2 === 0 ? 'fsread' : null,
        args: { filename: [`/f/${i}`] },
        action: i % 3 === 0 ? 'permit' : 'deny',
        errno: i % 3 === 0 ? 0 : 1,
        by: i % 5 === 0 ? 'default' : 'rule',
        line: i % 5 === 0 ? null : i,
        col: i % 5 === 0 ? null : 2,
        ...(i % 11 === 0 ? { as: '0:0' } : {}),
      });
    for (let i = 0; i < 123; i++)
      store.add(nth(i), { ...context, session: `s${i % 4}@1000`, user: `u${i % 3}` });
    assert.equal(store.flush(), 123);
    assert.deepEqual(commits, [[123, 123]]);
    const entries = store.page(parseQuery(''), { offset: 0, limit: 200 }).entries.reverse();
    assert.deepEqual(
      entries,
      Array.from({ length: 123 }, (_, i) => {
        const r = nth(i);
        return {
          id: i + 1,
          time: r.time,
          session: `s${i % 4}@1000`,
          pid: r.pid,
          ppid: 1,
          uid: 1000,
          user: `u${i % 3}`,
          program: r.exe,
          argv: r.argv,
          policy: r.policy,
          call: r.call,
          alias: r.alias,
          args: r.args,
          action: r.action,
          errno: r.errno,
          by: r.by,
          rule: r.line === null ? null : { file: '/p/usr_bin_ls', line: r.line, col: 2 },
          ...(i % 11 === 0 ? { runAs: '0:0' } : {}),
        };
      }),
    );
    assert.equal(store.count(parseQuery('prog:p42'), 0), 1);
    store.close();
  });

  test('a record the database refuses fails its whole batch, and the batch stays queued', () => {
    const path = newPath();
    const store = new HistoryStore(path);
    store.setSettings({ ...store.settings(), record: 'all' });
    for (let i = 0; i < 150; i++)
      store.add(decision({ pid: i, ...(i === 60 ? { action: 'maybe' as 'deny' } : {}) }), context);
    assert.throws(() => store.flush(), /CHECK constraint/);
    const reader = rowCounter(path);
    const count = (table: string): number => reader.rows(table);
    assert.equal(count('decisions'), 0, 'none of the batch is committed');
    assert.equal(count('texts'), 0, "nor the batch's texts");
    assert.throws(() => store.flush(), /CHECK constraint/, 'tried again with the next flush');
    assert.equal(count('decisions'), 0);
    reader.close();
    assert.throws(() => store.close());
  });
});

describe('the writer thread', () => {
  const threaded = async (path: string, options = {}): Promise<HistoryStore> => {
    const store = new HistoryStore(path, { thread: true, ...options });
    // A thread starts in some 50 ms; a busy machine may take seconds.
    for (let i = 0; i < 1000 && !store.threaded; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(store.threaded, true, 'the thread opened the database');
    return store;
  };

  test('full batches are committed by the thread, not in add(); a flush waits for them all', async () => {
    const path = newPath();
    const store = await threaded(path, { batchSize: 50 });
    const commits: [number, number][] = [];
    store.onCommitted((newest, count) => commits.push([newest, count]));
    const reader = rowCounter(path);
    const rows = (): number => reader.rows();
    for (let i = 0; i < 120; i++) store.add(decision({ pid: i }), context);
    assert.deepEqual(commits, [], 'add() handed two batches over and went on');
    for (let i = 0; i < 2000 && commits.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(commits, [
      [50, 50],
      [100, 50],
    ]);
    assert.equal(rows(), 100, '20 still queued');
    assert.equal(store.flush(), 120);
    assert.equal(rows(), 120, 'a read after a flush sees every record added before it');
    assert.deepEqual(
      store.page(parseQuery(''), { offset: 0, limit: 1 }).entries.map((e) => e.id),
      [120],
    );
    assert.deepEqual(commits.at(-1), [120, 20]);
    for (let i = 0; i < 30; i++) store.add(decision({ pid: i }), context);
    store.addCount(
      {
        time: NOW,
        exe: '/usr/bin/ls',
        policy: '/usr/bin/ls',
        call: 'openat',
        action: 'permit',
        by: 'rule',
        line: 3,
        col: 2,
        n: 7,
      },
      { session: 's1@1000', rule: null },
    );
    store.close();
    assert.equal(rows(), 150, 'close commits what is queued and what the thread holds');
    reader.close();
    const again = new HistoryStore(path);
    assert.equal(again.statistics(null).total.permitted, 7);
    assert.equal(again.integrity(), 'ok');
    again.close();
  });

  test('100 ms old records are committed by the thread and told to the listeners', async () => {
    const store = await threaded(newPath());
    const commits: [number, number][] = [];
    store.onCommitted((newest, count) => commits.push([newest, count]));
    for (let i = 0; i < 10; i++) store.add(decision({ pid: i }), context);
    for (let i = 0; i < 1000 && commits.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(commits, [[10, 10]]);
    store.clear();
    assert.equal(store.newestId(), 0);
    store.close();
  });
});

describe('queries', () => {
  const store = (() => {
    let s: HistoryStore | null = null;
    return (): HistoryStore => {
      if (s !== null) return s;
      s = new HistoryStore(newPath());
      const at = (minutes: number): number => NOW - minutes * 60_000;
      s.setSettings({ record: 'all', keepDays: 36500, keepRows: 1_000_000 });
      s.add(decision({ time: at(120), exe: '/usr/bin/ls', call: 'openat' }), context);
      s.add(
        decision({
          time: at(90),
          exe: '/usr/bin/cat',
          call: 'openat',
          args: { filename: ['/etc/shadow'] },
        }),
        context,
      );
      s.add(
        decision({
          time: at(30),
          exe: '/usr/bin/ls',
          call: 'statx',
          alias: 'fsread',
          action: 'permit',
          errno: 0,
        }),
        context,
      );
      s.add(
        decision({
          time: at(20),
          exe: '/usr/local/bin/ls',
          call: 'connect',
          alias: null,
          by: 'user',
          args: { sockaddr: ['inet-[10.0.0.1]:80'] },
        }),
        context,
      );
      s.add(
        decision({
          time: at(10),
          exe: '/opt/my_tool',
          call: 'unlinkat',
          alias: 'fswrite',
          argv: ['my_tool', '--Force'],
        }),
        context,
      );
      s.flush();
      return s;
    };
  })();
  const ids = (text: string, now = NOW): number[] =>
    store()
      .page(parseQuery(text), { offset: 0, limit: 100 }, now)
      .entries.map((e) => e.id);

  test('newest first; a program by name finds every path of that name, by path only that one', () => {
    assert.deepEqual(ids(''), [5, 4, 3, 2, 1]);
    assert.deepEqual(ids('prog:ls'), [4, 3, 1]);
    assert.deepEqual(ids('prog:/usr/bin/ls'), [3, 1]);
    assert.deepEqual(ids('prog:/usr/*'), [4, 3, 2, 1]);
    assert.deepEqual(ids('prog:LS'), [], 'paths are case-sensitive');
    assert.deepEqual(ids('prog:my_tool'), [5]);
    assert.deepEqual(ids('prog:my%tool'), [], 'LIKE characters are nothing special');
  });

  test('call by name or alias; action deny/permit, and ask for what the user answered', () => {
    assert.deepEqual(ids('call:openat'), [2, 1]);
    assert.deepEqual(ids('call:fsread'), [3, 2, 1]);
    assert.deepEqual(ids('action:permit'), [3]);
    assert.deepEqual(ids('action:ask'), [4]);
    assert.deepEqual(ids('action:permit action:ask'), [4, 3]);
    assert.deepEqual(ids('prog:ls action:deny'), [4, 1]);
  });

  test('time: since and until, relative to now or as dates', () => {
    assert.deepEqual(ids('since:1h'), [5, 4, 3]);
    assert.deepEqual(ids('since:100m until:25m'), [3, 2]);
    assert.deepEqual(ids('since:1h', NOW + 3_600_000), []);
  });

  test('free text in the program, arguments, argv, call or policy, case-insensitive', () => {
    assert.deepEqual(ids('shadow'), [2]);
    assert.deepEqual(ids('10.0.0.1'), [4]);
    assert.deepEqual(ids('--force'), [5]);
    assert.deepEqual(ids('UNLINK'), [5]);
    assert.deepEqual(ids('%'), []);
    assert.deepEqual(ids('etc prog:cat'), [2]);
  });

  test('free text that no text or call has is looked for in the arguments alone', () => {
    const none = { hasText: () => false, calls: () => [] };
    assert.deepEqual(whereOf(parseQuery('file1000.c'), NOW, none), {
      sql: "(d.args LIKE ? ESCAPE '\\')",
      params: ['%file1000.c%'],
    });
    const calls = { hasText: () => false, calls: () => ['unlink', 'unlinkat'] };
    assert.deepEqual(whereOf(parseQuery('unlink'), NOW, calls), {
      sql: "(d.call IN (?, ?) OR d.args LIKE ? ESCAPE '\\')",
      params: ['unlink', 'unlinkat', '%unlink%'],
    });
    assert.deepEqual(ids('unlinkat'), [5], 'a call alone');
    assert.deepEqual(ids('Cat'), [2], 'a program alone, either case');
  });

  test('free text matching many texts finds their records, for a page, a count, a follower', () => {
    const s = new HistoryStore(newPath());
    s.setSettings({ record: 'all', keepDays: 36500, keepRows: 1_000_000 });
    for (let i = 0; i < 600; i++)
      s.add(decision({ time: NOW, argv: ['tool', `--many=${i}`], args: {} }), context);
    s.add(decision({ time: NOW, argv: ['other'], args: { filename: ['/many'] } }), context);
    s.flush();
    const query = parseQuery('MANY');
    assert.equal(s.count(query, 0, Number.MAX_SAFE_INTEGER, NOW), 601);
    assert.deepEqual(
      s.page(query, { offset: 0, limit: 2 }, NOW).entries.map((e) => e.id),
      [601, 600],
    );
    assert.deepEqual(
      s.since(query, 598, 10, NOW).map((e) => e.id),
      [599, 600, 601],
    );
    s.close();
  });

  test('pages, the total, and a ceiling that keeps later records out of a scrolled view', () => {
    const page = store().page(parseQuery(''), { offset: 1, limit: 2, ceiling: 4 }, NOW);
    assert.deepEqual(
      page.entries.map((e) => e.id),
      [3, 2],
    );
    assert.equal(store().count(parseQuery(''), 0, page.ceiling, NOW), 4);
    assert.equal(page.ceiling, 4);
    assert.equal(store().page(parseQuery(''), { offset: 0, limit: 1 }, NOW).ceiling, 5);
    assert.equal(
      store().count(parseQuery('prog:ls'), 3, Infinity, NOW),
      1,
      'one new ls record after id 3',
    );
    assert.deepEqual(
      store()
        .since(parseQuery('prog:ls'), 1, 10, NOW)
        .map((e) => e.id),
      [3, 4],
    );
  });

  test('the whole history comes counted with its page when asked; a filter is counted apart', () => {
    const page = (text: string, count: boolean, ceiling?: number) =>
      store().page(parseQuery(text), { offset: 0, limit: 2, count, ceiling }, NOW);
    assert.equal(page('', true).total, 5);
    assert.equal(page('', true, 3).total, 3, 'up to the ceiling');
    assert.equal(page('', true, 3).entries.length, 2);
    assert.equal(page('', false).total, undefined, 'not asked');
    assert.equal(page('prog:ls', true).total, undefined, 'a filter, counted by count()');
    assert.equal(page('shadow', true).total, undefined, 'free text too');
  });

  test('the processes above a record, from the same session', () => {
    const s = new HistoryStore(newPath());
    s.add(decision({ pid: 10, ppid: 1, exe: '/bin/sh', argv: ['sh', '-c', 'ls'] }), context);
    s.add(decision({ pid: 11, ppid: 10, exe: '/usr/bin/ls' }), context);
    s.add(decision({ pid: 10, ppid: 1, exe: '/bin/other' }), { ...context, session: 's2@1' });
    s.flush();
    const entry = s.entry(2)!;
    assert.deepEqual(s.ancestors(entry), [
      { pid: 10, program: '/bin/sh', argv: ['sh', '-c', 'ls'] },
      { pid: 1, program: null, argv: [] },
    ]);
    s.close();
  });
});

describe('retention and clearing', () => {
  test('records older than keepDays and beyond keepRows are removed', () => {
    const store = new HistoryStore(newPath());
    const day = 86_400_000;
    const now = Date.now();
    for (let i = 0; i < 10; i++)
      store.add(decision({ time: now - (10 - i) * day - 60_000 }), context);
    store.flush();
    const ids = (): number[] =>
      store.page(parseQuery(''), { offset: 0, limit: 20 }).entries.map((e) => e.id);
    assert.equal(store.prune(), 0, 'the defaults keep 90 days');
    store.setSettings({ record: 'denials', keepDays: 5, keepRows: 1_000_000 });
    assert.deepEqual(ids(), [10, 9, 8, 7], 'saving the settings applies them');
    assert.equal(store.prune(now + day), 1, 'a day later, one more is too old');
    assert.deepEqual(ids(), [10, 9, 8]);
    store.setSettings({ record: 'denials', keepDays: 5, keepRows: 2 });
    assert.deepEqual(ids(), [10, 9]);
    store.close();
  });

  test('clear removes every record and the store goes on', () => {
    const store = new HistoryStore(newPath());
    store.add(decision(), context);
    store.flush();
    store.clear();
    assert.equal(store.count(parseQuery(''), 0), 0);
    store.add(decision({ exe: '/usr/bin/ls' }), context);
    assert.equal(store.flush(), 2, 'ids are never used again: newer records keep larger ids');
    assert.equal(store.count(parseQuery('prog:ls'), 0), 1);
    store.close();
  });

  test('the whole history is counted up to a ceiling and from a place, as a filter counts', () => {
    const store = new HistoryStore(newPath());
    store.setSettings({ record: 'all', keepDays: 36_500, keepRows: 1_000_000 });
    for (let i = 0; i < 10; i++) store.add(decision({ time: NOW + i }), context);
    store.flush();
    const all = parseQuery('');
    const filtered = parseQuery('prog:ls');
    for (const [after, upTo] of [
      [0, Number.MAX_SAFE_INTEGER],
      [0, 7],
      [3, 7],
      [0, 0],
    ] as const) {
      assert.equal(store.count(all, after, upTo, NOW), Math.max(0, Math.min(upTo, 10) - after));
      assert.equal(store.count(all, after, upTo, NOW), store.count(filtered, after, upTo, NOW));
    }
    store.close();
  });

  test('a database of the first schema is carried over, every record and its id kept', () => {
    const path = newPath();
    mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.exec(`
      CREATE TABLE programs (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);
      CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,
        session TEXT NOT NULL, pid INTEGER NOT NULL, ppid INTEGER NOT NULL, uid INTEGER NOT NULL,
        user TEXT NOT NULL, program INTEGER NOT NULL REFERENCES programs(id), argv TEXT NOT NULL,
        policy TEXT NOT NULL, call TEXT NOT NULL, alias TEXT, args TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('permit', 'deny')), errno INTEGER NOT NULL,
        decided_by TEXT NOT NULL, rule_file TEXT, rule_line INTEGER, rule_col INTEGER);
      CREATE INDEX decisions_time ON decisions(time);
      CREATE INDEX decisions_program ON decisions(program);
      CREATE INDEX decisions_call ON decisions(call);
      CREATE INDEX decisions_action ON decisions(action);
      CREATE INDEX decisions_pid ON decisions(pid);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO settings VALUES ('keepDays', '36500');
      INSERT INTO programs VALUES (1, '/usr/bin/ls');
      INSERT INTO decisions VALUES (7, ${NOW}, 's1@1000', 100, 1, 1000, 'jose', 1,
        '["ls","/etc"]', '/usr/bin/ls', 'openat', 'fsread',
        '{"filename":["/etc/passwd"],"oflags":["ro"]}', 'deny', 1, 'rule', '/p/usr_bin_ls', 7, 2);
      PRAGMA user_version = 1;
    `);
    db.close();
    const store = new HistoryStore(path);
    assert.deepEqual(store.entry(7), decisionEntry(7));
    assert.equal(store.settings().keepDays, 36500, 'the settings stay');
    assert.deepEqual(
      store.page(parseQuery('prog:ls passwd'), { offset: 0, limit: 10 }).entries.map((e) => e.id),
      [7],
    );
    store.add(decision(), context);
    assert.equal(store.flush(), 8);
    assert.equal(store.integrity(), 'ok');
    store.close();
  });

  test('a database of the second schema gains the run_as column, every record kept', () => {
    const path = newPath();
    const older = new HistoryStore(path);
    older.add(decision(), context);
    const id = older.flush();
    older.close();
    const db = new Database(path);
    db.exec('ALTER TABLE decisions DROP COLUMN run_as; PRAGMA user_version = 2;');
    db.close();
    const store = new HistoryStore(path);
    assert.deepEqual(store.entry(id), decisionEntry(id));
    store.add(decision({ action: 'permit', errno: 0, as: '0:0' }), {
      ...context,
      runAs: 'root:root',
    });
    assert.equal(store.entry(store.flush())?.runAs, 'root:root');
    assert.equal(store.integrity(), 'ok');
    store.close();
  });

  test('a database written by a newer sysgate is refused, not changed', () => {
    const path = newPath();
    new HistoryStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => new HistoryStore(path), /written by a newer sysgate \(schema 99\)/);
  });
});

describe('crash safety', () => {
  // A writer process adds records as fast as it can and prints the newest id after each commit;
  // it is killed with SIGKILL in the middle. Every id it printed must be there, whole.
  for (const thread of [false, true])
    test(`killing the writer mid-stream loses no acknowledged record and corrupts nothing${thread ? ' (the writer thread)' : ''}`, async () => {
      const path = newPath();
      const storeUrl = new URL('./history-store.js', import.meta.url).href;
      const writer = `
      import { HistoryStore } from ${JSON.stringify(storeUrl)};
      const store = new HistoryStore(${JSON.stringify(path)}, { batchSize: 200, thread: ${thread} });
      store.onCommitted((newest) => process.stdout.write(newest + '\\n'));
      const record = ${JSON.stringify(decision())};
      let pid = 0;
      const more = () => {
        for (let i = 0; i < 1000; i++) store.add({ ...record, pid: ++pid, argv: ['x', String(pid)] }, ${JSON.stringify(context)});
        setImmediate(more);
      };
      more();
    `;
      for (let round = 0; round < 3; round++) {
        const child = spawn(process.execPath, ['--input-type=module', '-e', writer], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let acknowledged = 0;
        let out = '';
        await new Promise<void>((resolve) => {
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const lines = out.split('\n');
            out = lines.pop()!;
            for (const line of lines) acknowledged = Math.max(acknowledged, Number(line));
            // Killed at a moment that varies with the round, in the middle of the stream.
            if (acknowledged >= (round + 1) * 3000) {
              child.kill('SIGKILL');
              resolve();
            }
          });
        });
        await new Promise((r) => child.on('exit', r));
        const store = new HistoryStore(path);
        assert.equal(store.integrity(), 'ok');
        const newest = store.newestId();
        assert.ok(newest >= acknowledged, `acknowledged ${acknowledged}, found ${newest}`);
        const db = new Database(path, { readonly: true });
        const row = db
          .prepare('SELECT count(*) AS n, min(id) AS lo FROM decisions WHERE id <= ?')
          .get(acknowledged) as { n: number; lo: number };
        assert.equal(row.n, acknowledged, 'every acknowledged id is there');
        const last = store.entry(acknowledged)!;
        assert.equal(last.program, '/usr/bin/ls');
        assert.deepEqual(last.argv.length, 2);
        db.close();
        store.close();
        // Each round appends to what the round before left: ids go on from there.
        assert.ok(round === 0 || row.lo === 1);
      }
    });
});

describe("the supervisor's counts (statistics)", () => {
  const count = (over: Partial<CallCount> = {}): CallCount => ({
    time: NOW + 250,
    exe: '/usr/bin/ls',
    policy: '/usr/bin/ls',
    call: 'openat',
    action: 'permit',
    by: 'rule',
    line: 3,
    col: 2,
    n: 100,
    ...over,
  });
  const RULE = 'native-fsread: permit';
  const run1 = { session: 's1@1000', rule: RULE };
  const run2 = { session: 's2@2000', rule: null };

  test('counts are summed per run, second, program, call and rule, and read back per program, call, rule and over time', () => {
    const store = new HistoryStore(newPath());
    store.addCount(count(), run1);
    store.addCount(count({ time: NOW + 750, n: 20 }), run1); // the same second: one row
    store.addCount(count({ time: NOW + 5_000, n: 3 }), run1);
    store.addCount(count({ call: 'statx', n: 7 }), run1);
    store.addCount(count({ action: 'deny', by: 'default', line: null, col: null, n: 2 }), {
      ...run1,
      rule: null,
    });
    store.addCount(count({ exe: '/usr/bin/cat', policy: '/usr/bin/cat', n: 50 }), run2);
    store.flush();
    const one = store.statistics('s1@1000');
    assert.equal(one.session, 's1@1000');
    assert.deepEqual(one.total, { permitted: 130, denied: 2 });
    assert.deepEqual(one.programs, [{ program: '/usr/bin/ls', permitted: 130, denied: 2 }]);
    assert.deepEqual(one.calls, [
      { program: '/usr/bin/ls', call: 'openat', permitted: 123, denied: 2 },
      { program: '/usr/bin/ls', call: 'statx', permitted: 7, denied: 0 },
    ]);
    assert.deepEqual(one.rules, [
      { policy: '/usr/bin/ls', rule: RULE, line: 3, by: 'rule', permitted: 130, denied: 0 },
      { policy: '/usr/bin/ls', rule: null, line: null, by: 'default', permitted: 0, denied: 2 },
    ]);
    // Six seconds fit in bins of one second: the first holds 127 + 2, the sixth 3.
    assert.equal(one.series.start, NOW);
    assert.equal(one.series.step, 1000);
    assert.deepEqual(
      one.series.bins.map((b) => b.permitted + b.denied),
      [129, 0, 0, 0, 0, 3],
    );
    const every = store.statistics(null);
    assert.deepEqual(every.total, { permitted: 180, denied: 2 });
    assert.deepEqual(
      every.runs.map((r) => [r.session, r.total]),
      [
        ['s1@1000', 132],
        ['s2@2000', 50],
      ],
    );
    assert.deepEqual(store.statistics('s9@9').total, { permitted: 0, denied: 0 });
    assert.deepEqual(store.statistics('s9@9').series.bins, []);
    store.close();
  });

  test('counts are kept whatever the record level, and cleared with the history', () => {
    const store = new HistoryStore(newPath());
    assert.equal(store.settings().record, 'denials');
    store.addCount(count(), run1);
    store.flush();
    assert.equal(store.newestId(), 0, 'a count is no record');
    assert.equal(store.statistics(null).total.permitted, 100);
    store.clear();
    assert.deepEqual(store.statistics(null).total, { permitted: 0, denied: 0 });
    store.close();
  });

  test('a database of schema 2 gets the counts table and run_as, every record kept', () => {
    const path = newPath();
    const old = new HistoryStore(path);
    old.add(decision(), context);
    old.close();
    const db = new Database(path);
    db.exec(
      'DROP TABLE counts; ALTER TABLE decisions DROP COLUMN run_as; PRAGMA user_version = 2;',
    );
    db.close();
    const store = new HistoryStore(path);
    assert.deepEqual(store.entry(1), decisionEntry(1));
    store.addCount(count(), run1);
    store.flush();
    assert.equal(store.statistics(null).total.permitted, 100);
    store.close();
  });

  test("History groups a run's records by program and call", () => {
    const store = new HistoryStore(newPath());
    store.setSettings({ record: 'all', keepDays: 36_500, keepRows: 1_000_000 });
    for (let i = 0; i < 5; i++) store.add(decision({ time: NOW + i }), context);
    store.add(decision({ action: 'permit', errno: 0 }), context);
    store.add(decision({ call: 'statx' }), context);
    store.add(decision({ exe: '/usr/bin/cat' }), { ...context, session: 's2@2000' });
    store.flush();
    assert.deepEqual(store.groups(parseQuery('run:s1@1000')), [
      {
        program: '/usr/bin/ls',
        call: 'openat',
        records: 6,
        permitted: 1,
        denied: 5,
        last: NOW + 4,
      },
      { program: '/usr/bin/ls', call: 'statx', records: 1, permitted: 0, denied: 1, last: NOW },
    ]);
    assert.equal(store.groups(parseQuery('')).length, 3);
    store.close();
  });
});
