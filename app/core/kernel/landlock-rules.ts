// The Landlock rules of a kernel plan (common/policy/kernel-plan.ts), made on the files that
// exist when the run starts: a pattern's wildcards are matched against the directories they
// name, and each grant becomes access rights on a name that the supervisor opens and hands to
// the kernel (native/landlock.c).

import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  realpathSync,
  statSync,
} from 'node:fs';

import type { KernelGrant, KernelNote, KernelPlan } from '../../common/policy/kernel-plan.js';
import { fnmatch } from '../../common/policy/fnmatch.js';
import { NO_NOTES, type InputNotes } from '../run-plan/inputs.js';
import { loaderOf } from './interpreter.js';

/** Landlock's file-system access rights (linux/landlock.h) that the host grants. */
export const LANDLOCK_EXECUTE = 1 << 0;
export const LANDLOCK_WRITE_FILE = 1 << 1;
export const LANDLOCK_READ_FILE = 1 << 2;
export const LANDLOCK_READ_DIR = 1 << 3;
export const LANDLOCK_MAKE_SOCK = 1 << 9;
export const LANDLOCK_IOCTL_DEV = 1 << 15;
/**
 * What the kernel restricts in this mode: every file-system right Landlock has, EXECUTE to
 * IOCTL_DEV (ABI 5); the supervisor cuts it to those the running kernel knows. Only reading,
 * listing, running and a device's ioctls are ever granted (and making a socket's name where
 * bind is permitted): writing, creating, removing, renaming, linking and truncating are
 * refused by the kernel everywhere, and done by the supervisor where the policy permits.
 */
export const LANDLOCK_HANDLED = (1 << 16) - 1;
/** The rights Landlock takes on a name that is not a directory (ACCESS_FILE, native/landlock.c). */
const LANDLOCK_FILE_RIGHTS =
  LANDLOCK_EXECUTE | LANDLOCK_WRITE_FILE | LANDLOCK_READ_FILE | (1 << 14) | LANDLOCK_IOCTL_DEV;
/**
 * Reading a file the kernel opened takes its ioctls along: each ioctl is still decided by the
 * supervisor, by its command, and Landlock's IOCTL_DEV would otherwise refuse what it permits.
 */
const READ = LANDLOCK_READ_FILE | LANDLOCK_IOCTL_DEV;
/** Running a file is, for the kernel, opening it to read and to execute. */
const RUN = LANDLOCK_READ_FILE | LANDLOCK_EXECUTE;

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

export interface LandlockRulesOptions {
  /**
   * Every open goes to the supervisor (kernel-mode.ts): an `eq` rule's directory is not
   * granted (Landlock would let every directory beneath it be listed too); the supervisor
   * performs its opens, as the rule says.
   */
  opensSupervised?: boolean;
}

/** `inputs` is told of every file on disk the rules were made from. */
export function landlockRules(
  plan: KernelPlan,
  inputs: InputNotes = NO_NOTES,
  { opensSupervised = false }: LandlockRulesOptions = {},
): LandlockRules {
  const byPath = new Map<string, LandlockRule>();
  const notes = [...plan.notes];
  const grants = [...plan.grants, ...interpreterGrants(plan.grants, inputs)];
  for (const grant of grants) {
    if (grant.access === 'write') continue;
    // The program's own /proc/PID as a policy names it (native/README.md, Translations): the
    // supervisor would grant its own. A pipe or socket reopened there is no file Landlock
    // restricts; the rest of /proc/self fails with EACCES under -K.
    if (/^\/proc\/(self|thread-self)(\/|$)/.test(grant.path)) {
      notes.push({
        ...place(grant),
        message: `${grant.path} is the program's own: the kernel cannot be given it before the program runs (a pipe or socket there needs no grant; anything else fails with EACCES)`,
      });
      continue;
    }
    const whole = wholeDirectory(grant);
    if (whole !== null) {
      notes.push({
        ...place(grant),
        message: `the kernel grants ${whole} as a whole for "${grant.path}": listing the directory itself too`,
      });
    }
    const { file, dir } = accessOf(grant, opensSupervised);
    for (const path of grant.match ? matches(grant, inputs) : [grant.path]) {
      const known = byPath.get(path);
      byPath.set(path, { path, file: (known?.file ?? 0) | file, dir: (known?.dir ?? 0) | dir });
    }
  }
  if (!opensSupervised && plan.grants.some((g) => !g.match && g.access === 'read')) {
    notes.push({
      line: 0,
      col: 0,
      message:
        'where an `eq` rule names a directory, the kernel lets it be listed with every directory beneath it (Landlock grants whole trees)',
    });
  }
  return { rules: [...byPath.values()], notes };
}

