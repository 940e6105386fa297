// What the evaluator is asked and what it answers: a decoded system call and the decision on it.

import type { ActionName, Filter } from './ast.js';

/** A system call as the supervisor decoded it, in systrace's translations. */
export interface CallRequest {
  /** The Linux call name: `openat`, `connect`, ... */
  call: string;
  /** `fsread` or `fswrite` when the call belongs to an alias group, else null. */
  alias: string | null;
  /**
   * Translated arguments by translation name, in argument order: `filename: ["/a", "/b"]` for
   * `rename`, so `filename[1]` is `/b`.
   */
  args: Record<string, string[]>;
  uid: number;
  gid: number;
}

/** Values of `$HOME`, `$USER` and `$CWD` for the user the policy runs for. */
export interface Macros {
  HOME: string;
  USER: string;
  CWD: string;
}

export interface Decision {
  action: ActionName;
  /** The error name for a denial (`eperm` by default), null otherwise. */
  errno: string | null;
  log: boolean;
  /** `permit[inherit]`: keep this policy across execve. */
  inherit: boolean;
  /** `permit[detach]`: stop supervising the process after this call. */
  detach: boolean;
  /** The filter that decided, or null when none matched (the call is asked). */
  filter: Filter | null;
}
