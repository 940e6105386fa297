// `sysgate [-AaeiKtuUV] [-c user:group] [-d policydir] [-E logfile] [-f file] command [args...]`:
// runs a command under the supervisor with systrace's flags.

import { fstatSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { Accounts } from '../core/accounts.js';
import { connectToApp } from '../core/app-socket.js';
import { kernelMode } from '../core/kernel/kernel-mode.js';
import { ownPlaces } from '../core/own-files.js';
import { packagePath } from '../core/package-paths.js';
import { CompiledPolicyCache } from '../core/policy/compiled-cache.js';
import { PolicyStore } from '../core/policy/store.js';
import { resolveProgram } from '../core/program-path.js';
import { systemHistoryPath } from '../core/system-places.js';
import { countsReader, historyReader, logReader } from '../core/records/decision-sink.js';
import { fileSink, streamSink, syslogSink, type LineSink } from '../core/records/denial-log.js';
import { historyPath, settingsStamp, type HistoryStore } from '../core/records/history-store.js';
import { openHistory, SessionRecorder, sessionName } from '../core/records/recorder.js';
import { NO_NOTES, RunInputs } from '../core/run-plan/inputs.js';
import { writePlan } from '../core/run-plan/plan.js';
import { currentMacros, type SessionPolicy } from '../core/runs/policy-source.js';
import { AppRelay } from '../core/runs/relay.js';
import { Run } from '../core/runs/run.js';
import {
  preamble,
  supervisorArguments,
  supervisorPath,
  type Mode,
  type SupervisorOptions,
} from '../core/supervisor/supervisor.js';
import { getopt, UsageError, type ParsedOptions } from './options.js';
import { RUN_USAGE } from './run-usage.js';
import { TerminalAnswerer } from './terminal-answerer.js';
import { Terminal, TerminalPrompter } from './text-prompt.js';
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
 * What sysgate-shell (native/shell.c) decided from the system's settings alone, never from the
 * user: where the system's policies are, and syslog's socket.
 */
interface LoginShell {
  systemDir: string;
  syslog: string;
  /** `-bash` for a login shell; null for `-c COMMAND`. */
  argv0: string | null;
}

/**
 * `sysgate --login-shell [--login] [--policies DIR] [--syslog SOCKET] -- SHELL [-c COMMAND]`,
 * as sysgate-shell starts it with an environment it cleaned: `sysgate -a -i -U SHELL ...` (with
 * --login, the shell's argv[0] is `-bash`, as login(1) makes a login shell), where
 * nothing in the user's files decides anything. The user's policies, templates, compiled
 * policies and run plans are never read (each is a file the user could have written), no plan
 * is left, the history in the user's home is not kept: denials go to syslog, which the user
 * cannot rewrite.
 */
export async function runLoginShell(argv: string[]): Promise<number> {
  const login: LoginShell = { systemDir: '/etc/sysgate/policies', syslog: '/dev/log', argv0: null };
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--login') login.argv0 = '';
    else if (value === undefined || !value.startsWith('/')) break;
    else if (argv[i] === '--policies') login.systemDir = argv[++i]!;
    else if (argv[i] === '--syslog') login.syslog = argv[++i]!;
    else break;
  }
  const [shell, ...args] = argv.slice(i + 1);
  if (argv[i] !== '--' || shell === undefined || !shell.startsWith('/')) {
    process.stderr.write(
      'usage: sysgate --login-shell [--login] [--policies DIR] [--syslog SOCKET] -- /SHELL [args...]\n',
    );
    return 2;
  }
  // As login(1) starts a login shell: its name after a '-'.
  if (login.argv0 !== null) login.argv0 = `-${basename(shell)}`;
  const options: ParsedOptions = {
    flags: new Set(['a', 'i', 'U']),
    values: new Map(),
    operands: [shell, ...args],
  };
  return new TracedRun(options, shell, args, argv, null, undefined, login).start();
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

/**
 * A run as the command line makes it from systrace's flags: where its policies, log and
 * history are, who answers its questions (the terminal, the desktop app, or nobody), what the
 * kernel enforces, and the plan it may leave for the next identical run.
 */
class TracedRun {
  private readonly mode: Mode;
  private readonly macros = currentMacros();
  private readonly accounts: Accounts;
  private readonly store: PolicyStore;
  private readonly run: Run;
  private readonly sink: LineSink;
  private readonly history: HistoryStore | null;
  /** This run's name in the history. */
  private readonly runName: string;
  private terminal: Terminal | null = null;
  private prompter: TerminalPrompter | null = null;
  private relay: AppRelay | null = null;
  /** What was said before the command started: a plan says it again. */
  private readonly startLines: string[] = [];
  /** Something decided the run that a plan cannot check. */
  private unplannable = false;
  /** The command's argv[0] when not its name (a login shell's). */
  private readonly argv0: string | null;

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
    /** Set when sysgate-shell started this run: nothing of the user's is read. */
    login: LoginShell | null = null,
  ) {
    this.argv0 = login?.argv0 ?? null;
    const flags = options.flags;
    // What this run's decisions are made from, for the plan it may leave.
    const noted = inputs ?? NO_NOTES;
    this.accounts = new Accounts(noted);
    this.store = new PolicyStore({
      userDir: options.values.get('d')?.at(-1),
      files: options.values.get('f'),
      systemOnly: flags.has('U'),
      ...(login !== null ? { systemDir: login.systemDir } : {}),
      shippedDir: packagePath('policies'),
      inputs: noted,
    });
    this.mode = flags.has('A') ? 'learn' : flags.has('a') ? 'enforce' : 'ask';
    this.run = new Run({
      id: 'run',
      command,
      args,
      mode: this.mode,
      store: this.store,
      macros: this.macros,
      noAliases: flags.has('u'),
      kernel: flags.has('K'),
      // A compiled policy in the user's cache is the user's to forge.
      ...(login === null ? { cache: new CompiledPolicyCache() } : {}),
      inputs: noted,
      saveLearned: true,
      // SIGTERM and SIGHUP reach this process alone; a SIGINT sent to it alone does the same
      // as Ctrl-C: the traced tree ends, and what -A learned so far is saved.
      stopOn: ['SIGINT', 'SIGTERM', 'SIGHUP'],
    });
    this.run.on('say', (message) => this.say(message));
    const logFile = options.values.get('E')?.at(-1);
    this.sink = flags.has('e')
      ? streamSink(process.stderr)
      : logFile !== undefined
        ? fileSink(logFile)
        : syslogSink((message) => this.say(message), login?.syslog);
    // Root's runs under the system policies alone (a daemon, started by its service manager)
    // keep their history in the system's, where an administrator's desktop app looks; a
    // confined login shell keeps none (it reads and writes nothing of the user's).
    const systemRun = flags.has('U') && process.getuid?.() === 0;
    this.history =
      login !== null
        ? null
        : openHistory(
            (message) => {
              // Said before the command starts, but not a fact a plan can check.
              this.unplannable = true;
              this.say(message);
            },
            systemRun ? systemHistoryPath() : historyPath(),
          );
    if (this.history !== null) noted.note(settingsStamp(this.history.path));
    const policies = this.run.policies;
    this.runName = sessionName(`cli${process.pid}`, Date.now());
    const recorder =
      this.history &&
      new SessionRecorder(
        this.history,
        this.runName,
        this.accounts,
        (policy) => policies.all().find((p) => p.program === policy)?.origin?.path ?? null,
      );
    const kept = recorder && historyReader(recorder);
    // What goes to the desktop app is kept in the history by the app, while it is there.
    if (kept !== null)
      this.run.decisions.read((record, all) => {
        if (this.relay?.present !== true) kept(record, all);
      });
    this.run.decisions.read(logReader(this.sink, this.accounts));
    // The counts of every decided call go to the history, with the app or without it.
    this.run.on(
      'count',
      countsReader(() => policies.all(), this.history, this.runName, null),
    );
  }

  async start(): Promise<number> {
    let mode = this.mode;
    const kernel = this.options.flags.has('K');
    if (kernel && mode !== 'enforce') {
      return this.fail('-K needs -a: what the kernel refuses cannot be asked about or learned');
    }
    const explicit = ['A', 'a', 't'].some((flag) => this.options.flags.has(flag));
    // Without -A, -a or -t the questions go to a running desktop app, when there is one.
    const app = explicit ? null : await connectToApp(undefined, (message) => this.say(message));
    if (mode === 'ask' && app === null) {
      this.terminal = Terminal.open();
      if (this.terminal !== null) this.prompter = new TerminalPrompter(this.terminal, this.macros);
      else if (this.options.flags.has('t'))
        return this.fail('-t needs a terminal to ask on, and there is none');
      else mode = 'enforce';
    }
    const policies = this.run.policies;
    let first: SessionPolicy;
    try {
      first = await policies.policyFor(
        resolveProgram(this.command, process.env, process.cwd(), this.inputs ?? NO_NOTES),
      );
    } catch (e) {
      return this.fail((e as Error).message);
    }
    for (const problem of first.problems) this.say(`${first.program}: ${problem}`);
    const inKernel = kernel
      ? await kernelMode(first, policies, this.options.flags.has('i'), this.inputs ?? NO_NOTES)
      : null;
    if (inKernel?.ok === false) {
      for (const error of inKernel.errors) this.say(error);
      return 1;
    }
    for (const line of inKernel?.report ?? []) this.say(line);
    const runAs = this.runAs();
    if (typeof runAs === 'string') return this.fail(runAs);
    const setup = this.run.start({
      channel: {
        kind: 'pipes',
        inheritFds: inheritedDescriptors(),
        ...(this.adoptFd !== undefined ? { adoptFd: this.adoptFd } : {}),
      },
      mode,
      inherit: this.options.flags.has('i'),
      ...(inKernel?.ok ? { kernel: inKernel.kernel } : {}),
      recordPermits: this.history?.settings().record === 'all',
      ...(runAs !== null ? { runAs } : {}),
      ...(this.argv0 !== null ? { argv0: this.argv0 } : {}),
      // This run's policy places too: -d DIR and its templates, the -f files.
      protect: ownPlaces([
        this.store.userDir,
        // The system's policies where sysgate-shell said they are (else /etc/sysgate's, kept anyway).
        this.store.systemDir,
        join(this.store.userDir, 'templates'),
        ...this.store.files.map((file) => resolve(file)),
      ]),
      policies: new Map([[first.program, first.compiled]]),
    });
    if (app !== null) {
      const hello = { command: [this.command, ...this.args].join(' '), cwd: process.cwd() };
      this.relay = new AppRelay(app, this.run, hello, (message) => this.say(message));
      this.run.answeredBy(this.relay);
    } else if (this.terminal !== null && this.prompter !== null) {
      this.run.answeredBy(
        new TerminalAnswerer(this.run, this.terminal, this.prompter, this.store, this.macros, (m) =>
          this.say(m),
        ),
      );
    }
    let status: number;
    try {
      status = await this.run.exited;
    } catch (e) {
      return this.fail((e as Error).message);
    } finally {
      this.history?.close();
      this.prompter?.close();
      this.terminal?.close();
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
      preamble: preamble(kernel, [...(setup.policies ?? []), ...this.run.laterPolicies]),
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

  private say(message: string): void {
    const line = `sysgate: ${message}\n`;
    if (!this.run.started) {
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
