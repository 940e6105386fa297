// What a reviewer does to a learned policy, proposed for them: many exact paths under one
// directory become one `match "dir/*"` rule, and the user's home directory becomes `$HOME` again,
// so that the policy still holds when the program opens the next file there, or runs for someone
// else. Each proposal is accepted or rejected; nothing here writes a policy.

import type { Filter, SymbolExpr } from './ast.js';
import { quoteString } from './lexer.js';
import { parseFilter } from './parser.js';
import { printFilter } from './printer.js';

export interface Generalisation {
  /** The rule proposed in place of those it replaces. */
  rule: string;
  /** The learned rules (as printed) it takes the place of. */
  replaces: string[];
  /** Why, in the user's words. */
  reason: string;
}

/** How many files of one directory make a `match` worth proposing. */
export const FILES_FOR_A_DIRECTORY = 3;

/** Characters that mean something in a `match` pattern: a directory holding one is left alone. */
const PATTERN_CHARACTERS = /[*?[\\]/;

/** The proposals for `rules` (printed rules, as learned), in the order of their first rule. */
export function proposeGeneralisations(
  rules: readonly string[],
  macros: { HOME: string },
): Generalisation[] {
  const byDirectory = new Map<string, Array<{ rule: string; filter: Filter; path: string }>>();
  const exact: Array<{ rule: string; filter: Filter; path: string }> = [];
  for (const rule of rules) {
    const path = exactPath(rule);
    if (path === null) continue;
    exact.push({ rule, ...path });
    const dir = path.path.slice(0, path.path.lastIndexOf('/'));
    if (dir === '' || PATTERN_CHARACTERS.test(dir)) continue;
    // Rules for the same call with the same action, in the same directory.
    const key = `${printFilter({ ...path.filter, expr: null, trailingComment: null })}\u0000${dir}`;
    byDirectory.set(key, [...(byDirectory.get(key) ?? []), { rule, ...path }]);
  }
  const proposals: Generalisation[] = [];
  const grouped = new Set<string>();
  for (const group of byDirectory.values()) {
    if (group.length < FILES_FOR_A_DIRECTORY) continue;
    const first = group[0]!;
    const dir = first.path.slice(0, first.path.lastIndexOf('/'));
    proposals.push({
      rule: sameRuleBut(
        first.filter,
        `filename match ${quoteString(`${withHome(dir, macros)}/*`)}`,
      ),
      replaces: group.map((g) => g.rule),
      reason: `${group.length} files in ${dir}: any file there`,
    });
    for (const g of group) grouped.add(g.rule);
  }
  for (const { rule, filter, path } of exact) {
    const home = withHome(path, macros);
    if (grouped.has(rule) || home === path) continue;
    proposals.push({
      rule: sameRuleBut(filter, `filename eq ${quoteString(home)}`),
      replaces: [rule],
      reason: '$HOME put back: the rule holds in any user’s home',
    });
  }
  const order = new Map(rules.map((r, i) => [r, i]));
  return proposals.sort((a, b) => order.get(a.replaces[0]!)! - order.get(b.replaces[0]!)!);
}

/**
 * The rules to save: the learned ones in their order, each accepted proposal in the place of the
 * first rule it replaces, and without the rules the reviewer rejected.
 */
export function reviewedRules(
  rules: readonly string[],
  proposals: readonly Generalisation[],
  accepted: ReadonlySet<number>,
  rejected: ReadonlySet<string>,
): string[] {
  const replacedBy = new Map<string, number>();
  for (const i of accepted)
    for (const rule of proposals[i]?.replaces ?? [])
      if (!replacedBy.has(rule)) replacedBy.set(rule, i);
  const out: string[] = [];
  const placed = new Set<number>();
  for (const rule of rules) {
    const proposal = replacedBy.get(rule);
    if (proposal === undefined) {
      if (!rejected.has(rule)) out.push(rule);
    } else if (!placed.has(proposal)) {
      placed.add(proposal);
      out.push(proposals[proposal]!.rule);
    }
  }
  return out;
}

/** The learned rules by the call (or alias) they are for, in order. */
export function rulesByKind(rules: readonly string[]): Map<string, string[]> {
  const kinds = new Map<string, string[]>();
  for (const rule of rules) {
    const kind = parseFilter(rule).filter?.call ?? 'other';
    kinds.set(kind, [...(kinds.get(kind) ?? []), rule]);
  }
  return kinds;
}

/** The path of a learned `filename eq "/path" then permit` rule, or null for any other rule. */
function exactPath(rule: string): { filter: Filter; path: string } | null {
  const { filter } = parseFilter(rule);
  if (filter === null || filter.predicate !== null || filter.elevation !== null) return null;
  if (filter.action.name !== 'permit' || filter.action.modifier !== null) return null;
  const symbol = filter.expr as SymbolExpr | null;
  if (symbol?.kind !== 'symbol' || symbol.op !== 'eq' || symbol.arg !== 'filename') return null;
  if (symbol.index !== null || !symbol.value.startsWith('/')) return null;
  return { filter, path: symbol.value };
}

/** `filter` with another condition (printed), everything else as it was. */
export function sameRuleBut(filter: Filter, condition: string): string {
  const call = `${filter.emulation}-${filter.call}: `;
  const rest = printFilter({ ...filter, expr: null }).slice(call.length);
  return `${call}${condition} then ${rest}`;
}

/** `path` with the user's home directory at its start written `$HOME`. */
function withHome(path: string, macros: { HOME: string }): string {
  const home = macros.HOME.replace(/\/+$/, '');
  if (home === '' || PATTERN_CHARACTERS.test(home) || home.includes('$')) return path;
  if (path === home) return '$HOME';
  return path.startsWith(`${home}/`) ? `$HOME${path.slice(home.length)}` : path;
}
