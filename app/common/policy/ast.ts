// The typed syntax tree of a systrace policy file. Every node keeps where it was written, so
// diagnostics, the editor and the decision records can point at `file:line:col`.

/** A place in the source: 1-based line and column, 0-based offset into the text. */
export interface Position {
  line: number;
  col: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/** The comparison operators of systrace's filter language. */
export const OPERATORS = ['eq', 'neq', 'match', 'sub', 'nsub', 're', 'inpath'] as const;
export type Operator = (typeof OPERATORS)[number];

/** `filename[1] match "/tmp/*"`: an argument translation compared with a string. */
export interface SymbolExpr {
  kind: 'symbol';
  /** The translation's name: `filename`, `oflags`, `sockaddr`, ... */
  arg: string;
  /** The `[n]` offset, or null when none was written (the first argument of that kind). */
  index: number | null;
  op: Operator;
  /** The string exactly as it means (escapes resolved, macros not yet expanded). */
  value: string;
  span: Span;
}

export interface TrueExpr {
  kind: 'true';
  span: Span;
}

export interface NotExpr {
  kind: 'not';
  operand: Expr;
  span: Span;
}

export interface BinaryExpr {
  kind: 'and' | 'or';
  left: Expr;
  right: Expr;
  span: Span;
}

/** Parentheses as the author wrote them, kept so that printing gives the same text back. */
export interface GroupExpr {
  kind: 'group';
  inner: Expr;
  span: Span;
}

export type Expr = SymbolExpr | TrueExpr | NotExpr | BinaryExpr | GroupExpr;

export const ACTIONS = ['permit', 'deny', 'ask'] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface Action {
  name: ActionName;
  /**
   * The bracketed word after the action, as written: an error name for `deny[enoent]`,
   * `inherit` or `detach` for `permit[...]`; null when there is none.
   */
  modifier: string | null;
  span: Span;
}

/** `as user[:group]`: run the call with other credentials (root only, as in systrace). */
export interface Elevation {
  user: string | null;
  group: string | null;
  span: Span;
}

export const PREDICATE_OPERATORS = ['=', '!=', '<', '>'] as const;
export type PredicateOperator = (typeof PREDICATE_OPERATORS)[number];

/** `, if user != 0`: the filter applies only when the caller's user or group compares so. */
export interface Predicate {
  subject: 'user' | 'group';
  op: PredicateOperator;
  /** A number or a name, as written. */
  value: string;
  span: Span;
}

/**
 * One rule: `native-fsread: filename eq "/etc/passwd" then permit log`.
 * `expr` is null for the short form `native-mmap: permit`, which means `true then permit`.
 */
export interface Filter {
  kind: 'filter';
  emulation: string;
  call: string;
  callSpan: Span;
  expr: Expr | null;
  action: Action;
  log: boolean;
  elevation: Elevation | null;
  predicate: Predicate | null;
  /** A `# ...` comment after the rule on the same line, without the `#`. */
  trailingComment: string | null;
  span: Span;
}

export interface HeaderField {
  key: string;
  value: string;
  span: Span;
}

/** `Policy: /usr/bin/ls, Emulation: native` or `Template: name, Emulation: native, Description: ...` */
export interface Header {
  kind: 'header';
  type: 'Policy' | 'Template';
  /** The first field's value: the binary's path for a policy, the template's name otherwise. */
  name: string;
  fields: HeaderField[];
  span: Span;
}

/** The line `detached`: processes under this policy run without supervision (systrace). */
export interface Detached {
  kind: 'detached';
  span: Span;
}

export interface Comment {
  kind: 'comment';
  /** The text after `#`, as written. */
  text: string;
  /** Whether the comment line was indented (inside a policy body). */
  indented: boolean;
  span: Span;
}

export interface Blank {
  kind: 'blank';
  span: Span;
}

export type Line = Header | Filter | Detached | Comment | Blank;

/** A whole file: its lines in order, exactly what the printer writes back. */
export interface PolicyFile {
  /** The name used in diagnostics (a path, or `<input>`). */
  source: string;
  lines: Line[];
}

/** One policy or template of a file: its header and the lines up to the next header. */
export interface PolicySection {
  header: Header | null;
  filters: Filter[];
  detached: boolean;
}

/** Every comparison in an expression, left to right. */
export function symbolsOf(expr: Expr | null): SymbolExpr[] {
  if (expr === null) return [];
  switch (expr.kind) {
    case 'symbol':
      return [expr];
    case 'true':
      return [];
    case 'not':
      return symbolsOf(expr.operand);
    case 'group':
      return symbolsOf(expr.inner);
    case 'and':
    case 'or':
      return [...symbolsOf(expr.left), ...symbolsOf(expr.right)];
  }
}

/** Groups a file's lines under their headers; filters before any header form a section of their own. */
export function sectionsOf(file: PolicyFile): PolicySection[] {
  const sections: PolicySection[] = [];
  let current: PolicySection | null = null;
  for (const line of file.lines) {
    if (line.kind === 'header') {
      current = { header: line, filters: [], detached: false };
      sections.push(current);
      continue;
    }
    if (line.kind !== 'filter' && line.kind !== 'detached') continue;
    if (current === null) {
      current = { header: null, filters: [], detached: false };
      sections.push(current);
    }
    if (line.kind === 'filter') current.filters.push(line);
    else current.detached = true;
  }
  return sections;
}
