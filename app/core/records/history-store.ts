// The history of decisions (DESIGN §5): every decision record kept at the chosen level goes to
// one SQLite database in the user's data directory, shared by the desktop app and every
// `sysgate` run from a terminal (WAL: readers and one writer at a time, without blocking).
//
// Records are written in batches: `add` queues a record, and the queue is committed in one
// transaction when it is 100 ms old or holds 5,000 records, or when `flush` or `close` is called.
// A record is *acknowledged* when the transaction that holds it has committed: `flush` has
// returned, or `onCommitted` listeners have been told of it. With journal_mode=WAL and
// synchronous=FULL a committed transaction is in the WAL on disk (fsync) before the commit
// returns, so killing the process at any moment loses only what was still queued, and SQLite's
// recovery leaves the database whole: a crash loses at most the batch being queued (100 ms of
// records, or 5,000 of them), never one that was acknowledged. Retention (by age and by count) runs when the store
// opens and then at most once a minute, after a commit.

import type Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import {
  DEFAULT_HISTORY_SETTINGS,
  isRecorded,
  RECORD_LEVELS,
  type HistoryEntry,
  type HistoryGroup,
  type HistoryPage,
  type HistorySettings,
  type RecordLevel,
} from '../../common/history/entry.js';
import type { HistoryQuery } from '../../common/history/query.js';
import { seriesStep, type Statistics, type Tally } from '../../common/history/statistics.js';
import type {
  CallCount,
  DecisionRecord,
  DecisionSource,
  Translations,
} from '../../common/session/events.js';
import { whereOf, type TextLookup } from './query-sql.js';

/** 3 added `counts` and the records' `run_as`. */
const SCHEMA_VERSION = 3;
const BATCH_MS = 100;
// A commit costs an fsync of the WAL (about half of the time of a batch of 500, by the bench's
// profile): 5,000 records share one, and a fast stream still waits no more than BATCH_MS.
const BATCH_SIZE = 5000;
/**
 * Pages (4 KiB) of the WAL before a commit copies it back into the database (SQLite's default
 * is 1,000): each such checkpoint syncs the database file too, so a stream of records pays for
 * fewer of them; the WAL is cut back to JOURNAL_LIMIT after each.
 */
const WAL_PAGES = 8192;
const JOURNAL_LIMIT = 8 * 1024 * 1024;
/**
 * Pages of cache, in KiB when negative (SQLite's default is 2 MiB): a batch's new rows and the
 * right edges of six indexes stay in memory until it commits instead of spilling.
 */
const CACHE_KIB = 16 * 1024;
const PRUNE_EVERY_MS = 60_000;
/** At most this many rows in one page of a query. */
export const MAX_PAGE = 1000;

/** How many interned texts are remembered in memory (the rest are looked up). */
const TEXT_CACHE = 10_000;

