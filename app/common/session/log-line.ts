// systrace's log line for a decision (DESIGN §5), as syslog, `-e` and `-E` show it:
// deny user: jose, prog: /usr/bin/ls, pid: 1664(0)[1600], policy: /usr/bin/ls, filters: 19,
// syscall: native-openat(257), filename: /etc

import type { DecisionRecord, Question } from './events.js';

export interface LogLineContext {
  /** The name of the record's user (its uid when it has none). */
  userName: string;
  /** The policy's number in its session, as systrace printed it in parentheses. */
  policyNumber: number;
  /** How many rules the policy has. */
  filters: number;
  /** `root:root` for a record's `as` (its ids when absent). */
  asName?: string;
}

export function systraceLogLine(record: DecisionRecord, context: LogLineContext): string {
  // A call performed with a rule's `as user:group` says whose credentials it had.
  const as = record.as !== undefined ? `, as: ${context.asName ?? record.as}` : '';
  return `${record.action} user: ${printable(context.userName)}, prog: ${callSummary(record, context)}${as}`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text a traced program chose (file names, arguments, program paths) as it may reach a terminal
 * or a log line: control characters (C0, DEL, C1), bidirectional overrides, line separators and
 * halves of broken UTF-16 are written as escapes (`\x1b`, `\n`, `\u202e`), and a backslash as
 * `\\`, so that a name cannot repaint a terminal or forge a line, and a name holding the four
 * characters `\x1b` is never shown as one holding ESC. Invalid UTF-8 reaches here already
 * decoded to U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(
    /[\\\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (c) => {
      const known = ESCAPES[c];
      if (known !== undefined) return known;
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}

type CallFacts = Pick<Question, 'exe' | 'pid' | 'ppid' | 'policy' | 'call' | 'nr' | 'args'>;

/**
 * `/usr/bin/ls, pid: 1664(0)[1600], policy: /usr/bin/ls, filters: 19, syscall:
 * native-openat(257), filename: /etc`: a call as systrace's log lines and text prompts name it.
 */
export function callSummary(call: CallFacts, context: Omit<LogLineContext, 'userName'>): string {
  const head =
    `${printable(call.exe)}, pid: ${call.pid}(${context.policyNumber})[${call.ppid}], ` +
    `policy: ${printable(call.policy)}, ` +
    `filters: ${context.filters}, syscall: native-${call.call}(${call.nr})`;
  const translations = Object.entries(call.args).flatMap(([name, values]) =>
    values.map((value, i) => `${i === 0 ? name : `${name}[${i}]`}: ${printable(value)}`),
  );
  return translations.length === 0 ? head : `${head}, ${translations.join(', ')}`;
}
