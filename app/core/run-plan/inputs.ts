// What a run of the command line read to decide how the program runs: the files whose identity
// a run plan (./plan.ts) checks before starting the next run without Node.js. The places that
// read such files (the policy store, the $PATH lookup, the accounts, what -K reads) note them
// here; while no run is recording, noting costs nothing.

import { statSync } from 'node:fs';

/**
 * Which file is at `path` now, as native/front.c compares it: `DEV:INO:SIZE:MTIME:CTIME:MODE:UID`
 * of stat(2) (times in nanoseconds), or `absent`. An edited, replaced, re-owned or re-moded file
 * has another identity. Null when the file cannot be told (a permission error): nothing then
 * may rely on it.
 */
export function fileIdentity(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.mode}:${s.uid}`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'absent' : null;
  }
}

/** The files one run read or looked for, each with its identity when first noted. */
export class RunInputs {
  private readonly identities = new Map<string, string | null>();

  /**
   * Notes `path` before it is read: a file changed between the note and the read then has
   * another identity next time, so a plan made from it is never used.
   */
  note(path: string): void {
    if (!this.identities.has(path)) this.identities.set(path, fileIdentity(path));
  }

  /** Every input with its identity; null when one of them could not be told. */
  all(): Array<{ path: string; id: string }> | null {
    const inputs: Array<{ path: string; id: string }> = [];
    for (const [path, id] of this.identities) {
      if (id === null) return null;
      inputs.push({ path, id });
    }
    return inputs;
  }
}

let recording: RunInputs | null = null;

/** Starts noting what this process reads; gives what was noted so far as it grows. */
export function recordInputs(): RunInputs {
  recording = new RunInputs();
  return recording;
}

/** Notes that a decision about the run depends on the file at `path` (or on its absence). */
export function noteInput(path: string): void {
  recording?.note(path);
}
