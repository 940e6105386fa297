// The linter as it was before its lint pass was made cheaper (issue 17), kept unchanged but for
// its name: lint.test.ts checks that the fast one says exactly what this one says (messages,
// spans, order) on the examples and on many generated policies. Used by no program.

import {
  sectionsOf,
  symbolsOf,
  type Expr,
  type Filter,
  type PolicyFile,
  type Span,
  type SymbolExpr,
} from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { elevationDiagnostics, type ElevationOptions } from './elevation.js';
import { decideCall } from './evaluate.js';
import { ALIASES } from '../calls/aliases.js';
import { BASELINE_CALLS, CLONE_IN_KERNEL, REFUSED_IN_KERNEL } from '../calls/baseline.js';
import { errnoNumber, isKnownCall, type Arch } from '../calls/index.js';

export interface LintOptions extends ElevationOptions {
  arch: Arch;
  /** `-u`: aliases are not used, so rules for `fsread`/`fswrite` never match. */
  noAliases?: boolean;
}

const KNOWN_MACROS = new Set(['HOME', 'USER', 'CWD']);
const EMULATIONS = new Set(['native', 'linux']);

/** Lints a parsed file; `text` is the source it was parsed from, for showing the lines. */
export function lintPolicyReference(
  file: PolicyFile,
  text: string,
  options: LintOptions,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const sourceLines = text.split('\n');
  for (const section of sectionsOf(file)) {
    const earlier = new EarlierRules();
    for (const filter of section.filters) {
      const warn: Warn = (message, span = filter.span) => {
        const lineText = (sourceLines[span.start.line - 1] ?? '').replace(/\r$/, '');
        diagnostics.push({ severity: 'warning', message, source: file.source, span, lineText });
      };
      lintFilter(filter, options, warn);
      const own = ownFileCovered(filter);
      if (own !== null) {
        warn(
          `sysgate's own files stay protected whatever this rule says: a traced program never changes ${own} (refused before any rule)`,
        );
      }
      const shadow = earlier.shadowing(filter);
      if (shadow !== null) {
        warn(
          `this rule can never match: the rule at line ${shadow.span.start.line} already decides every call it would`,
        );
      }
      earlier.add(filter);
    }
  }
  return [...diagnostics, ...elevationDiagnostics(file, text, options)];
}

type Warn = (message: string, span?: Span) => void;

function lintFilter(filter: Filter, options: LintOptions, warn: Warn): void {
  const isAlias = (ALIASES as readonly string[]).includes(filter.call);
  if (!EMULATIONS.has(filter.emulation)) {
    warn(
      `unknown emulation "${filter.emulation}": sysgate traces native Linux programs, so this rule never matches`,
      filter.callSpan,
    );
  } else if (isAlias && options.noAliases) {
    warn(
      `"${filter.call}" is an alias, and aliases are off (-u): this rule never matches`,
      filter.callSpan,
    );
  } else if (!isAlias && !isKnownCall(filter.call, options.arch)) {
    warn(
      `unknown system call "${filter.call}" on ${options.arch} Linux: the rule is kept but never matches`,
      filter.callSpan,
    );
  } else if (BASELINE_CALLS.has(filter.call)) {
    warn(
      `"${filter.call}" is always permitted in the kernel (sysgate's baseline): no call reaches this rule`,
      filter.callSpan,
    );
  } else if (REFUSED_IN_KERNEL.has(filter.call)) {
    warn(
      `"${filter.call}" always fails with ${REFUSED_IN_KERNEL.get(filter.call)} in the kernel (the C library falls back to clone): no call reaches this rule`,
      filter.callSpan,
    );
  } else if (filter.call === CLONE_IN_KERNEL) {
    warn(
      `"clone" is permitted in the kernel unless its flags make a namespace or say CLONE_PARENT: only those clones reach this rule (fork, threads and spawns never do)`,
      filter.callSpan,
    );
  }
  const { action } = filter;
  if (
    action.name === 'deny' &&
    action.modifier !== null &&
    errnoNumber(action.modifier) === undefined
  ) {
    warn(`unknown error name "${action.modifier}": such a denial fails with eperm`, action.span);
  }
  for (const symbol of symbolsOf(filter.expr)) {
    for (const m of symbol.value.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (!KNOWN_MACROS.has(m[1]!)) {
        warn(
          `unknown macro "$${m[1]}": only $HOME, $USER and $CWD are expanded; it is matched literally`,
          symbol.span,
        );
      }
    }
  }
}

