// Kernel-speed enforcement (`sysgate -a -K`): what of a policy the kernel can enforce by itself,
// so that the calls it covers never wait for the supervisor.
//
// Landlock restricts opening files: reading a file, listing a directory, writing a file, each
// granted on a file or on everything beneath a directory. A policy's file rules become such
// grants when they say no more than that: `permit` on `filename eq "..."` or
// `filename match "..."` for fsread, fswrite or an open call. The open calls then run in the
// kernel, and so does the stat family (stat, access, readlink...), which Landlock cannot
// restrict at all: in this mode those calls are not restricted, and a run says so. A call's
// rules that compare no argument (`native-getpid: permit`) run in the kernel too. Everything
// else stays with the supervisor, decided exactly as without -K.
//
// Landlock has no way to deny a name inside what it grants, nor an error other than EACCES, so
// a policy with a file rule that denies, asks, logs by name or tests anything but the name is
// refused, with the rule's place: the run must then go without -K. Landlock's grants outlive
// execve, so the kernel's rules are those of every program the run may execute, together
// (app/cli/kernel-mode.ts follows the `execve` rules).
//
// This module decides from the policy's text alone; app/core/kernel/ turns the grants into
// Landlock rules on the files that exist when the run starts.

import { isAlias } from '../calls/aliases.js';
import type { Expr, Filter, PolicySection, SymbolExpr } from './ast.js';
import { expandMacros, NATIVE_EMULATIONS } from './evaluate.js';
import type { Macros } from './request.js';

/** The calls that open a file by name: Landlock decides them in this mode. */
export const KERNEL_OPEN_CALLS: readonly string[] = ['open', 'openat', 'openat2', 'creat'];

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
   * `write` grants reading too, as an fswrite rule permits an open for reading and writing;
   * `execute`, from an execve rule, running the file (which for the kernel is reading it too).
   */
  access: 'read' | 'write' | 'execute';
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
  const inKernel = new Set<string>([...KERNEL_OPEN_CALLS, ...KERNEL_UNRESTRICTED_CALLS]);
  const supervised = new Set<string>();
  for (const filter of section.filters) {
    if (!NATIVE_EMULATIONS.includes(filter.emulation)) continue;
    const place = { line: filter.span.start.line, col: filter.span.start.col };
    if (isAlias(filter.call)) {
      if (!options.noAliases) planFileRule(filter, place, options.macros, plan);
    } else if (KERNEL_OPEN_CALLS.includes(filter.call)) {
      planFileRule(filter, place, options.macros, plan);
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
    } else if (isUnconditionalPermit(filter) && !SUPERVISED_ALWAYS.includes(filter.call)) {
      inKernel.add(filter.call);
    } else {
      // Decided by the supervisor: an earlier unconditional permit no longer lets it through.
      supervised.add(filter.call);
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

function planFileRule(filter: Filter, place: KernelPlace, macros: Macros, plan: KernelPlan): void {
  const refuse = (why: string) => plan.refusals.push({ ...place, message: why });
  if (filter.predicate !== null) return void refuse('the kernel cannot tell users apart');
  if (filter.elevation !== null) return void refuse('the kernel cannot run a call as another user');
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
  const access = filter.call === 'fsread' ? 'read' : 'write';
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
