// `sysgate -t`: questions asked on the terminal, systrace style. One question at a time, each
// shown as systrace showed it and answered at an `Answer:` prompt:
//
//   permit | deny | deny[enoent]        this call only
//   permit always | deny always         adds the exact rule for this call to the policy
//   filename match "/tmp/*" then permit  adds that rule (a full filter, call name optional)
//   ... for run | ... for 15m           the rule lasts this run, or 15 minutes (not in the file)
//   kill | detach

import { closeSync, openSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import { ReadStream, WriteStream } from 'node:tty';

import type { Filter } from '../common/policy/ast.js';
import { formatDiagnostic } from '../common/policy/diagnostics.js';
import { elevationText } from '../common/policy/elevation.js';
import { parseFilter } from '../common/policy/parser.js';
import type { Macros } from '../common/policy/request.js';
import { suggestRules } from '../common/policy/suggest.js';
import { errnoNumber } from '../common/calls/index.js';
import type { Answer, Question } from '../common/session/events.js';
import type { RuleScope } from '../core/prompts/rule-writer.js';

export type TerminalAnswer =
  | { kind: 'once'; answer: Answer }
  /** A rule to add to the question's policy; the call is then decided by it. */
  | { kind: 'rule'; filter: Filter; scope: RuleScope };

const HELP =
  'Answer permit, deny, deny[errno], permit always, deny always, kill, detach,\n' +
  'or a rule such as: filename match "/tmp/*" then permit\n' +
  'End a rule or permit/deny with "for run" (this run only) or "for 15m" (15 minutes)\n' +
  'to keep it out of the policy file.\n';

/** A trailing `for run` or `for Nm`: the scope it asks for, and the answer without it. */
function scopeSuffix(typed: string): { text: string; scope: RuleScope } | string {
  const suffix = /\s+for\s+(run|(\d+)\s*m(?:in(?:utes?)?)?)$/i.exec(typed);
  if (suffix === null) return { text: typed, scope: 'policy' };
  const text = typed.slice(0, suffix.index);
  if (suffix[2] === undefined) return { text, scope: 'session' };
  const minutes = Number(suffix[2]);
  if (minutes < 1 || minutes > 1440) return `a rule lasts from 1 to 1440 minutes\n`;
  return { text, scope: { until: Date.now() + minutes * 60_000 } };
}

/** Parses one answer typed for `question`; a string is what to tell the user instead. */
export function parseAnswer(
  text: string,
  question: Question,
  macros: Macros,
): TerminalAnswer | string {
  const scoped = scopeSuffix(text.trim());
  if (typeof scoped === 'string') return scoped + HELP;
  const { text: typed, scope } = scoped;
  const once = /^(permit|deny(?:\[[a-z0-9]+\])?)$/i.exec(typed);
  // `permit for run`: the exact rule for this call, kept for the run.
  if (once !== null && scope !== 'policy') return exactRule(once[1]!, question, macros, scope);
  return parseOnce(typed, question, macros, scope);
}

function parseOnce(
  typed: string,
  question: Question,
  macros: Macros,
  scope: RuleScope,
): TerminalAnswer | string {
  const once = /^(permit|deny)(?:\[([a-z0-9]+)\])?$/i.exec(typed);
  if (once !== null) {
    if (once[1]!.toLowerCase() === 'permit') {
      return once[2] === undefined
        ? { kind: 'once', answer: { action: 'permit' } }
        : `permit takes no [${once[2]}] here\n${HELP}`;
    }
    const errno = errnoNumber(once[2] ?? 'eperm');
    if (errno === undefined) return `unknown error name "${once[2]}"\n`;
    return { kind: 'once', answer: { action: 'deny', errno } };
  }
  if (typed === 'kill' || typed === 'detach') return { kind: 'once', answer: { action: typed } };
  const always = /^(permit|deny(?:\[[a-z0-9]+\])?) always$/i.exec(typed);
  const name = question.alias ?? question.call;
  if (always !== null && scope === 'policy') return exactRule(always[1]!, question, macros, scope);
  if (typed === '' || typed === 'help' || typed === '?') return HELP;
  if (/^\S+$/.test(typed)) return `"${typed}" is not an answer.\n${HELP}`;
  const withCall = /^[A-Za-z0-9_]+-[A-Za-z0-9_]+\s*:/.test(typed)
    ? typed
    : `native-${name}: ${typed}`;
  return ruleAnswer(withCall, scope);
}

/** The rule of the call's exact arguments, with `action` (`permit`, `deny[enoent]`). */
function exactRule(
  action: string,
  question: Question,
  macros: Macros,
  scope: RuleScope,
): TerminalAnswer | string {
  const exact = suggestRules(question, macros)[0]?.expression ?? 'true';
  const name = question.alias ?? question.call;
  return ruleAnswer(`native-${name}: ${exact} then ${action.toLowerCase()}`, scope);
}

function ruleAnswer(text: string, scope: RuleScope): TerminalAnswer | string {
  const { filter, diagnostics } = parseFilter(text, '<answer>');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (filter === null || errors.length > 0)
    return errors.map(formatDiagnostic).join('\n') + '\n' + HELP;
  // Lending a privilege is for a reviewed policy file (issue 16), never a prompt's answer.
  if (filter.elevation !== null)
    return `"as ${elevationText(filter.elevation)}" runs a call with other credentials: write that rule in the policy file (sysgate policy check), not in an answer.\n${HELP}`;
  return { kind: 'rule', filter, scope };
}

/** The controlling terminal, opened for questions even when standard input is redirected. */
export class Terminal {
  private readonly fd: number;
  readonly input: ReadStream;
  readonly output: WriteStream;

  private constructor(fd: number) {
    this.fd = fd;
    this.input = new ReadStream(fd);
    this.output = new WriteStream(fd);
  }

  /** The terminal, or null when this process has none. */
  static open(): Terminal | null {
    try {
      return new Terminal(openSync('/dev/tty', 'r+'));
    } catch {
      return null;
    }
  }

  close(): void {
    this.input.destroy();
    this.output.destroy();
    try {
      closeSync(this.fd);
    } catch {
      // Already closed with its streams.
    }
  }
}

interface Waiting {
  question: Question;
  summary: string;
  resolve: (answer: TerminalAnswer) => void;
}

/**
 * Asks questions one at a time on the terminal. When the terminal closes, every question still
 * waiting is denied: nothing is permitted without an answer.
 */
export class TerminalPrompter {
  private readonly lines: Interface;
  private readonly queue: Waiting[] = [];
  private current: Waiting | null = null;
  private closed = false;
  private pendingLine: ((line: string | null) => void) | null = null;

  constructor(
    private readonly terminal: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
    private readonly macros: Macros,
  ) {
    this.lines = createInterface({ input: terminal.input, terminal: false });
    this.lines.on('line', (line) => this.pendingLine?.(line));
    this.lines.on('close', () => {
      this.closed = true;
      this.pendingLine?.(null);
    });
  }

  /** Queues a question; resolves with the answer given for it. */
  ask(question: Question, summary: string): Promise<TerminalAnswer> {
    return new Promise((resolve) => {
      this.queue.push({ question, summary, resolve });
      if (this.current === null) void this.next();
    });
  }

  /** Drops a question whose process has gone; if it is on screen, says so and moves on. */
  cancel(id: string): void {
    const index = this.queue.findIndex((w) => w.question.id === id);
    if (index >= 0) this.queue.splice(index, 1);
    if (this.current?.question.id === id) {
      this.current = null;
      this.terminal.output.write('\n(the process has exited; question withdrawn)\n');
      this.pendingLine?.(null);
    }
  }

  close(): void {
    this.lines.close();
  }

  private async next(): Promise<void> {
    const waiting = this.queue.shift();
    if (waiting === undefined) {
      this.current = null;
      return;
    }
    this.current = waiting;
    this.terminal.output.write(`${waiting.summary}\n`);
    for (;;) {
      this.terminal.output.write('Answer: ');
      const line = this.closed
        ? null
        : await new Promise<string | null>((r) => (this.pendingLine = r));
      this.pendingLine = null;
      if (this.current !== waiting) break;
      if (line === null) {
        waiting.resolve({ kind: 'once', answer: { action: 'deny', errno: errnoNumber('eperm')! } });
        break;
      }
      const parsed = parseAnswer(line, waiting.question, this.macros);
      if (typeof parsed !== 'string') {
        waiting.resolve(parsed);
        break;
      }
      this.terminal.output.write(parsed);
    }
    void this.next();
  }
}
