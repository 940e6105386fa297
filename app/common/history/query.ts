// The history's small query language, shared by the history view and `sysgate log`:
//
//   prog:ls call:openat action:deny since:1h "/etc/passwd"
//   run:s1@1764223200000   (one run's records, by its name in the history)
//
// Terms are separated by spaces. `key:value` filters; several values of one key are
// alternatives (`action:deny action:ask`), different keys must all hold. Any other word, or a
// quoted string, is text that must appear in the program, its arguments, the call, the policy
// or the call's decoded arguments (case-insensitive). Values may be quoted with "...", inside
// which \" and \\ are escapes.

import type { DecisionSource } from '../session/events.js';

export type QueryAction = 'permit' | 'deny' | 'ask';
/** A moment: so long before now, or a fixed time (milliseconds since the epoch). */
export type TimeBound = { ago: number } | { at: number };

export interface HistoryQuery {
  /** A path (`/usr/bin/ls`), a program's name (`ls`), or a glob (`/usr/bin/*`, `*sh`). */
  programs: string[];
  /** Call names or aliases (`openat`, `fsread`). */
  calls: string[];
  /** `ask` means the user answered it. */
  actions: QueryAction[];
  by: DecisionSource[];
  policies: string[];
  pids: number[];
  /** Runs, by their name in the history (`s1@1764223200000`): `run:` */
  runs: string[];
  since: TimeBound | null;
  until: TimeBound | null;
  text: string[];
}

export class QueryError extends Error {
  constructor(
    message: string,
    /** 1-based column of the query text where the problem is. */
    readonly column: number,
    readonly length = 1,
  ) {
    super(message);
  }
}

const KEYS = ['prog', 'call', 'action', 'by', 'policy', 'pid', 'run', 'since', 'until'] as const;
type Key = (typeof KEYS)[number];
const ACTIONS: readonly QueryAction[] = ['permit', 'deny', 'ask'];
const SOURCES: readonly DecisionSource[] = ['rule', 'user', 'learn', 'default', 'host-gone'];
const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

function emptyQuery(): HistoryQuery {
  return {
    programs: [],
    calls: [],
    actions: [],
    by: [],
    policies: [],
    pids: [],
    runs: [],
    since: null,
    until: null,
    text: [],
  };
}

interface Token {
  key: string | null;
  value: string;
  /** 0-based offsets of the whole term and of its value. */
  start: number;
  valueStart: number;
  end: number;
}

/** Parses a query; throws QueryError with the column of the first problem. */
export function parseQuery(text: string): HistoryQuery {
  const query = emptyQuery();
  for (const token of tokens(text)) {
    if (token.key === null) {
      query.text.push(token.value);
      continue;
    }
    const fail = (message: string): never => {
      throw new QueryError(
        message,
        token.valueStart + 1,
        Math.max(1, token.end - token.valueStart),
      );
    };
    if (token.value === '') fail(`"${token.key}:" needs a value`);
    addTerm(query, token.key as Key, token.value, fail);
  }
  return query;
}

function addTerm(query: HistoryQuery, key: Key, value: string, fail: (m: string) => never): void {
  switch (key) {
    case 'prog':
      return void query.programs.push(value);
    case 'call':
      return void query.calls.push(value);
    case 'policy':
      return void query.policies.push(value);
    case 'run':
      return void query.runs.push(value);
    case 'action':
      if (!ACTIONS.includes(value as QueryAction))
        fail(`unknown action "${value}": expected permit, deny or ask`);
      return void query.actions.push(value as QueryAction);
    case 'by':
      if (!SOURCES.includes(value as DecisionSource))
        fail(`unknown decider "${value}": expected ${SOURCES.join(', ')}`);
      return void query.by.push(value as DecisionSource);
    case 'pid':
      if (!/^[0-9]{1,10}$/.test(value)) fail(`"${value}" is not a process id`);
      return void query.pids.push(Number(value));
    case 'since':
    case 'until': {
      if (query[key] !== null) fail(`"${key}:" given twice`);
      const bound = parseTime(value);
      if (bound === null)
        fail(
          `"${value}" is not a time: expected a duration before now (30s, 15m, 1h, 2d, 1w) or a date (2026-11-27, 2026-11-27T06:30)`,
        );
      query[key] = bound;
    }
  }
}

/** `1h` (before now), `2026-11-27` or `2026-11-27T06:30[:15]` (local time); null otherwise. */
export function parseTime(value: string): TimeBound | null {
  const duration = /^([0-9]{1,9})([smhdw])$/.exec(value);
  if (duration !== null) return { ago: Number(duration[1]) * UNITS[duration[2]!]! };
  const date =
    /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?)?$/.exec(value);
  if (date === null) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = date;
  const at = new Date(+y!, +mo! - 1, +d!, +h, +mi, +s);
  // Reject what Date would roll over (2026-02-31 is not March 3rd).
  if (at.getMonth() !== +mo! - 1 || at.getDate() !== +d! || +h > 23 || +mi > 59 || +s > 59)
    return null;
  return { at: at.getTime() };
}

/** The moment a bound names, given the time now. */
export function resolveTime(bound: TimeBound, now: number): number {
  return 'ago' in bound ? now - bound.ago : bound.at;
}

function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    const keyMatch = /^([A-Za-z]+):/.exec(text.slice(i));
    let key: string | null = null;
    if (keyMatch !== null) {
      const name = keyMatch[1]!.toLowerCase();
      if (!(KEYS as readonly string[]).includes(name))
        throw new QueryError(
          `unknown filter "${keyMatch[1]}:": expected ${KEYS.map((k) => `${k}:`).join(' ')} (quote text that contains a colon)`,
          start + 1,
          keyMatch[0].length,
        );
      key = name;
      i += keyMatch[0].length;
    }
    const valueStart = i;
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new QueryError('unterminated quoted string', valueStart + 1);
        const c = text[i]!;
        if (c === '"') break;
        if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        value += text[i]!;
        i++;
      }
      i++;
      if (i < text.length && !/\s/.test(text[i]!))
        throw new QueryError('expected a space after the quoted string', i + 1);
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text[i] === '"')
          throw new QueryError('a quote inside a word: quote the whole word', i + 1);
        value += text[i]!;
        i++;
      }
    }
    out.push({ key, value, start, valueStart, end: i });
  }
  return out;
}

/** A value as a query term: quoted when it needs to be. */
export function quoteValue(value: string): string {
  if (value !== '' && !/[\s"\\]/.test(value) && !/^[A-Za-z]+:/.test(value)) return value;
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** `key:value` as a query term. */
export function queryTerm(key: Key, value: string): string {
  return `${key}:${quoteValue(value)}`;
}

/**
 * The query text with every `key:` term replaced by `key:value` (or removed when `value` is
 * null): the view's drop-downs edit the text the user sees. Text that does not parse is kept
 * as it is, with the term added at the end.
 */
export function withTerm(text: string, key: Key, value: string | null): string {
  let kept: string[];
  try {
    kept = tokens(text)
      .filter((t) => t.key !== key)
      .map((t) => text.slice(t.start, t.end));
  } catch {
    kept = [text.trim()];
  }
  if (value !== null) kept.push(queryTerm(key, value));
  return kept.filter((t) => t !== '').join(' ');
}

/** The first value of `key:` in a query text, or null (for a drop-down showing it). */
export function termValue(text: string, key: Key): string | null {
  try {
    return tokens(text).find((t) => t.key === key)?.value ?? null;
  } catch {
    return null;
  }
}
