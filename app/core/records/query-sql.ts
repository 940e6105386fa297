// A history query (app/common/history/query.ts) as the WHERE clause of a parameterised SELECT
// on the `decisions` table of history-store.ts. Values only ever travel as parameters.

import type { HistoryQuery } from '../../common/history/query.js';
import { resolveTime } from '../../common/history/query.js';

export interface SqlCondition {
  sql: string;
  params: (string | number)[];
}

const GLOB_CHARACTERS = /[*?[]/;

/**
 * What free text is looked for in besides each record's arguments: the few texts (programs,
 * argv, policies) and the few call names, looked up once per query rather than on every record.
 */
export interface TextLookup {
  /** Whether any text is LIKE `like`. */
  hasText(like: string): boolean;
  /** The names of the records' calls LIKE `like`. */
  calls(like: string): string[];
}

/**
 * `lookup` turns the text terms' matches among the texts and calls into lists of values: a term
 * matching none of them is then a scan of the arguments alone (the profile of `file1000.c` on a
 * million records: 80 ms of CPU with the five conditions on every record, 41 ms with the
 * arguments' alone).
 */
export function whereOf(query: HistoryQuery, now: number, lookup: TextLookup): SqlCondition {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const anyOf = (terms: { sql: string; params: (string | number)[] }[]): void => {
    if (terms.length === 0) return;
    parts.push(`(${terms.map((t) => t.sql).join(' OR ')})`);
    for (const t of terms) params.push(...t.params);
  };
  anyOf(query.programs.map(programCondition));
  anyOf(query.calls.map((call) => ({ sql: '(d.call = ? OR d.alias = ?)', params: [call, call] })));
  anyOf(
    query.actions.map((action) =>
      action === 'ask'
        ? { sql: "d.decided_by = 'user'", params: [] }
        : { sql: 'd.action = ?', params: [action] },
    ),
  );
  anyOf(query.by.map((by) => ({ sql: 'd.decided_by = ?', params: [by] })));
  anyOf(
    query.policies.map((policy) => ({
      sql: 'd.policy IN (SELECT id FROM texts WHERE text = ?)',
      params: [policy],
    })),
  );
  anyOf(query.pids.map((pid) => ({ sql: 'd.pid = ?', params: [pid] })));
  anyOf(
    query.runs.map((run) => ({
      sql: 'd.session IN (SELECT id FROM texts WHERE text = ?)',
      params: [run],
    })),
  );
  if (query.since !== null) {
    parts.push('d.time >= ?');
    params.push(resolveTime(query.since, now));
  }
  if (query.until !== null) {
    parts.push('d.time <= ?');
    params.push(resolveTime(query.until, now));
  }
  for (const text of query.text) {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const term = textTerm(like, lookup);
    parts.push(term.sql);
    params.push(...term.params);
  }
  return { sql: parts.length === 0 ? '1' : parts.join(' AND '), params };
}

/**
 * Free text (LIKE, so ASCII letters of either case) in a record's texts (program, argv, policy),
 * arguments or call, its texts and calls looked up first: only those that match are tested. The
 * texts stay a subquery, which SQLite reads once and tests each record against with a Bloom filter
 * (a list of their ids costs more: `ssh` counted over a million, 400 ms of CPU against 340).
 */
function textTerm(like: string, lookup: TextLookup): SqlCondition {
  const terms: string[] = [];
  const params: (string | number)[] = [];
  // The texts first: a record they match (its program, say) then skips the LIKE.
  if (lookup.hasText(like)) {
    const texts = "(SELECT id FROM texts WHERE text LIKE ? ESCAPE '\\')";
    terms.push(`d.program IN ${texts} OR d.argv IN ${texts} OR d.policy IN ${texts}`);
    params.push(like, like, like);
  }
  const calls = lookup.calls(like);
  if (calls.length > 0) {
    terms.push(`d.call IN (${calls.map(() => '?').join(', ')})`);
    params.push(...calls);
  }
  terms.push("d.args LIKE ? ESCAPE '\\'");
  params.push(like);
  return { sql: `(${terms.join(' OR ')})`, params };
}

/**
 * A path is that program; a bare name is any program of that name (`ls` is /usr/bin/ls); a
 * glob matches the path, or the name when it has no slash. The match runs on the few texts
 * (history-store.ts) and the decisions are found through their program index.
 */
function programCondition(value: string): SqlCondition {
  const byPath = value.includes('/');
  if (GLOB_CHARACTERS.test(value)) {
    const pattern = byPath ? value : `*/${value}`;
    return {
      sql: 'd.program IN (SELECT id FROM texts WHERE text GLOB ?)',
      params: [pattern],
    };
  }
  if (byPath) return { sql: 'd.program IN (SELECT id FROM texts WHERE text = ?)', params: [value] };
  return {
    sql: 'd.program IN (SELECT id FROM texts WHERE text = ? OR text GLOB ?)',
    params: [value, `*/${value}`],
  };
}