/**
 * sysgate's own places, in the layout the editor knows ($XDG_* unset), with a file in each:
 * native/own-files.c refuses any change to them before any rule, whatever a rule permits.
 */
const OWN_PLACES: ReadonlyArray<readonly [place: string, sample: string]> = [
  ['$HOME/.config/sysgate', '$HOME/.config/sysgate/policies/usr_bin_example'],
  ['$HOME/.cache/sysgate', '$HOME/.cache/sysgate/runs/0123456789abcdef'],
  ['$HOME/.local/share/sysgate', '$HOME/.local/share/sysgate/history.sqlite3'],
  ['/etc/sysgate', '/etc/sysgate/policies/usr_bin_example'],
];

/** The calls that change a file or a name, as own-files.c lists them; opens by their flags. */
const CHANGING_CALLS = new Set([
  'fswrite',
  'open',
  'openat',
  'openat2',
  'creat',
  'chmod',
  'chown',
  'fallocate',
  'fchmod',
  'fchmodat',
  'fchmodat2',
  'fchown',
  'fchownat',
  'file_setattr',
  'fremovexattr',
  'fsetxattr',
  'ftruncate',
  'futimesat',
  'lchown',
  'link',
  'linkat',
  'lremovexattr',
  'lsetxattr',
  'mkdir',
  'mkdirat',
  'mknod',
  'mknodat',
  'removexattr',
  'removexattrat',
  'rename',
  'renameat',
  'renameat2',
  'rmdir',
  'setxattr',
  'setxattrat',
  'symlink',
  'symlinkat',
  'truncate',
  'unlink',
  'unlinkat',
  'utime',
  'utimensat',
  'utimes',
]);

/**
 * The first of sysgate's own places a permitting rule's `filename` pattern would let a program
 * change, were they not protected; null for a rule that does not permit such a change there.
 */
function ownFileCovered(filter: Filter): string | null {
  if (filter.action.name !== 'permit' || !CHANGING_CALLS.has(filter.call)) return null;
  // A pattern that covers one of them; a rule on everything (`true`) would be said everywhere.
  if (!symbolsOf(filter.expr).some((symbol) => symbol.arg === 'filename')) return null;
  const call = filter.call === 'fswrite' ? 'openat' : filter.call;
  const alias =
    filter.call === 'fswrite' || call.startsWith('open') || call === 'creat' ? 'fswrite' : null;
  for (const [place, sample] of OWN_PLACES) {
    const name = expandForLint(sample, LINT_MACROS);
    const decision = decideCall(
      { header: null, filters: [{ ...filter, predicate: null }], detached: false },
      { call, alias, args: { filename: [name, name], oflags: ['wo'] }, uid: 0, gid: 0 },
      { macros: LINT_MACROS },
    );
    if (decision.filter !== null && decision.action === 'permit') return place;
  }
  return null;
}

// Macros are expanded identically on both sides, so any fixed values will do.
const LINT_MACROS = { HOME: '/home/user', USER: 'user', CWD: '/home/user/work' };

/**
 * The rules of a section seen so far, indexed so that finding the first one that shadows a rule
 * does not compare it with every earlier rule: a learned policy has thousands of `eq` rules for
 * the same call, and an `eq` rule is shadowed by an earlier `eq` only when the values are equal.
 * The answer is the same as trying `shadows` on each earlier rule in order.
 */
class EarlierRules {
  private readonly byCall = new Map<string, CallRules>();

  add(filter: Filter): void {
    const key = `${filter.emulation}-${filter.call}`;
    let rules = this.byCall.get(key);
    if (rules === undefined) this.byCall.set(key, (rules = new CallRules()));
    rules.add(filter);
  }

  /** The first earlier rule that decides every call `later` would match, or null. */
  shadowing(later: Filter): Filter | null {
    return this.byCall.get(`${later.emulation}-${later.call}`)?.shadowing(later) ?? null;
  }
}

class CallRules {
  /** The first rule that matches every call (no predicate, no condition). */
  private everything: Filter | null = null;
  /** The first `arg eq "value"` rule of each argument and (expanded) value. */
  private readonly equals = new Map<string, Filter>();
  /**
   * `match` rules without a predicate, in order, by the literal start of their pattern: only a
   * value that starts with it can match, so a value looks up its own starts, not every pattern.
   */
  private readonly matches = new Map<string, Filter[]>();
  /** The lengths of those literal starts. */
  private readonly starts = new Set<number>();
  /** Other single-comparison rules without a predicate, in order. */
  private readonly others: Array<{ filter: Filter; mayHold: (value: string) => boolean }> = [];

