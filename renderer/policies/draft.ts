// The editor's changes to a policy's lines. Each gives new lines and leaves the given ones alone
// (they are the undo history); a rule's line is written by the printer, every other line stays
// as it was.

import type { Filter } from '../../app/common/policy/ast.js';
import { disabledRule } from '../../app/common/policy/edit.js';
import { printLine } from '../../app/common/policy/printer.js';
import type { Row } from './rule-rows.js';

export type Lines = readonly string[];

export function ruleLine(filter: Filter, enabled = true): string {
  return printLine(enabled ? filter : disabledRule(filter));
}

export function replaced(lines: Lines, index: number, line: string): Lines {
  return lines.map((l, i) => (i === index ? line : l));
}

export function inserted(lines: Lines, index: number, line: string): Lines {
  return [...lines.slice(0, index), line, ...lines.slice(index)];
}

export function removed(lines: Lines, index: number): Lines {
  return [...lines.slice(0, index), ...lines.slice(index + 1)];
}

/** Moves the line at `from` to where the line at `to` is, the lines between shifting over. */
export function moved(lines: Lines, from: number, to: number): Lines {
  if (from === to) return lines;
  const out = [...lines];
  const [line] = out.splice(from, 1);
  out.splice(to, 0, line!);
  return out;
}

/**
 * Where a new rule goes: right after `after` (the selected row), else after the last rule, else
 * after the `Policy:` header.
 */
export function newRuleIndex(lines: Lines, rows: readonly Row[], after: number | null): number {
  if (after !== null) return after + 1;
  const last = rows[rows.length - 1];
  if (last !== undefined) return last.index + 1;
  const header = lines.findIndex((l) => /^\s*Policy\s*:/.test(l));
  return header + 1;
}

/** The row before or after the one at line `index`, for moving a rule by the keyboard. */
export function neighbour(rows: readonly Row[], index: number, step: -1 | 1): Row | null {
  const at = rows.findIndex((r) => r.index === index);
  return at < 0 ? null : (rows[at + step] ?? null);
}
