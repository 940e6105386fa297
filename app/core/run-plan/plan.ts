// Run plans (native/PROTOCOL.md, "Run plans"): what an enforcing run of the command line sent
// the supervisor, and everything that decided it, kept so that the next identical run starts
// from it in C (native/front.c) without Node.js. The front door trusts a plan only as far as
// it can check it: the arguments, the working directory, the environment named here and the
// identity of every file the run read must all be what they were.

import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packagePath } from '../package-paths.js';
import { keepNewest, sysgateCacheDir } from '../policy/compiled-cache.js';
import { encodeFrame } from '../supervisor/frames.js';
import { fnv1a64 } from './hash.js';
import type { PlanInput } from './inputs.js';

export const PLAN_VERSION = 1;

/**
 * The environment a run's decisions depend on: the macros and the places of the policies, the
 * caches, the history and the app socket ($HOME, $XDG_*), the $PATH lookup of the command, and the supervisor
 * override (a plan is never written with one; the front door runs its own).
 */
export const PLAN_ENVIRONMENT = [
  'HOME',
  'PATH',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  // Where the app socket is, one of sysgate's own places (core/own-files.ts).
  'XDG_RUNTIME_DIR',
  // Where the system policies and the system history are (core/system-places.ts).
  'SYSGATE_SYSTEM_ROOT',
  'SYSGATE_SUPERVISOR',
] as const;

/** Plans kept: one per command line a user runs often. */
const MAX_PLANS = 256;

export interface RunPlan {
  /** `sysgate`'s arguments, after its name. */
  args: readonly string[];
  inputs: readonly PlanInput[];
  /** What the run wrote to standard error before the command started, byte for byte. */
  say: readonly string[];
  /** The supervisor's options (supervisor.ts `supervisorArguments`). */
  options: readonly string[];
  /** The command and its arguments. */
  command: readonly string[];
  /** The frames after `hello`, through `start` (supervisor.ts `preamble`). */
  preamble: Buffer;
}

/** `$XDG_CACHE_HOME/sysgate/runs`. */
export function plansDir(env: NodeJS.ProcessEnv = process.env): string {
  return sysgateCacheDir('runs', env);
}

/** The file name of the plan for these arguments, run by `uid` in `cwd`. */
export function planName(uid: number, cwd: string, args: readonly string[]): string {
  const bytes = Buffer.concat(
    [String(uid), cwd, ...args].map((s) => Buffer.concat([Buffer.from(s), Buffer.alloc(1)])),
  );
  return fnv1a64(bytes).toString(16).padStart(16, '0');
}

/** Who runs, where, and which installation of sysgate wrote the plan (its front door checks). */
export interface PlanKey {
  uid: number;
  cwd: string;
  root: string;
}

export function encodePlan(plan: RunPlan, key: PlanKey, env: NodeJS.ProcessEnv): Buffer {
  const frames = [
    encodeFrame('plan', { version: PLAN_VERSION }),
    encodeFrame('key', { ...key, argc: plan.args.length }),
    ...plan.args.map((value) => encodeFrame('arg', { value })),
    ...PLAN_ENVIRONMENT.map((name) => {
      const value = env[name];
      return encodeFrame('env', value === undefined ? { name } : { name, value });
    }),
    ...plan.inputs.map((input) => encodeFrame('input', { ...input })),
    ...plan.say.map((text) => encodeFrame('say', { text })),
    ...plan.options.map((value) => encodeFrame('option', { value })),
    ...plan.command.map((value) => encodeFrame('command', { value })),
    plan.preamble,
  ];
  return Buffer.concat(frames);
}

/** Keeps the plan of this run; a plan that cannot be written only costs the next run its speed. */
export function writePlan(plan: RunPlan, dir = plansDir()): string | null {
  const uid = process.geteuid?.() ?? 0;
  const cwd = process.cwd();
  const path = join(dir, planName(uid, cwd, plan.args));
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // As the front door finds its own: three folders above /proc/self/exe, links resolved.
    const root = realpathSync(packagePath());
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(temp, encodePlan(plan, { uid, cwd, root }, process.env), {
      mode: 0o600,
      flag: 'wx',
    });
    renameSync(temp, path);
    keepNewest(dir, /^[0-9a-f]{16}$/, MAX_PLANS);
    return path;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // Never written.
    }
    return null;
  }
}
