// `sysgate [-AaeiKtuUV] [-c user:group] [-d policydir] [-E logfile] [-f file] command [args...]`:
// runs a command under the supervisor with systrace's flags.

import { fstatSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { Filter } from '../common/policy/ast.js';
import { quoteString } from '../common/policy/lexer.js';
import { parseFilter } from '../common/policy/parser.js';
import { formatDiagnostic } from '../common/policy/diagnostics.js';
import { errnoNumber } from '../common/calls/index.js';
import {
  AnswerSchema,
  parseMessage,
  type DecisionRecord,
  type Question,
} from '../common/session/events.js';
import { callSummary, printable } from '../common/session/log-line.js';
import { Accounts } from '../core/accounts.js';
import { askedNote, Learning } from '../core/learn/learned-policy.js';
import {
  fileSink,
  policyFacts,
  streamSink,
  syslogSink,
  type LineSink,
} from '../core/records/denial-log.js';
import type { HistoryStore } from '../core/records/history-store.js';
import { openHistory, SessionRecorder, sessionName } from '../core/records/recorder.js';
import { DecisionSink, historyReader, logReader } from '../core/records/decision-sink.js';
import { APP_PROTOCOL_VERSION, connectToApp, type FrameConnection } from '../core/app-socket.js';
import { ownPlaces } from '../core/own-files.js';
import { packagePath } from '../core/package-paths.js';
import { CompiledPolicyCache } from '../core/policy/compiled-cache.js';
import { PolicyStore } from '../core/policy/store.js';
import { PromptBroker, type AskingRun } from '../core/prompts/broker.js';
import { RuleWriter } from '../core/prompts/rule-writer.js';
import { resolveProgram } from '../core/program-path.js';
import { currentMacros, PolicySource, type SessionPolicy } from '../core/runs/policy-source.js';
import {
  preamble,
  Supervisor,
  supervisorArguments,
  supervisorPath,
  type Mode,
  type SupervisorOptions,
} from '../core/supervisor/supervisor.js';
import { NO_NOTES, RunInputs } from '../core/run-plan/inputs.js';
import { writePlan } from '../core/run-plan/plan.js';
import { settingsStamp } from '../core/records/history-store.js';
import { getopt, UsageError, type ParsedOptions } from './options.js';
import { Terminal, TerminalPrompter } from './text-prompt.js';
import { kernelMode } from '../core/kernel/kernel-mode.js';
import { RUN_USAGE } from './run-usage.js';
import { packageVersion } from './version.js';

const PID_IS_IMPOSSIBLE =
  'sysgate: -p cannot work on Linux: a seccomp filter can only be installed by a process on\n' +
  'itself (and is inherited by its children), so a program that is already running cannot be\n' +
  'put under sysgate. Start the program under sysgate instead: sysgate [flags] command [args...]\n';

/** The files of this build's command line (tools/bundle-cli.mjs). */
function bundleFiles(): string[] {
  const dir = packagePath('build', 'app', 'bundle');
  try {
    return [dir, ...readdirSync(dir).map((name) => join(dir, name))];
  } catch {
    return [dir];
  }
}

export async function runTraced(argv: string[]): Promise<number> {
  let options: ParsedOptions;
  try {
    options = getopt(argv, 'AaeiKtuUV', 'cdEfp');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`sysgate: ${e.message}\n${RUN_USAGE}`);
    return 2;
  }
  if (options.flags.has('V')) {
    process.stdout.write(`sysgate ${packageVersion()}\n`);
    return 0;
  }
  if (options.values.has('p')) {
    process.stderr.write(PID_IS_IMPOSSIBLE);
    return 2;
  }
  const [command, ...args] = options.operands;
  if (command === undefined) {
    process.stderr.write(RUN_USAGE);
    return 2;
  }
  const adoptFd = hostFd();
  if (adoptFd === null) {
    process.stderr.write('sysgate: SYSGATE_HOST_FD is not a descriptor number\n');
    return 2;
  }
  // What the run reads is noted from the start when the run may leave a plan for the next one.
  const inputs = adoptFd === undefined && plannable(options) ? new RunInputs() : null;
  const run = new TracedRun(options, command, args, argv, inputs, adoptFd);
  return run.start();
}

/**
 * The descriptor of a supervisor that started this process to be its host (a run started from
 * a plan, native/PROTOCOL.md); undefined when there is none, null when the variable is garbled.
 */
