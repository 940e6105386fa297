// One program traced from the desktop app: its supervisor on a pseudo-terminal, its policies,
// its process tree and counts, and the terminal's output with flow control (Tabby, VS Code's
// pty host: pause the pty at a high watermark, resume below a low one).

import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';

import { splitCommandLine } from '../../common/command-line.js';
import type {
  LearnedRules,
  ProcessInfo,
  SessionInfo,
  StartRequest,
} from '../../common/contract.js';
import type { Macros } from '../../common/policy/request.js';
import type { Answer, DecisionRecord, ProcessEvent } from '../../common/session/events.js';
import type { PolicyStore } from '../policy/store.js';
import { resolveProgram } from '../program-path.js';
import { Supervisor, type KernelSetup } from '../supervisor/supervisor.js';
import { kernelMode } from '../kernel/kernel-mode.js';
import { askedNote, asksOnly, Learning, withRules } from '../learn/learned-policy.js';
import { PolicySource, type SessionPolicy } from './policy-source.js';
import { TerminalReplay } from './terminal-replay.js';
import type { TracedSession, TracedSessionEvents } from './traced-session.js';

/**
 * Characters sent to windows but not yet drawn, or not yet parsed by the replay's emulator: above
 * HIGH the program is paused, below LOW it goes on.
 */
const HIGH = 512 * 1024;
const LOW = 128 * 1024;

export class Session extends EventEmitter<TracedSessionEvents> implements TracedSession {
  readonly policies: PolicySource;
  private readonly supervisor: Supervisor;
  private readonly learning = new Learning();
  /** What a Learn session learned, by program, until the user saves or discards it. */
  private readonly toReview = new Map<string, Omit<LearnedRules, 'program'>>();
  private info: SessionInfo;
  /** What a window that opens (or reloads) draws: terminal-replay.ts. */
  private readonly replay: TerminalReplay;
  private undrawn = 0;
  private paused = false;

  constructor(
    id: string,
    request: StartRequest,
    store: PolicyStore,
    userMacros: Macros,
    options: { recordPermits?: boolean } = {},
  ) {
    super();
    const [command, ...args] = splitCommandLine(request.command);
    if (command === undefined) throw new Error('the command is empty');
    const program = resolveProgram(command, process.env, request.cwd);
    const cwd = request.cwd.trim() === '' ? userMacros.HOME : request.cwd;
    const notDirectory = whyNotDirectory(cwd);
    if (notDirectory !== null) throw new Error(`the working directory ${cwd} ${notDirectory}`);
    request = { ...request, cwd };
    const macros = { ...userMacros, CWD: cwd };
    if (request.kernel && request.mode !== 'enforce')
      throw new Error('the kernel enforces policies only in the Enforce mode');
    const kernel = request.kernel === true;
    this.replay = new TerminalReplay(request.cols, request.rows, () => this.throttle());
    this.policies = new PolicySource(store, macros, { kernel });
    this.info = {
      id,
      command: request.command,
      cwd: request.cwd,
      mode: request.mode,
      kernel,
      state: 'running',
      status: null,
      startedAt: Date.now(),
      processes: [],
      counts: { permitted: 0, denied: 0, asked: 0 },
    };
    this.supervisor = new Supervisor({
      command,
      args,
      mode: request.mode,
      cwd: request.cwd,
      terminal: { cols: request.cols, rows: request.rows },
      recordPermits: options.recordPermits ?? false,
      policies: new Map(),
      policyFor: async (path) => this.compiledPolicy(path),
      ...(kernel ? { kernel: this.kernelSetup(program) } : {}),
    });
    this.supervisor.on('started', (pid) =>
      this.processEvent({
        event: 'fork',
        pid,
        ppid: process.pid,
        exe: program,
        policy: program,
        status: null,
      }),
    );
    this.supervisor.on('process', (event) => this.processEvent(event));
    this.supervisor.on('ask', (question) => {
      this.info.counts.asked++;
      this.changed();
      this.emit('question', question);
    });
    this.supervisor.on('cancel', (id) => this.emit('cancel', id));
    this.supervisor.on('record', (record) => this.record(record));
    this.supervisor.on('stats', (counts) => {
      this.info.counts = { ...counts };
      this.changed();
    });
    this.supervisor.on('problem', (message) => this.emit('problem', message));
    const terminal = this.supervisor.terminal!;
    terminal.onData((data) => this.output(data));
    void this.supervisor.exited.then(async (status) => {
      // A learning session's findings wait for the user's review (the window's review screen)
      // before any of them goes into a policy; the session says it is over once they are known.
      if (request.mode === 'learn') {
        for (const found of await this.learning.review(this.policies, {
          macros,
          noAliases: false,
        })) {
          if ('error' in found)
            this.emit(
              'problem',
              `nothing learned for ${found.program} can be saved: ${found.error}`,
            );
          else {
            this.toReview.set(found.program, {
              rules: found.rules,
              generalised: found.generalised,
              ...(found.problem === undefined ? {} : { problem: found.problem }),
            });
            this.output(
              `\r\n[sysgate] learned ${found.rules.length} rule${found.rules.length === 1 ? '' : 's'} for ${found.program}${askedNote(found.rules.filter(asksOnly).length)}: ${found.problem === undefined ? 'review them in the window before they are saved' : 'its policy has errors: fix it, then save them in the review'}\r\n`,
            );
          }
        }
      }
      this.info = {
        ...this.info,
        state: 'exited',
        status,
        toReview: this.rulesToReview(),
        processes: this.info.processes.map((p) => ({ ...p, alive: false })),
      };
      this.changed();
    });
  }

