// Kernel-speed enforcement (`sysgate -a -K`): what of a policy the kernel can enforce by itself,
// so that the calls it covers never wait for the supervisor.
//
// Landlock restricts opening files: reading a file, listing a directory, running a program,
// each granted on a file or on everything beneath a directory that exists when the run starts.
// A policy's read rules become such grants when they say no more than that: `permit` on
// `filename eq "..."` or `filename match "..."` for fsread or an open call. Opens for reading
// then run in the kernel, and so does the stat family (stat, access, readlink...), which
// Landlock cannot restrict at all: in this mode those calls are not restricted, and a run says
// so. A call's rules that compare no argument (`native-getpid: permit`) run in the kernel too.
//
// What Landlock cannot say exactly stays with the supervisor, decided exactly as without -K:
// opening to write, create or truncate (the filter sends those opens on by their flags), and
// every call that creates, removes or renames a name. Landlock handles those rights too and
// grants them nowhere, so the kernel never allows one the supervisor did not perform itself.
// The rules that permit such changes are still read here (`write` grants): a name the run may
// change is one whose Landlock grant could come to mean another file (app/core/kernel/).
//
// Landlock has no way to deny a name inside what it grants, nor an error other than EACCES, so
// a policy with a read rule that denies, asks, logs by name or tests anything but the name is
// refused, with the rule's place: the run must then go without -K. Landlock's grants outlive
// execve, so the kernel's rules are those of every program the run may execute, together
// (app/core/kernel/kernel-mode.ts follows the `execve` rules).
//
// This module decides from the policy's text alone; app/core/kernel/ turns the grants into
// Landlock rules on the files that exist when the run starts.

import { callsOfAlias, isAlias, NAME_CALLS } from '../calls/aliases.js';
import type { Expr, Filter, PolicySection, SymbolExpr } from './ast.js';
import { expandMacros, namesSecond, NATIVE_EMULATIONS } from './evaluate.js';
import type { Macros } from './request.js';

/** The calls that open a file by name: Landlock decides them in this mode when they only read. */
export const KERNEL_OPEN_CALLS: readonly string[] = ['open', 'openat', 'openat2', 'creat'];

/**
 * The open calls the filter may let through, only when their flags (a register) say reading
 * (native/filter.c): creat always writes, openat2's flags are in memory.
 */
export const KERNEL_READ_OPENS: readonly string[] = ['open', 'openat'];

/**
 * The calls that make, remove or rename a name (or cut a file by name): Landlock handles their
 * rights and grants none, so they always go to the supervisor, which performs what it permits.
 */
export const KERNEL_NAME_CALLS: readonly string[] = NAME_CALLS;

/** The calls that look at a file by name without opening it: Landlock cannot restrict them. */
export const KERNEL_UNRESTRICTED_CALLS: readonly string[] = [
  'stat',
  'lstat',
  'newfstatat',
  'statx',
  'access',
  'faccessat',
  'faccessat2',
  'readlink',
  'readlinkat',
];

/**
 * Calls never let through by the filter on a rule's say-so alone: the supervisor must see
 * them (which program runs, the process tree), or they lead around the filter itself.
 */
const SUPERVISED_ALWAYS: readonly string[] = [
  'execve',
  'execveat',
  'clone',
  'clone3',
  'fork',
  'vfork',
  'seccomp',
  'prctl',
  'ptrace',
  'process_vm_writev',
  'process_vm_readv',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'userfaultfd',
  'bpf',
];

const EXEC_CALLS: readonly string[] = ['execve', 'execveat'];

/** A place in the policy file. */
export interface KernelPlace {
  line: number;
  col: number;
}

/** One grant: what may be opened, and how. */
export interface KernelGrant extends KernelPlace {
  /** A path, or with `match` a shell pattern, macros expanded. */
  path: string;
  /** `match`'s meaning: every name the pattern matches, and everything beneath each. */
  match: boolean;
  /**
   * `read`: opening for reading, listing. `execute`, from an execve rule: running the file
   * (which for the kernel is reading it too). `write`: the supervisor may let the run change
   * these names (write, create, remove, rename); the kernel grants nothing for it. `socket`,
   * from a bind rule: making a socket's name, which the supervisor decides and the kernel
   * does (bind on a UNIX socket is let through).
   */
  access: 'read' | 'write' | 'execute' | 'socket';
}

export interface KernelNote extends KernelPlace {
  message: string;
}

export interface KernelPlan {
  grants: KernelGrant[];
  /** Rules the kernel cannot enforce; a plan with any cannot be used. */
  refusals: KernelNote[];
  /** What the kernel enforces differently from the rule's letter. */
  notes: KernelNote[];
  /** Calls the filter lets run in the kernel, beside its baseline, in name order. */
  inKernel: string[];
  /** The programs its `execve` rules name exactly: their file rules join the kernel's. */
  programs: string[];
  /**
   * Whether its `execve` rules let it run programs they do not name one by one (`match`, or
   * any program): their policies cannot be known before the run, so no call beyond the open
   * and stat families may be let through the filter for the whole run.
   */
  runsUnnamed: boolean;
}

