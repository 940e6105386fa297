// A `sysgate` run from a terminal whose questions come to the desktop app (app/core/app-socket.ts).
// Its program runs on that terminal, so the app shows no terminal for it; everything else —
// questions, "always" answers that reach its supervisor, counts — is as for the app's own.

import { EventEmitter } from 'node:events';

import * as v from 'valibot';

import { errnoNumber } from '../../common/calls/index.js';
import type { SessionInfo } from '../../common/contract.js';
import type { Macros } from '../../common/policy/request.js';
import { printFilter } from '../../common/policy/printer.js';
import {
  DecisionRecordSchema,
  parseMessage,
  QuestionSchema,
  type Answer,
  type DecisionRecord,
  type Question,
} from '../../common/session/events.js';
import type { FrameConnection } from '../app-socket.js';
import type { PolicyStore } from '../policy/store.js';
import { DecisionSink } from '../records/decision-sink.js';
import { PolicySource, type SessionPolicy } from './policy-source.js';
import type { TracedSession, TracedSessionEvents } from './traced-session.js';

/** What a question that cannot be read may still say: which call waits. */
const QuestionIdSchema = v.object({ id: QuestionSchema.entries.id });

export class RemoteSession extends EventEmitter<TracedSessionEvents> implements TracedSession {
  readonly policies: PolicySource;
  readonly decisions: DecisionSink;
  readonly exited: Promise<number>;
  private info: SessionInfo;

  constructor(
    readonly id: string,
    hello: { command: string; cwd: string },
    private readonly connection: FrameConnection,
    store: PolicyStore,
    macros: Macros,
  ) {
    super();
    this.policies = new PolicySource(store, { ...macros, CWD: hello.cwd });
    this.decisions = new DecisionSink(() => this.policies.all());
    this.info = {
      id,
      command: hello.command,
      cwd: hello.cwd,
      mode: 'ask',
      kernel: false,
      state: 'running',
      status: null,
      startedAt: Date.now(),
      processes: [],
      counts: { permitted: 0, denied: 0, asked: 0 },
    };
    let status: number | null = null;
    const malformed = (verb: string, error: string): void => {
      this.emit('problem', `a malformed "${verb}" from ${hello.command} (${error})`);
    };
    connection.onFrame((frame) => {
      const f = frame.fields;
      if (frame.verb === 'ask') {
        const question = parseMessage(QuestionSchema, f.text('json') ?? '');
        if ('value' in question) return this.asked(question.value);
        malformed('ask', question.error);
        // Its call waits in the terminal's supervisor: deny it, if it can be named at all.
        const named = parseMessage(QuestionIdSchema, f.text('json') ?? '');
        if ('value' in named)
          this.answer(named.value.id, { action: 'deny', errno: errnoNumber('eperm')! });
      } else if (frame.verb === 'record') {
        const record = parseMessage(DecisionRecordSchema, f.text('json') ?? '');
        if ('value' in record) this.recorded(record.value);
        else malformed('record', record.error);
      } else if (frame.verb === 'cancel') this.emit('cancel', f.text('id') ?? '');
      else if (frame.verb === 'exit') status = f.number('status') ?? null;
    });
    this.exited = new Promise((resolve) => {
      connection.onClose(() => {
        // A terminal that went away without saying how its program ended: it was cut off.
        this.info = { ...this.info, state: 'exited', status: status ?? 128 + 9 };
        this.emit('changed', this.info);
        resolve(this.info.status!);
      });
    });
  }

  snapshot(): SessionInfo {
    return this.info;
  }

  terminalOutput(): string {
    return '';
  }

  windowOpened(): void {}

  write(): void {}

  resize(): void {}

  drawn(): void {}

  answer(questionId: string, answer: Answer): void {
    this.connection.send('answer', { id: questionId, json: JSON.stringify(answer) });
  }

  push(policy: SessionPolicy): void {
    this.connection.send('policy', {
      name: policy.program,
      source: policy.text,
      session: policy.sessionRules.map((rule) => printFilter(rule)).join('\n'),
    });
    this.emit('policy', policy);
  }

  stop(): void {
    this.connection.send('kill', { signal: 15 });
  }

  kill(): void {
    this.connection.send('kill', { signal: 9 });
  }

  private asked(question: Question): void {
    this.info = {
      ...this.info,
      counts: { ...this.info.counts, asked: this.info.counts.asked + 1 },
    };
    this.emit('changed', this.info);
    this.emit('question', question);
  }

  private recorded(record: DecisionRecord): void {
    const counts = { ...this.info.counts };
    if (record.action === 'deny') counts.denied++;
    else counts.permitted++;
    this.info = { ...this.info, counts };
    this.emit('changed', this.info);
    this.decisions.add(record);
    this.emit('record', record);
  }
}
