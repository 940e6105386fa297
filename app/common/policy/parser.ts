// The parser of systrace's policy language (DESIGN §3), hand-written so that every error says
// where it is and what was expected. The grammar, after systrace's parse.y:
//
//   file       := { line }
//   line       := blank | comment | header | "detached" | rule
//   header     := ("Policy" | "Template") ":" value { "," key ":" value }
//   rule       := emulation "-" call ":" ( tail | expression "then" tail ) [ comment ]
//   tail       := action [ "[" word "]" ] [ "log" ] [ "as" elevation ] [ "," "if" predicate ]
//   expression := term { "or" term }
//   term       := factor { "and" factor }
//   factor     := "not" factor | "(" expression ")" | "true" | symbol
//   symbol     := name [ "[" number "]" ] operator string
//   elevation  := user [ ":" group ] | ":" group
//   predicate  := ("user" | "group") ("=" | "!=" | "<" | ">") (name | number)
//
// systrace's yacc grammar gave `and`, `or` and `not` no precedence, so it grouped a mixed
// expression from the right; sysgate uses the usual precedence (not, then and, then or) and
// warns wherever the two readings could differ, asking for parentheses.

import {
  ACTIONS,
  OPERATORS,
  PREDICATE_OPERATORS,
  type Action,
  type ActionName,
  type Elevation,
  type Expr,
  type Filter,
  type Header,
  type HeaderField,
  type Line,
  type Operator,
  type PolicyFile,
  type Position,
  type Predicate,
  type PredicateOperator,
  type Span,
} from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { LexError, tokenizeLine, type Token } from './lexer.js';

export interface ParseResult {
  /** Every line that parsed; a line with an error is left out. */
  file: PolicyFile;
  diagnostics: Diagnostic[];
}

/** Parses a whole policy file. Never throws: problems come back as diagnostics. */
export function parsePolicy(text: string, source = '<input>'): ParseResult {
  const lines: Line[] = [];
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  let lineNumber = 0;
  for (const raw of text.split('\n')) {
    lineNumber++;
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const parsed = parseLine(lineText, lineNumber, offset, source, diagnostics);
    if (parsed !== null) lines.push(parsed);
    offset += raw.length + 1;
  }
  // A file ending in a newline has an empty last "line" that is not a line of its own.
  const last = lines[lines.length - 1];
  if (text.endsWith('\n') && last?.kind === 'blank') lines.pop();
  return { file: { source, lines }, diagnostics };
}

/**
 * Parses one line of a file, as `parsePolicy` parses it where it stands (its 1-based number and
 * the offset of its start in the text): an editor re-parses only the lines that changed.
 */
export function parsePolicyLine(
  text: string,
  lineNumber: number,
  offset: number,
  source = '<input>',
): { line: Line | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const lineText = text.endsWith('\r') ? text.slice(0, -1) : text;
  const line = parseLine(lineText, lineNumber, offset, source, diagnostics);
  return { line, diagnostics };
}

export interface FilterParseResult {
  filter: Filter | null;
  diagnostics: Diagnostic[];
}

/** Parses one rule, such as a rule typed into a prompt: `native-fsread: filename eq "/x" then permit`. */
export function parseFilter(text: string, source = '<rule>'): FilterParseResult {
  const diagnostics: Diagnostic[] = [];
  const parser = new LineParser(text, 1, 0, source, diagnostics);
  let filter: Filter | null = null;
  try {
    filter = parser.rule();
  } catch (e) {
    parser.report(e);
  }
  return { filter, diagnostics };
}

export interface ExpressionParseResult {
  expr: Expr | null;
  diagnostics: Diagnostic[];
}

/** Parses a filter expression alone, such as `filename match "$HOME/*" and oflags sub "ro"`. */
export function parseExpression(text: string, source = '<expression>'): ExpressionParseResult {
  const diagnostics: Diagnostic[] = [];
  const parser = new LineParser(text, 1, 0, source, diagnostics);
  let expr: Expr | null = null;
  try {
    expr = parser.wholeExpression();
  } catch (e) {
    parser.report(e);
  }
  return { expr, diagnostics };
}

