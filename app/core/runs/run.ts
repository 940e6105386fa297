// One supervised command, wherever it was started: its supervisor on a channel (a pseudo-terminal
// for the desktop, sysgate's own standard input, output and error for the command line), the
// policies it runs under, the one sink its decisions go to, what it learns, who answers its
// questions, and how it ended. The desktop's Session (session.ts) and the command line's run
// (app/cli/run-command.ts) are each one of these with what only they do around it.

import { EventEmitter } from 'node:events';

import { errnoNumber } from '../../common/calls/index.js';
import { quoteString } from '../../common/policy/lexer.js';
import type { Macros } from '../../common/policy/request.js';
import type { CallCount, DecisionRecord, Question } from '../../common/session/events.js';
import { printable } from '../../common/session/log-line.js';
import { askedNote, Learning, type LearnedFinding } from '../learn/learned-policy.js';
import type { CompiledPolicyCache } from '../policy/compiled-cache.js';
import type { PolicyStore } from '../policy/store.js';
import type { AskingRun } from '../prompts/broker.js';
import { DecisionSink } from '../records/decision-sink.js';
import type { InputNotes } from '../run-plan/inputs.js';
import { Supervisor, type Mode, type SupervisorOptions } from '../supervisor/supervisor.js';
import { PolicySource, type SessionPolicy, type TemporaryRule } from './policy-source.js';

/** How the traced program talks to its user. */
export type Channel =
  /** The desktop: a new pseudo-terminal of this size, read and written through the run. */
  | { kind: 'pty'; cols: number; rows: number }
  /**
   * The command line: the program has sysgate's standard input, output and error (or `stdio`),
   * and the descriptors above 2 it was started with (`inheritFds`). `adoptFd`: the supervisor
   * runs already, started from a run plan, on this inherited descriptor (native/PROTOCOL.md).
   */
  | {
      kind: 'pipes';
      stdio?: SupervisorOptions['stdio'];
      inheritFds?: readonly number[];
      adoptFd?: number;
    };

/**
 * Who answers a run's questions: a window (through the host's prompt broker), the terminal's
 * -t prompter, or the desktop app for a run from a terminal (relay.ts).
 */
export interface Answerer {
  ask(question: Question): void;
  /** The held call went with its process: its question is void. */
  cancel(questionId: string): void;
}

export interface RunEvents {
  /** A policy was loaded for a program the run executed, or changed while it runs. */
  policy: [SessionPolicy];
  /** Something the run's user should read: a problem, what was learned. */
  say: [string];
  /** The supervisor's counts of decided calls, permitted ones too (PROTOCOL.md, `count`). */
  count: [CallCount];
}

export interface RunOptions {
  id: string;
  command: string;
  args: string[];
  mode: Mode;
  store: PolicyStore;
  macros: Macros;
  /** `-u`: calls are not aliased to fsread/fswrite. */
  noAliases?: boolean;
  /** `-K`: the policies are planned for the kernel too. */
  kernel?: boolean;
  /** Compiled policies kept between runs (the command line's). */
  cache?: CompiledPolicyCache;
  /** Told of what the run's decisions are made from, for a plan it may leave. */
  inputs?: InputNotes;
  /** Rules until sysgate quits for a program (the rule writer's), after the run's own. */
  appRules?: (program: string) => readonly TemporaryRule[];
  /**
   * What a learning run learned is saved in the user's policies when it ends (the command
   * line); otherwise it waits for the user's review (`review`, the desktop).
   */
  saveLearned?: boolean;
  /**
   * Signals to this process that end the run as a run ends: the traced tree ends, and what was
   * learned until then is saved (the command line's SIGINT, SIGTERM, SIGHUP).
   */
  stopOn?: readonly NodeJS.Signals[];
}

/**
 * How the supervisor is started, besides what the run knows already; `mode` when it is not the
 * run's (an asking run with nobody to ask enforces).
 */