function hostFd(): number | undefined | null {
  const value = process.env['SYSGATE_HOST_FD'];
  if (value === undefined) return undefined;
  return /^[0-9]{1,4}$/.test(value) ? Number(value) : null;
}

/**
 * The descriptors above 2 that sysgate was started with, which the command gets at the same
 * numbers: the front door (native/front.c) names them in SYSGATE_INHERITED_FDS, since Node.js
 * marks every descriptor close-on-exec at its start and cannot tell them from its own. The
 * variable is taken out of the environment the command gets; a descriptor no longer open is
 * left out.
 */
export function inheritedDescriptors(env: NodeJS.ProcessEnv = process.env): number[] {
  const value = env['SYSGATE_INHERITED_FDS'];
  delete env['SYSGATE_INHERITED_FDS'];
  if (value === undefined || !/^[0-9]{1,7}(,[0-9]{1,7})*$/.test(value)) return [];
  return value
    .split(',')
    .map(Number)
    .filter((fd) => {
      if (fd < 3) return false;
      try {
        fstatSync(fd);
        return true;
      } catch {
        return false;
      }
    });
}

/**
 * Whether the next run with these arguments may start from a plan of this one: it enforces and
 * asks nobody (-a, without -A or -t), and runs the supervisor that the front door would run.
 */
function plannable(options: ParsedOptions): boolean {
  const flags = options.flags;
  return (
    flags.has('a') &&
    !flags.has('A') &&
    !flags.has('t') &&
    process.env['SYSGATE_SUPERVISOR'] === undefined
  );
}

