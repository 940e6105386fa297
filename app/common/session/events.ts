// What a supervised session tells the rest of sysgate: the questions it asks, the decisions it
// records and how its process tree changes. Plain data, shared by the host and the renderer.

/** Translated arguments by name, in argument order: `filename: ["/a", "/b"]` for rename. */
export type Translations = Record<string, string[]>;

/** A system call no rule answers, held in the kernel until it is answered. */
export interface Question {
  id: string;
  pid: number;
  tid: number;
  ppid: number;
  uid: number;
  gid: number;
  /** The program's path, as the kernel knows it. */
  exe: string;
  cwd: string;
  argv: string[];
  /** The name of the policy in force: the program's path, or a template's name. */
  policy: string;
  call: string;
  nr: number;
  alias: string | null;
  args: Translations;
}

export type DecisionSource = 'rule' | 'user' | 'learn' | 'default' | 'host-gone';

/** One decision on one call, as the supervisor made it. */
export interface DecisionRecord {
  /** Milliseconds since the epoch. */
  time: number;
  pid: number;
  ppid: number;
  uid: number;
  gid: number;
  exe: string;
  /** The program's arguments when the call was made (at most 64). */
  argv: string[];
  policy: string;
  call: string;
  nr: number;
  alias: string | null;
  args: Translations;
  action: 'permit' | 'deny';
  /** The error number of a denial, 0 otherwise. */
  errno: number;
  by: DecisionSource;
  /** The deciding rule's place in its policy file when `by` is `rule`. */
  line: number | null;
  col: number | null;
  log: boolean;
}

export interface ProcessEvent {
  event: 'fork' | 'exec' | 'exit';
  pid: number;
  ppid: number;
  exe: string;
  policy: string;
  /** The exit status for `exit`: the code, or 128 + the signal. */
  status: number | null;
}

/** How the user answered a question. */
export type Answer =
  | { action: 'permit' }
  | { action: 'deny'; errno: number }
  | { action: 'kill' }
  | { action: 'detach' };