/** A name the kernel cannot grant as the rules say, and why. */
export interface Unsure {
  grant: KernelGrant;
  /** The write grant that touches it. */
  by: KernelGrant;
  /** Only a rule that may write any name touches it (not one that names it). */
  anyName: boolean;
  why: string;
}

/**
 * The read and execute grants of a run that Landlock cannot hold exactly: the names that a
 * `write` grant of the run may change (create, replace, rename, or a directory above them).
 * Landlock grants rights on the files and directories that exist when the run starts: a file
 * the run creates gets none, and a rule stays with the file it was given on, wherever it is
 * moved. (A name that does not exist and that nothing in the run may create cannot be opened
 * with or without a rule.) Leaving such a name to a rule made now would refuse
 * what the policy permits, or grant what it does not; so the run keeps every open with the
 * supervisor instead (kernel-mode.ts). A write touches a read when it names the read's name or
 * a directory above it; a write beneath the name touches only a pattern matched name by name
 * (`/usr/lib/*-linux-gnu`, judged widely on the fixed parts), not an `eq` (a directory listed:
 * its rule stays with it and grants nothing in it) nor a whole tree (a new name there gets the
 * tree's rights, as the `match` rule permits).
 */
export function unsureGrants(grants: readonly KernelGrant[]): Unsure[] {
  const writes = grants.filter((g) => g.access === 'write');
  const unsure: Unsure[] = [];
  const near: Unsure[] = [];
  for (const grant of grants) {
    if (grant.access !== 'read' && grant.access !== 'execute') continue;
    const fixed = fixedPart(grant);
    // The name, or a directory above it.
    const exact =
      writes.find((w) => w.path !== '/' && changes(w, fixed)) ?? writes.find((w) => w.path === '/');
    if (exact !== undefined) {
      unsure.push({
        grant,
        by: exact,
        anyName: exact.path === '/',
        why:
          exact.path === '/'
            ? 'a write rule does not say which names it may make (for a rename or a link: `filename[1]`), so it may replace any'
            : exact.path === grant.path
              ? `the run may create or replace ${grant.path}`
              : `the run may change ${exact.path}, and with it ${grant.path}`,
      });
      continue;
    }
    // Beneath a grant of a whole tree a new name gets the tree's rights, as the rule says;
    // beneath a pattern's fixed part, a name the pattern matches may appear.
    if (!grant.match || isWholeTree(grant)) continue;
    const beneath = writes.find((w) => fixedPart(w) === fixed || isBeneath(fixedPart(w), fixed));
    if (beneath !== undefined) {
      near.push({
        grant,
        by: beneath,
        anyName: false,
        why: `the run may make ${beneath.path} in ${fixed}, where "${grant.path}" is matched name by name`,
      });
    }
  }
  // The names a write names first: the clearer reason to say.
  return [...unsure, ...near];
}

/** Whether a write grant names `name` or a directory above it (`match`: FNM_LEADING_DIR). */
function changes(write: KernelGrant, name: string): boolean {
  // A pattern without a wildcard is a tree, `/` (any name) included, which fnmatch would not
  // match beneath itself.
  if (write.match && WILDCARD.test(write.path)) return fnmatch(write.path, name);
  const path = fixedPart(write);
  return name === path || isBeneath(name, path);
}

/** Whether a `match` grant is one tree, granted as a directory (`/srv`, `/srv/*`). */
function isWholeTree(grant: KernelGrant): boolean {
  return !WILDCARD.test(grant.path) || wholeDirectory(grant) !== null;
}

/** A grant's name up to its first wildcard: the directory a pattern stays in. */
function fixedPart(grant: KernelGrant): string {
  if (!grant.match) return grant.path.replace(/(.)\/+$/, '$1');
  const parts = grant.path.split('/').filter((p) => p !== '');
  const first = parts.findIndex((p) => WILDCARD.test(p));
  return `/${(first === -1 ? parts : parts.slice(0, first)).join('/')}`;
}

/**
 * The grant that lets a program the rules name run when Landlock cannot grant its file
 * (unsureGrants): running anything beneath the nearest directory above it that exists now.
 * The supervisor still decides each execve on its name, and checks at the new program's first
 * notified call that the file decided on is the one that runs (the exact mode's check).
 */
export function runBeneath(grant: KernelGrant, inputs: InputNotes = NO_NOTES): LandlockRule | null {
  for (let dir = parentOf(grant.path); ; dir = parentOf(dir)) {
    if (isDirectory(dir, inputs)) return { path: dir, file: 0, dir: RUN };
    if (dir === '/') return null;
  }
}

