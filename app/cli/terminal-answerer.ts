// `sysgate -t`: a run's questions answered on its terminal. Each waits in a prompt broker of the
// run's own, where identical calls (of other threads or processes) join it and are answered with
// it: one prompt for them all. A rule typed in answer reaches this run alone, and its file.

import { callSummary } from '../common/session/log-line.js';
import type { Macros } from '../common/policy/request.js';
import type { Question } from '../common/session/events.js';
import type { PolicyStore } from '../core/policy/store.js';
import { PromptBroker } from '../core/prompts/broker.js';
import { RuleWriter } from '../core/prompts/rule-writer.js';
import { policyFacts } from '../core/records/denial-log.js';
import type { Answerer, Run } from '../core/runs/run.js';
import type { Terminal, TerminalPrompter } from './text-prompt.js';

export class TerminalAnswerer implements Answerer {
  private readonly broker: PromptBroker<Run>;
  /** Each waiting question on the terminal, and the call it was asked for. */
  private readonly prompted = new Map<string, string>();

  constructor(
    private readonly run: Run,
    private readonly terminal: Terminal,
    private readonly prompter: TerminalPrompter,
    store: PolicyStore,
    macros: Macros,
    private readonly say: (message: string) => void,
  ) {
    this.broker = new PromptBroker(new RuleWriter(store, () => []), macros, () => run);
  }

  ask(question: Question): void {
    const supervisor = this.run.supervisor;
    const pending = this.broker.ask(this.run, question, (answer) =>
      supervisor.answer(question.id, answer),
    );
    // null: a rule added a moment ago answered it.
    if (pending !== null && pending.count === 1) void this.prompt(pending.id);
  }

  /**
   * A held call went with its process. If it was the one on screen and identical calls still
   * wait with it, the question is asked again for them.
   */
  cancel(questionId: string): void {
    const shown = [...this.prompted].find(([, asked]) => asked === questionId)?.[0];
    this.broker.withdraw(this.run, questionId);
    this.prompter.cancel(questionId);
    if (shown === undefined) return;
    this.prompted.delete(shown);
    if (this.broker.queue.get(shown) !== undefined) void this.prompt(shown);
  }

  /** Prompts for the waiting question `id` until an answer decides it. */
  private async prompt(id: string): Promise<void> {
    try {
      for (;;) {
        const pending = this.broker.queue.get(id);
        if (pending === undefined) return;
        const { question } = pending;
        this.prompted.set(id, question.id);
        // A question withdrawn while on screen is never answered here (see cancel).
        const answer = await this.prompter.ask(
          question,
          callSummary(question, policyFacts(this.run.policies.all(), question.policy)),
        );
        if (answer.kind === 'once') return this.broker.respond(id, answer.answer);
        let written;
        try {
          written = await this.broker.answerWithRule(id, answer.filter, answer.scope);
        } catch (e) {
          // Withdrawn meanwhile; or the rule could not be added: said, and asked again.
          if (this.broker.queue.get(id) === undefined) return;
          this.say(`the rule was not added: ${(e as Error).message}`);
          continue;
        }
        if (written.path !== null) this.terminal.output.write(`Added to ${written.path}\n`);
        else if (written.unsaved === null)
          this.terminal.output.write(
            written.expires == null
              ? 'Added for this run\n'
              : `Added until ${new Date(written.expires).toTimeString().slice(0, 8)}\n`,
          );
        else this.say(`${written.unsaved}; the rule applies to this run only`);
        if (this.broker.queue.get(id) !== undefined)
          this.terminal.output.write(
            'That rule does not decide this call; it was added all the same.\n',
          );
      }
    } finally {
      this.prompted.delete(id);
    }
  }
}