export interface KernelPlanOptions {
  macros: Macros;
  /** `-u`: rules written for fsread and fswrite match no call. */
  noAliases?: boolean;
}

const NON_EXISTENT = '<non-existent filename>';

export function planKernel(section: PolicySection, options: KernelPlanOptions): KernelPlan {
  const plan: KernelPlan = {
    grants: [],
    refusals: [],
    notes: [],
    inKernel: [],
    programs: [],
    runsUnnamed: false,
  };
  const inKernel = new Set<string>([...KERNEL_READ_OPENS, ...KERNEL_UNRESTRICTED_CALLS]);
  const supervised = new Set<string>(KERNEL_NAME_CALLS);
  for (const filter of section.filters) {
    if (!NATIVE_EMULATIONS.includes(filter.emulation)) continue;
    const place = { line: filter.span.start.line, col: filter.span.start.col };
    if (filter.elevation !== null) {
      // `permit as`: the supervisor performs the call with the rule's credentials, outside
      // Landlock; the kernel grants nothing for it, and must notify every such call (a read
      // open is no longer let through the filter, so -K costs opens what an exact run does).
      if (filter.action.name === 'permit') supervised.add(filter.call);
      continue;
    }
    if (isAlias(filter.call)) {
      if (options.noAliases) continue;
      if (filter.call === 'fswrite') {
        planWriteRule(filter, place, options.macros, plan);
        // The supervisor applies it to every call it stands for: an unconditional permit of
        // one of them (`native-chmod: permit`) must not let it through the filter. (The opens
        // it stands for write, and the filter never lets those through.)
        if (!isUnconditionalPermit(filter)) {
          for (const call of callsOfAlias('fswrite'))
            if (!KERNEL_OPEN_CALLS.includes(call)) supervised.add(call);
        }
      } else planFileRule(filter, place, options.macros, plan);
    } else if (KERNEL_NAME_CALLS.includes(filter.call)) {
      planWriteRule(filter, place, options.macros, plan);
      supervised.add(filter.call);
    } else if (KERNEL_OPEN_CALLS.includes(filter.call)) {
      // An open rule permits reading and writing alike: the kernel takes the reading.
      planFileRule(filter, place, options.macros, plan);
      planWriteRule(filter, place, options.macros, plan);
    } else if (KERNEL_UNRESTRICTED_CALLS.includes(filter.call)) {
      if (filter.action.name !== 'permit') {
        plan.refusals.push({
          ...place,
          message: `${filter.call} runs in the kernel in this mode, unrestricted: this rule could not hold`,
        });
      }
    } else if (EXEC_CALLS.includes(filter.call)) {
      // The kernel runs only the programs execve rules name (Landlock's EXECUTE right, checked
      // on the file being run, so no race); the supervisor still decides each execve too.
      execGrant(filter, place, options.macros, plan);
      supervised.add(filter.call);
    } else {
      if (filter.call === 'bind' && filter.action.name !== 'deny')
        plan.grants.push({ ...place, path: '/', match: true, access: 'socket' });
      if (isUnconditionalPermit(filter) && !SUPERVISED_ALWAYS.includes(filter.call)) {
        inKernel.add(filter.call);
      } else {
        // Decided by the supervisor: an earlier unconditional permit no longer lets it through.
        supervised.add(filter.call);
      }
    }
  }
  // A call with rules the supervisor must apply is notified, whatever else its rules say.
  plan.inKernel = [...inKernel].filter((call) => !supervised.has(call)).sort();
  return plan;
}

function isUnconditionalPermit(filter: Filter): boolean {
  return (
    filter.action.name === 'permit' &&
    filter.action.modifier === null &&
    filter.expr === null &&
    filter.predicate === null &&
    filter.elevation === null &&
    !filter.log
  );
}

function execGrant(filter: Filter, place: KernelPlace, macros: Macros, plan: KernelPlan): void {
  const expr = filter.expr;
  if (filter.action.name !== 'permit') return;
  if (expr === null || expr.kind === 'true') {
    plan.grants.push({ ...place, path: '/', match: true, access: 'execute' });
    plan.runsUnnamed = true;
  } else if (
    expr.kind === 'symbol' &&
    expr.arg === 'filename' &&
    (expr.op === 'eq' || expr.op === 'match')
  ) {
    const path = expandMacros(expr.value, macros);
    if (!path.startsWith('/')) return;
    plan.grants.push({ ...place, path, match: expr.op === 'match', access: 'execute' });
    if (expr.op === 'eq') plan.programs.push(path);
    else plan.runsUnnamed = true;
  } else {
    plan.notes.push({
      ...place,
      message:
        'the kernel runs only the programs that `filename eq` and `match` rules name: others fail with EACCES',
    });
  }
}

