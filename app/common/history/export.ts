// The history view's export: the filtered records as CSV (one row a record, the columns a
// spreadsheet needs) or as JSON (every field, an array).

import { mainArgument, type HistoryEntry } from './entry.js';

const COLUMNS = [
  'time',
  'action',
  'errno',
  'program',
  'pid',
  'ppid',
  'user',
  'call',
  'argument',
  'arguments',
  'argv',
  'policy',
  'decided by',
  'rule',
  'session',
];

export function historyCsv(entries: readonly HistoryEntry[]): string {
  const rows = entries.map((e) => [
    new Date(e.time).toISOString(),
    e.action,
    String(e.errno),
    e.program,
    String(e.pid),
    String(e.ppid),
    e.user,
    e.call,
    mainArgument(e),
    JSON.stringify(e.args),
    e.argv.join(' '),
    e.policy,
    e.by,
    e.rule === null ? '' : `${e.rule.file ?? e.policy}:${e.rule.line}`,
    e.session,
  ]);
  return [COLUMNS, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function historyJson(entries: readonly HistoryEntry[]): string {
  return JSON.stringify(entries, null, 1) + '\n';
}

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
