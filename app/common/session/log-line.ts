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
}

export function systraceLogLine(record: DecisionRecord, context: LogLineContext): string {
  return `${record.action} user: ${context.userName}, prog: ${callSummary(record, context)}`;
}

type CallFacts = Pick<Question, 'exe' | 'pid' | 'ppid' | 'policy' | 'call' | 'nr' | 'args'>;

/**
 * `/usr/bin/ls, pid: 1664(0)[1600], policy: /usr/bin/ls, filters: 19, syscall:
 * native-openat(257), filename: /etc`: a call as systrace's log lines and text prompts name it.
 */
export function callSummary(call: CallFacts, context: Omit<LogLineContext, 'userName'>): string {
  const head =
    `${call.exe}, pid: ${call.pid}(${context.policyNumber})[${call.ppid}], policy: ${call.policy}, ` +
    `filters: ${context.filters}, syscall: native-${call.call}(${call.nr})`;
  const translations = Object.entries(call.args).flatMap(([name, values]) =>
    values.map((value, i) => `${i === 0 ? name : `${name}[${i}]`}: ${value}`),
  );
  return translations.length === 0 ? head : `${head}, ${translations.join(', ')}`;
}