// The texts many records repeat (a program's path, its arguments, the policy, the session, the
// user, the policy file) are kept once, in `texts`, and records name them by id: a record is
// then mostly numbers, and a text search looks through the few texts, not every record.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS texts (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);
-- AUTOINCREMENT: an id is never used twice, even after a clear, so "newer than id N" holds.
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,          -- milliseconds since the epoch
  session INTEGER NOT NULL,       -- texts(id)
  pid INTEGER NOT NULL,
  ppid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  user INTEGER NOT NULL,          -- texts(id): the user's name
  program INTEGER NOT NULL,       -- texts(id): the program's path
  argv INTEGER NOT NULL,          -- texts(id): its arguments, a JSON array
  policy INTEGER NOT NULL,        -- texts(id)
  call TEXT NOT NULL,
  alias TEXT,
  args TEXT NOT NULL,             -- JSON object: translation name -> values
  action TEXT NOT NULL CHECK (action IN ('permit', 'deny')),
  errno INTEGER NOT NULL,
  decided_by TEXT NOT NULL,       -- rule, user, learn, default, host-gone
  rule_file INTEGER,              -- texts(id): the file of the policy whose rule decided
  rule_line INTEGER,
  rule_col INTEGER,
  run_as TEXT                     -- user:group a rule's "permit as" performed the call as
);
CREATE INDEX IF NOT EXISTS decisions_time ON decisions(time);
CREATE INDEX IF NOT EXISTS decisions_program ON decisions(program);
CREATE INDEX IF NOT EXISTS decisions_call ON decisions(call);
CREATE INDEX IF NOT EXISTS decisions_action ON decisions(action);
CREATE INDEX IF NOT EXISTS decisions_pid ON decisions(pid);
-- The supervisor's counts of decided calls, permitted ones too (PROTOCOL.md, count), summed
-- by run, second, program, policy, call, action, decider and rule (texts(id) of the rule as
-- printed, 0 when no rule decided). Calls the kernel's filter allows are never counted.
CREATE TABLE IF NOT EXISTS counts (
  session INTEGER NOT NULL,       -- texts(id)
  bucket INTEGER NOT NULL,        -- milliseconds since the epoch, the start of its second
  program INTEGER NOT NULL,       -- texts(id)
  policy INTEGER NOT NULL,        -- texts(id)
  call TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('permit', 'deny')),
  decided_by TEXT NOT NULL,
  rule INTEGER NOT NULL,          -- texts(id), or 0
  rule_line INTEGER,              -- the rule's line when last counted
  n INTEGER NOT NULL,
  PRIMARY KEY (session, bucket, program, policy, call, action, decided_by, rule)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counts_bucket ON counts(bucket);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/**
 * From schema 1 (the first builds of this store: texts in every record, program paths in a
 * `programs` table) to 2, in one transaction, keeping every record and its id.
 */
const FROM_SCHEMA_1 = `
ALTER TABLE decisions RENAME TO decisions_1;
DROP INDEX decisions_time;
DROP INDEX decisions_program;
DROP INDEX decisions_call;
DROP INDEX decisions_action;
DROP INDEX decisions_pid;
${SCHEMA}
INSERT OR IGNORE INTO texts (text) SELECT path FROM programs;
INSERT OR IGNORE INTO texts (text)
  SELECT session FROM decisions_1 UNION SELECT user FROM decisions_1
  UNION SELECT argv FROM decisions_1 UNION SELECT policy FROM decisions_1
  UNION SELECT rule_file FROM decisions_1 WHERE rule_file IS NOT NULL;
INSERT INTO decisions (id, time, session, pid, ppid, uid, user, program, argv, policy, call,
    alias, args, action, errno, decided_by, rule_file, rule_line, rule_col)
  SELECT o.id, o.time, (SELECT id FROM texts WHERE text = o.session), o.pid, o.ppid, o.uid,
    (SELECT id FROM texts WHERE text = o.user),
    (SELECT t.id FROM texts t JOIN programs p ON t.text = p.path WHERE p.id = o.program),
    (SELECT id FROM texts WHERE text = o.argv), (SELECT id FROM texts WHERE text = o.policy),
    o.call, o.alias, o.args, o.action, o.errno, o.decided_by,
    (SELECT id FROM texts WHERE text = o.rule_file), o.rule_line, o.rule_col
  FROM decisions_1 o;
DROP TABLE decisions_1;
DROP TABLE programs;
`;

/**
 * From schema 2 to 3: the credentials of a call a rule's `permit as` performed (issue 16), and
 * the `counts` table (which the schema, all `IF NOT EXISTS`, adds).
 */
const FROM_SCHEMA_2 = `ALTER TABLE decisions ADD COLUMN run_as TEXT;
${SCHEMA}`;

/** A record with its texts, as a page shows it. */
const SELECT_ENTRY = `SELECT d.id, d.time, d.pid, d.ppid, d.uid, d.call, d.alias, d.args, d.action,
  d.errno, d.decided_by, d.rule_line, d.rule_col, d.run_as,
  (SELECT text FROM texts WHERE id = d.session) AS session,
  (SELECT text FROM texts WHERE id = d.user) AS user,
  (SELECT text FROM texts WHERE id = d.program) AS program,
  (SELECT text FROM texts WHERE id = d.argv) AS argv,
  (SELECT text FROM texts WHERE id = d.policy) AS policy,
  (SELECT text FROM texts WHERE id = d.rule_file) AS rule_file
  FROM decisions d`;

/**
 * Rewritten whenever the settings are saved, so that what depends on them (a run plan records
 * whether every permit is recorded) can tell they changed without opening the database.
 */