/**
 * A learned shape (`filename match "/tmp/sort??????" and (not filename match
 * "/tmp/sort??????/*")`, app/common/policy/random-names.ts) as its `match` alone: the second half
 * only leaves out the names below, which a grant for the first covers no less than for any other
 * `match`. Any other expression as it is.
 */
function shapeOnly(expr: Expr | null): Expr | null {
  if (expr?.kind !== 'and' || expr.left.kind !== 'symbol' || expr.right.kind !== 'group')
    return expr;
  const not = expr.right.inner;
  if (not.kind !== 'not' || not.operand.kind !== 'symbol') return expr;
  const [shape, below] = [expr.left, not.operand];
  const same = (a: SymbolExpr, b: SymbolExpr) => a.arg === b.arg && a.index === b.index;
  return shape.op === 'match' &&
    below.op === 'match' &&
    same(shape, below) &&
    below.value === `${shape.value}/*`
    ? shape
    : expr;
}

/** The calls that name two files: the second (`filename[1]`) is made, or replaced. */
const TWO_NAME_CALLS: readonly string[] = ['rename', 'renameat', 'renameat2', 'link', 'linkat'];

/**
 * A rule of a call that changes names (fswrite, an open call, unlink...): the supervisor
 * decides it, whatever it says; what it may permit is noted as `write` grants, every name when
 * it does not say which by `filename eq` or `match` (other conditions only narrow it). A rule
 * that may permit a rename or a link (fswrite, rename, link...) and names `filename[1]` decides
 * both names at once (evaluate.ts), so its second file is noted too; one that does not
 * (`fswrite: filename eq "X"`) lets X be renamed or linked only over a name some rule permits
 * as a `filename` of its own, whose grant that rule notes.
 */
function planWriteRule(filter: Filter, place: KernelPlace, macros: Macros, plan: KernelPlan): void {
  if (filter.action.name === 'deny') return;
  const names = filter.predicate === null ? namesOf(filter.expr) : [null, null];
  const seconds =
    (filter.call === 'fswrite' || TWO_NAME_CALLS.includes(filter.call)) && namesSecond(filter);
  for (const name of seconds ? names : names.slice(0, 1)) {
    const path = name === null ? null : expandMacros(name.value, macros);
    if (path === NON_EXISTENT) continue;
    if (name !== null && path!.startsWith('/')) {
      plan.grants.push({ ...place, path: path!, match: name.op === 'match', access: 'write' });
    } else {
      plan.grants.push({ ...place, path: '/', match: true, access: 'write' });
    }
  }
}

/**
 * The `filename eq`/`match` conditions a rule's expression holds to, for its first file and
 * its second (`filename[1]`): only when it is such a condition, or an `and` of conditions with
 * them among them; null for a file it does not hold to one name or pattern.
 */
function namesOf(expr: Expr | null): [SymbolExpr | null, SymbolExpr | null] {
  const all: Expr[] = [];
  const collect = (e: Expr): void => {
    if (e.kind === 'and') {
      collect(e.left);
      collect(e.right);
    } else if (e.kind === 'group') collect(e.inner);
    else all.push(e);
  };
  if (expr !== null) collect(expr);
  const name = (index: number) =>
    all.find(
      (e): e is SymbolExpr =>
        e.kind === 'symbol' &&
        e.arg === 'filename' &&
        (e.index ?? 0) === index &&
        (e.op === 'eq' || e.op === 'match'),
    ) ?? null;
  return [name(0), name(1)];
}

function planFileRule(filter: Filter, place: KernelPlace, macros: Macros, plan: KernelPlan): void {
  const refuse = (why: string) => plan.refusals.push({ ...place, message: why });
  if (filter.predicate !== null) return void refuse('the kernel cannot tell users apart');
  const expr = shapeOnly(filter.expr);
  const name =
    expr?.kind === 'symbol' && expr.arg === 'filename' && expr.index === null ? expr : null;
  if (filter.action.name !== 'permit') {
    if (name !== null && (name.op === 'eq' || name.op === 'sub') && name.value === NON_EXISTENT) {
      plan.notes.push({
        ...place,
        message: 'a file that does not exist fails with EACCES or ENOENT, as the kernel decides',
      });
      return;
    }
    return void refuse(
      `the kernel cannot ${filter.action.name} inside what it grants (it only grants, and fails the rest with EACCES)`,
    );
  }
  if (filter.log) plan.notes.push({ ...place, message: 'the kernel does not log what it permits' });
  const access = 'read';
  if (expr === null || expr.kind === 'true') {
    plan.grants.push({ ...place, path: '/', match: true, access });
    return;
  }
  if (name === null || (name.op !== 'eq' && name.op !== 'match')) {
    return void refuse('the kernel can enforce only `filename eq` and `filename match` conditions');
  }
  const path = expandMacros(name.value, macros);
  // A name that does not exist cannot be opened, with or without the kernel's rules.
  if (path === NON_EXISTENT) return;
  if (!path.startsWith('/')) return void refuse(`"${path}" is not an absolute name`);
  plan.grants.push({ ...place, path, match: name.op === 'match', access });
}
