// `sysgate log [--system] [--action permit|deny|ask] [--prog PATH] [--call NAME] [--since 1h]
// [--until T] [--limit N | --all] [--json] [--follow] [QUERY...]`: the history on the command
// line (`--system`: the system's, of root's `-U` runs, core/system-places.ts). The options are
// terms of the history view's query language (app/common/history/query.ts), joined with any
// QUERY given, so the two always agree.

import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { errnoName } from '../common/calls/index.js';
import type { HistoryEntry } from '../common/history/entry.js';
import { parseQuery, queryTerm, QueryError, type HistoryQuery } from '../common/history/query.js';
import { formatDiagnostic } from '../common/policy/diagnostics.js';
import { printable } from '../common/session/log-line.js';
import { HistoryStore, historyPath } from '../core/records/history-store.js';
import { systemHistoryPath } from '../core/system-places.js';

export const LOG_USAGE =
  'usage: sysgate log [--system] [--action permit|deny|ask] [--prog PATH] [--call NAME]\n' +
  '                   [--since 1h] [--until TIME] [--limit N | --all] [--json] [--follow]\n' +
  '                   [QUERY...]\n' +
  '  --system  the history of the daemons root runs under the system policies (sysgate -U)\n';

const FILTERS = {
  '--action': 'action',
  '--prog': 'prog',
  '--call': 'call',
  '--since': 'since',
  '--until': 'until',
} as const;
const FOLLOW_MS = 250;
const DEFAULT_LIMIT = 100;

interface LogOptions {
  queryText: string;
  /** null: every record (`--all`). */
  limit: number | null;
  json: boolean;
  follow: boolean;
  system: boolean;
}

export async function runLog(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  if (typeof options === 'string') {
    process.stderr.write(`sysgate log: ${options}\n${LOG_USAGE}`);
    return 2;
  }
  let query: HistoryQuery;
  try {
    query = parseQuery(options.queryText);
  } catch (e) {
    if (!(e instanceof QueryError)) throw e;
    process.stderr.write(`${queryDiagnostic(options.queryText, e)}\n`);
    return 2;
  }
  const path = options.system ? systemHistoryPath() : historyPath();
  // Reading must not make a history where there is none; following waits for the first run's.
  if (!options.follow && !existsSync(path)) {
    process.stderr.write(`sysgate log: no history yet (${path}): no sysgate run has kept one\n`);
    return 0;
  }
  let store: HistoryStore;
  try {
    store = new HistoryStore(path);
  } catch (e) {
    process.stderr.write(`sysgate log: cannot open the history: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    let last = store.newestId();
    if (options.limit === null) printAll(store, query, last, options.json);
    else printNewest(store, query, last, options.limit, options.json);
    if (!options.follow) return 0;
    let stopped = false;
    const stop = (): void => void (stopped = true);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    while (!stopped) {
      await sleep(FOLLOW_MS);
      for (const entry of store.since(query, last)) {
        print(entry, options.json);
        last = entry.id;
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

function parseOptions(argv: string[]): LogOptions | string {
  const terms: string[] = [];
  const options: LogOptions = {
    queryText: '',
    limit: DEFAULT_LIMIT,
    json: false,
    follow: false,
    system: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string | null => inline ?? argv[++i] ?? null;
    if (name === '--json') options.json = true;
    else if (name === '--system') options.system = true;
    else if (name === '--all') options.limit = null;
    else if (name === '--follow' || name === '-f') options.follow = true;
    else if (name in FILTERS) {
      const v = value();
      if (v === null) return `${name} needs a value`;
      terms.push(queryTerm(FILTERS[name as keyof typeof FILTERS], v));
    } else if (name === '--limit') {
      const v = value();
      if (v === null || !/^[1-9][0-9]{0,6}$/.test(v))
        return '--limit needs a number from 1 to 9999999';
      options.limit = Number(v);
    } else if (name.startsWith('-') && name !== '-') return `unknown option ${name}`;
    else terms.push(arg);
  }
  options.queryText = terms.join(' ');
  return options;
}

/** A query error as a compiler shows one: where, what, the query and a caret. */
function queryDiagnostic(text: string, e: QueryError): string {
  const start = { line: 1, col: e.column, offset: e.column - 1 };
  const end = { line: 1, col: e.column + e.length, offset: e.column - 1 + e.length };
  return formatDiagnostic({
    severity: 'error',
    message: e.message,
    source: 'query',
    span: { start, end },
    lineText: text,
  });
}

/**
 * The newest `limit` records, printed oldest first, as a log reads; the records left out are
 * counted on stderr with the way to see them, so a script reading --json never takes the first
 * page for the whole history.
 */
function printNewest(
  store: HistoryStore,
  query: HistoryQuery,
  ceiling: number,
  limit: number,
  json: boolean,
): void {
  const { entries } = store.page(query, { offset: 0, limit, ceiling });
  for (const entry of entries.reverse()) print(entry, json);
  const total = store.count(query, 0, ceiling);
  if (total > entries.length) {
    process.stderr.write(
      `sysgate log: ${total - entries.length} older records not shown; see them with --limit ${total} or --all\n`,
    );
  }
}

/** Every record up to `ceiling`, oldest first, a page at a time. */
function printAll(store: HistoryStore, query: HistoryQuery, ceiling: number, json: boolean): void {
  let after = 0;
  for (;;) {
    const entries = store.since(query, after).filter((e) => e.id <= ceiling);
    for (const entry of entries) print(entry, json);
    if (entries.length === 0 || entries.at(-1)!.id >= ceiling) return;
    after = entries.at(-1)!.id;
  }
}

function print(entry: HistoryEntry, json: boolean): void {
  process.stdout.write(`${json ? JSON.stringify(entry) : logLine(entry)}\n`);
}

/**
 * `2026-11-27 06:01:02.123 deny[eperm] /usr/bin/ls[6914] statx filename: /etc (rule
 * /home/jose/.config/sysgate/policies/usr_bin_ls:7)`: one record, one line.
 */
export function logLine(entry: HistoryEntry): string {
  const action =
    entry.action === 'deny'
      ? `deny[${errnoName(entry.errno) ?? entry.errno}]`
      : entry.runAs !== undefined
        ? `permit as ${entry.runAs}`
        : 'permit';
  const args = Object.entries(entry.args)
    .flatMap(([name, values]) =>
      values.map((v, i) => `${i === 0 ? name : `${name}[${i}]`}: ${printable(v)}`),
    )
    .join(', ');
  return [
    localTime(entry.time),
    action,
    `${printable(entry.program)}[${entry.pid}]`,
    entry.call,
    args,
    `(${decider(entry)})`,
  ]
    .filter((part) => part !== '')
    .join(' ');
}

function decider(entry: HistoryEntry): string {
  if (entry.rule !== null)
    return `rule ${printable(entry.rule.file ?? entry.policy)}:${entry.rule.line}`;
  if (entry.by === 'user') return 'answered';
  if (entry.by === 'default') return 'no rule: denied';
  if (entry.by === 'host-gone') return 'the app was gone: denied';
  return entry.by;
}

function localTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
