// The prompt broker: every held call's question waits here, merged with identical ones, until
// an answerer answers it: a window (through the host), or the terminal's -t prompter (the
// command line). An answer that makes a rule goes through the rule writer, and the new rule at
// once answers every waiting question it decides in the runs it reached.

import { errnoName, errnoNumber } from '../../common/calls/index.js';
import type { PendingQuestion, PromptAnswer } from '../../common/contract.js';
import type { Filter } from '../../common/policy/ast.js';
import { formatDiagnostic } from '../../common/policy/diagnostics.js';
import { parseFilter } from '../../common/policy/parser.js';
import type { Macros } from '../../common/policy/request.js';
import type { Answer, Question } from '../../common/session/events.js';
import { CommandError } from '../host/endpoint.js';
import { answerOfRule } from './answers.js';
import { PromptQueue } from './prompt-queue.js';
import type { RuleScope, RuleTarget, RuleWriter, WrittenRule } from './rule-writer.js';

/** How long after a rule is added the questions its supervisor sent before it are answered by it. */
const IN_FLIGHT_MS = 2000;

/** A run whose questions wait here. */
export type AskingRun = RuleTarget & { readonly id: string };

export class PromptBroker<T extends AskingRun> {
  readonly queue = new PromptQueue();
  /** The rules added here a moment ago, by run id, with when each stops answering. */
  private readonly added = new Map<string, { program: string; filter: Filter; until: number }[]>();

  constructor(
    private readonly rules: RuleWriter<T>,
    private readonly macros: Macros,
    /** The run a question came from, by its id. */
    private readonly runOf: (id: string) => T,
  ) {}

  /**
   * `question`, held in `run`'s supervisor, waits; `respond` answers the call. Gives the
   * waiting question it is part of: one asked already, when `count` is above 1. A question
   * that a rule added here decides (its supervisor asked before the rule reached it) is
   * answered by it at once, and null is given.
   */
  ask(run: T, question: Question, respond: (answer: Answer) => void): PendingQuestion | null {
    const early = this.answerOfAdded(run.id, question);
    if (early !== null) {
      respond(early);
      return null;
    }
    return this.queue.add(run.id, question.id, question, respond);
  }

  /**
   * The answer of the first rule added here for `runId` that decides `question`, if any: a
   * question the supervisor sent before the rule reached it is answered as the rule would have.
   */
  private answerOfAdded(runId: string, question: Question): Answer | null {
    const now = Date.now();
    for (const rule of this.added.get(runId) ?? []) {
      if (rule.program !== question.policy) continue;
      if (rule.until <= now) continue;
      const answer = answerOfRule(rule.filter, question, this.macros);
      if (answer !== null) return answer;
    }
    return null;
  }

  /** A held call is void (its process exited): it no longer waits. */
  withdraw(run: T, questionId: string): void {
    this.queue.withdraw(run.id, questionId);
  }

  /** A run ended: none of its questions waits any more. */
  withdrawRun(run: T): void {
    this.queue.withdrawSession(run.id);
    this.added.delete(run.id);
  }

  /** Answers the waiting question `id` once, and with `alsoSimilar` the ones like it. */
  respond(id: string, answer: Answer, alsoSimilar = false): void {
    this.queue.answer(id, answer, alsoSimilar);
  }

  /**
   * A window's reply to the waiting question `id`; gives the rule it wrote, if it made one.
   * Refused (CommandError) when the question is no longer waiting or the reply cannot be a
   * rule: nothing is answered then.
   */
  async answer(id: string, reply: PromptAnswer): Promise<WrittenRule<T> | null> {
    const pending = this.queue.get(id);
    if (pending === undefined) return this.answerGone(id, reply);
    const answer = answerOf(reply);
    if (reply.always === undefined || answer.action === 'kill' || answer.action === 'detach') {
      this.respond(id, answer, reply.applyToSimilar ?? false);
      return null;
    }
    const filter = ruleOf(pending.question, reply, reply.always.expression);
    const written = await this.answerWithRule(id, filter, scopeOf(reply.always));
    // A rule made of the question's own arguments decides it; the reply answers it if not.
    if (this.queue.get(id) !== undefined) this.respond(id, answer);
    return written;
  }