class TracedRun {
  private readonly mode: Mode;
  private readonly noAliases: boolean;
  private readonly macros = currentMacros();
  private readonly accounts: Accounts;
  private readonly store: PolicyStore;
  private readonly policies: PolicySource;
  /** This run, as a rule reaches it: its policies, and its supervisor once started. */
  private readonly run: AskingRun;
  /** Where -t's questions wait; its rules reach this run alone. */
  private readonly broker: PromptBroker<AskingRun>;
  /** Each waiting question on the terminal, and the call it was asked for. */
  private readonly prompted = new Map<string, string>();
  private readonly sink: LineSink;
  private readonly learning = new Learning();
  private readonly history: HistoryStore | null;
  /** Where this run's records go: the history, the log, learning, the window (one each). */
  private readonly decisions = new DecisionSink(() => this.policies.all());
  private terminal: Terminal | null = null;
  private prompter: TerminalPrompter | null = null;
  private supervisor: Supervisor | null = null;
  private app: FrameConnection | null = null;
  /** What was said before the command started: a plan says it again. */
  private readonly startLines: string[] = [];
  /** Policies sent on `need-policy` without problems to say: a plan sends them up front. */
  private readonly laterPolicies = new Map<string, string>();
  /** Something decided the run that a plan cannot check. */
  private unplannable = false;
  /** Decision records, logged and kept one after another (some wait for their policy). */
  private records: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: ParsedOptions,
    private readonly command: string,
    private readonly args: string[],
    /** `sysgate`'s arguments, as a plan is found by them. */
    private readonly argv: string[],
    /** What the run reads, noted when it may leave a plan; else null. */
    private readonly inputs: RunInputs | null,
    /** The descriptor of the supervisor this process is the host of, when one started it. */
    private readonly adoptFd: number | undefined,
  ) {
    const flags = options.flags;
    this.noAliases = flags.has('u');
    // What this run's decisions are made from, for the plan it may leave.
    const noted = inputs ?? NO_NOTES;
    this.accounts = new Accounts(noted);
    this.store = new PolicyStore({
      userDir: options.values.get('d')?.at(-1),
      files: options.values.get('f'),
      systemOnly: flags.has('U'),
      shippedDir: packagePath('policies'),
      inputs: noted,
    });
    this.policies = new PolicySource(this.store, this.macros, {
      noAliases: this.noAliases,
      cache: new CompiledPolicyCache(),
      kernel: flags.has('K'),
      inputs: noted,
    });
    this.run = {
      id: 'run',
      policies: this.policies,
      push: (policy) => this.supervisor?.sendPolicy(policy.program, policy.compiled),
    };
    const run = this.run;
    this.broker = new PromptBroker(new RuleWriter(this.store, () => []), this.macros, () => run);
    this.mode = flags.has('A') ? 'learn' : flags.has('a') ? 'enforce' : 'ask';
    const logFile = options.values.get('E')?.at(-1);
    this.sink = flags.has('e')
      ? streamSink(process.stderr)
      : logFile !== undefined
        ? fileSink(logFile)
        : syslogSink((message) => this.say(message));
    this.history = openHistory((message) => {
      // Said before the command starts, but not a fact a plan can check.
      this.unplannable = true;
      this.say(message);
    });
    if (this.history !== null) noted.note(settingsStamp(this.history.path));
    const recorder =
      this.history &&
      new SessionRecorder(
        this.history,
        sessionName(`cli${process.pid}`, Date.now()),
        this.accounts,
        (policy) => this.policies.all().find((p) => p.program === policy)?.origin?.path ?? null,
      );
    const kept = recorder && historyReader(recorder);
    // What goes to the desktop app is kept in the history by the app, while it is there.
    if (kept !== null)
      this.decisions.read((record, policies) => {
        if (this.app === null) kept(record, policies);
      });
    if (this.mode === 'learn') this.decisions.read((record) => this.learning.add(record));
    this.decisions.read(logReader(this.sink, this.accounts));
  }

  async start(): Promise<number> {
    let mode = this.mode;
    const kernel = this.options.flags.has('K');
    if (kernel && mode !== 'enforce') {
      return this.fail('-K needs -a: what the kernel refuses cannot be asked about or learned');
    }
    const explicit = ['A', 'a', 't'].some((flag) => this.options.flags.has(flag));
    // Without -A, -a or -t the questions go to a running desktop app, when there is one.
    if (!explicit) this.app = await connectToApp(undefined, (message) => this.say(message));
    if (mode === 'ask' && this.app === null) {
      this.terminal = Terminal.open();
      if (this.terminal !== null) this.prompter = new TerminalPrompter(this.terminal, this.macros);
      else if (this.options.flags.has('t'))
        return this.fail('-t needs a terminal to ask on, and there is none');
      else mode = 'enforce';
    }
    let first: SessionPolicy;
    try {
      first = await this.policies.policyFor(
        resolveProgram(this.command, process.env, process.cwd(), this.inputs ?? NO_NOTES),
      );
    } catch (e) {
      return this.fail((e as Error).message);
    }
    for (const problem of first.problems) this.say(`${first.program}: ${problem}`);
    const inKernel = kernel
      ? await kernelMode(first, this.policies, this.options.flags.has('i'), this.inputs ?? NO_NOTES)
      : null;
    if (inKernel?.ok === false) {
      for (const error of inKernel.errors) this.say(error);
      return 1;
    }
    for (const line of inKernel?.report ?? []) this.say(line);
    const runAs = this.runAs();
    if (typeof runAs === 'string') return this.fail(runAs);
    const setup: SupervisorOptions = {
      command: this.command,
      args: this.args,
      mode,
      inherit: this.options.flags.has('i'),
      ...(inKernel?.ok ? { kernel: inKernel.kernel } : {}),
      noAliases: this.noAliases,
      recordPermits: this.history?.settings().record === 'all',
      ...(runAs !== null ? { runAs } : {}),
      inheritFds: inheritedDescriptors(),
      // This run's policy places too: -d DIR and its templates, the -f files.
      protect: ownPlaces([
        this.store.userDir,
        join(this.store.userDir, 'templates'),
        ...this.store.files.map((file) => resolve(file)),
      ]),
      policies: new Map([[first.program, first.compiled]]),
      policyFor: (path) => this.compiledPolicy(path),
      ...(this.adoptFd !== undefined ? { adoptFd: this.adoptFd } : {}),
    };
    const supervisor = new Supervisor(setup);
    this.supervisor = supervisor;
    if (this.app !== null) this.relayToApp(this.app, supervisor);
    supervisor.on('record', (record) => this.record(record));
    supervisor.on('ask', (question) => void this.ask(question));
    supervisor.on('cancel', (id) => this.cancel(id));
    supervisor.on('problem', (message) => this.say(message));
    // Ctrl-C reaches the whole foreground group; the supervisor decides what it means.
    // SIGTERM and SIGHUP reach this process alone: they end the traced tree, and the run ends
    // as a run does (what -A learned so far is saved).
    // A SIGINT sent to this process alone does the same as Ctrl-C.
    let stoppedBy: NodeJS.Signals | null = null;
    const stop = (signal: NodeJS.Signals): void => {
      stoppedBy ??= signal;
      supervisor.stop();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', stop);
    let status: number;
    try {
      status = await supervisor.exited;
    } catch (e) {
      return this.fail((e as Error).message);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', stop);
      await this.records;
      this.history?.close();
      this.prompter?.close();
      this.terminal?.close();
    }
    if (this.mode === 'learn') {
      await this.saveLearned();
      if (stoppedBy !== null)
        this.say(`stopped by ${stoppedBy}: what was learned until then is saved`);
    }
    await this.sink.close();
    if (this.inputs !== null && !this.unplannable) this.leavePlan(setup);
    return status;
  }

  /** Writes down this run for the next identical one to start from (core/run-plan). */
  private leavePlan(setup: SupervisorOptions): void {
    for (const file of [
      supervisorPath(),
      packagePath('native', 'build', 'sysgate'),
      packagePath('bin', 'sysgate.js'),
      ...bundleFiles(),
    ])
      this.inputs?.note(file);
    const inputs = this.inputs?.all();
    if (inputs === undefined || inputs === null) return;
    const kernel = setup.kernel instanceof Promise ? undefined : setup.kernel;
    writePlan({
      args: this.argv,
      inputs,
      say: this.startLines,
      options: supervisorArguments(setup),
      command: [this.command, ...this.args],
      preamble: preamble(kernel, [...(setup.policies ?? []), ...this.laterPolicies]),
    });
  }

  private runAs(): { uid: number; gid: number } | null | string {
    const spec = this.options.values.get('c')?.at(-1);
    if (spec === undefined) return null;
    if (process.getuid?.() !== 0)
      return '-c needs root: only root may run a command as another user';
    const [user, group] = spec.split(':');
    const uid = this.accounts.userId(user ?? '');
    const gid = this.accounts.groupId(group ?? '');
    if (uid === undefined || gid === undefined)
      return `-c ${spec}: expected user:group (names or numbers) that exist`;
    return { uid, gid };
  }

  private async compiledPolicy(path: string): Promise<string> {
    const { policy, problems } = await this.policies.policyOrNothing(path);
    for (const problem of problems) this.say(problem);
    if (problems.length === 0) this.laterPolicies.set(path, policy.compiled);
    return policy.compiled;
  }

  private record(record: DecisionRecord): void {
    // One after another, and one that fails is said without stopping those after it.
    this.records = this.records
      .then(() => this.keep(record))
      .catch((e: unknown) =>
        this.say(`a decision could not be logged or kept: ${(e as Error).message}`),
      );
  }

  private async keep(record: DecisionRecord): Promise<void> {
    // A supervisor started from a plan had policies this process has not read yet.
    if (this.adoptFd !== undefined && !this.policies.all().some((p) => p.program === record.policy))
      await this.policies.policyOrNothing(record.policy);
    this.decisions.add(record);
  }

  private policyFacts(name: string): { policyNumber: number; filters: number } {
    return policyFacts(this.policies.all(), name);
  }

  /**
   * The desktop app answers this run's questions: they go to it, its answers and the rules it
   * adds come back to the supervisor. If the app goes away, what is still unanswered is denied.
   */
  private relayToApp(app: FrameConnection, supervisor: Supervisor): void {
    const waiting = new Set<string>();
    app.send('hello', {
      version: APP_PROTOCOL_VERSION,
      command: [this.command, ...this.args].join(' '),
      cwd: process.cwd(),
    });
    this.say('questions go to the sysgate window');
    supervisor.on('ask', (question) => {
      waiting.add(question.id);
      app.send('ask', { json: JSON.stringify(question) });
    });
    supervisor.on('cancel', (id) => {
      waiting.delete(id);
      app.send('cancel', { id });
    });
    this.decisions.read((record) => app.send('record', { json: JSON.stringify(record) }));
    app.onFrame((frame) => {
      const f = frame.fields;
      if (frame.verb === 'answer' && waiting.delete(f.text('id') ?? '')) {
        const answer = parseMessage(AnswerSchema, f.text('json') ?? '');
        if ('error' in answer)
          this.say(
            `the sysgate window sent an answer that cannot be used (${answer.error}): denied`,
          );
        supervisor.answer(
          f.text('id')!,
          'value' in answer ? answer.value : { action: 'deny', errno: errnoNumber('eperm')! },
        );
      } else if (frame.verb === 'policy') {
        const name = f.text('name') ?? '';
        const session = sessionRulesOf(f.text('session') ?? '');
        if (typeof session === 'string') {
          this.say(`the sysgate window sent a rule that cannot be used (${session}): ignored`);
          return;
        }
        const policy = this.policies.replace(name, f.text('source') ?? '', session);
        supervisor.sendPolicy(name, policy.compiled);
      } else if (frame.verb === 'kill') {
        supervisor.kill(undefined, f.number('signal') === 15 ? 'SIGTERM' : 'SIGKILL');
      }
    });
    let ended = false;
    app.onClose(() => {
      this.app = null;
      if (!ended) this.say('the sysgate window went away: what it has not answered is denied');
      for (const id of waiting)
        supervisor.answer(id, { action: 'deny', errno: errnoNumber('eperm')! });
      waiting.clear();
    });
    void supervisor.exited.then((status) => {
      ended = true;
      app.send('exit', { status });
      app.close();
    });
  }

  /**
   * Asks on the terminal (-t). The question waits in the broker, where identical calls (of
   * other threads or processes) join it and are answered with it: one prompt for them all.
   */
  private async ask(question: Question): Promise<void> {
    if (this.app !== null) return; // relayToApp sends it to the window
    const supervisor = this.supervisor!;
    if (this.prompter === null)
      return supervisor.answer(question.id, { action: 'deny', errno: errnoNumber('eperm')! });
    const pending = this.broker.ask(this.run, question, (answer) =>
      supervisor.answer(question.id, answer),
    );
    // null: a rule added a moment ago answered it.
    if (pending !== null && pending.count === 1) await this.prompt(pending.id);
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
        const answer = await this.prompter!.ask(
          question,
          callSummary(question, this.policyFacts(question.policy)),
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
        if (written.path !== null) this.terminal?.output.write(`Added to ${written.path}\n`);
        else if (written.unsaved === null)
          this.terminal?.output.write(
            written.expires == null
              ? 'Added for this run\n'
              : `Added until ${new Date(written.expires).toTimeString().slice(0, 8)}\n`,
          );
        else this.say(`${written.unsaved}; the rule applies to this run only`);
        if (this.broker.queue.get(id) !== undefined)
          this.terminal?.output.write(
            'That rule does not decide this call; it was added all the same.\n',
          );
      }
    } finally {
      this.prompted.delete(id);
    }
  }

  /**
   * A held call went with its process. If it was the one on screen and identical calls still
   * wait with it, the question is asked again for them.
   */
  private cancel(questionId: string): void {
    const shown = [...this.prompted].find(([, asked]) => asked === questionId)?.[0];
    this.broker.withdraw(this.run, questionId);
    this.prompter?.cancel(questionId);
    if (shown === undefined) return;
    this.prompted.delete(shown);
    if (this.broker.queue.get(shown) !== undefined) void this.prompt(shown);
  }

  private async saveLearned(): Promise<void> {
    const results = await this.learning.save(this.policies, this.store, {
      macros: this.macros,
      noAliases: this.noAliases,
    });
    for (const result of results) {
      if ('error' in result)
        this.say(`nothing learned for ${printable(result.program)} was saved: ${result.error}`);
      else {
        for (const { name, pattern, alike } of result.shaped)
          this.say(
            `${printable(result.program)}: ${quoteString(name)} learned as ${quoteString(pattern)} (a name made at random${alike > 0 ? `; so were ${alike} more like it` : ''})`,
          );
        this.say(
          `learned ${result.added} rule${result.added === 1 ? '' : 's'} for ${printable(result.program)}: ${printable(result.path)}${askedNote(result.asked)}`,
        );
      }
    }
  }

  private say(message: string): void {
    const line = `sysgate: ${message}\n`;
    if (this.supervisor === null) {
      this.startLines.push(line);
      // The front door said it already, from the plan.
      if (this.adoptFd !== undefined) return;
    }
    process.stderr.write(line);
  }

  private fail(message: string): number {
    this.say(message);
    return 1;
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