function isDirectory(path: string, inputs: InputNotes): boolean {
  inputs.noteExists(path);
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface KernelRules {
  /** The rules the kernel gets, in the order they came. */
  rules: LandlockRule[];
  /** How many were left out: a directory grant above them grants all they would. */
  covered: number;
}

/**
 * The rules the kernel needs of `rules`: a rule is left out when its name is, on disk now,
 * beneath a directory that another rule grants every right this rule would give the name (what
 * the supervisor gives a name, native/landlock.c: a directory its directory rights, anything
 * else its file rights), as Landlock grants a directory's rights on everything beneath it. The
 * directories are looked for above the name as written, and "beneath" is then checked where
 * both really are, symbolic links and `..` resolved: a name that leads out of the directory
 * through a link keeps its rule. A name that does not exist keeps it too (the supervisor decides
 * on it at the start), and so does one this cannot tell cheaply (below, RealNames). A grant
 * that is itself left out is beneath one that grants all its directory rights, so what it
 * covers stays covered.
 *
 * Leaving a rule out can only make the kernel refuse more, never allow more: Landlock's rules
 * only allow (what no rule of the ruleset grants is refused), so a part of them allows a part
 * of what they all would. Should the files change between now and the start (the directory
 * replaced by a file or a link, a name in it moved out or replaced by a link), what the rule
 * left out would have given is refused with EACCES, never granted.
 */
export function withoutCovered(rules: readonly LandlockRule[]): KernelRules {
  const grants = new Map<string, number>();
  for (const rule of rules) if (rule.dir !== 0) grants.set(rule.path, rule.dir);
  const names = new RealNames();
  const kept = rules.filter((rule) => !isCovered(rule, grants, names));
  return { rules: kept, covered: rules.length - kept.length };
}

function isCovered(rule: LandlockRule, grants: Map<string, number>, names: RealNames): boolean {
  if (rule.path === '/' || !rule.path.startsWith('/')) return false;
  const file = rule.file & LANDLOCK_FILE_RIGHTS;
  // The grants on the directories above the name, as written, that give all it gives, were it
  // a directory or a file.
  const above: string[] = [];
  let asFile = false;
  for (let dir = parentOf(rule.path); ; dir = parentOf(dir)) {
    const granted = grants.get(dir);
    if (granted !== undefined && (covers(granted, rule.dir) || covers(granted, file))) {
      above.push(dir);
      asFile ||= covers(granted, file);
    }
    if (dir === '/') break;
  }
  if (above.length === 0) return false;
  // Only a file needs lstat's answer; a directory is found by the cheaper question.
  const name = asFile ? names.of(rule.path) : names.asDirectory(rule.path);
  if (name === null) return false;
  const gives = name.directory ? rule.dir : file;
  return above.some((dir) => {
    if (!covers(grants.get(dir)!, gives)) return false;
    const real = names.directory(dir);
    return real !== null && isBeneath(name.real, real);
  });
}

/** Whether `granted` holds every right of `rights`; a rule that gives nothing stays. */
function covers(granted: number, rights: number): boolean {
  return rights !== 0 && (rights & ~granted) === 0;
}

interface RealName {
  /** What realpathSync.native says of the name. */
  real: string;
  /** Whether it is a directory (a link to one included). */
  directory: boolean;
}

/** An absolute name without empty, `.` or `..` components. */
const PLAIN = /^(\/(?!\.\.?(\/|$))[^/]+)+$/;
/** Opens only a directory that is not a link. */
const PLAIN_DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * Where names really are, as realpathSync.native would say, each asked once. A name's place is
 * its directory's, known already for the thousands of names a learned policy has in the same
 * few hundred directories, and only a link costs a realpath (which asks about each component of
 * a name). Node's lstat is costly (its Stats); opening a directory that is not a link costs
 * half as much, and it is how directories are asked about. A name that is only worth leaving out
 * as a directory is asked nothing more: a file there, or a link to a directory, keeps its rule.
 */
class RealNames {
  private readonly known = new Map<string, RealName | null>();

  /** The name when it is a directory that is not a link, or one known already; else null. */
  asDirectory(path: string): RealName | null {
    const known = this.known.get(path);
    if (known !== undefined) return known?.directory ? known : null;
    if (!PLAIN.test(path)) return null;
    const above = this.directory(parentOf(path));
    if (above === null || !isPlainDirectory(path)) return null;
    const name = { real: under(above, path), directory: true };
    this.known.set(path, name);
    return name;
  }

  /** Where a name leads when it leads to a directory, or null. */
  directory(path: string): string | null {
    if (path === '/') return '/';
    const name = this.asDirectory(path) ?? this.of(path);
    return name?.directory ? name.real : null;
  }

  /** Where any name is, and whether it is a directory; null when it does not exist. */
  of(path: string): RealName | null {
    let name = this.known.get(path);
    if (name === undefined) {
      name = this.find(path);
      this.known.set(path, name);
    }
    return name;
  }

  private find(path: string): RealName | null {
    if (path === '/' || !PLAIN.test(path)) return resolved(path);
    const above = this.directory(parentOf(path));
    if (above === null) return null;
    let stats;
    try {
      stats = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      return null;
    }
    if (stats === undefined) return null;
    if (stats.isSymbolicLink()) return resolved(path);
    return { real: under(above, path), directory: stats.isDirectory() };
  }
}

/** The directory of an absolute name. */
function parentOf(path: string): string {
  const end = path.lastIndexOf('/');
  return end <= 0 ? '/' : path.slice(0, end);
}

/** Where `path` is when its directory really is `above`: mostly where it says. */
function under(above: string, path: string): string {
  const end = path.lastIndexOf('/');
  if (above.length === end && path.startsWith(above)) return path;
  return above === '/' ? path.slice(end) : above + path.slice(end);
}

function isPlainDirectory(path: string): boolean {
  try {
    closeSync(openSync(path, PLAIN_DIRECTORY));
    return true;
  } catch {
    return false;
  }
}

function resolved(path: string): RealName | null {
  try {
    const real = realpathSync.native(path);
    return { real, directory: statSync(real).isDirectory() };
  } catch {
    return null;
  }
}

/** Whether `path` is strictly beneath `dir` (`/usr/share` is not above `/usr/shared`). */
function isBeneath(path: string, dir: string): boolean {
  if (dir === '/') return path !== '/';
  return path.length > dir.length && path[dir.length] === '/' && path.startsWith(dir);
}

function place(grant: KernelGrant) {
  return { line: grant.line, col: grant.col };
}

/**
 * Running a program runs its dynamic loader first, and the kernel checks EXECUTE on it too: the
 * programs execve rules name bring theirs, as grants of the same rule. A script's `#!`
 * interpreter is not brought along: whoever writes the script chooses it (a run rewriting it
 * would choose the next run's grant), and running it is an execution of its own, which an
 * execve rule must name (the supervisor decides it so too).
 */
function interpreterGrants(grants: readonly KernelGrant[], inputs: InputNotes): KernelGrant[] {
  const found: KernelGrant[] = [];
  const seen = new Set(grants.filter((g) => g.access === 'execute').map((g) => g.path));
  const queue = grants.filter((g) => g.access === 'execute' && !g.match);
  for (let grant = queue.shift(); grant !== undefined; grant = queue.shift()) {
    const interpreter = loaderOf(grant.path, inputs);
    if (interpreter === null || seen.has(interpreter)) continue;
    seen.add(interpreter);
    const next = { ...grant, path: interpreter };
    found.push(next);
    queue.push(next);
  }
  return found;
}

function accessOf(grant: KernelGrant, opensSupervised: boolean): { file: number; dir: number } {
  if (grant.access === 'execute') return { file: RUN, dir: grant.match ? RUN : 0 };
  if (grant.access === 'socket') return { file: 0, dir: LANDLOCK_MAKE_SOCK };
  // `eq` on a directory permits opening the directory itself: listing it, never its files.
  // Landlock cannot grant that alone (READ_DIR reaches every directory beneath): with every
  // open at the supervisor, which performs it, it is not granted at all.
  if (!grant.match) return { file: READ, dir: opensSupervised ? 0 : LANDLOCK_READ_DIR };
  return { file: READ, dir: READ | LANDLOCK_READ_DIR };
}

const WILDCARD = /[*?[\\]/;

/**
 * The directory a `match` grant stands for as a whole, or null when its names are matched one
 * by one: `dir/*` is everything in dir, the directory itself but for listing it. Any other
 * pattern (`/usr/lib/*-linux-gnu`) is matched against what is there.
 */
function wholeDirectory(grant: KernelGrant): string | null {
  if (!grant.match) return null;
  const parts = grant.path.split('/').filter((p) => p !== '');
  if (parts.at(-1) !== '*') return null;
  return `/${parts.slice(0, -1).join('/')}`;
}

/**
 * The names a `match` pattern matches now. A pattern matches whole names and, by its leading-
 * directory meaning, everything beneath them. Its wildcards are matched against the names that
 * exist, but the last component's may stand for the directory it is in (wholeDirectory).
 */
function matches(grant: KernelGrant, inputs: InputNotes): string[] {
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
      const matched = entries(dir).filter((entry) => fnmatch(part, entry));
      inputs.noteMatches(dir, part, matched);
      for (const entry of matched) next.push(prefix + entry);
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

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
