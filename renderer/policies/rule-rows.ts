// A policy's text as the editor's table shows it: one row per rule, in order, switched-off rules
// included (kept as `# disabled: ...` comments), with what the linter says about each, and one
// row per line that does not parse, with its error. The text itself stays a list of lines, and
// every edit (./draft.ts) changes only the lines it means to, so a save changes nothing else.

import { ALIASES, callsOfAlias, type Alias } from '../../app/common/calls/aliases.js';
import type { Arch } from '../../app/common/calls/index.js';
import type { Filter, PolicyFile } from '../../app/common/policy/ast.js';
import type { Diagnostic } from '../../app/common/policy/diagnostics.js';
import { ruleOfDisabled } from '../../app/common/policy/edit.js';
import { denialErrno } from '../../app/common/policy/evaluate.js';
import { lintPolicy } from '../../app/common/policy/lint.js';
import { parsePolicy } from '../../app/common/policy/parser.js';
import { printExpr, printFilter } from '../../app/common/policy/printer.js';

export interface RuleRow {
  kind: 'rule';
  /** 0-based index in the draft's lines; the line number is one more. */
  index: number;
  filter: Filter;
  enabled: boolean;
  /** The rule as the printer writes it: what hit counts and highlights are kept by. */
  key: string;
  /** The calls an alias (`fsread`) stands for; null for a call's own name. */
  aliasFor: readonly string[] | null;
  condition: string;
  /** `permit`, `deny`, `ask`, with `[inherit]` or `[detach]` where written. */
  action: string;
  /** The error a denial fails with. */
  error: string | null;
  warnings: string[];
  /** False when an earlier rule decides every call this one would. */
  reachable: boolean;
}

export interface BrokenRow {
  kind: 'broken';
  index: number;
  text: string;
  diagnostic: Diagnostic;
}

export type Row = RuleRow | BrokenRow;

export interface Rows {
  rows: Row[];
  /** The parsed file (lines with errors left out) and every error in it. */
  file: PolicyFile;
  errors: Diagnostic[];
}

const SHADOWED = /^this rule can never match/;

/** The rows of the policy whose text is `lines`. */
export function rowsOf(lines: readonly string[], arch: Arch, source = '<policy>'): Rows {
  const text = textOfLines(lines);
  const { file, diagnostics } = parsePolicy(text, source);
  const warnings = new Map<number, string[]>();
  for (const d of lintPolicy(file, text, { arch })) {
    const list = warnings.get(d.span.start.line) ?? [];
    list.push(d.message);
    warnings.set(d.span.start.line, list);
  }
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const rows: Row[] = [];
  const broken = new Map(errors.map((d) => [d.span.start.line, d]));
  let next = 0;
  for (const line of file.lines) {
    const index = line.span.start.line - 1;
    // Lines with errors are not in the parsed file: they come in their place.
    for (; next < index; next++) pushBroken(rows, broken, next, lines);
    next = index + 1;
    if (line.kind === 'filter') rows.push(ruleRow(line, index, true, warnings.get(index + 1)));
    else if (line.kind === 'comment') {
      const kept = ruleOfDisabled(line);
      if (kept !== null) rows.push(ruleRow(kept, index, false, []));
    }
  }
  for (; next < lines.length; next++) pushBroken(rows, broken, next, lines);
  return { rows, file, errors };
}

function pushBroken(
  rows: Row[],
  broken: Map<number, Diagnostic>,
  index: number,
  lines: readonly string[],
): void {
  const diagnostic = broken.get(index + 1);
  if (diagnostic !== undefined)
    rows.push({ kind: 'broken', index, text: lines[index] ?? '', diagnostic });
}

function ruleRow(
  filter: Filter,
  index: number,
  enabled: boolean,
  warnings: string[] = [],
): RuleRow {
  const { name, modifier } = filter.action;
  const isDeny = name === 'deny';
  return {
    kind: 'rule',
    index,
    filter,
    enabled,
    key: printFilter({ ...filter, trailingComment: null }),
    aliasFor: (ALIASES as readonly string[]).includes(filter.call)
      ? callsOfAlias(filter.call as Alias)
      : null,
    condition: filter.expr === null ? 'true' : printExpr(filter.expr),
    action: isDeny || modifier === null ? name : `${name}[${modifier}]`,
    error: isDeny ? denialErrno(modifier) : null,
    warnings: warnings.filter((w) => !SHADOWED.test(w)),
    reachable: !warnings.some((w) => SHADOWED.test(w)),
  };
}

/** The draft's lines of a file's text (its last newline is not a line of its own). */
export function linesOfText(text: string): string[] {
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

export function textOfLines(lines: readonly string[]): string {
  return lines.join('\n') + '\n';
}

/** Whether the row's rule or text contains `query` (case does not count). */
export function rowMatches(row: Row, query: string): boolean {
  if (query === '') return true;
  const q = query.toLowerCase();
  if (row.kind === 'broken') return row.text.toLowerCase().includes(q);
  return row.key.toLowerCase().includes(q) || (!row.enabled && 'disabled'.includes(q));
}
