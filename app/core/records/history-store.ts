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
//
// With `thread` (the desktop's host), the batches are committed by a worker thread of their own
// (history-thread.ts), whose synced commits then never hold up the host's event loop: `add`
// hands full or 100 ms old batches over and goes on; `flush` and `close` wait until the thread
// has committed everything handed over, so what they acknowledge is the same, and a read after
// a flush sees every record added before it.

import type Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';

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
import { packagePath } from '../package-paths.js';
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

/**
 * Records per INSERT statement, largest first: a batch is written 100 records a statement, its
 * rest 10 and then one at a time. Each statement run costs its setup, its halt and its result
 * beside the rows it writes (the bench's profile: 20% of the CPU of a batch one at a time).
 */
const ROWS_PER_INSERT = [100, 10, 1];
/** The columns of a record's row (RecordRow), each a value bound to the INSERT. */
const COLUMNS = 19;

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

export type Queued = RecordRow;
export type QueuedCount = CountRow;
type CommitListener = (newest: number, count: number) => void;

export interface StoreOptions {
  batchMs?: number;
  batchSize?: number;
  /** Commit in a worker thread (history-thread.ts), off the caller's event loop. */
  thread?: boolean;
}

/** A batch handed to the writer thread, and its answer. */
export interface ThreadBatch {
  seq: number;
  records: Queued[];
  counts: QueuedCount[];
}
export interface ThreadAnswer {
  seq: number;
  newest: number;
  error?: string;
}
/** The slots of the buffer the thread and the store share (Int32). */
export const THREAD_DONE = 0; // the last batch answered
export const THREAD_STATE = 1; // 0 opening, 1 ready, 2 failed, 3 closed
const THREAD_SCRIPT = packagePath('build', 'app', 'core', 'records', 'history-thread.js');
/** A flush waits this long for the thread before it fails (a thread that no longer answers). */
const THREAD_WAIT_MS = 30_000;

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
  /** An INSERT of each size of ROWS_PER_INSERT, and its values, filled again for each run. */
  private readonly inserts: { rows: number; run: Database.Statement; values: unknown[] }[];
  private readonly insertText: Database.Statement;
  private readonly textId: Database.Statement<[string], { id: number }>;
  private readonly commit: (batch: Queued[], counts: QueuedCount[]) => number;
  private readonly upsertCount: Database.Statement;
  private thread: WriterThread | null = null;
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
    // OR FAIL: a record that fails a constraint fails the whole batch all the same (the
    // transaction is rolled back), and SQLite then keeps no statement journal for a statement of
    // many rows (with ABORT, the default, it wrote one to a temporary file: 6 times the writes).
    const row = `(${Array<string>(COLUMNS).fill('?').join(', ')})`;
    this.inserts = ROWS_PER_INSERT.map((rows) => ({
      rows,
      run: this.db.prepare(
        `INSERT OR FAIL INTO decisions (time, session, pid, ppid, uid, user, program, argv, policy,
           call, alias, args, action, errno, decided_by, rule_file, rule_line, rule_col, run_as)
         VALUES ${Array<string>(rows).fill(row).join(', ')}`,
      ),
      values: new Array<unknown>(rows * COLUMNS).fill(null),
    }));
    this.insertText = this.db.prepare('INSERT OR IGNORE INTO texts (text) VALUES (?)');
    this.textId = this.db.prepare('SELECT id FROM texts WHERE text = ?');
    // Counts and records in one transaction: one synced commit for both.
    this.commit = this.db.transaction((batch: Queued[], counts: QueuedCount[]) => {
      for (const row of counts) this.insertCount(row);
      let last = 0;
      let i = 0;
      for (const insert of this.inserts)
        for (; i + insert.rows <= batch.length; i += insert.rows)
          last = this.insertRows(insert.run, insert.values, batch, i);
      return last;
    });
    this.upsertCount = this.db.prepare(
      `INSERT INTO counts (session, bucket, program, policy, call, action, decided_by, rule,
         rule_line, n)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (session, bucket, program, policy, call, action, decided_by, rule)
       DO UPDATE SET n = n + excluded.n, rule_line = excluded.rule_line`,
    );
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
    if (options.thread === true) this.startThread();
  }

  /** Whether batches are committed by the writer thread (once it has opened the database). */
  get threaded(): boolean {
    return this.thread?.ready === true;
  }

  /**
   * Queues a row of the supervisor's counts; committed with the records' next batch. Counts
   * are kept whatever the level: they are what the level leaves out.
   */
  addCount(count: CallCount, context: CountContext): void {
    this.counts.push(countRow(count, context));
    if (this.counts.length >= this.batchSize) this.handOver();
    else this.timer ??= setTimeout(() => this.handOver(), this.batchMs).unref();
  }

  /** Queues a record when the level keeps it; false when it does not. */
  add(record: DecisionRecord, context: RecordContext): boolean {
    if (!isRecorded(record, this.level)) return false;
    this.queue.push(recordRow(record, context));
    if (this.queue.length >= this.batchSize) this.handOver();
    else this.timer ??= setTimeout(() => this.handOver(), this.batchMs).unref();
    return true;
  }

  /**
   * Commits what is queued (and, with the writer thread, waits until it has committed all it
   * was handed); gives the newest id committed (0 when nothing was).
   */
  flush(): number {
    if (this.thread?.ready !== true) return this.commitQueued();
    this.handOver();
    const newest = this.thread.settle();
    // A batch the thread could not commit is queued again, and its error is the flush's.
    const failed = this.thread.takeError();
    if (failed !== null) throw failed;
    return newest;
  }

  /** A full or old batch: to the writer thread without waiting, or committed here. */
  private handOver(): void {
    if (this.thread?.ready !== true) {
      this.commitQueued();
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0 && this.counts.length === 0) return;
    this.thread.send(this.queue, this.counts);
    this.queue = [];
    this.counts = [];
  }

  /** Commits what is queued in this thread; gives the newest id committed (0 when none was). */
  private commitQueued(): number {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.queue;
    const counts = this.counts;
    if (batch.length === 0 && counts.length === 0) return 0;
    this.queue = [];
    this.counts = [];
    let newest: number;
    try {
      newest = this.commitBatch(batch, counts);
    } catch (e) {
      this.queue = batch.concat(this.queue);
      this.counts = counts.concat(this.counts);
      throw e;
    }
    if (batch.length > 0) for (const listener of this.listeners) listener(newest, batch.length);
    return batch.length > 0 ? newest : 0;
  }

  /**
   * Commits `batch` and `counts` in one transaction, in this thread (history-thread.ts calls it
   * for the batches it is handed); gives the newest id (0 without records).
   */
  commitBatch(batch: Queued[], counts: QueuedCount[]): number {
    let newest: number;
    try {
      newest = this.commit(batch, counts);
    } catch (e) {
      // Text ids cached inside the rolled-back transaction name nothing now.
      this.textIds.clear();
      throw e;
    }
    if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) this.prune();
    return newest;
  }

  private startThread(): void {
    const thread = new WriterThread(this.path, (answer, batch) => {
      if (answer.error !== undefined) {
        // Queued again, to be tried with the next batch (as a failed commit here is).
        this.queue = batch.records.concat(this.queue);
        this.counts = batch.counts.concat(this.counts);
        this.timer ??= setTimeout(() => this.handOver(), this.batchMs).unref();
      } else if (batch.records.length > 0)
        for (const listener of this.listeners) listener(answer.newest, batch.records.length);
    });
    thread.onGone = () => {
      // The thread never opened the database, or ended: what it was handed comes back here.
      this.thread = null;
      for (const batch of thread.takeInFlight()) {
        this.queue = batch.records.concat(this.queue);
        this.counts = batch.counts.concat(this.counts);
      }
      if (this.queue.length > 0 || this.counts.length > 0)
        this.timer ??= setTimeout(() => this.handOver(), this.batchMs).unref();
    };
    this.thread = thread;
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
    // What the thread was handed lands before the records are removed, not after.
    if (this.thread?.ready === true) {
      this.thread.settle();
      this.thread.takeError();
      this.queue = [];
      this.counts = [];
    }
    this.db.exec('DELETE FROM decisions');
    this.db.exec('DELETE FROM counts');
    this.db.exec('VACUUM');
  }

  /** Commits what is queued and closes the database. */
  close(): void {
    try {
      this.flush();
    } finally {
      this.thread?.close();
      this.thread = null;
      this.db.close();
    }
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

  /**
   * Inserts the records of `batch` from `start` with `insert`, as many as it has rows (its
   * `values` long, a record's columns each); gives the last one's id.
   */
  private insertRows(
    insert: Database.Statement,
    values: unknown[],
    batch: RecordRow[],
    start: number,
  ): number {
    const end = start + values.length / COLUMNS;
    let v = 0;
    for (let i = start; i < end; i++) {
      const row = batch[i]!;
      const ruleFile = row[15];
      values[v++] = row[0];
      values[v++] = this.textOf(row[1]);
      values[v++] = row[2];
      values[v++] = row[3];
      values[v++] = row[4];
      values[v++] = this.textOf(row[5]);
      values[v++] = this.textOf(row[6]);
      values[v++] = this.textOf(row[7]);
      values[v++] = this.textOf(row[8]);
      values[v++] = row[9];
      values[v++] = row[10];
      values[v++] = row[11];
      values[v++] = row[12];
      values[v++] = row[13];
      values[v++] = row[14];
      values[v++] = ruleFile === null ? null : this.textOf(ruleFile);
      values[v++] = row[16];
      values[v++] = row[17];
      values[v++] = row[18];
    }
    // Spread: better-sqlite3 binds an array's values one property read at a time (slower).
    return Number(insert.run(...values).lastInsertRowid);
  }

  private insertCount(row: CountRow): void {
    const rule = row[7];
    this.upsertCount.run(
      this.textOf(row[0]),
      row[1],
      this.textOf(row[2]),
      this.textOf(row[3]),
      row[4],
      row[5],
      row[6],
      rule === null ? 0 : this.textOf(rule),
      row[8],
      row[9],
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
 * The store's side of its writer thread (history-thread.ts). Batches go over a message port
 * with a number each; the thread answers each on the port and then raises THREAD_DONE to that
 * number in a shared buffer, so a flush can wait for it without the event loop (Atomics.wait)
 * and read the answers at once (receiveMessageOnPort).
 */
class WriterThread {
  ready = false;
  onGone: () => void = () => undefined;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly shared: Int32Array;
  private readonly inFlight = new Map<number, ThreadBatch>();
  private seq = 0;
  private newest = 0;
  private error: Error | null = null;

  constructor(
    path: string,
    private readonly answered: (answer: ThreadAnswer, batch: ThreadBatch) => void,
  ) {
    const buffer = new SharedArrayBuffer(8);
    this.shared = new Int32Array(buffer);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // By the package's path: this module may be inside the command line's bundle.
    this.worker = new Worker(THREAD_SCRIPT, {
      workerData: { path, shared: buffer, port: port2 },
      transferList: [port2],
    });
    // Neither keeps the process alive: close() (flush on quit) ends them.
    this.worker.unref();
    port1.on('message', (message: ThreadAnswer | 'ready') => {
      if (message === 'ready') this.ready = true;
      else this.take(message);
    });
    port1.unref();
    this.worker.on('error', (e) =>
      console.error(`sysgate: the history's writer thread: ${e.message}`),
    );
    this.worker.on('exit', () => {
      if (Atomics.load(this.shared, THREAD_STATE) === 3) return;
      this.ready = false;
      this.onGone();
    });
  }

  send(records: Queued[], counts: QueuedCount[]): void {
    const batch: ThreadBatch = { seq: ++this.seq, records, counts };
    this.inFlight.set(batch.seq, batch);
    this.port.postMessage(batch);
  }

  /** Waits until every batch sent is answered; gives the newest id committed since the last. */
  settle(): number {
    const deadline = Date.now() + THREAD_WAIT_MS;
    for (;;) {
      const done = Atomics.load(this.shared, THREAD_DONE);
      if (done >= this.seq) break;
      if (Date.now() > deadline) throw new Error("the history's writer thread does not answer");
      Atomics.wait(this.shared, THREAD_DONE, done, 100);
    }
    this.newest = 0;
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) break;
      if (received.message !== 'ready') this.take(received.message as ThreadAnswer);
    }
    return this.newest;
  }

  /** The error of a batch answered since the last call, if one failed. */
  takeError(): Error | null {
    const error = this.error;
    this.error = null;
    return error;
  }

  takeInFlight(): ThreadBatch[] {
    const batches = [...this.inFlight.values()];
    this.inFlight.clear();
    return batches;
  }

  close(): void {
    if (this.ready) {
      this.port.postMessage('close');
      const deadline = Date.now() + THREAD_WAIT_MS;
      while (Atomics.load(this.shared, THREAD_STATE) !== 3 && Date.now() < deadline)
        Atomics.wait(this.shared, THREAD_STATE, Atomics.load(this.shared, THREAD_STATE), 100);
    }
    Atomics.store(this.shared, THREAD_STATE, 3);
    void this.worker.terminate();
    this.port.close();
  }

  private take(answer: ThreadAnswer): void {
    const batch = this.inFlight.get(answer.seq);
    if (batch === undefined) return;
    this.inFlight.delete(answer.seq);
    if (answer.error !== undefined) this.error = new Error(answer.error);
    else this.newest = Math.max(this.newest, answer.newest);
    this.answered(answer, batch);
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

/**
 * A record as the values of its row, texts still texts: what the queue holds and the writer
 * thread is handed (arrays of plain values cross to a thread in a quarter of the time objects
 * take: 3 ms for 5,000 against 14).
 */
type RecordRow = [
  time: number,
  session: string,
  pid: number,
  ppid: number,
  uid: number,
  user: string,
  program: string,
  argv: string,
  policy: string,
  call: string,
  alias: string | null,
  args: string,
  action: string,
  errno: number,
  decidedBy: string,
  ruleFile: string | null,
  ruleLine: number | null,
  ruleCol: number | null,
  runAs: string | null,
];
type CountRow = [
  session: string,
  bucket: number,
  program: string,
  policy: string,
  call: string,
  action: string,
  decidedBy: string,
  rule: string | null,
  line: number | null,
  n: number,
];

function recordRow(record: DecisionRecord, context: RecordContext): RecordRow {
  const byRule = record.by === 'rule' && record.line !== null;
  return [
    record.time,
    context.session,
    record.pid,
    record.ppid,
    record.uid,
    context.user,
    record.exe,
    JSON.stringify(record.argv),
    record.policy,
    record.call,
    record.alias,
    JSON.stringify(record.args),
    record.action,
    record.errno,
    record.by,
    byRule ? context.ruleFile : null,
    byRule ? record.line : null,
    byRule ? record.col : null,
    record.as !== undefined ? (context.runAs ?? record.as) : null,
  ];
}

function countRow(count: CallCount, context: CountContext): CountRow {
  return [
    context.session,
    count.time - (count.time % 1000),
    count.exe,
    count.policy,
    count.call,
    count.action,
    count.by,
    context.rule,
    count.line,
    count.n,
  ];
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
