// Starts `sysgate-supervisor` for one traced command and speaks its control protocol
// (native/PROTOCOL.md): policies and answers go down, questions, decisions and the process tree
// come up. Like Wave's helper process: the supervisor gets its channel (an inherited descriptor,
// or on a pseudo-terminal a private socket and a token in its environment), says hello, and the
// session ends when it exits.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

import { createRequire } from 'node:module';
import type * as NodePty from 'node-pty';

import { printable } from '../../common/session/log-line.js';
import type { LandlockRule } from '../kernel/landlock-rules.js';
import { ownPlaces } from '../own-files.js';
import { packagePath } from '../package-paths.js';
import type {
  Answer,
  CallCount,
  DecisionRecord,
  ProcessEvent,
  Question,
} from '../../common/session/events.js';
import {
  encodeFrame,
  FrameError,
  FrameReader,
  frameText,
  type Fields,
  type Frame,
} from './frames.js';
import {
  decodeCallCount,
  decodeDecisionRecord,
  decodeProcessEvent,
  decodeQuestion,
} from './messages.js';

/** native/PROTOCOL.md's version: 2 added `count`. */
export const PROTOCOL_VERSION = 2;
/** How long `stop` lets the supervisor end the run before it signals the supervisor itself. */
const STOP_GRACE_MS = 2000;