export function settingsStamp(path: string): string {
  return `${path}.settings`;
}

/** $XDG_DATA_HOME/sysgate/history.sqlite3 (~/.local/share when unset or relative). */
export function historyPath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const data = env['XDG_DATA_HOME']?.startsWith('/')
    ? env['XDG_DATA_HOME']
    : join(home, '.local', 'share');
  return join(data, 'sysgate', 'history.sqlite3');
}

/** What a decision record does not say itself. */
export interface RecordContext {
  session: string;
  user: string;
  /** The file of the policy that decided, when a rule did. */
  ruleFile: string | null;
  /** `root:root` for a record's `as` (its ids when absent). */
  runAs?: string;
}

/** What a count does not say itself: its run, and the deciding rule as printed. */
export interface CountContext {
  session: string;
  rule: string | null;
}

/** At most this many rows in each table of the statistics. */
const STATISTICS_ROWS = 500;
/** At most this many groups of records. */
const MAX_GROUPS = 1000;
/** Sums of n: permitted and denied. */
const TALLY = `sum(CASE WHEN c.action = 'permit' THEN c.n ELSE 0 END) AS permitted,
  sum(CASE WHEN c.action = 'deny' THEN c.n ELSE 0 END) AS denied`;

interface Row {
  id: number;
  time: number;
  session: string;
  pid: number;
  ppid: number;
  uid: number;
  user: string;
  program: string;
  argv: string;
  policy: string;
  call: string;
  alias: string | null;
  args: string;
  action: 'permit' | 'deny';
  errno: number;
  decided_by: DecisionSource;
  rule_file: string | null;
  rule_line: number | null;
  rule_col: number | null;
  run_as: string | null;
}

type Queued = [record: DecisionRecord, context: RecordContext];
type QueuedCount = [count: CallCount, context: CountContext];
type CommitListener = (newest: number, count: number) => void;

export interface StoreOptions {
  batchMs?: number;
  batchSize?: number;
}

export class HistoryStore {
  private readonly db: Database.Database;
  private readonly textIds = new Map<string, number>();
  private readonly listeners = new Set<CommitListener>();
  private queue: Queued[] = [];
  private counts: QueuedCount[] = [];
  private timer: NodeJS.Timeout | null = null;
  private level: RecordLevel;
  private lastPrune = 0;
  private readonly batchMs: number;
  private readonly batchSize: number;
  private readonly insert: Database.Statement;
  private readonly insertText: Database.Statement;
  private readonly textId: Database.Statement<[string], { id: number }>;
  private readonly commit: (batch: Queued[]) => number;
  private readonly upsertCount: Database.Statement;
  private readonly commitCounts: (batch: QueuedCount[]) => void;
  private readonly lookup: TextLookup;

