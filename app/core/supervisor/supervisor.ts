// Starts `sysgate-supervisor` for one traced command and speaks its control protocol
// (native/PROTOCOL.md): policies and answers go down, questions, decisions and the process tree
// come up. Like Wave's helper process: the supervisor gets its channel as an inherited
// descriptor, says hello, and the session ends when it exits.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants } from 'node:os';

import { packagePath } from '../package-paths.js';
import type { Answer, DecisionRecord, ProcessEvent, Question } from '../../common/session/events.js';
import { encodeFrame, FrameError, FrameReader, type Fields, type Frame } from './frames.js';
import { decodeDecisionRecord, decodeProcessEvent, decodeQuestion } from './messages.js';

export const PROTOCOL_VERSION = 1;

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
  /** What happens when this host goes away: the traced tree is killed (default), or denials go on. */
  onHostLoss?: 'kill' | 'deny';
  /** `-c user:group` (root only): the command runs with these ids. */
  runAs?: { uid: number; gid: number };
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The traced program's standard input, output and error. Default: this process's. */
  stdio?: [StdioOptions, StdioOptions, StdioOptions] | 'inherit';
  /** Compiled policies to load before the command starts, by name. */
  policies?: ReadonlyMap<string, string>;
}

export interface SupervisorEvents {
  started: [pid: number];
  ask: [question: Question];
  cancel: [id: string, reason: string];
  record: [record: DecisionRecord];
  process: [event: ProcessEvent];
  'need-policy': [pid: number, path: string];
  /** Something the supervisor said was wrong, or a frame from it that could not be read. */
  problem: [message: string];
}

export class SupervisorExitedError extends Error {
  override name = 'SupervisorExitedError';
}

/** One supervised run of one command. */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly child: ChildProcess;
  private readonly control: Socket;
  private readonly reader = new FrameReader();
  private readonly options: SupervisorOptions;
  /** Resolves with the command's exit status (the code, or 128 + the signal). */
  readonly exited: Promise<number>;
  private reportedStatus: number | null = null;

  constructor(options: SupervisorOptions) {
    super();
    this.options = options;
    const binary = supervisorPath();
    if (!existsSync(binary)) {
      throw new SupervisorExitedError(`the supervisor is not built (${binary}): run npm install`);
    }
    const stdio = options.stdio === 'inherit' || options.stdio === undefined ? ['inherit', 'inherit', 'inherit'] : options.stdio;
    this.child = spawn(binary, [...supervisorArguments(options), '--', options.command, ...options.args], {
      stdio: [...(stdio as StdioOptions[]), 'pipe'] as StdioOptions,
      cwd: options.cwd,
      env: options.env,
    });
    this.control = this.child.stdio[3] as Socket;
    this.control.on('data', (chunk: Buffer) => this.receive(chunk));
    // A broken control channel is the supervisor's cue to fail closed; nothing to do here.
    this.control.on('error', () => undefined);
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', (e) => reject(new SupervisorExitedError(`cannot start the supervisor: ${e.message}`)));
      this.child.on('close', (code, signal) => {
        if (this.reportedStatus !== null) resolve(this.reportedStatus);
        else if (code !== null) resolve(code);
        else resolve(128 + signalNumber(signal));
      });
    });
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

  /** Kills one traced process, or the whole traced tree. */
  kill(pid?: number): void {
    this.send('kill', pid === undefined ? {} : { pid });
  }

  /** Closes the control channel: the supervisor then fails closed. */
  disconnect(): void {
    this.control.destroy();
  }

  private send(verb: string, fields: Parameters<typeof encodeFrame>[1]): void {
    if (!this.control.destroyed) this.control.write(encodeFrame(verb, fields));
  }

  private receive(chunk: Buffer): void {
    for (const item of this.reader.push(chunk)) {
      if (item instanceof FrameError) {
        this.emit('problem', `unreadable frame from the supervisor at byte ${item.offset}: ${item.message}`);
        continue;
      }
      try {
        this.handle(item);
      } catch (e) {
        this.emit('problem', `bad "${item.verb}" frame from the supervisor: ${(e as Error).message}`);
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
        return void this.emit('need-policy', required(f, 'pid'), f.text('path') ?? '');
      case 'exit':
        this.reportedStatus = required(f, 'status');
        return;
      case 'error':
        return void this.emit('problem', `the supervisor could not read what sysgate sent: ${f.text('message') ?? '?'}`);
      default:
        this.emit('problem', `unknown frame "${frame.verb}" from the supervisor`);
    }
  }

  private greet(f: Fields): void {
    const version = f.number('version');
    if (version !== PROTOCOL_VERSION) {
      this.emit('problem', `the supervisor speaks protocol ${f.text('version')}, sysgate ${PROTOCOL_VERSION}`);
      this.child.kill('SIGKILL');
      return;
    }
    for (const [name, text] of this.options.policies ?? []) this.sendPolicy(name, text);
    this.send('start', {});
  }
}

function supervisorArguments(options: SupervisorOptions): string[] {
  const args = ['--control-fd', '3', '--mode', options.mode];
  if (options.inherit) args.push('--inherit');
  if (options.noAliases) args.push('--no-aliases');
  if (options.onHostLoss === 'deny') args.push('--on-host-loss', 'deny');
  if (options.runAs) args.push('--run-as', `${options.runAs.uid}:${options.runAs.gid}`);
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