/** Where the supervisor binary is: $SYSGATE_SUPERVISOR, else the checkout's native/build. */
export function supervisorPath(): string {
  const fromEnv = process.env['SYSGATE_SUPERVISOR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return packagePath('native', 'build', 'sysgate-supervisor');
}

export type Mode = 'ask' | 'enforce' | 'learn';

export interface SupervisorOptions {
  command: string;
  args: string[];
  mode: Mode;
  /** `-i`: processes keep their policy across execve. */
  inherit?: boolean;
  /** `-u`: calls are not aliased to fsread/fswrite. */
  noAliases?: boolean;
  /** Every permit is recorded too (for the history), not only denials, answers and `log` rules. */
  recordPermits?: boolean;
  /** What happens when this host goes away: the traced tree is killed (default), or denials go on. */
  onHostLoss?: 'kill' | 'deny';
  /** `-c user:group` (root only): the command runs with these ids. */
  runAs?: { uid: number; gid: number };
  /** The command's argv[0], when not its name: `-bash` makes bash a login shell (sysgate-shell). */
  argv0?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The traced program's standard input, output and error. Default: this process's. */
  stdio?: [StdioOptions, StdioOptions, StdioOptions] | 'inherit';
  /**
   * Descriptors above 2 of this process the traced program gets at the same numbers, as it
   * would run without sysgate (what the shell gave `sysgate ... 3<file`).
   */
  inheritFds?: readonly number[];
  /** Compiled policies to load before the command starts, by name. */
  policies?: ReadonlyMap<string, string>;
  /**
   * Answers the supervisor's `need-policy` (a process executed `path`) with a compiled policy.
   * Without it, the `need-policy` event is the caller's to answer.
   */
  policyFor?: (path: string) => Promise<string>;
  /**
   * sysgate's own files and folders, which no traced program may change (core/own-files.ts).
   * Default: every place of sysgate's for this process's environment.
   */
  protect?: readonly string[];
  /** Runs the supervisor, and so the program, on a new pseudo-terminal of this size. */
  terminal?: { cols: number; rows: number };
  /**
   * Kernel-speed mode (`-K`; app/core/kernel/), or the promise of it: the command starts when
   * it is known, and never when it fails or the kernel cannot take it.
   */
  kernel?: KernelSetup | Promise<KernelSetup>;
  /**
   * A supervisor that already runs, started from a run plan (native/PROTOCOL.md, "Run plans"),
   * on this inherited descriptor: it has its preamble, so none is sent, and the command's exit
   * ends the session.
   */
  adoptFd?: number;
}

/** The Landlock access rights the kernel restricts, its rules, and the calls it lets through. */
export interface KernelSetup {
  handled: number;
  allow: readonly string[];
  rules: readonly LandlockRule[];
  /**
   * The rules grant reading nothing the run's policies do not permit, for the whole run
   * (`reads=exact`): a permitted reading open of a name they grant may be left to the kernel.
   */
  readsExact?: boolean;
}

interface Launched {
  terminal: SupervisedTerminal | null;
  child: ChildProcess | null;
  kill: (signal: NodeJS.Signals) => void;
  exited: Promise<number>;
}

export interface SupervisorEvents {
  started: [pid: number];
  ask: [question: Question];
  cancel: [id: string, reason: string];
  record: [record: DecisionRecord];
  process: [event: ProcessEvent];
  'need-policy': [pid: number, path: string];
  /** How many calls were permitted, denied and asked so far. */
  stats: [counts: { permitted: number; denied: number; asked: number }];
  /** One row of the supervisor's counts of decided calls, sent in batches (`count`). */
  count: [count: CallCount];
  /** Something the supervisor said was wrong, or a frame from it that could not be read. */
  problem: [message: string];
  /** The last traced process is gone, with the command's status. */
  exit: [status: number];
}

export class SupervisorExitedError extends Error {
  override name = 'SupervisorExitedError';
}

/** The traced program's pseudo-terminal, when the supervisor runs on one (the desktop app). */
export interface SupervisedTerminal {
  onData(listener: (data: string) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
}

/** One supervised run of one command. */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  /** The pseudo-terminal the program runs on, with `terminal` in the options; else null. */
  readonly terminal: SupervisedTerminal | null;
  /** The supervisor's process, when it runs without a terminal (its stdio are the program's). */
  readonly child: ChildProcess | null;
  private control: Socket | null = null;
  private readonly reader = new FrameReader();
  private readonly options: SupervisorOptions;
  private readonly token = randomBytes(16).toString('hex');
  private readonly killProcess: (signal: NodeJS.Signals) => void;
  /** Resolves with the command's exit status (the code, or 128 + the signal). */
  readonly exited: Promise<number>;
  private reportedStatus: number | null = null;
  private stopTimer: NodeJS.Timeout | null = null;

  constructor(options: SupervisorOptions) {
    super();
    this.options = options;
    const binary = supervisorPath();
    if (options.adoptFd === undefined && !existsSync(binary)) {
      throw new SupervisorExitedError(`the supervisor is not built (${binary}): run npm install`);
    }
    const launched =
      options.adoptFd !== undefined
        ? this.adopt(options.adoptFd)
        : options.terminal === undefined
          ? this.launchPiped(binary, options)
          : this.launchOnTerminal(binary, options, options.terminal);
    this.terminal = launched.terminal;
    this.child = launched.child;
    this.killProcess = launched.kill;
    this.exited = launched.exited.then((status) => this.reportedStatus ?? status);
  }

  // The supervisor inherits its end of a socket pair on the first descriptor after those the
  // program inherits (3 when it inherits none; the supervisor marks it close-on-exec).
  private launchPiped(binary: string, options: SupervisorOptions): Launched {
    const stdio: Extract<StdioOptions, unknown[]> =
      options.stdio === 'inherit' || options.stdio === undefined
        ? ['inherit', 'inherit', 'inherit']
        : ([...options.stdio] as Extract<StdioOptions, unknown[]>);
    const inherited = (options.inheritFds ?? []).filter((fd) => Number.isInteger(fd) && fd > 2);
    const control = Math.max(3, ...inherited.map((fd) => fd + 1));
    for (let fd = 3; fd < control; fd++) stdio.push(inherited.includes(fd) ? fd : 'ignore');
    stdio.push('pipe');
    const child = spawn(
      binary,
      [
        ...supervisorArguments(options),
        '--control-fd',
        String(control),
        '--',
        options.command,
        ...options.args,
      ],
      { stdio, cwd: options.cwd, env: options.env },
    );
    this.attach(child.stdio[control] as Socket);
    return {
      terminal: null,
      child,
      kill: (signal) => child.kill(signal),
      exited: new Promise((resolve, reject) => {
        child.on('error', (e) =>
          reject(new SupervisorExitedError(`cannot start the supervisor: ${e.message}`)),
        );
        child.on('close', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
      }),
    };
  }

  // On a pseudo-terminal the supervisor's descriptors are the terminal's, so it connects back
  // to a socket only this user can reach and proves itself with the token from its environment.
  private launchOnTerminal(
    binary: string,
    options: SupervisorOptions,
    size: { cols: number; rows: number },
  ): Launched {
    const dir = mkdtempSync(join(tmpdir(), 'sysgate-control-'));
    const path = join(dir, 'control.sock');
    const server = createServer((socket) => {
      server.close();
      this.attach(socket);
    });
    server.listen(path);
    const cleanup = (): void => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    };
    // Loaded here: the command line, which never needs a terminal of its own, starts faster.
    const pty = createRequire(import.meta.url)('node-pty') as typeof NodePty;
    const terminal = pty.spawn(
      binary,
      [
        ...supervisorArguments(options),
        '--control-socket',
        path,
        '--terminal-foreground',
        '--',
        options.command,
        ...options.args,
      ],
      {
        name: 'xterm-256color',
        cols: size.cols,
        rows: size.rows,
        cwd: options.cwd ?? process.cwd(),
        env: { ...(options.env ?? process.env), SYSGATE_CONTROL_TOKEN: this.token } as Record<
          string,
          string
        >,
      },
    );
    return {
      child: null,
      terminal: {
        onData: (listener) => void terminal.onData(listener),
        write: (data) => terminal.write(data),
        resize: (cols, rows) => terminal.resize(cols, rows),
        pause: () => terminal.pause(),
        resume: () => terminal.resume(),
      },
      kill: (signal) => terminal.kill(signal),
      exited: new Promise((resolve) => {
        terminal.onExit(({ exitCode, signal }) => {
          cleanup();
          resolve(signal ? 128 + signal : exitCode);
        });
      }),
    };
  }

  // The supervisor is this process's parent and started it at a frame only a host can deal
  // with; everything it sent from `hello` on waits on the channel. The session ends at `exit`,
  // after which the supervisor waits for this process to exit; a channel that closes before it
  // is a supervisor gone.
  private adopt(fd: number): Launched {
    const control = new Socket({ fd, readable: true, writable: true });
    this.attach(control);
    return {
      terminal: null,
      child: null,
      kill: () => this.kill(),
      exited: new Promise((resolve, reject) => {
        this.once('exit', (status) => {
          control.destroy();
          resolve(status);
        });
        control.on('close', () =>
          reject(new SupervisorExitedError('the supervisor went away before the command ended')),
        );
      }),
    };
  }

  private attach(control: Socket): void {
    this.control = control;
    control.on('data', (chunk: Buffer) => this.receive(chunk));
    // A broken control channel is the supervisor's cue to fail closed; nothing to do here.
    control.on('error', () => undefined);
  }

  /** Installs or replaces a compiled policy; it applies to the very next call. */
  sendPolicy(name: string, text: string): void {
    this.send('policy', { name, text });
  }

  answer(id: string, answer: Answer): void {
    this.send('answer', {
      id,
      action: answer.action,
      ...(answer.action === 'deny' ? { errno: answer.errno } : {}),
    });
  }

  /** Sends a signal (SIGKILL by default) to one traced process, or to the whole traced tree. */
  kill(pid?: number, signal: NodeJS.Signals = 'SIGKILL'): void {
    this.send('kill', { ...(pid === undefined ? {} : { pid }), signal: constants.signals[signal] });
  }

  /**
   * Ends the run: the supervisor kills the traced tree. One that has not ended after
   * STOP_GRACE_MS (its turn held by a call it decides, which reads the `kill` frame after it)
   * gets SIGTERM itself, which it answers without waiting its turn: every traced process
   * killed, and its exit (native/session.c, take_turn).
   */
  stop(): void {
    this.kill();
    if (this.stopTimer !== null) return;
    this.stopTimer = setTimeout(() => this.killProcess('SIGTERM'), STOP_GRACE_MS);
    this.stopTimer.unref();
    void this.exited.finally(() => clearTimeout(this.stopTimer ?? undefined)).catch(() => {});
  }

  /** Closes the control channel: the supervisor then fails closed. */
  disconnect(): void {
    if (this.control === null) this.killProcess('SIGKILL');
    this.control?.destroy();
  }

  private send(verb: string, fields: Parameters<typeof encodeFrame>[1]): void {
    if (this.control !== null && !this.control.destroyed)
      this.control.write(encodeFrame(verb, fields));
  }

  private receive(chunk: Buffer): void {
    for (const item of this.reader.push(chunk)) {
      if (item instanceof FrameError) {
        this.emit(
          'problem',
          `unreadable frame from the supervisor at byte ${item.offset}: ${item.message}`,
        );
        continue;
      }
      try {
        this.handle(item);
      } catch (e) {
        this.emit(
          'problem',
          `bad "${item.verb}" frame from the supervisor: ${(e as Error).message}`,
        );
      }
    }
  }

  private handle(frame: Frame): void {
    const f = frame.fields;
    switch (frame.verb) {
      case 'hello':
        return this.greet(f);
      case 'started':
        return void this.emit('started', required(f, 'pid'));
      case 'ask':
        return void this.emit('ask', decodeQuestion(f));
      case 'cancel':
        return void this.emit('cancel', f.text('id') ?? '', f.text('reason') ?? '');
      case 'record':
        return void this.emit('record', decodeDecisionRecord(f));
      case 'process':
        return void this.emit('process', decodeProcessEvent(f));
      case 'need-policy':
        return this.needPolicy(required(f, 'pid'), f.text('path') ?? '');
      case 'stats':
        return void this.emit('stats', {
          permitted: required(f, 'permitted'),
          denied: required(f, 'denied'),
          asked: required(f, 'asked'),
        });
      case 'count':
        return void this.emit('count', decodeCallCount(f));
      case 'exit':
        this.reportedStatus = required(f, 'status');
        return void this.emit('exit', this.reportedStatus);
      case 'error':
        return void this.emit(
          'problem',
          `the supervisor could not read what sysgate sent: ${f.text('message') ?? '?'}`,
        );
      default:
        this.emit('problem', `unknown frame "${frame.verb}" from the supervisor`);
    }
  }

  private needPolicy(pid: number, path: string): void {
    this.emit('need-policy', pid, path);
    const policyFor = this.options.policyFor;
    if (policyFor === undefined) return;
    policyFor(path).then(
      (text) => this.sendPolicy(path, text),
      (e: unknown) =>
        // The path is the traced program's to choose: one line, escaped.
        this.emit('problem', printable(`no policy for ${path}: ${(e as Error).message}`)),
    );
  }

  private greet(f: Fields): void {
    if (this.options.terminal !== undefined && f.text('token') !== this.token) {
      this.emit('problem', 'a process without the session token connected to the control socket');
      this.control?.destroy();
      this.killProcess('SIGKILL');
      return;
    }
    const version = f.number('version');
    if (this.options.adoptFd !== undefined && version === PROTOCOL_VERSION) return;
    if (version !== PROTOCOL_VERSION) {
      this.emit(
        'problem',
        `the supervisor speaks protocol ${f.text('version')}, sysgate ${PROTOCOL_VERSION}`,
      );
      this.killProcess('SIGKILL');
      return;
    }
    const kernel = this.options.kernel;
    if (!(kernel instanceof Promise)) return this.begin(kernel);
    kernel.then(
      (setup) => this.begin(setup),
      (e: unknown) => {
        this.emit('problem', (e as Error).message);
        this.killProcess('SIGKILL');
      },
    );
  }

  /** Sends what the command starts with, then `start`. */
  private begin(kernel: KernelSetup | undefined): void {
    if (this.control !== null && !this.control.destroyed)
      this.control.write(preamble(kernel, this.options.policies ?? []));
  }
}

/**
 * The frames a supervisor gets after `hello`: the kernel's part (`-K`), the policies, `start`.
 * In one buffer: a learned policy's thousands of Landlock rules go out in one write.
 */
export function preamble(
  kernel: KernelSetup | undefined,
  policies: Iterable<readonly [name: string, compiled: string]>,
): Buffer {
  const frames: Buffer[] = [];
  if (kernel !== undefined) {
    frames.push(
      encodeFrame('kernel', {
        handled: kernel.handled,
        allow: kernel.allow.join(' '),
        ...(kernel.readsExact ? { reads: 'exact' } : {}),
      }),
    );
    const rules = kernel.rules.map(({ path, file, dir }) =>
      frameText('landlock-rule', { path, file, dir }),
    );
    frames.push(Buffer.from(rules.join('')));
  }
  for (const [name, text] of policies) frames.push(encodeFrame('policy', { name, text }));
  frames.push(encodeFrame('start'));
  return Buffer.concat(frames);
}

/** The supervisor's options for a run (before `--control-fd` and the command). */
export function supervisorArguments(options: SupervisorOptions): string[] {
  const args = ['--mode', options.mode];
  if (options.inherit) args.push('--inherit');
  if (options.noAliases) args.push('--no-aliases');
  if (options.recordPermits) args.push('--record-permits');
  if (options.onHostLoss === 'deny') args.push('--on-host-loss', 'deny');
  if (options.runAs) args.push('--run-as', `${options.runAs.uid}:${options.runAs.gid}`);
  if (options.argv0 !== undefined) args.push('--argv0', options.argv0);
  for (const place of options.protect ?? ownPlaces()) args.push('--protect', place);
  return args;
}

function required(f: Fields, key: string): number {
  const n = f.number(key);
  if (n === undefined || Number.isNaN(n)) throw new Error(`"${key}" is missing or not a number`);
  return n;
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : (constants.signals[signal] ?? 0);
}
