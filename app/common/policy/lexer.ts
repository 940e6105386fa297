// Splits one line of a policy into tokens. Policies are line-oriented (one rule per line), so
// the lexer works a line at a time and every token knows its column.

import type { Position, Span } from './ast.js';

export type TokenKind =
  | 'word' // names, keywords and numbers: native-fsread, filename, eq, then, 1000
  | 'string' // "..." with its escapes resolved
  | 'punct' // one of : , [ ] ( ) = != < >
  | 'comment' // # to the end of the line (text without the #)
  | 'end'; // the end of the line

export interface Token {
  kind: TokenKind;
  /** The word, the resolved string, the punctuation, or the comment's text. */
  text: string;
  span: Span;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

const PUNCTUATION = [':', ',', '[', ']', '(', ')', '=', '!=', '<', '>'];

function isWordChar(c: string): boolean {
  // Everything that is not space, a quote or punctuation belongs to a word: call names carry
  // '-' and '_', user names may carry '.', paths in headers carry '/'.
  return !/[\s"#:,[\]()=!<>]/.test(c);
}

/**
 * Tokenizes `text`, the content of line `line` starting at `lineOffset` in the file.
 * Throws LexError on an unterminated string or a character that cannot start a token.
 */
export function tokenizeLine(text: string, line: number, lineOffset: number): Token[] {
  const tokens: Token[] = [];
  const at = (index: number): Position => ({ line, col: index + 1, offset: lineOffset + index });
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (c === '#') {
      tokens.push({
        kind: 'comment',
        text: text.slice(i + 1),
        span: { start: at(i), end: at(text.length) },
      });
      i = text.length;
      break;
    }
    if (c === '"') {
      const { value, next } = readString(text, i, at);
      tokens.push({ kind: 'string', text: value, span: { start: at(start), end: at(next) } });
      i = next;
      continue;
    }
    const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (punct !== undefined) {
      i += punct.length;
      tokens.push({ kind: 'punct', text: punct, span: { start: at(start), end: at(i) } });
      continue;
    }
    if (!isWordChar(c)) {
      throw new LexError(`unexpected character "${c}"`, { start: at(i), end: at(i + 1) });
    }
    while (i < text.length && isWordChar(text[i]!)) i++;
    tokens.push({
      kind: 'word',
      text: text.slice(start, i),
      span: { start: at(start), end: at(i) },
    });
  }
  tokens.push({ kind: 'end', text: '', span: { start: at(text.length), end: at(text.length) } });
  return tokens;
}

// Only \" and \\ are escapes; any other backslash is kept, so regular expressions such as
// "\.so$" mean what they say without doubling every backslash. The value is made of slices of the
// line, not a character at a time: a string grown by `+=` is a chain of one small heap object per
// character, which a 5,000-rule policy's editor kept by the hundred thousand (issue 17).
function readString(
  text: string,
  open: number,
  at: (index: number) => Position,
): { value: string; next: number } {
  let value = '';
  let from = open + 1;
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { value: value + text.slice(from, i), next: i + 1 };
    if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text.slice(from, i) + text[i + 1];
      i += 2;
      from = i;
      continue;
    }
    i++;
  }
  throw new LexError('unterminated string: add the closing "', {
    start: at(open),
    end: at(text.length),
  });
}

/** Writes `value` as a policy string that reads back as exactly `value`. */
export function quoteString(value: string): string {
  // A backslash needs doubling only where it would otherwise start an escape or eat the quote.
  // One replace, not a character at a time (see readString).
  return `"${value.replace(/"|\\(?=["\\]|$)/g, (c) => `\\${c}`)}"`;
}
