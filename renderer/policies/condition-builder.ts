// The structured condition builder's model: a list of comparisons (argument, operator, value),
// each one possibly negated, all joined by `and` or all by `or`. It reads and writes the same
// expressions as the text mode, through the one parser and printer; a condition of another
// shape (`a and (b or c)`) is left to the text mode.

import { TRANSLATIONS } from '../../app/common/calls/arguments.js';
import type { Expr, Operator, Span, SymbolExpr } from '../../app/common/policy/ast.js';
import { parseExpression } from '../../app/common/policy/parser.js';
import { printExpr } from '../../app/common/policy/printer.js';

export interface Clause {
  not: boolean;
  /** A translation: `filename`, `oflags`, ... */
  arg: string;
  /** The `[n]` of a call with two of them (rename's `filename[1]`); null for the first. */
  index: number | null;
  op: Operator;
  value: string;
}

export interface BuiltCondition {
  join: 'and' | 'or';
  /** None: the rule holds for every call (`true`). */
  clauses: Clause[];
}

/** The arguments the builder offers, in the user's words first. */
export const BUILDER_ARGUMENTS: readonly string[] = TRANSLATIONS;

export const MACROS = ['$HOME', '$USER', '$CWD'] as const;

/** The builder's form of an expression; null when it is not a list the builder can show. */
export function builtOf(expr: Expr | null): BuiltCondition | null {
  const e = ungrouped(expr);
  if (e === null || e.kind === 'true') return { join: 'and', clauses: [] };
  const join = e.kind === 'or' ? 'or' : 'and';
  const clauses: Clause[] = [];
  for (const part of operandsOf(e, join)) {
    const clause = clauseOf(part);
    if (clause === null) return null;
    clauses.push(clause);
  }
  return { join, clauses };
}

/** The expression's text for the builder's form: `true` when there are no comparisons. */
export function textOfBuilt(built: BuiltCondition): string {
  if (built.clauses.length === 0) return 'true';
  const symbols: Expr[] = built.clauses.map((c) => {
    const symbol: SymbolExpr = {
      kind: 'symbol',
      arg: c.arg,
      index: c.index,
      op: c.op,
      value: c.value,
      span: NOWHERE,
    };
    return c.not ? { kind: 'not', operand: symbol, span: NOWHERE } : symbol;
  });
  const joined = symbols.reduce((left, right) => ({
    kind: built.join,
    left,
    right,
    span: NOWHERE,
  }));
  return printExpr(joined);
}

/** Parses a condition's text: its tree, or the first error with its column. */
export function parseCondition(
  text: string,
): { ok: true; expr: Expr } | { ok: false; message: string; line: number; col: number } {
  const { expr, diagnostics } = parseExpression(text);
  const error = diagnostics.find((d) => d.severity === 'error');
  if (error !== undefined || expr === null)
    return {
      ok: false,
      message: error?.message ?? 'not a condition',
      line: error?.span.start.line ?? 1,
      col: error?.span.start.col ?? 1,
    };
  return { ok: true, expr };
}

export function emptyClause(): Clause {
  return { not: false, arg: 'filename', index: null, op: 'eq', value: '' };
}

const NOWHERE: Span = {
  start: { line: 1, col: 1, offset: 0 },
  end: { line: 1, col: 1, offset: 0 },
};

function ungrouped(expr: Expr | null): Expr | null {
  while (expr?.kind === 'group') expr = expr.inner;
  return expr;
}

function operandsOf(expr: Expr, join: 'and' | 'or'): Expr[] {
  const e = ungrouped(expr)!;
  if (e.kind === join) return [...operandsOf(e.left, join), ...operandsOf(e.right, join)];
  return [e];
}

function clauseOf(expr: Expr): Clause | null {
  const e = ungrouped(expr);
  if (e?.kind === 'symbol')
    return { not: false, arg: e.arg, index: e.index, op: e.op, value: e.value };
  if (e?.kind === 'not') {
    const inner = ungrouped(e.operand);
    if (inner?.kind === 'symbol')
      return { not: true, arg: inner.arg, index: inner.index, op: inner.op, value: inner.value };
  }
  return null;
}
