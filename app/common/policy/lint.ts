// Warnings about a policy that parses but may not do what its author meant: calls this system
// does not have, aliases with aliasing turned off, rules that can never match, unknown errors.

import {
  sectionsOf,
  symbolsOf,
  type Expr,
  type Filter,
  type PolicyFile,
  type Span,
  type SymbolExpr,
} from './ast.js';
import { SourceLines, type Diagnostic } from './diagnostics.js';
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

/**
 * Lints a parsed file; `text` is the source it was parsed from, or its lines (as an editor keeps
 * them), for showing the lines.
 */
export function lintPolicy(
  file: PolicyFile,
  text: string | readonly string[],
  options: LintOptions,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const lines = new SourceLines(text);
  for (const section of sectionsOf(file)) {
    const earlier = new EarlierRules();
    for (const filter of section.filters) {
      const warn: Warn = (message, span = filter.span) => {
        const lineText = lines.at(span.start.line).replace(/\r$/, '');
        diagnostics.push({ severity: 'warning', message, source: file.source, span, lineText });
      };
      // The earlier rules of the same call: looked up once, for what is said of the call, then
      // to compare the rule with them, then to add it to them.
      const rules = earlier.of(filter);
      if (rules.callProblem === undefined) rules.callProblem = callProblem(filter, options);
      lintFilter(filter, rules.callProblem, warn);
      const own = ownFileCovered(filter);
      if (own !== null) {
        warn(
          `sysgate's own files stay protected whatever this rule says: a traced program never changes ${own} (refused before any rule)`,
        );
      }
      const shape = shapeOf(filter);
      const shadow = rules.shadowing(filter, shape);
      if (shadow !== null) {
        warn(
          `this rule can never match: the rule at line ${shadow.span.start.line} already decides every call it would`,
        );
      }
      rules.add(filter, shape);
    }
  }
  for (const d of elevationDiagnostics(file, text, options)) diagnostics.push(d);
  return diagnostics;
}

type Warn = (message: string, span?: Span) => void;

/**
 * What is wrong with a rule's emulation and call, whatever its condition: worked out once for
 * each call of a section (`CallRules.callProblem`), not for each of its thousands of rules.
 */
function callProblem(filter: Filter, options: LintOptions): string | null {
  const isAlias = (ALIASES as readonly string[]).includes(filter.call);
  if (!EMULATIONS.has(filter.emulation)) {
    return `unknown emulation "${filter.emulation}": sysgate traces native Linux programs, so this rule never matches`;
  } else if (isAlias && options.noAliases) {
    return `"${filter.call}" is an alias, and aliases are off (-u): this rule never matches`;
  } else if (!isAlias && !isKnownCall(filter.call, options.arch)) {
    return `unknown system call "${filter.call}" on ${options.arch} Linux: the rule is kept but never matches`;
  } else if (BASELINE_CALLS.has(filter.call)) {
    return `"${filter.call}" is always permitted in the kernel (sysgate's baseline): no call reaches this rule`;
  } else if (REFUSED_IN_KERNEL.has(filter.call)) {
    return `"${filter.call}" always fails with ${REFUSED_IN_KERNEL.get(filter.call)} in the kernel (the C library falls back to clone): no call reaches this rule`;
  } else if (filter.call === CLONE_IN_KERNEL) {
    return `"clone" is permitted in the kernel unless its flags make a namespace or say CLONE_PARENT: only those clones reach this rule (fork, threads and spawns never do)`;
  }
  return null;
}