  /**
   * Adds `filter` to the policy of the waiting question `id` (the terminal's prompter takes a
   * whole rule) and answers every waiting question it decides in the runs it reached. A rule
   * that does not decide `id` leaves it waiting.
   */
  async answerWithRule(id: string, filter: Filter, scope: RuleScope): Promise<WrittenRule<T>> {
    const pending = this.queue.get(id);
    if (pending === undefined)
      throw new CommandError('that question was already answered or withdrawn');
    const program = pending.question.policy;
    const written = await this.rules.add(this.runOf(pending.sessionId), program, filter, scope);
    const reached = new Set(written.reached.map((run) => run.id));
    // Only the questions already on their way when the rule was sent: an edit of the policy
    // afterwards (the rule removed) must be asked about again, never answered from memory.
    const until = Math.min(written.expires ?? Infinity, Date.now() + IN_FLIGHT_MS);
    for (const run of reached)
      this.added.set(run, [
        ...(this.added.get(run) ?? []).filter((r) => r.until > Date.now()),
        { program, filter, until },
      ]);
    this.queue.answerWhere((p) =>
      reached.has(p.sessionId) && p.question.policy === program
        ? answerOfRule(filter, p.question, this.macros)
        : null,
    );
    return written;
  }

  /**
   * A reply to a question that went before it arrived. Answered elsewhere: the reply is refused,
   * saying how it was answered. Its process ended: nothing is held any more, but an "always"
   * answer is about the calls to come, so its rule is still written (`late` says so).
   */
  private async answerGone(
    id: string,
    reply: PromptAnswer,
  ): Promise<(WrittenRule<T> & { late: true }) | null> {
    const gone = this.queue.wentAway(id);
    if (gone === undefined)
      throw new CommandError('that question was already answered or withdrawn');
    if (gone.reason === 'answered')
      throw new CommandError(`answered by another window: ${answerText(gone.answer)}`);
    const answer = answerOf(reply);
    if (reply.always === undefined || answer.action === 'kill' || answer.action === 'detach')
      throw new CommandError(
        'the process had ended before the answer: there was nothing to answer',
      );
    const filter = ruleOf(gone.pending.question, reply, reply.always.expression);
    const written = await this.rules.add(
      this.runOf(gone.pending.sessionId),
      gone.pending.question.policy,
      filter,
      scopeOf(reply.always),
    );
    return { ...written, late: true };
  }
}

/** An answer as its button says it. */
function answerText(answer: Answer | null): string {
  if (answer === null) return 'answered';
  if (answer.action === 'permit') return 'Permit';
  if (answer.action === 'deny')
    return answer.errno === 1 ? 'Deny' : `Deny (${errnoName(answer.errno) ?? answer.errno})`;
  if (answer.action === 'kill') return 'Kill';
  return 'Detach';
}

/** The rule writer's scope for a window's "always" answer. */
function scopeOf(always: NonNullable<PromptAnswer['always']>): RuleScope {
  if (always.scope !== 'minutes') return always.scope;
  if (always.minutes === undefined) throw new CommandError('a rule for some minutes needs them');
  return { until: Date.now() + always.minutes * 60_000 };
}

function answerOf(reply: PromptAnswer): Answer {
  if (reply.action !== 'deny') return { action: reply.action };
  const errno = errnoNumber(reply.errno ?? 'eperm');
  if (errno === undefined) throw new CommandError(`unknown error name "${reply.errno}"`);
  return { action: 'deny', errno };
}

/** The rule an "always" answer to `question` makes of `expression`. */
function ruleOf(question: Question, reply: PromptAnswer, expression: string): Filter {
  const action = reply.action === 'deny' ? `deny[${reply.errno ?? 'eperm'}]` : 'permit';
  const text = `native-${question.alias ?? question.call}: ${expression} then ${action}`;
  const { filter, diagnostics } = parseFilter(text, '<rule>');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (filter === null || errors.length > 0)
    throw new CommandError(errors.map(formatDiagnostic).join('\n'));
  return filter;
}