  get id(): string {
    return this.info.id;
  }

  snapshot(): SessionInfo {
    return this.info;
  }

  terminalOutput(): string {
    return this.replay.replay();
  }

  write(data: string): void {
    if (this.info.state === 'running') this.supervisor.terminal?.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.info.state !== 'running') return;
    this.supervisor.terminal?.resize(cols, rows);
    this.replay.resize(cols, rows);
  }

  /** A window opened and took the replay: nothing sent before it is waiting to be drawn. */
  windowOpened(): void {
    this.drawn(this.undrawn);
  }

  /** A window drew `chars` characters of the output: the program may go on when it has caught up. */
  drawn(chars: number): void {
    this.undrawn = Math.max(0, this.undrawn - chars);
    this.throttle();
  }

  answer(questionId: string, answer: Answer): void {
    this.supervisor.answer(questionId, answer);
  }

  /** Sends a changed policy to the supervisor: it applies to the very next call. */
  push(policy: SessionPolicy): void {
    this.supervisor.sendPolicy(policy.program, policy.compiled);
    this.emit('policy', policy);
  }

  /** What this Learn session learned and nobody has reviewed yet. */
  learned(): LearnedRules[] {
    return [...this.toReview].map(([program, found]) => ({ program, ...found }));
  }

  /**
   * Saves the reviewed rules of `program` after its policy's own, in the user's directory; gives
   * the path written. The program's learned rules are then done with.
   */
  async saveLearned(
    program: string,
    rules: readonly string[],
    store: PolicyStore,
  ): Promise<string> {
    if (!this.toReview.has(program)) throw new Error(`nothing learned for ${program} waits`);
    // The policy as its file is now: one that had errors ran with no rules, and that stand-in
    // must never replace the user's file; one still with errors refuses (PolicyLoadError).
    const policy =
      (await this.policies.reload(program)) ?? (await this.policies.policyFor(program));
    const path = await store.save(program, withRules(program, policy.text, rules));
    this.toReview.delete(program);
    this.info = { ...this.info, toReview: this.rulesToReview() };
    this.changed();
    return path;
  }

  /** Forgets what this session learned, unsaved. */
  discardLearned(): void {
    this.toReview.clear();
    this.info = { ...this.info, toReview: 0 };
    this.changed();
  }

  private rulesToReview(): number {
    let n = 0;
    for (const found of this.toReview.values()) n += found.rules.length;
    return n;
  }

  /** Asks the traced programs to end. */
  stop(): void {
    this.supervisor.kill(undefined, 'SIGTERM');
  }

  /**
   * Ends the traced programs at once, even while the supervisor's turn is held by a call it
   * decides (then it is signalled itself: Supervisor.stop).
   */
  kill(): void {
    this.supervisor.stop();
  }

  /** Resolves with the exit status. */
  get exited(): Promise<number> {
    return this.supervisor.exited;
  }

  /**
   * What the kernel enforces of the run's policies (core/kernel/kernel-mode.ts), said on the
   * terminal as `sysgate -a -K` says it; a policy it cannot enforce stops the session before the
   * command runs, with the rules that are why.
   */
  private async kernelSetup(program: string): Promise<KernelSetup> {
    const mode = await kernelMode(await this.policies.policyFor(program), this.policies, false);
    const lines = mode.ok ? mode.report : mode.errors;
    this.output(lines.map((line) => `[sysgate] ${line}\r\n`).join(''));
    if (!mode.ok) throw new Error(`${program}: the kernel cannot enforce this run's policies`);
    return mode.kernel;
  }

  private async compiledPolicy(path: string): Promise<string> {
    const { policy, problems } = await this.policies.policyOrNothing(path);
    for (const problem of problems) this.emit('problem', problem);
    this.emit('policy', policy);
    return policy.compiled;
  }

  private output(data: string): void {
    this.replay.write(data);
    this.undrawn += data.length;
    this.throttle();
    this.emit('output', data);
  }

  /** Pauses the program while the windows or the replay are far behind its output. */
  private throttle(): void {
    const behind = Math.max(this.undrawn, this.replay.behind);
    if (!this.paused && behind > HIGH) {
      this.paused = true;
      this.supervisor.terminal?.pause();
    } else if (this.paused && behind < LOW) {
      this.paused = false;
      this.supervisor.terminal?.resume();
    }
  }

  private record(record: DecisionRecord): void {
    if (this.info.mode === 'learn') this.learning.add(record);
    if (record.by !== 'learn') {
      if (record.action === 'deny') this.info.counts.denied++;
      else this.info.counts.permitted++;
      this.changed();
    }
    this.emit('record', record);
  }

  private processEvent(event: ProcessEvent): void {
    const others = this.info.processes.filter((p) => p.pid !== event.pid);
    const known = this.info.processes.find((p) => p.pid === event.pid);
    const entry: ProcessInfo = {
      pid: event.pid,
      ppid: event.ppid || known?.ppid || 0,
      exe: event.exe || known?.exe || '',
      policy: event.policy || known?.policy || '',
      alive: event.event !== 'exit',
    };
    this.info = { ...this.info, processes: [...others, entry].sort((a, b) => a.pid - b.pid) };
    this.changed();
  }

  private changed(): void {
    this.info = { ...this.info, counts: { ...this.info.counts } };
    this.emit('changed', this.info);
  }
}

/** Null for a directory; else what `path` is instead, to end "the working directory PATH ...". */
function whyNotDirectory(path: string): string | null {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return null;
    return stat.isFile() ? 'is a file, not a directory' : 'is not a directory';
  } catch {
    return 'does not exist';
  }
}
