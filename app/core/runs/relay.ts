// A run from a terminal answered by the desktop app, the terminal's side (the app's is
// remote-session.ts): its questions and decisions go to the app over relayed frames
// (app/core/app-socket.ts); the app's answers, the rules it adds and its kills come back to the
// run's supervisor. If the app goes away, what is still unanswered is denied, and so is every
// question after.

import { errnoNumber } from '../../common/calls/index.js';
import type { Filter } from '../../common/policy/ast.js';
import { formatDiagnostic } from '../../common/policy/diagnostics.js';
import { parseFilter } from '../../common/policy/parser.js';
import { AnswerSchema, parseMessage, type Question } from '../../common/session/events.js';
import { APP_PROTOCOL_VERSION, type FrameConnection } from '../app-socket.js';
import type { Answerer, Run } from './run.js';

export class AppRelay implements Answerer {
  /** The questions sent to the app and not yet answered. */
  private readonly waiting = new Set<string>();
  private connected = true;

  constructor(
    private readonly app: FrameConnection,
    private readonly run: Run,
    hello: { command: string; cwd: string },
    private readonly say: (message: string) => void,
  ) {
    app.send('hello', { version: APP_PROTOCOL_VERSION, ...hello });
    say('questions go to the sysgate window');
    run.decisions.read((record) => app.send('record', { json: JSON.stringify(record) }));
    app.onFrame((frame) => {
      const f = frame.fields;
      if (frame.verb === 'answer') this.answered(f.text('id') ?? '', f.text('json') ?? '');
      else if (frame.verb === 'policy')
        this.policy(f.text('name') ?? '', f.text('source') ?? '', f.text('session') ?? '');
      else if (frame.verb === 'kill')
        run.supervisor.kill(undefined, f.number('signal') === 15 ? 'SIGTERM' : 'SIGKILL');
    });
    let ended = false;
    app.onClose(() => {
      this.connected = false;
      if (!ended) say('the sysgate window went away: what it has not answered is denied');
      for (const id of this.waiting) this.deny(id);
      this.waiting.clear();
    });
    void run.supervisor.exited.then((status) => {
      ended = true;
      app.send('exit', { status });
      app.close();
    });
  }

  /** Whether the app is still there (it keeps the run's history meanwhile). */
  get present(): boolean {
    return this.connected;
  }

  ask(question: Question): void {
    if (!this.connected) return this.deny(question.id);
    this.waiting.add(question.id);
    this.app.send('ask', { json: JSON.stringify(question) });
  }

  cancel(questionId: string): void {
    this.waiting.delete(questionId);
    this.app.send('cancel', { id: questionId });
  }

  private answered(id: string, json: string): void {
    if (!this.waiting.delete(id)) return;
    const answer = parseMessage(AnswerSchema, json);
    if ('error' in answer)
      this.say(`the sysgate window sent an answer that cannot be used (${answer.error}): denied`);
    if ('value' in answer) this.run.supervisor.answer(id, answer.value);
    else this.deny(id);
  }

  /** The app changed a policy: its file's text and the rules it added for this run alone. */
  private policy(name: string, source: string, session: string): void {
    const rules = sessionRulesOf(session);
    if (typeof rules === 'string') {
      this.say(`the sysgate window sent a rule that cannot be used (${rules}): ignored`);
      return;
    }
    this.run.push(this.run.policies.replace(name, source, rules));
  }

  private deny(id: string): void {
    this.run.supervisor.answer(id, { action: 'deny', errno: errnoNumber('eperm')! });
  }
}

/** The rules a window added for this run alone, one a line; or why they cannot be used. */
function sessionRulesOf(text: string): Filter[] | string {
  const rules: Filter[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const { filter, diagnostics } = parseFilter(line, '<window>');
    const error = diagnostics.find((d) => d.severity === 'error');
    if (error !== undefined) return formatDiagnostic(error);
    if (filter !== null) rules.push(filter);
  }
  return rules;
}
