// One program traced from the desktop app: a run (run.ts) on a pseudo-terminal, its process tree
// and counts, what it learned until the user reviews it, and the terminal's output with flow control (Tabby, VS Code's
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
import type { DecisionSink } from '../records/decision-sink.js';
import type { KernelSetup, Supervisor } from '../supervisor/supervisor.js';
import { kernelMode } from '../kernel/kernel-mode.js';
import { askedNote, asksOnly, withRules } from '../learn/learned-policy.js';
import type { PolicySource, SessionPolicy, TemporaryRule } from './policy-source.js';
import { Run } from './run.js';
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
  readonly decisions: DecisionSink;
  private readonly run: Run;
  private readonly supervisor: Supervisor;
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
    options: {
      recordPermits?: boolean;
      /** Rules until sysgate quits for a program (the rule writer's). */
      appRules?: (program: string) => readonly TemporaryRule[];
    } = {},
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
    this.run = new Run({
      id,
      command,
      args,
      mode: request.mode,
      store,
      macros,
      kernel,
      ...(options.appRules !== undefined ? { appRules: options.appRules } : {}),
    });
    this.policies = this.run.policies;
    this.decisions = this.run.decisions;
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
    this.run.on('say', (message) => this.emit('problem', message));
    this.run.on('policy', (policy) => this.emit('policy', policy));
    this.decisions.read((record) => this.record(record));
    this.run.answeredBy({
      ask: (question) => {
        this.info.counts.asked++;
        this.changed();
        this.emit('question', question);
      },
      cancel: (questionId) => this.emit('cancel', questionId),
    });
    this.run.start({
      channel: { kind: 'pty', cols: request.cols, rows: request.rows },
      cwd: request.cwd,
      recordPermits: options.recordPermits ?? false,
      policies: new Map(),
      ...(kernel ? { kernel: this.kernelSetup(program) } : {}),
    });
    this.supervisor = this.run.supervisor;
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
    this.run.on('count', (count) => this.emit('count', count));
    this.supervisor.on('stats', (counts) => {
      this.info.counts = { ...counts };
      this.changed();
    });
    const terminal = this.supervisor.terminal!;
    terminal.onData((data) => this.output(data));
    void this.run.exited.then(async (status) => {
      // A learning session's findings wait for the user's review (the window's review screen)
      // before any of them goes into a policy; the session says it is over once they are known.
      if (request.mode === 'learn') {
        for (const found of await this.run.review()) {
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
    this.run.push(policy);
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
    return this.run.exited;
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

  /** Counts each record, and tells of it (remote-session.ts tells the same). */
  private record(record: DecisionRecord): void {
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
