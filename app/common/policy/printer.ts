// Writes a policy back as text. Parsing then printing keeps every comment, blank line and rule
// in its place; printing then parsing gives back the same tree.

import type { Expr, Filter, Header, Line, PolicyFile } from './ast.js';
import { quoteString } from './lexer.js';

export function printPolicy(file: PolicyFile): string {
  return file.lines.map(printLine).join('\n') + '\n';
}

export function printLine(line: Line): string {
  switch (line.kind) {
    case 'blank':
      return '';
    case 'comment':
      return (line.indented ? '\t' : '') + '#' + line.text;
    case 'detached':
      return '\tdetached';
    case 'header':
      return printHeader(line);
    case 'filter':
      return '\t' + printFilter(line);
  }
}

export function printHeader(header: Header): string {
  return header.fields.map((f) => `${f.key}: ${f.value}`).join(', ');
}

/** One rule without indentation: `native-fsread: filename eq "/etc/hosts" then permit`. */
export function printFilter(filter: Filter): string {
  let out = `${filter.emulation}-${filter.call}: `;
  if (filter.expr !== null) out += `${printExpr(filter.expr)} then `;
  out += filter.action.name;
  if (filter.action.modifier !== null) out += `[${filter.action.modifier}]`;
  if (filter.log) out += ' log';
  const elevation = filter.elevation;
  if (elevation !== null) {
    out +=
      ' as ' + (elevation.user ?? '') + (elevation.group !== null ? `:${elevation.group}` : '');
  }
  const predicate = filter.predicate;
  if (predicate !== null) {
    const value = /^[A-Za-z0-9_.-]+$/.test(predicate.value)
      ? predicate.value
      : quoteString(predicate.value);
    out += `, if ${predicate.subject} ${predicate.op} ${value}`;
  }
  if (filter.trailingComment !== null) out += ` #${filter.trailingComment}`;
  return out;
}

const PRECEDENCE: Record<Expr['kind'], number> = {
  or: 1,
  and: 2,
  not: 3,
  symbol: 4,
  true: 4,
  group: 4,
};

/**
 * Prints an expression, adding parentheses wherever the tree would otherwise read back
 * differently (a tree built by the editor has no group nodes of its own).
 */
export function printExpr(expr: Expr): string {
  switch (expr.kind) {
    case 'true':
      return 'true';
    case 'symbol': {
      const index = expr.index === null ? '' : `[${expr.index}]`;
      return `${expr.arg}${index} ${expr.op} ${quoteString(expr.value)}`;
    }
    case 'group':
      return `(${printExpr(expr.inner)})`;
    case 'not':
      return `not ${printOperand(expr.operand, PRECEDENCE.not, false)}`;
    case 'and':
    case 'or': {
      const level = PRECEDENCE[expr.kind];
      return `${printOperand(expr.left, level, false)} ${expr.kind} ${printOperand(expr.right, level, true)}`;
    }
  }
}

// Both operators group from the left, so a right operand of the same precedence needs
// parentheses to keep its shape.
function printOperand(operand: Expr, parentLevel: number, isRight: boolean): string {
  const level = PRECEDENCE[operand.kind];
  const text = printExpr(operand);
  return level < parentLevel || (isRight && level === parentLevel) ? `(${text})` : text;
}