function parseLine(
  text: string,
  lineNumber: number,
  offset: number,
  source: string,
  diagnostics: Diagnostic[],
): Line | null {
  const trimmed = text.trim();
  const indent = text.length - text.trimStart().length;
  const at = (index: number): Position => ({
    line: lineNumber,
    col: index + 1,
    offset: offset + index,
  });
  const whole: Span = { start: at(indent), end: at(text.length) };
  if (trimmed === '') return { kind: 'blank', span: whole };
  if (trimmed.startsWith('#')) {
    return {
      kind: 'comment',
      text: text.slice(indent + 1).trimEnd(),
      indented: indent > 0,
      span: whole,
    };
  }
  if (trimmed === 'detached') return { kind: 'detached', span: whole };
  const parser = new LineParser(text, lineNumber, offset, source, diagnostics);
  try {
    if (/^(Policy|Template)\s*:/.test(trimmed)) return parser.header();
    return parser.rule();
  } catch (e) {
    parser.report(e);
    return null;
  }
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

class LineParser {
  private tokens: Token[] = [];
  private index = 0;

  constructor(
    private readonly text: string,
    private readonly lineNumber: number,
    private readonly offset: number,
    private readonly source: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  report(e: unknown): void {
    if (e instanceof ParseError || e instanceof LexError) this.diagnose('error', e.message, e.span);
    else throw e;
  }

  private diagnose(severity: 'error' | 'warning', message: string, span: Span): void {
    this.diagnostics.push({ severity, message, source: this.source, span, lineText: this.text });
  }

  private at(index: number): Position {
    return { line: this.lineNumber, col: index + 1, offset: this.offset + index };
  }

  // ---- headers -------------------------------------------------------------------------------

  header(): Header {
    const indent = this.text.length - this.text.trimStart().length;
    const fields: HeaderField[] = [];
    // Fields are `Key: value` separated by commas; a comma belongs to a value unless a new
    // `Key:` follows it, so a Description may contain commas.
    const pattern = /([A-Za-z][A-Za-z-]*)\s*:\s*(.*?)\s*(?=,\s*[A-Za-z][A-Za-z-]*\s*:|$)/g;
    let expectAt = indent;
    for (let m = pattern.exec(this.text); m !== null; m = pattern.exec(this.text)) {
      const between = this.text.slice(expectAt, m.index).trim();
      if (between !== '' && between !== ',') {
        throw new ParseError('expected "Key: value" in the header', this.spanOf(expectAt, m.index));
      }
      const span = this.spanOf(m.index, m.index + m[0].length);
      fields.push({ key: m[1]!, value: m[2]!, span });
      expectAt = m.index + m[0].length;
      if (m[0].length === 0) pattern.lastIndex++;
    }
    const first = fields[0]!;
    const type = first.key as 'Policy' | 'Template';
    if (first.value === '') {
      throw new ParseError(
        type === 'Policy'
          ? 'expected the program\'s path after "Policy:"'
          : 'expected a name after "Template:"',
        first.span,
      );
    }
    const seen = new Set<string>();
    for (const field of fields) {
      if (seen.has(field.key)) {
        this.diagnose('warning', `"${field.key}" appears twice in the header`, field.span);
      }
      seen.add(field.key);
    }
    return {
      kind: 'header',
      type,
      name: first.value,
      fields,
      span: this.spanOf(indent, this.text.length),
    };
  }

  private spanOf(from: number, to: number): Span {
    return { start: this.at(from), end: this.at(to) };
  }

  // ---- rules ---------------------------------------------------------------------------------

  rule(): Filter {
    this.tokens = tokenizeLine(this.text, this.lineNumber, this.offset);
    this.index = 0;
    const name = this.peek();
    if (name.kind !== 'word') {
      throw new ParseError('expected a rule such as "native-open: permit"', name.span);
    }
    const dash = name.text.indexOf('-');
    if (dash <= 0 || dash === name.text.length - 1) {
      throw new ParseError(
        `expected "emulation-call" such as "native-${name.text}" at the start of the rule`,
        name.span,
      );
    }
    this.next();
    this.expectPunct(':', `expected ":" after "${name.text}"`);
    const callSpan: Span = name.span;
    let expr: Expr | null = null;
    const first = this.peek();
    if (
      first.kind === 'word' &&
      this.tokens[this.index + 1]?.kind === 'end' &&
      !this.isActionWord(first)
    ) {
      // `native-read: maybe`: a lone word is a misspelt action far more often than a condition.
      throw new ParseError(
        `expected an action (permit, deny or ask) or a condition, found "${first.text}"`,
        first.span,
      );
    }
    if (!this.isActionWord(first)) {
      expr = this.expression();
      const then = this.peek();
      if (!(then.kind === 'word' && then.text === 'then')) {
        throw new ParseError('expected "then" after the expression', then.span);
      }
      this.next();
    }
    const action = this.action();
    const log = this.acceptWord('log');
    const elevation = this.peekWord('as') ? this.elevation() : null;
    const predicate = this.peekPunct(',') ? this.predicate() : null;
    let trailingComment: string | null = null;
    if (this.peek().kind === 'comment') trailingComment = this.next().text;
    const end = this.peek();
    if (end.kind !== 'end') {
      throw new ParseError(`unexpected "${end.text}" after the action`, end.span);
    }
    return {
      kind: 'filter',
      emulation: name.text.slice(0, dash),
      call: name.text.slice(dash + 1),
      callSpan,
      expr,
      action,
      log,
      elevation,
      predicate,
      trailingComment,
      span: { start: name.span.start, end: this.lastSignificantEnd() },
    };
  }

  wholeExpression(): Expr {
    this.tokens = tokenizeLine(this.text, this.lineNumber, this.offset);
    this.index = 0;
    const expr = this.expression();
    const end = this.peek();
    if (end.kind !== 'end')
      throw new ParseError(`unexpected "${end.text}" after the expression`, end.span);
    return expr;
  }

  private lastSignificantEnd(): Position {
    for (let i = this.index - 1; i >= 0; i--) {
      const t = this.tokens[i]!;
      if (t.kind !== 'comment' && t.kind !== 'end') return t.span.end;
    }
    return this.tokens[0]!.span.end;
  }

  // ---- expressions ---------------------------------------------------------------------------

  private expression(): Expr {
    let left = this.term();
    while (this.peekWord('or')) {
      this.next();
      const right = this.term();
      this.warnIfMixed(left, 'or');
      this.warnIfMixed(right, 'or');
      left = { kind: 'or', left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  private term(): Expr {
    let left = this.factor();
    while (this.peekWord('and')) {
      this.next();
      const right = this.factor();
      left = { kind: 'and', left, right, span: { start: left.span.start, end: right.span.end } };
    }
    return left;
  }

  // `a and b or c`: an `and` directly under an `or`, without parentheses, is where sysgate's
  // precedence and systrace's right grouping part ways.
  private warnIfMixed(child: Expr, parent: 'or'): void {
    if (child.kind === 'and') {
      this.diagnose(
        'warning',
        `"and" and "${parent}" mixed without parentheses: sysgate reads this as "(... and ...) or ...", systrace grouped it from the right; add parentheses`,
        child.span,
      );
    }
  }

  private factor(): Expr {
    const token = this.peek();
    if (token.kind === 'word' && token.text === 'not') {
      this.next();
      const operand = this.factor();
      const span = { start: token.span.start, end: operand.span.end };
      if (this.peekWord('and') || this.peekWord('or')) {
        this.diagnose(
          'warning',
          `"not" applies only to the condition right after it; systrace applied it to the whole rest of the expression; add parentheses`,
          span,
        );
      }
      return { kind: 'not', operand, span };
    }
    if (token.kind === 'punct' && token.text === '(') {
      this.next();
      const inner = this.expression();
      const close = this.peek();
      if (!(close.kind === 'punct' && close.text === ')')) {
        throw new ParseError(
          'expected ")" to close the "("',
          close.kind === 'end' ? token.span : close.span,
        );
      }
      this.next();
      return { kind: 'group', inner, span: { start: token.span.start, end: close.span.end } };
    }
    if (token.kind === 'word' && token.text === 'true') {
      this.next();
      return { kind: 'true', span: token.span };
    }
    if (token.kind === 'word' && ['then', 'and', 'or'].includes(token.text)) {
      throw new ParseError(`expected a condition before "${token.text}"`, token.span);
    }
    if (token.kind === 'word') return this.symbol();
    if (token.kind === 'end' || token.kind === 'comment') {
      throw new ParseError('expected a condition such as filename eq "/etc/passwd"', token.span);
    }
    throw new ParseError(`expected a condition, found "${token.text}"`, token.span);
  }

  private symbol(): Expr {
    const name = this.next();
    if (this.isActionWord(name)) {
      throw new ParseError(`expected a condition before "then ${name.text}"`, name.span);
    }
    let index: number | null = null;
    if (this.peekPunct('[')) {
      this.next();
      const n = this.peek();
      if (!(n.kind === 'word' && /^[0-9]+$/.test(n.text))) {
        throw new ParseError(`expected an argument number inside "${name.text}[...]"`, n.span);
      }
      this.next();
      index = Number(n.text);
      if (index > 5)
        throw new ParseError(`argument number ${index} is out of range (0 to 5)`, n.span);
      this.expectPunct(']', `expected "]" after "${name.text}[${n.text}"`);
    }
    const opToken = this.peek();
    if (!(opToken.kind === 'word' && (OPERATORS as readonly string[]).includes(opToken.text))) {
      throw new ParseError(
        `expected an operator (${OPERATORS.join(', ')}) after "${name.text}"`,
        opToken.span,
      );
    }
    this.next();
    const value = this.peek();
    if (value.kind !== 'string') {
      throw new ParseError(`expected a quoted string after "${opToken.text}"`, value.span);
    }
    this.next();
    return {
      kind: 'symbol',
      arg: name.text,
      index,
      op: opToken.text as Operator,
      value: value.text,
      span: { start: name.span.start, end: value.span.end },
    };
  }

  // ---- actions -------------------------------------------------------------------------------

  private isActionWord(token: Token): boolean {
    return token.kind === 'word' && (ACTIONS as readonly string[]).includes(token.text);
  }

  private action(): Action {
    const token = this.peek();
    if (!this.isActionWord(token)) {
      const found = token.kind === 'end' ? '' : `, found "${token.text}"`;
      throw new ParseError(`expected an action (permit, deny or ask)${found}`, token.span);
    }
    this.next();
    const name = token.text as ActionName;
    let modifier: string | null = null;
    let end = token.span.end;
    if (this.peekPunct('[')) {
      this.next();
      const word = this.peek();
      if (word.kind !== 'word') {
        const expected = name === 'permit' ? 'inherit or detach' : 'an error name such as enoent';
        throw new ParseError(`expected ${expected} inside "${name}[...]"`, word.span);
      }
      this.next();
      modifier = word.text;
      end = this.expectPunct(']', `expected "]" after "${name}[${word.text}"`).span.end;
      if (name === 'ask') throw new ParseError('"ask" takes no "[...]"', word.span);
      if (name === 'permit' && modifier !== 'inherit' && modifier !== 'detach') {
        throw new ParseError(
          `unknown flag "${modifier}" for permit: expected inherit or detach`,
          word.span,
        );
      }
    }
    return { name, modifier, span: { start: token.span.start, end } };
  }

  private elevation(): Elevation {
    const as = this.next();
    let user: string | null = null;
    let group: string | null = null;
    if (this.peek().kind === 'word') user = this.next().text;
    if (this.peekPunct(':')) {
      this.next();
      const g = this.peek();
      if (g.kind !== 'word') throw new ParseError('expected a group after ":"', g.span);
      group = this.next().text;
    }
    if (user === null && group === null) {
      throw new ParseError('expected user[:group] after "as"', this.peek().span);
    }
    return {
      user,
      group,
      span: { start: as.span.start, end: this.tokens[this.index - 1]!.span.end },
    };
  }

  private predicate(): Predicate {
    const comma = this.next();
    const ifWord = this.peek();
    if (!(ifWord.kind === 'word' && ifWord.text === 'if')) {
      throw new ParseError('expected "if" after "," (as in ", if user != 0")', ifWord.span);
    }
    this.next();
    const subject = this.peek();
    if (!(subject.kind === 'word' && (subject.text === 'user' || subject.text === 'group'))) {
      throw new ParseError('expected "user" or "group" after "if"', subject.span);
    }
    this.next();
    const op = this.peek();
    if (!(op.kind === 'punct' && (PREDICATE_OPERATORS as readonly string[]).includes(op.text))) {
      throw new ParseError(`expected one of = != < > after "${subject.text}"`, op.span);
    }
    this.next();
    const value = this.peek();
    if (value.kind !== 'word' && value.kind !== 'string') {
      throw new ParseError(
        `expected a ${subject.text} name or number after "${op.text}"`,
        value.span,
      );
    }
    this.next();
    return {
      subject: subject.text as 'user' | 'group',
      op: op.text as PredicateOperator,
      value: value.text,
      span: { start: comma.span.start, end: value.span.end },
    };
  }

  // ---- token helpers -------------------------------------------------------------------------

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private peekWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.next();
    return true;
  }

  private peekPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  private expectPunct(p: string, message: string): Token {
    const t = this.peek();
    if (!(t.kind === 'punct' && t.text === p)) throw new ParseError(message, t.span);
    return this.next();
  }
}
