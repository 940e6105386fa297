// A policy's text as the editor's table shows it: one row per rule, in order, switched-off rules
// included (kept as `# disabled: ...` comments), with what the linter says about each, and one
// row per line that does not parse, with its error. The text itself stays a list of lines, and
// every edit (./draft.ts) changes only the lines it means to, so a save changes nothing else.

import { ALIASES, callsOfAlias } from '../../app/common/calls/aliases.js';
import type { Arch } from '../../app/common/calls/index.js';
import type { Filter, Line, PolicyFile } from '../../app/common/policy/ast.js';
import type { Diagnostic } from '../../app/common/policy/diagnostics.js';
import { ruleOfDisabled } from '../../app/common/policy/edit.js';
import { denialErrno } from '../../app/common/policy/evaluate.js';
import { lintPolicy } from '../../app/common/policy/lint.js';
import { parsePolicyLine } from '../../app/common/policy/parser.js';
import { printExpr, printFilter } from '../../app/common/policy/printer.js';

export interface RuleRow {
  kind: 'rule';
  /** 0-based index in the draft's lines; the line number is one more. */
  index: number;
  /** The parsed line the row was made of (a rule, or the comment keeping a disabled one). */
  line: Line;
  /** What the linter said of the line, as it said it. */
  said: readonly string[];
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

/** The calls of each alias, one list shared by all of its rows (callsOfAlias makes a new one). */
const ALIAS_CALLS: ReadonlyMap<string, readonly string[]> = new Map(
  ALIASES.map((alias) => [alias, callsOfAlias(alias)]),
);

/** One line of a draft as parsed where it stands. */
interface ParsedLine {
  text: string;
  line: Line | null;
  diagnostics: Diagnostic[];
}

/**
 * A draft's lines parsed, one by one: after an edit only the lines whose text changed at their
 * place are parsed again (`previous`), so that an edit costs one line, not the whole file. The
 * lines and columns of every span are exact; the offsets of the lines kept are those of the text
 * they were first parsed in.
 */
export interface ParsedLines {
  source: string;
  lines: readonly string[];
  parsed: readonly ParsedLine[];
  file: PolicyFile;
  /** The parser's diagnostics, in line order, as `parsePolicy` gives them. */
  diagnostics: Diagnostic[];
}

export function parseLines(
  lines: readonly string[],
  source: string,
  previous: ParsedLines | null = null,
): ParsedLines {
  const kept = previous?.source === source ? previous.parsed : [];
  const parsed: ParsedLine[] = [];
  const fileLines: Line[] = [];
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const old = kept[i];
    const one =
      old !== undefined && old.text === text
        ? old
        : { text, ...parsePolicyLine(text, i + 1, offset, source) };
    parsed.push(one);
    if (one.line !== null) fileLines.push(one.line);
    diagnostics.push(...one.diagnostics);
    offset += text.length + 1;
  }
  return { source, lines, parsed, file: { source, lines: fileLines }, diagnostics };
}

/** What the linter says of each line (by 1-based number), for the draft `parsed`. */
export function lintWarnings(parsed: ParsedLines, arch: Arch): Map<number, string[]> {
  const warnings = new Map<number, string[]>();
  // The lines as they are: joining them only for the linter to split them again cost more than
  // linting a thousand rules.
  for (const d of lintPolicy(parsed.file, parsed.lines, { arch })) {
    const list = warnings.get(d.span.start.line) ?? [];
    list.push(d.message);
    warnings.set(d.span.start.line, list);
  }
  return warnings;
}

/** The rows of the policy whose text is `lines`, parsed and linted at once. */
export function rowsOf(lines: readonly string[], arch: Arch, source = '<policy>'): Rows {
  const parsed = parseLines(lines, source);
  return rowsOfParsed(parsed, lintWarnings(parsed, arch));
}

/**
 * The rows of a parsed draft with the linter's `warnings` (null while they are being worked
 * out: no notes yet). The rows of `previous` whose line and warnings are the same are kept as
 * they are, so an edit builds one row again and the table redraws only what changed.
 */
export function rowsOfParsed(
  parsed: ParsedLines,
  warnings: ReadonlyMap<number, readonly string[]> | null,
  previous: Rows | null = null,
): Rows {
  const { lines, file, diagnostics } = parsed;
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const rows: Row[] = [];
  const broken = new Map(errors.map((d) => [d.span.start.line, d]));
  const before = new Map<Line, RuleRow>();
  for (const row of previous?.rows ?? []) if (row.kind === 'rule') before.set(row.line, row);
  let next = 0;
  for (const line of file.lines) {
    const index = line.span.start.line - 1;
    // Lines with errors are not in the parsed file: they come in their place.
    for (; next < index; next++) pushBroken(rows, broken, next, lines);
    next = index + 1;
    const said = line.kind === 'filter' ? (warnings?.get(index + 1) ?? []) : [];
    const old = before.get(line);
    if (old !== undefined && old.index === index && sameList(old.said, said)) rows.push(old);
    else if (line.kind === 'filter') rows.push(ruleRow(line, line, index, true, said));
    else if (line.kind === 'comment') {
      const kept = ruleOfDisabled(line);
      if (kept !== null) rows.push(ruleRow(line, kept, index, false, []));
    }
  }
  for (; next < lines.length; next++) pushBroken(rows, broken, next, lines);
  return { rows, file, errors };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
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
  line: Line,
  filter: Filter,
  index: number,
  enabled: boolean,
  said: readonly string[],
): RuleRow {
  const { name, modifier } = filter.action;
  const isDeny = name === 'deny';
  return {
    kind: 'rule',
    index,
    line,
    said,
    filter,
    enabled,
    key: flat(printFilter({ ...filter, trailingComment: null })),
    aliasFor: ALIAS_CALLS.get(filter.call) ?? null,
    condition: filter.expr === null ? 'true' : flat(printExpr(filter.expr)),
    action: isDeny || modifier === null ? name : `${name}[${modifier}]`,
    error: isDeny ? denialErrno(modifier) : null,
    warnings: said.filter((w) => !SHADOWED.test(w)),
    reachable: !said.some((w) => SHADOWED.test(w)),
  };
}

/**
 * `text` kept as one string. A string built by concatenation is, in V8, a tree with a heap object
 * per piece until something reads it a character at a time, which makes V8 copy it into one
 * string (the tree is freed at the next collection). The rows of a 5,000-rule policy kept ~65,000
 * such pieces in their keys and conditions, which every garbage collection walked while the
 * table scrolled (issue 17).
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
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
