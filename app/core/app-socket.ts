// The desktop app's per-user socket: a `sysgate` run from a terminal without -a, -A or -t
// sends its questions here, so that they are answered in the app's window like its own.
//
// The socket is in $XDG_RUNTIME_DIR/sysgate (else /tmp/sysgate-UID), a directory only its owner
// may enter; and every connection's peer credentials are read (SO_PEERCRED, through the
// supervisor binary, since Node.js cannot ask) and must be this user's. Both ends check: the app
// those of each terminal, a terminal those of the app before it sends anything (another user
// who made the directory first, or listens in it, would otherwise answer its questions).
//
// Frames (app/core/supervisor/frames.ts) carry JSON where a structure is needed:
//   terminal → app  hello version= command= cwd= | ask json= | cancel id= | record json= | exit status=
//   app → terminal  answer id= json= | policy name= source= session= | kill signal=
// A policy is its file's text (`source`) and the rules the window added for this run alone
// (`session`, one rule a line); the terminal compiles them itself, as for its own policies.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';

import { appSocketDir } from './own-files.js';
import { encodeFrame, FrameError, FrameReader, type Frame } from './supervisor/frames.js';
import { supervisorPath } from './supervisor/supervisor.js';

export const APP_PROTOCOL_VERSION = 2;

export function appSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(appSocketDir(env), 'app.sock');
}

export class AppSocketError extends Error {
  override name = 'AppSocketError';
}

/** A directory for the socket that only this user can enter; refuses one anybody else controls. */
function privateDirectory(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700, recursive: true });
  const info = lstatSync(dir);
  if (!info.isDirectory() || info.uid !== process.getuid!()) {
    throw new AppSocketError(`refusing ${dir}: it is not a directory owned by this user`);
  }
  if ((info.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** The uid of the process at the other end of a connected UNIX socket. */
export function peerUid(socket: Socket): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(supervisorPath(), ['--peer-credentials'], {
      stdio: [socket, 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const uid = /^\d+ (\d+) \d+$/.exec(out.trim())?.[1];
      if (code === 0 && uid !== undefined) resolve(Number(uid));
      else reject(new AppSocketError('cannot read the peer credentials of a connection'));
    });
  });
}

/** Listens for terminals; each connection from this user is handed to `accept`. */
export function listenForTerminals(
  accept: (connection: FrameConnection) => void,
  path = appSocketPath(),
): Server {
  privateDirectory(join(path, '..'));
  // A socket left by an app that died; a live app would have answered the terminal's connect.
  if (existsSync(path)) rmSync(path);
  const server = createServer((socket) => {
    peerUid(socket).then(
      (uid) => {
        if (uid !== process.getuid!()) socket.destroy();
        // Handing the socket to a child process paused it here.
        else accept(new FrameConnection(socket.resume()));
      },
      () => socket.destroy(),
    );
  });
  server.listen(path);
  return server;
}

/**
 * Why the socket's directory cannot be trusted with questions and answers, or null when it is
 * this user's own and only theirs (created so when missing). Another user who made it first
 * would otherwise answer every question and send policies.
 */
export function distrustSocketDirectory(dir: string): string | null {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // No runtime directory at all: no app either.
    if (code === 'ENOENT') return null;
    if (code !== 'EEXIST') return `cannot create ${dir}: ${(e as Error).message}`;
  }
  const info = lstatSync(dir);
  if (!info.isDirectory()) return `${dir} is not a directory`;
  if (info.uid !== process.getuid!()) return `${dir} is owned by uid ${info.uid}, not by you`;
  if ((info.mode & 0o777) !== 0o700)
    return `${dir} has mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}, not 0700`;
  return null;
}

/**
 * Connects to a running app; null when there is none, or when the socket's directory or the
 * process listening on it is not this user's (then `onProblem` says why, and nothing is sent).
 */
export async function connectToApp(
  path = appSocketPath(),
  onProblem: (message: string) => void = () => undefined,
): Promise<FrameConnection | null> {
  const refuse = (why: string): null => {
    onProblem(`not using the sysgate window's socket ${path}: ${why}`);
    return null;
  };
  const dir = dirname(path);
  const problem = distrustSocketDirectory(dir);
  if (problem !== null) return refuse(problem);
  if (!existsSync(path)) return null;
  const socket = await new Promise<Socket | null>((resolve) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, 1000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (socket === null) return null;
  let uid: number;
  try {
    uid = await peerUid(socket);
  } catch (e) {
    socket.destroy();
    return refuse((e as Error).message);
  }
  if (uid !== process.getuid!()) {
    socket.destroy();
    return refuse(`the process listening on it runs as uid ${uid}, not as you`);
  }
  // Handing the socket to a child process paused it here.
  return new FrameConnection(socket.resume());
}

/** Frames both ways over one socket. Frames that arrive before anyone listens are kept. */
export class FrameConnection {
  private readonly reader = new FrameReader();
  private readonly queue: Frame[] = [];
  private listener: ((frame: Frame) => void) | null = null;

  constructor(readonly socket: Socket) {
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const item of this.reader.push(chunk)) {
        if (item instanceof FrameError) continue;
        if (this.listener !== null) this.listener(item);
        else this.queue.push(item);
      }
    });
  }

  send(verb: string, fields: Parameters<typeof encodeFrame>[1] = {}): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(verb, fields));
  }

  /** The first frame (a hello), taken out before the listener sees the rest. */
  firstFrame(): Promise<Frame> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      this.listener = (frame) => {
        this.listener = null;
        resolve(frame);
      };
      this.socket.once('close', () =>
        reject(new AppSocketError('the connection closed before it said hello')),
      );
    });
  }

  /** Every frame from now on, those already waiting first. */
  onFrame(listener: (frame: Frame) => void): void {
    this.listener = listener;
    for (const frame of this.queue.splice(0)) listener(frame);
  }

  onClose(listener: () => void): void {
    this.socket.on('close', listener);
  }

  close(): void {
    this.socket.end();
  }
}
