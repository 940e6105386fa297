// What a run of the command line read to decide how the program runs: the files whose identity
// a run plan (./plan.ts) checks before starting the next run without Node.js. The places that
// read such files (the policy store, the $PATH lookup, the accounts, what -K reads) are handed
// the run's notes (InputNotes) and tell it; a run that leaves no plan hands them NO_NOTES.

import { statSync } from 'node:fs';

import { fnv1a64 } from './hash.js';
import { isMissing } from '../missing.js';

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
    return isMissing(e) ? 'absent' : null;
  }
}

/**
 * Which names in a directory a pattern matched: the sum of their FNV-1a hashes, which needs no
 * order (native/plan.c computes it the same way), as 16 hex digits.
 */
export function namesIdentity(names: readonly string[]): string {
  let sum = 0n;
  for (const name of names) sum = BigInt.asUintN(64, sum + fnv1a64(Buffer.from(name)));
  return sum.toString(16).padStart(16, '0');
}

/** A file's identity, or (with a pattern) which names of a directory the pattern matched. */
export interface PlanInput {
  path: string;
  pattern?: string;
  id: string;
}

/**
 * What is told of each file a decision about the run depends on: the policy store, the $PATH
 * lookup, the accounts and -K's planning are handed one (a RunInputs while the run records
 * what a plan of it will check, NO_NOTES otherwise).
 */
export interface InputNotes {
  /** The decision depends on the file at `path` (or on its absence). */
  note(path: string): void;
  /** It depends only on whether something is at `path`. */
  noteExists(path: string): void;
  /** The run took the names of `dir` that `pattern` matches, and which they were. */
  noteMatches(dir: string, pattern: string, names: readonly string[]): void;
}

/** The files one run read or looked for, each with its identity when first noted. */
export class RunInputs implements InputNotes {
  private readonly identities = new Map<string, string | null>();
  private readonly matched = new Map<string, PlanInput>();

  /**
   * Notes `path` before it is read: a file changed between the note and the read then has
   * another identity next time, so a plan made from it is never used.
   */
  note(path: string): void {
    const known = this.identities.get(path);
    if (known === undefined || known === 'present') this.identities.set(path, fileIdentity(path));
  }

  /** Notes that only whether something is at `path` matters: `present` or `absent`. */
  noteExists(path: string): void {
    if (this.identities.has(path)) return;
    const id = fileIdentity(path);
    this.identities.set(path, id === null || id === 'absent' ? id : 'present');
  }

  /**
   * Notes that the run took the names in `dir` that `pattern` (one name's pattern) matches:
   * the directory may change in other ways without changing the run (`-K` on `/tmp/cc*`).
   */
  noteMatches(dir: string, pattern: string, names: readonly string[]): void {
    const key = `${dir}\0${pattern}`;
    if (!this.matched.has(key))
      this.matched.set(key, { path: dir, pattern, id: namesIdentity(names) });
  }

  /** Every input with its identity; null when one of them could not be told. */
  all(): PlanInput[] | null {
    const inputs: PlanInput[] = [];
    for (const [path, id] of this.identities) {
      if (id === null) return null;
      inputs.push({ path, id });
    }
    return [...inputs, ...this.matched.values()];
  }
}

/** Nothing is recorded: a run that leaves no plan. */
export const NO_NOTES: InputNotes = {
  note: () => undefined,
  noteExists: () => undefined,
  noteMatches: () => undefined,
};