  add(filter: Filter): void {
    if (filter.predicate !== null) return;
    const expr = unwrap(filter.expr);
    if (expr === null || expr.kind === 'true') {
      this.everything ??= filter;
      return;
    }
    if (expr.kind !== 'symbol') return;
    if (expr.op === 'match') {
      const start = literalStart(expandForLint(expr.value, LINT_MACROS));
      const list = this.matches.get(start);
      if (list === undefined) this.matches.set(start, [filter]);
      else list.push(filter);
      this.starts.add(start.length);
      return;
    }
    if (expr.op !== 'eq') {
      this.others.push({ filter, mayHold: quickCheck(expr) });
      return;
    }
    const key = symbolKey(expr.arg, expr.index, expandForLint(expr.value, LINT_MACROS));
    if (!this.equals.has(key)) this.equals.set(key, filter);
  }

  shadowing(later: Filter): Filter | null {
    const candidates: Filter[] = this.everything === null ? [] : [this.everything];
    const second = unwrap(later.expr);
    if (later.predicate === null && second?.kind === 'symbol' && second.op === 'eq') {
      const value = expandForLint(second.value, LINT_MACROS);
      const equal = this.equals.get(symbolKey(second.arg, second.index, value));
      if (equal !== undefined) candidates.push(equal);
      for (const length of this.starts) {
        if (length > value.length) continue;
        const match = this.matches.get(value.slice(0, length))?.find((f) => shadows(f, later));
        if (match !== undefined) candidates.push(match);
      }
      const other = this.others.find((e) => e.mayHold(value) && shadows(e.filter, later));
      if (other !== undefined) candidates.push(other.filter);
    }
    // The first in the file: one rule a line (the offsets of an editor's lines parsed one by
    // one are not all of the same text; their lines are).
    let first: Filter | null = null;
    for (const c of candidates)
      if (first === null || c.span.start.line < first.span.start.line) first = c;
    return first;
  }
}

/** The literal start of a `match` pattern: what any name it matches begins with. */
function literalStart(pattern: string): string {
  return pattern.slice(0, pattern.search(/[*?[\\]|$/));
}

/**
 * A quick necessary condition for a comparison to hold for a value: the literal start of a
 * `match` pattern, the string of a `sub`. When it is met, `shadows` decides.
 */
function quickCheck(symbol: SymbolExpr): (value: string) => boolean {
  const wanted = expandForLint(symbol.value, LINT_MACROS);
  if (symbol.op === 'match') {
    const literal = literalStart(wanted);
    return (value) => value.startsWith(literal);
  }
  if (symbol.op === 'sub') return (value) => value.includes(wanted);
  return () => true;
}

function symbolKey(arg: string, index: number | null, value: string): string {
  return `${arg}[${index ?? 0}]\u0000${value}`;
}

function unwrap(expr: Expr | null): Expr | null {
  while (expr !== null && expr.kind === 'group') expr = expr.inner;
  return expr;
}

/**
 * Whether `earlier` decides every call that `later` would match, so `later` is dead. Decided
 * only where it is certain: same call; `earlier` has no predicate; and either `earlier` matches
 * everything, or both are single conditions on the same argument and `later` asks for one exact
 * value that `earlier` already matches.
 */
function shadows(earlier: Filter, later: Filter): boolean {
  if (earlier.call !== later.call || earlier.emulation !== later.emulation) return false;
  if (earlier.predicate !== null) return false;
  const first = unwrap(earlier.expr);
  if (first === null || first.kind === 'true') return true;
  if (later.predicate !== null) return false;
  const second = unwrap(later.expr);
  if (first.kind !== 'symbol' || second === null || second.kind !== 'symbol') return false;
  if (
    second.op !== 'eq' ||
    first.arg !== second.arg ||
    (first.index ?? 0) !== (second.index ?? 0)
  ) {
    return false;
  }
  const macros = LINT_MACROS;
  const args = new Array<string>((second.index ?? 0) + 1).fill('');
  args[second.index ?? 0] = expandForLint(second.value, macros);
  const decision = decideCall(
    { header: null, filters: [{ ...earlier, predicate: null }], detached: false },
    { call: later.call, alias: null, args: { [second.arg]: args }, uid: 0, gid: 0 },
    { macros },
  );
  return decision.filter !== null;
}

function expandForLint(value: string, macros: Record<string, string>): string {
  // Most values of a learned policy have no macro: no regular expression for them.
  if (!value.includes('$')) return value;
  return value.replace(/\$(HOME|USER|CWD)/g, (_, name: string) => macros[name]!);
}