export type RunSetup = Partial<Pick<SupervisorOptions, 'mode'>> &
  Omit<
    SupervisorOptions,
    | 'command'
    | 'args'
    | 'mode'
    | 'noAliases'
    | 'terminal'
    | 'stdio'
    | 'inheritFds'
    | 'adoptFd'
    | 'policyFor'
  > & { channel: Channel };

export class Run extends EventEmitter<RunEvents> implements AskingRun {
  readonly id: string;
  readonly policies: PolicySource;
  /** Where every decision of the run goes, one after another (records/decision-sink.ts). */
  readonly decisions: DecisionSink;
  /** Policies loaded on `need-policy` without problems to say: a plan sends them up front. */
  readonly laterPolicies = new Map<string, string>();
  /** The signal that ended the run (`stopOn`), if one did. */
  stoppedBy: NodeJS.Signals | null = null;
  private readonly learning: Learning | null;
  /** None: a held call is denied, as nothing is permitted without an answer. */
  private answerer: Answerer | null = null;
  private running: Supervisor | null = null;
  private ended: Promise<number> | null = null;
  private adopted = false;
  /** Records that wait for their policy, and every record after them. */
  private records: Promise<void> = Promise.resolve();
  private waitingRecords = 0;

  constructor(private readonly options: RunOptions) {
    super();
    this.id = options.id;
    this.policies = new PolicySource(options.store, options.macros, {
      noAliases: options.noAliases ?? false,
      kernel: options.kernel ?? false,
      ...(options.cache !== undefined ? { cache: options.cache } : {}),
      ...(options.inputs !== undefined ? { inputs: options.inputs } : {}),
      ...(options.appRules !== undefined ? { appRules: options.appRules } : {}),
    });
    this.decisions = new DecisionSink(() => this.policies.all());
    this.learning = options.mode === 'learn' ? new Learning() : null;
    const learning = this.learning;
    if (learning !== null) this.decisions.read((record) => learning.add(record));
  }

  /** The run's supervisor, once started. */
  get supervisor(): Supervisor {
    if (this.running === null) throw new Error(`run ${this.id} has not started`);
    return this.running;
  }

  get started(): boolean {
    return this.running !== null;
  }

  /** Resolves with the command's exit status, once its records are in and its learning saved. */
  get exited(): Promise<number> {
    if (this.ended === null) throw new Error(`run ${this.id} has not started`);
    return this.ended;
  }

  /** From now on `answerer` answers the run's questions. */
  answeredBy(answerer: Answerer): void {
    this.answerer = answerer;
  }

  /** Starts the supervisor; gives the options it was started with (a plan repeats them). */
  start(setup: RunSetup): SupervisorOptions {
    const { channel, ...rest } = setup;
    const options: SupervisorOptions = {
      mode: this.options.mode,
      ...rest,
      command: this.options.command,
      args: this.options.args,
      noAliases: this.options.noAliases ?? false,
      policyFor: (path) => this.compiledPolicy(path),
      ...(channel.kind === 'pty'
        ? { terminal: { cols: channel.cols, rows: channel.rows } }
        : {
            ...(channel.stdio !== undefined ? { stdio: channel.stdio } : {}),
            inheritFds: channel.inheritFds ?? [],
            ...(channel.adoptFd !== undefined ? { adoptFd: channel.adoptFd } : {}),
          }),
    };
    const supervisor = new Supervisor(options);
    this.running = supervisor;
    this.adopted = channel.kind === 'pipes' && channel.adoptFd !== undefined;
    supervisor.on('record', (record) => this.record(record));
    supervisor.on('ask', (question) => {
      if (this.answerer !== null) this.answerer.ask(question);
      else supervisor.answer(question.id, { action: 'deny', errno: errnoNumber('eperm')! });
    });
    supervisor.on('cancel', (id) => this.answerer?.cancel(id));
    supervisor.on('problem', (message) => this.emit('say', message));
    supervisor.on('count', (count) => this.emit('count', count));
    this.ended = this.end(supervisor);
    return options;
  }