  constructor(
    readonly path: string,
    options: StoreOptions = {},
  ) {
    this.batchMs = options.batchMs ?? BATCH_MS;
    this.batchSize = options.batchSize ?? BATCH_SIZE;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new (openSqlite())(path);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`wal_autocheckpoint = ${WAL_PAGES}`);
    this.db.pragma(`journal_size_limit = ${JOURNAL_LIMIT}`);
    this.db.pragma(`cache_size = -${CACHE_KIB}`);
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`${path} was written by a newer sysgate (schema ${version})`);
    }
    // A write transaction costs a synced commit: only a new or older database needs one.
    if (version !== SCHEMA_VERSION) {
      this.db.transaction(() => {
        this.db.exec(version === 1 ? FROM_SCHEMA_1 : version === 2 ? FROM_SCHEMA_2 : SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })();
    }
    this.insert = this.db.prepare(
      `INSERT INTO decisions (time, session, pid, ppid, uid, user, program, argv, policy, call,
         alias, args, action, errno, decided_by, rule_file, rule_line, rule_col, run_as)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertText = this.db.prepare('INSERT OR IGNORE INTO texts (text) VALUES (?)');
    this.textId = this.db.prepare('SELECT id FROM texts WHERE text = ?');
    this.commit = this.db.transaction((batch: Queued[]) => {
      let last = 0;
      for (const [record, context] of batch) last = this.insertRow(record, context);
      return last;
    });
    this.upsertCount = this.db.prepare(
      `INSERT INTO counts (session, bucket, program, policy, call, action, decided_by, rule,
         rule_line, n)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session, bucket, program, policy, call, action, decided_by, rule)
       DO UPDATE SET n = n + excluded.n, rule_line = excluded.rule_line`,
    );
    this.commitCounts = this.db.transaction((batch: QueuedCount[]) => {
      for (const [count, context] of batch) this.insertCount(count, context);
    });
    const textLike = this.db
      .prepare("SELECT EXISTS (SELECT 1 FROM texts WHERE text LIKE ? ESCAPE '\\')")
      .pluck();
    // The distinct calls, one step of the call index each (a few hundred names at most), not a
    // walk of the million entries that DISTINCT reads (the profile: 0.2 ms against 55-70 ms).
    const callsLike = this.db
      .prepare(
        `WITH RECURSIVE seen(name) AS (
           SELECT min(call) FROM decisions
           UNION ALL
           SELECT (SELECT min(call) FROM decisions WHERE call > seen.name) FROM seen
           WHERE seen.name IS NOT NULL)
         SELECT name FROM seen WHERE name LIKE ? ESCAPE '\\'`,
      )
      .pluck();
    this.lookup = {
      hasText: (like) => textLike.get(like) === 1,
      calls: (like) => callsLike.all(like) as string[],
    };
    this.level = this.settings().record;
    this.prune();
  }

  /**
   * Queues a row of the supervisor's counts; committed with the records' next batch. Counts
   * are kept whatever the level: they are what the level leaves out.
   */
  addCount(count: CallCount, context: CountContext): void {
    this.counts.push([count, context]);
    if (this.counts.length >= this.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs).unref();
  }

  /** Queues a record when the level keeps it; false when it does not. */
  add(record: DecisionRecord, context: RecordContext): boolean {
    if (!isRecorded(record, this.level)) return false;
    this.queue.push([record, context]);
    if (this.queue.length >= this.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs).unref();
    return true;
  }

  /** Commits what is queued; gives the newest id committed (0 when nothing was). */
  flush(): number {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const counts = this.counts;
    if (counts.length > 0) {
      this.counts = [];
      try {
        this.commitCounts(counts);
      } catch (e) {
        this.textIds.clear();
        this.counts = counts.concat(this.counts);
        throw e;
      }
    }
    const batch = this.queue;
    if (batch.length === 0) return 0;
    this.queue = [];
    let newest: number;
    try {
      newest = this.commit(batch);
    } catch (e) {
      // Text ids cached inside the rolled-back transaction name nothing now.
      this.textIds.clear();
      this.queue = batch.concat(this.queue);
      throw e;
    }
    for (const listener of this.listeners) listener(newest, batch.length);
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) this.prune();
    return newest;
  }

  /** Called after each commit with the newest id and how many records it added. */
  onCommitted(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The records matching `query`, newest first, among those up to `ceiling` (default: all there
   * are now, which the page's ceiling then says).
   */
  page(
    query: HistoryQuery,
    page: { offset: number; limit: number; ceiling?: number; count?: boolean },
    now = Date.now(),
  ): HistoryPage {
    return this.read(() => {
      const ceiling = page.ceiling ?? this.newestId();
      const where = whereOf(query, now, this.lookup);
      const entries = (
        this.db
          .prepare(
            `${SELECT_ENTRY} WHERE d.id <= ? AND ${where.sql} ORDER BY d.id DESC LIMIT ? OFFSET ?`,
          )
          .all(ceiling, ...where.params, Math.min(page.limit, MAX_PAGE), page.offset) as Row[]
      ).map(entryOf);
      // Counted with the page only when that is as quick as the page (the whole history: count()
      // below); a filter's matches are counted apart, and the page does not wait for them.
      if (page.count === true && where.sql === '1')
        return { entries, ceiling, total: this.count(query, 0, ceiling, now) };
      return { entries, ceiling };
    });
  }

  /** How many records match `query` with ids in (after, upTo]. */
  count(
    query: HistoryQuery,
    after: number,
    upTo = Number.MAX_SAFE_INTEGER,
    now = Date.now(),
  ): number {
    return this.read(() => {
      const where = whereOf(query, now, this.lookup);
      const count = (range: string, ...bounds: number[]): number =>
        (
          this.db
            .prepare(`SELECT count(*) AS n FROM decisions d WHERE ${range} AND ${where.sql}`)
            .get(...bounds, ...where.params) as { n: number }
        ).n;
      // Everything up to the newest: SQLite counts a whole table from its smallest index's pages
      // without reading the records (the profile: 66 ms for a million by their ids, 0.2 ms so),
      // and the few records past `upTo` are taken away.
      if (after <= 0 && where.sql === '1') {
        const all = this.db.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number };
        return all.n - count('d.id > ?', upTo);
      }
      return count('d.id > ? AND d.id <= ?', after, upTo);
    });
  }

  /** The records matching `query` with ids above `after`, oldest first (for following). */
  since(query: HistoryQuery, after: number, limit = MAX_PAGE, now = Date.now()): HistoryEntry[] {
    return this.read(() => {
      const where = whereOf(query, now, this.lookup);
      return (
        this.db
          .prepare(`${SELECT_ENTRY} WHERE d.id > ? AND ${where.sql} ORDER BY d.id LIMIT ?`)
          .all(after, ...where.params, limit) as Row[]
      ).map(entryOf);
    });
  }

  /** The records matching `query` by program and call, most records first. */
  groups(query: HistoryQuery, now = Date.now()): HistoryGroup[] {
    return this.read(() => {
      const where = whereOf(query, now, this.lookup);
      return this.db
        .prepare(
          `SELECT (SELECT text FROM texts WHERE id = d.program) AS program, d.call AS call,
           count(*) AS records, sum(d.action = 'permit') AS permitted,
           sum(d.action = 'deny') AS denied, max(d.time) AS last
         FROM decisions d WHERE ${where.sql}
         GROUP BY d.program, d.call ORDER BY records DESC, program, call LIMIT ?`,
        )
        .all(...where.params, MAX_GROUPS) as HistoryGroup[];
    });
  }

  /** The counts of one run (`session`), or of every run (null), as the Statistics view shows. */
  statistics(session: string | null): Statistics {
    const where = session === null ? '1' : 'c.session IN (SELECT id FROM texts WHERE text = ?)';
    const params = session === null ? [] : [session];
    const text = (column: string) => `(SELECT text FROM texts WHERE id = c.${column})`;
    const all = <T>(sql: string, ...more: unknown[]): T[] =>
      this.db.prepare(sql).all(...params, ...more) as T[];
    const runs = this.db
      .prepare(
        `SELECT ${text('session')} AS session, min(c.bucket) AS first, max(c.bucket) AS last,
           sum(c.n) AS total
         FROM counts c GROUP BY c.session ORDER BY last DESC LIMIT 200`,
      )
      .all() as Statistics['runs'];
    const total = all<Tally>(`SELECT ${TALLY} FROM counts c WHERE ${where}`)[0]!;
    const programs = all<Statistics['programs'][number]>(
      `SELECT ${text('program')} AS program, ${TALLY} FROM counts c WHERE ${where}
       GROUP BY c.program ORDER BY sum(c.n) DESC, program LIMIT ?`,
      STATISTICS_ROWS,
    );
    const calls = all<Statistics['calls'][number]>(
      `SELECT ${text('program')} AS program, c.call AS call, ${TALLY} FROM counts c
       WHERE ${where} GROUP BY c.program, c.call ORDER BY sum(c.n) DESC, program, call LIMIT ?`,
      STATISTICS_ROWS,
    );
    const rules = all<Statistics['rules'][number]>(
      `SELECT ${text('policy')} AS policy,
         CASE WHEN c.rule = 0 THEN NULL ELSE ${text('rule')} END AS rule,
         max(c.rule_line) AS line, c.decided_by AS by, ${TALLY}
       FROM counts c WHERE ${where}
       GROUP BY c.policy, c.rule, c.decided_by ORDER BY sum(c.n) DESC, policy LIMIT ?`,
      STATISTICS_ROWS,
    );
    const span = all<{ first: number | null; last: number | null }>(
      `SELECT min(c.bucket) AS first, max(c.bucket) AS last FROM counts c WHERE ${where}`,
    )[0]!;
    const start = span.first ?? 0;
    const step = seriesStep(start, span.last ?? start);
    const binCount = span.first === null ? 0 : Math.floor((span.last! - start) / step) + 1;
    const bins: Tally[] = Array.from({ length: binCount }, () => ({ permitted: 0, denied: 0 }));
    const binned = this.db
      .prepare(
        `SELECT CAST((c.bucket - ?) / ? AS INTEGER) AS bin, ${TALLY} FROM counts c WHERE ${where} GROUP BY bin`,
      )
      .all(start, step, ...params) as (Tally & { bin: number })[];
    for (const row of binned)
      if (row.bin >= 0 && row.bin < binCount)
        bins[row.bin] = { permitted: row.permitted, denied: row.denied };
    return {
      runs,
      session,
      total: { permitted: total.permitted ?? 0, denied: total.denied ?? 0 },
      programs,
      calls,
      rules,
      series: { start, step, bins },
    };
  }

  entry(id: number): HistoryEntry | null {
    const row = this.db.prepare(`${SELECT_ENTRY} WHERE d.id = ?`).get(id) as Row | undefined;
    return row === undefined ? null : entryOf(row);
  }

  /** The arguments of the first process `session` recorded a call of: the command it ran. */
  firstArgv(session: string): string[] | null {
    const row = this.db
      .prepare(
        `SELECT (SELECT text FROM texts WHERE id = d.argv) AS argv FROM decisions d
         WHERE session = (SELECT id FROM texts WHERE text = ?) ORDER BY id LIMIT 1`,
      )
      .get(session) as { argv: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.argv) as string[]);
  }

  /**
   * The processes above a record's, nearest first, as the same session's records know them:
   * a parent that never made a recorded call appears with its pid alone.
   */
  ancestors(
    entry: HistoryEntry,
    depth = 16,
  ): { pid: number; program: string | null; argv: string[] }[] {
    const find = this.db.prepare(
      `SELECT ppid, (SELECT text FROM texts WHERE id = d.argv) AS argv,
         (SELECT text FROM texts WHERE id = d.program) AS program
       FROM decisions d
       WHERE pid = ? AND session = (SELECT id FROM texts WHERE text = ?)
       ORDER BY id DESC LIMIT 1`,
    );
    const chain: { pid: number; program: string | null; argv: string[] }[] = [];
    let pid = entry.ppid;
    while (pid > 0 && chain.length < depth && !chain.some((p) => p.pid === pid)) {
      const row = find.get(pid, entry.session) as
        { ppid: number; argv: string; program: string } | undefined;
      chain.push({
        pid,
        program: row?.program ?? null,
        argv: row === undefined ? [] : (JSON.parse(row.argv) as string[]),
      });
      if (row === undefined) break;
      pid = row.ppid;
    }
    return chain;
  }

  newestId(): number {
    const row = this.db.prepare('SELECT max(id) AS id FROM decisions').get() as {
      id: number | null;
    };
    return row.id ?? 0;
  }

  settings(): HistorySettings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as {
      key: string;
      value: string;
    }[];
    const stored = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const record = stored['record'] as RecordLevel | undefined;
    return {
      record:
        record !== undefined && RECORD_LEVELS.includes(record)
          ? record
          : DEFAULT_HISTORY_SETTINGS.record,
      keepDays: positive(stored['keepDays']) ?? DEFAULT_HISTORY_SETTINGS.keepDays,
      keepRows: positive(stored['keepRows']) ?? DEFAULT_HISTORY_SETTINGS.keepRows,
    };
  }

  /** Saves the settings and applies the retention at once. */
  setSettings(settings: HistorySettings): void {
    const save = this.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(settings)) save.run(key, String(value));
    })();
    this.level = settings.record;
    // Runs started from a plan (core/run-plan) never open the database; this file tells them
    // the settings changed.
    writeFileSync(settingsStamp(this.path), `${JSON.stringify(settings)}\n`, { mode: 0o600 });
    this.prune();
  }

  /** Removes the records older than keepDays and beyond the newest keepRows; gives how many. */
  prune(now = Date.now()): number {
    this.lastPrune = now;
    const { keepDays, keepRows } = this.settings();
    const old = this.db
      .prepare('DELETE FROM decisions WHERE time < ?')
      .run(now - keepDays * 86_400_000);
    this.db.prepare('DELETE FROM counts WHERE bucket < ?').run(now - keepDays * 86_400_000);
    // Every `sysgate` run opens the store: the span of ids (at least the number of records,
    // read from the ends of the index) spares it walking them all when there are fewer.
    const span = this.db
      // Two subqueries: SQLite reads a lone min() or max() from the index's end, not both.
      .prepare(
        'SELECT coalesce((SELECT max(id) FROM decisions) - (SELECT min(id) FROM decisions) + 1, 0) AS n',
      )
      .get() as { n: number };
    if (span.n <= keepRows) return old.changes;
    const many = this.db
      .prepare(
        'DELETE FROM decisions WHERE id < (SELECT id FROM decisions ORDER BY id DESC LIMIT 1 OFFSET ?)',
      )
      .run(keepRows - 1);
    return old.changes + many.changes;
  }

  /**
   * Removes every record (what is queued too) and gives the space back. The texts stay: another
   * process writing at the same time may hold their ids.
   */
  clear(): void {
    this.queue = [];
    this.counts = [];
    this.db.exec('DELETE FROM decisions');
    this.db.exec('DELETE FROM counts');
    this.db.exec('VACUUM');
  }

  /** Commits what is queued and closes the database. */
  close(): void {
    this.flush();
    this.db.close();
  }

  /** Checks the database file (SQLite's integrity_check): "ok" when whole. */
  integrity(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('\n');
  }

  /**
   * Runs `read` in one read transaction: the texts and calls a query's free text looked up
   * (whereOf) are those of the records it then reads, even while another process commits.
   */
  private read<T>(read: () => T): T {
    return this.db.transaction(read)();
  }

  private insertRow(record: DecisionRecord, context: RecordContext): number {
    const byRule = record.by === 'rule' && record.line !== null;
    const result = this.insert.run(
      record.time,
      this.textOf(context.session),
      record.pid,
      record.ppid,
      record.uid,
      this.textOf(context.user),
      this.textOf(record.exe),
      this.textOf(JSON.stringify(record.argv)),
      this.textOf(record.policy),
      record.call,
      record.alias,
      JSON.stringify(record.args),
      record.action,
      record.errno,
      record.by,
      byRule && context.ruleFile !== null ? this.textOf(context.ruleFile) : null,
      byRule ? record.line : null,
      byRule ? record.col : null,
      record.as !== undefined ? (context.runAs ?? record.as) : null,
    );
    return Number(result.lastInsertRowid);
  }

  private insertCount(count: CallCount, context: CountContext): void {
    this.upsertCount.run(
      this.textOf(context.session),
      count.time - (count.time % 1000),
      this.textOf(count.exe),
      this.textOf(count.policy),
      count.call,
      count.action,
      count.by,
      context.rule === null ? 0 : this.textOf(context.rule),
      count.line,
      count.n,
    );
  }

  private textOf(text: string): number {
    let id = this.textIds.get(text);
    if (id === undefined) {
      this.insertText.run(text);
      id = this.textId.get(text)!.id;
      if (this.textIds.size >= TEXT_CACHE) this.textIds.clear();
      this.textIds.set(text, id);
    }
    return id;
  }
}

/**
 * better-sqlite3, loaded when a store opens rather than with this module: a binary built for
 * another runtime (Node's, loaded by Electron before the packaging step rebuilt it) then fails
 * that one store, which its caller reports, and not the whole program.
 */
function openSqlite(): typeof Database {
  return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

function entryOf(row: Row): HistoryEntry {
  return {
    id: row.id,
    time: row.time,
    session: row.session,
    pid: row.pid,
    ppid: row.ppid,
    uid: row.uid,
    user: row.user,
    program: row.program,
    argv: JSON.parse(row.argv) as string[],
    policy: row.policy,
    call: row.call,
    alias: row.alias,
    args: JSON.parse(row.args) as Translations,
    action: row.action,
    errno: row.errno,
    by: row.decided_by,
    rule:
      row.rule_line === null
        ? null
        : { file: row.rule_file, line: row.rule_line, col: row.rule_col ?? 0 },
    ...(row.run_as !== null ? { runAs: row.run_as } : {}),
  };
}
