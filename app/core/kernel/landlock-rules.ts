// The Landlock rules of a kernel plan (common/policy/kernel-plan.ts), made on the files that
// exist when the run starts: a pattern's wildcards are matched against the directories they
// name, and each grant becomes access rights on a name that the supervisor opens and hands to
// the kernel (native/landlock.c).

import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { KernelGrant, KernelNote, KernelPlan } from '../../common/policy/kernel-plan.js';
import { fnmatch } from '../../common/policy/fnmatch.js';
import { noteInput } from '../run-plan/inputs.js';
import { interpreterOf } from './interpreter.js';

/** Landlock's file-system access rights (linux/landlock.h), those this mode handles. */
export const LANDLOCK_EXECUTE = 1 << 0;
export const LANDLOCK_WRITE_FILE = 1 << 1;
export const LANDLOCK_READ_FILE = 1 << 2;
export const LANDLOCK_READ_DIR = 1 << 3;
/**
 * What the kernel restricts in this mode: running files, opening them to read or write, listing
 * directories.
 */
export const LANDLOCK_HANDLED =
  LANDLOCK_EXECUTE | LANDLOCK_WRITE_FILE | LANDLOCK_READ_FILE | LANDLOCK_READ_DIR;

/**
 * One grant on one name: the rights for a file there, and those for a directory there (on the
 * directory and everything beneath it). The supervisor looks at what the name is when it makes
 * the rule; a name that no longer exists grants nothing.
 */
export interface LandlockRule {
  path: string;
  file: number;
  dir: number;
}

export interface LandlockRules {
  rules: LandlockRule[];
  /** The plan's notes, and what the files on disk add to them. */
  notes: KernelNote[];
}

/** More matches than this for one pattern is no longer a rule a person can review. */
const MATCH_LIMIT = 10_000;

export class KernelPlanError extends Error {
  override name = 'KernelPlanError';
}

export function landlockRules(plan: KernelPlan): LandlockRules {
  const byPath = new Map<string, LandlockRule>();
  const notes = [...plan.notes];
  const grants = [...plan.grants, ...interpreterGrants(plan.grants)];
  const writable = grants.flatMap((g) =>
    g.match && g.access === 'write' ? [wholeDirectory(g) ?? g.path.replace(/\/$/, '')] : [],
  );
  for (const grant of grants) {
    const whole = wholeDirectory(grant);
    if (whole !== null) {
      notes.push({
        ...place(grant),
        message: grant.path.endsWith('/*')
          ? `the kernel grants ${whole} as a whole for "${grant.path}": listing the directory itself too`
          : `the kernel cannot tell names apart inside a directory: "${grant.path}" is enforced as all of ${whole}`,
      });
    }
    if (grant.access === 'write' && !grant.match && !exists(grant.path)) {
      if (writable.some((dir) => isBeneath(grant.path, dir))) continue;
      notes.push({
        ...place(grant),
        message: `${grant.path} does not exist: creating it fails with EACCES (a \`match\` rule on its directory, ${dirname(grant.path)}, allows it)`,
      });
      continue;
    }
    const { file, dir } = accessOf(grant);
    for (const path of grant.match ? matches(grant) : [grant.path]) {
      const known = byPath.get(path);
      byPath.set(path, { path, file: (known?.file ?? 0) | file, dir: (known?.dir ?? 0) | dir });
    }
  }
  if (plan.grants.some((g) => !g.match && g.access !== 'execute')) {
    notes.push({
      line: 0,
      col: 0,
      message:
        'where an `eq` rule names a directory, the kernel lets it be listed with every directory beneath it (Landlock grants whole trees)',
    });
  }
  return { rules: [...byPath.values()], notes };
}

function isBeneath(path: string, dir: string): boolean {
  return dir === '/' || path.startsWith(`${dir}/`);
}

function place(grant: KernelGrant) {
  return { line: grant.line, col: grant.col };
}

/**
 * Running a program runs its interpreter first (a dynamic loader, a script's shell), and the
 * kernel checks EXECUTE on each: the programs execve rules name bring theirs, as grants of the
 * same rule.
 */
function interpreterGrants(grants: readonly KernelGrant[]): KernelGrant[] {
  const found: KernelGrant[] = [];
  const seen = new Set(grants.filter((g) => g.access === 'execute').map((g) => g.path));
  const queue = grants.filter((g) => g.access === 'execute' && !g.match);
  for (let grant = queue.shift(); grant !== undefined; grant = queue.shift()) {
    const interpreter = interpreterOf(grant.path);
    if (interpreter === null || seen.has(interpreter)) continue;
    seen.add(interpreter);
    const next = { ...grant, path: interpreter };
    found.push(next);
    queue.push(next);
  }
  return found;
}

function accessOf(grant: KernelGrant): { file: number; dir: number } {
  if (grant.access === 'execute') {
    const run = LANDLOCK_READ_FILE | LANDLOCK_EXECUTE;
    return { file: run, dir: grant.match ? run : 0 };
  }
  const write = grant.access === 'write' ? LANDLOCK_WRITE_FILE : 0;
  // `eq` on a directory permits opening the directory itself: listing it, never its files.
  if (!grant.match) return { file: LANDLOCK_READ_FILE | write, dir: LANDLOCK_READ_DIR };
  return { file: LANDLOCK_READ_FILE | write, dir: LANDLOCK_READ_FILE | LANDLOCK_READ_DIR | write };
}

const WILDCARD = /[*?[\\]/;

/**
 * The directory a `match` grant stands for as a whole, or null when its names are matched one
 * by one. `dir/*` is everything in dir: the directory, but for listing it. For writing, any
 * wildcard in the last component (`/tmp/cc*`): names that appear there later (a compiler's
 * temporary files) are what such a rule is for, and Landlock grants names that exist, or whole
 * directories. Reading needs the name to exist, so `/usr/lib/*-linux-gnu` for reading is matched
 * against what is there.
 */
function wholeDirectory(grant: KernelGrant): string | null {
  if (!grant.match) return null;
  const parts = grant.path.split('/').filter((p) => p !== '');
  const last = parts.at(-1);
  if (last === undefined || !WILDCARD.test(last)) return null;
  if (last !== '*' && grant.access !== 'write') return null;
  return `/${parts.slice(0, -1).join('/')}`;
}

/**
 * The names a `match` pattern matches now. A pattern matches whole names and, by its leading-
 * directory meaning, everything beneath them. Its wildcards are matched against the names that
 * exist, but the last component's may stand for the directory it is in (wholeDirectory).
 */
function matches(grant: KernelGrant): string[] {
  const parts = grant.path.split('/').filter((p) => p !== '');
  if (wholeDirectory(grant) !== null) parts.pop();
  let found = ['/'];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of found) {
      const prefix = dir === '/' ? '/' : `${dir}/`;
      if (!WILDCARD.test(part)) {
        next.push(prefix + part);
        continue;
      }
      for (const entry of entries(dir)) {
        if (fnmatch(part, entry)) next.push(prefix + entry);
      }
    }
    if (next.length > MATCH_LIMIT) {
      throw new KernelPlanError(
        `line ${grant.line}:${grant.col}: "${grant.path}" matches more than ${MATCH_LIMIT} names`,
      );
    }
    found = next;
  }
  return found;
}

function exists(path: string): boolean {
  noteInput(path);
  return existsSync(path);
}

function entries(dir: string): string[] {
  noteInput(dir);
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