  /** Sends a changed policy to the supervisor: it applies to the very next call. */
  push(policy: SessionPolicy): void {
    this.running?.sendPolicy(policy.program, policy.compiled);
    this.emit('policy', policy);
  }

  /** What a learning run learned, for the user to review; nothing once reviewed. */
  async review(): Promise<LearnedFinding[]> {
    return (await this.learning?.review(this.policies, this.ruleShape())) ?? [];
  }

  /** How learned rules are written: with the run's macros, its calls aliased unless `-u`. */
  private ruleShape(): { macros: Macros; noAliases: boolean } {
    return { macros: this.options.macros, noAliases: this.options.noAliases ?? false };
  }

  // Ctrl-C reaches the whole foreground group; the supervisor decides what it means. A signal
  // in `stopOn` sent to this process alone ends the traced tree, and the run ends as a run does.
  private async end(supervisor: Supervisor): Promise<number> {
    const stop = (signal: NodeJS.Signals): void => {
      this.stoppedBy ??= signal;
      supervisor.stop();
    };
    const signals = this.options.stopOn ?? [];
    for (const signal of signals) process.on(signal, stop);
    let status: number;
    try {
      status = await supervisor.exited;
    } finally {
      for (const signal of signals) process.off(signal, stop);
      await this.records;
    }
    if (this.learning !== null && this.options.saveLearned === true) {
      await this.saveLearned(this.learning);
      if (this.stoppedBy !== null)
        this.emit('say', `stopped by ${this.stoppedBy}: what was learned until then is saved`);
    }
    return status;
  }

  private async compiledPolicy(path: string): Promise<string> {
    const { policy, problems } = await this.policies.policyOrNothing(path);
    for (const problem of problems) this.emit('say', problem);
    if (problems.length === 0) this.laterPolicies.set(path, policy.compiled);
    this.emit('policy', policy);
    return policy.compiled;
  }

  /**
   * Hands a record to the sink. In order: a record whose policy this process has not read yet
   * (a supervisor started from a plan had it from the plan) waits for it, and those after it
   * wait too. One that cannot be kept is said without stopping those after it.
   */
  private record(record: DecisionRecord): void {
    const unread = this.adopted && !this.policies.all().some((p) => p.program === record.policy);
    if (this.waitingRecords === 0 && !unread) return this.keep(record);
    this.waitingRecords++;
    this.records = this.records
      .then(async () => {
        if (unread) await this.policies.policyOrNothing(record.policy);
        this.keep(record);
      })
      .catch((e: unknown) => {
        this.emit('say', `a decision could not be logged or kept: ${(e as Error).message}`);
      })
      .finally(() => this.waitingRecords--);
  }

  private keep(record: DecisionRecord): void {
    try {
      this.decisions.add(record);
    } catch (e) {
      this.emit('say', `a decision could not be logged or kept: ${(e as Error).message}`);
    }
  }

  private async saveLearned(learning: Learning): Promise<void> {
    const results = await learning.save(this.policies, this.options.store, this.ruleShape());
    for (const result of results) {
      if ('error' in result) {
        this.emit(
          'say',
          `nothing learned for ${printable(result.program)} was saved: ${result.error}`,
        );
        continue;
      }
      for (const { name, pattern, alike } of result.shaped)
        this.emit(
          'say',
          `${printable(result.program)}: ${quoteString(name)} learned as ${quoteString(pattern)} (a name made at random${alike > 0 ? `; so were ${alike} more like it` : ''})`,
        );
      this.emit(
        'say',
        `learned ${result.added} rule${result.added === 1 ? '' : 's'} for ${printable(result.program)}: ${printable(result.path)}${askedNote(result.asked)}`,
      );
    }
  }
}