function lintFilter(filter: Filter, problem: string | null, warn: Warn): void {
  if (problem !== null) warn(problem, filter.callSpan);
  const { action } = filter;
  if (
    action.name === 'deny' &&
    action.modifier !== null &&
    errnoNumber(action.modifier) === undefined
  ) {
    warn(`unknown error name "${action.modifier}": such a denial fails with eperm`, action.span);
  }
  for (const symbol of symbolsOf(filter.expr)) {
    // Most values have no macro: no regular expression for them.
    if (!symbol.value.includes('$')) continue;
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
  /** By emulation, then call: no key string made for each rule. */
  private readonly byCall = new Map<string, Map<string, CallRules>>();

  /** The earlier rules of `filter`'s emulation and call (none yet: an empty set). */
  of(filter: Filter): CallRules {
    let calls = this.byCall.get(filter.emulation);
    if (calls === undefined) this.byCall.set(filter.emulation, (calls = new Map()));
    let rules = calls.get(filter.call);
    if (rules === undefined) calls.set(filter.call, (rules = new CallRules()));
    return rules;
  }
}

/**
 * What the index needs of a rule, worked out once for both looking it up and adding it: its
 * single comparison (null for anything else, or a rule with a predicate), with the value expanded.
 */
interface Shape {
  /** The expression without parentheses; null when there is none. */
  expr: Expr | null;
  /** `expr`'s expanded value when it is a comparison and the rule has no predicate. */
  value: string | null;
}

function shapeOf(filter: Filter): Shape {
  const expr = unwrap(filter.expr);
  const value =
    filter.predicate === null && expr?.kind === 'symbol'
      ? expandForLint(expr.value, LINT_MACROS)
      : null;
  return { expr, value };
}

class CallRules {
  /** What `callProblem` says of the call of these rules (undefined until it is asked). */
  callProblem: string | null | undefined = undefined;
  /** The first rule that matches every call (no predicate, no condition). */
  private everything: Filter | null = null;
  /** The first `arg eq "value"` rule of each argument, index and (expanded) value. */
  private readonly equals = new Map<string, Map<number, Map<string, Filter>>>();
  /**
   * `match` rules without a predicate, in order, by the literal start of their pattern: only a
   * value that starts with it can match, so a value looks up its own starts, not every pattern.
   */
  private readonly matches = new MatchStarts();
  /** Other single-comparison rules without a predicate, in order. */
  private readonly others: Array<{ filter: Filter; mayHold: (value: string) => boolean }> = [];

  add(filter: Filter, { expr, value }: Shape): void {
    if (filter.predicate !== null) return;
    if (expr === null || expr.kind === 'true') {
      this.everything ??= filter;
      return;
    }
    if (expr.kind !== 'symbol') return;
    if (expr.op === 'match') {
      this.matches.add(literalStart(value!), filter);
      return;
    }
    if (expr.op !== 'eq') {
      this.others.push({ filter, mayHold: quickCheck(expr) });
      return;
    }
    let byIndex = this.equals.get(expr.arg);
    if (byIndex === undefined) this.equals.set(expr.arg, (byIndex = new Map()));
    const index = expr.index ?? 0;
    let byValue = byIndex.get(index);
    if (byValue === undefined) byIndex.set(index, (byValue = new Map()));
    if (!byValue.has(value!)) byValue.set(value!, filter);
  }

  shadowing(later: Filter, { expr: second, value }: Shape): Filter | null {
    // The first in the file: one rule a line (the offsets of an editor's lines parsed one by
    // one are not all of the same text; their lines are). Candidates in the order they were
    // always tried, the first of a line kept.
    let first = this.everything;
    if (value === null || second?.kind !== 'symbol' || second.op !== 'eq') return first;
    const equal = this.equals
      .get(second.arg)
      ?.get(second.index ?? 0)
      ?.get(value);
    if (equal !== undefined) first = firstOf(first, equal);
    this.matches.hashStarts(value);
    for (const length of this.matches.lengths) {
      if (length > value.length) continue;
      const list = this.matches.startingWith(value, length);
      if (list === undefined) continue;
      for (const f of list) {
        if (shadows(f, later)) {
          first = firstOf(first, f);
          break;
        }
      }
    }
    for (const e of this.others) {
      if (e.mayHold(value) && shadows(e.filter, later)) {
        first = firstOf(first, e.filter);
        break;
      }
    }
    return first;
  }
}

/**
 * Rules by the literal start of their pattern, found for a value without cutting its starts out
 * of it: a learned policy's value is looked up at every start length, and a string cut and
 * hashed for each cost a quarter of a lint pass. The starts are kept by length and a hash of
 * their characters; a value's starts are hashed in one pass over it, and a start found by its
 * hash is compared with the value before it counts.
 */
class MatchStarts {
  /** The lengths of the starts, in the order they were first seen. */
  readonly lengths = new Set<number>();
  /** By length, then hash: the starts (and their rules, in order). */
  private readonly byLength = new Map<number, Map<number, Array<[string, Filter[]]>>>();
  private longest = 0;
  /** The hashes of the starts of the value last given to `hashStarts`, by length. */
  private readonly hashes: number[] = [0];

  add(start: string, filter: Filter): void {
    this.lengths.add(start.length);
    this.longest = Math.max(this.longest, start.length);
    let byHash = this.byLength.get(start.length);
    if (byHash === undefined) this.byLength.set(start.length, (byHash = new Map()));
    const hash = hashOf(start, start.length);
    let starts = byHash.get(hash);
    if (starts === undefined) byHash.set(hash, (starts = []));
    const same = starts.find(([s]) => s === start);
    if (same !== undefined) same[1].push(filter);
    else starts.push([start, [filter]]);
  }

  hashStarts(value: string): void {
    const end = Math.min(this.longest, value.length);
    let hash = 0;
    for (let i = 0; i < end; i++) this.hashes[i + 1] = hash = nextHash(hash, value.charCodeAt(i));
  }

  /** The rules whose start is `value`'s first `length` characters (hashed by `hashStarts`). */
  startingWith(value: string, length: number): Filter[] | undefined {
    const starts = this.byLength.get(length)?.get(this.hashes[length]!);
    if (starts === undefined) return undefined;
    for (const [start, filters] of starts) if (value.startsWith(start)) return filters;
    return undefined;
  }
}

function nextHash(hash: number, code: number): number {
  return (Math.imul(hash, 31) + code) | 0;
}

function hashOf(text: string, length: number): number {
  let hash = 0;
  for (let i = 0; i < length; i++) hash = nextHash(hash, text.charCodeAt(i));
  return hash;
}

/** Of two candidates, the one on the earlier line; `first` when they are on the same. */
function firstOf(first: Filter | null, c: Filter): Filter {
  return first === null || c.span.start.line < first.span.start.line ? c : first;
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
