// The Linux system calls and error numbers by name, for the architectures sysgate supervises.
// The tables come from the kernel headers through tools/gen-calls.mjs. This layer runs in the
// renderer too, so it never asks Node which machine it is on: callers pass the architecture.

import { AARCH64_CALLS } from './aarch64.generated.js';
import { ERRNO } from './errno.generated.js';
import { X86_64_CALLS } from './x86_64.generated.js';

export const ARCHES = ['x86_64', 'aarch64'] as const;
export type Arch = (typeof ARCHES)[number];

export function isArch(name: string): name is Arch {
  return (ARCHES as readonly string[]).includes(name);
}

/** One architecture's system calls, looked up either way. */
export interface CallTable {
  readonly arch: Arch;
  /** `openat` → 257 on x86_64. */
  readonly byName: ReadonlyMap<string, number>;
  /** 257 → `openat` on x86_64. */
  readonly byNumber: ReadonlyMap<number, string>;
}

const GENERATED_CALLS: Readonly<Record<Arch, ReadonlyArray<readonly [string, number]>>> = {
  x86_64: X86_64_CALLS,
  aarch64: AARCH64_CALLS,
};

const tables = new Map<Arch, CallTable>();

export function callTable(arch: Arch): CallTable {
  let table = tables.get(arch);
  if (table === undefined) {
    const calls = GENERATED_CALLS[arch];
    table = {
      arch,
      byName: new Map(calls),
      byNumber: new Map(calls.map(([name, nr]) => [nr, name])),
    };
    tables.set(arch, table);
  }
  return table;
}

/** Whether the architecture has a call of this name (`open` exists on x86_64 only). */
export function isKnownCall(name: string, arch: Arch): boolean {
  return callTable(arch).byName.has(name);
}

export function callNumber(name: string, arch: Arch): number | undefined {
  return callTable(arch).byName.get(name);
}

export function callName(nr: number, arch: Arch): string | undefined {
  return callTable(arch).byNumber.get(nr);
}

/** Every error name policies may write (`eperm`, `enoent`, ...), aliases included. */
export const ERRNO_NAMES: readonly string[] = ERRNO.map(([name]) => name);

const ERRNO_BY_NAME: ReadonlyMap<string, number> = new Map(ERRNO);

// The table lists a number's own name before its aliases, so the first name wins:
// 11 is eagain, not ewouldblock.
const ERRNO_BY_NUMBER: ReadonlyMap<number, string> = new Map(
  [...ERRNO].reverse().map(([name, nr]) => [nr, name]),
);

/** The number of an error name, in any case: `ENOENT` and `enoent` are 2. */
export function errnoNumber(name: string): number | undefined {
  return ERRNO_BY_NAME.get(name.toLowerCase());
}

/** The lowercase name of an error number: 2 is `enoent`. */
export function errnoName(nr: number): string | undefined {
  return ERRNO_BY_NUMBER.get(nr);
}
