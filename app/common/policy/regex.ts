// The `re` operator: POSIX extended regular expressions, as the supervisor runs them with glibc's
// regcomp(REG_EXTENDED | REG_NOSUB) and regexec in the C locale ("is there a match anywhere"). This
// file translates such an expression into a JavaScript RegExp with the same answer on every
// string, or refuses it, with a message and the offending place, when it cannot promise that.
//
// Only "does it match" is ever asked, so the one deep difference between the two engines, POSIX's
// leftmost-longest match against JavaScript's leftmost-first, cannot show: both find a match
// exactly when one exists. Groups become non-capturing for the same reason.
//
// What glibc reads, and how it comes out here:
//   * Matching is on UTF-8 bytes: `.` is one byte and a bracket expression a set of bytes. The
//     RegExp therefore runs on byte strings (see utf8.ts); use regexMatches(), not regex.test().
//   * `.` matches any byte but NUL, newline included; `^` and `$` match at the ends of the string
//     only (REG_NEWLINE is not set).
//   * `*` `+` `?` `{m}` `{m,}` `{m,n}` and GNU's `{,n}`, repeated freely ("a**", "a+?" is (a+)?);
//     a repetition with nothing before it ("*a", "(+a)", "a|?", "^*") is an error, as in glibc.
//   * Bracket expressions: `]` first is literal, a backslash is literal, `-` first or last is
//     literal, ranges by byte value, `[:class:]` in the C locale.
//   * A backslash makes the next character literal ("\n" is `n`), except GNU's `\w \W \s \S`,
//     `\b \B \< \>` and `` \` \' ``, which mean what they mean in glibc.
//   * `)` without `(`, `}` and `]` are literal.
// Refused although glibc accepts them: `^` anywhere but at the start of the expression (or of
// an alternative there) and `$` anywhere but at its end, because glibc then also matches them
// next to a newline inside the match; back-references (`\1`; POSIX and JavaScript differ on
// them); `[=x=]` and `[.x.]`; interval bounds above 255 (glibc takes up to 32767, other libcs
// only 255); and glibc's odd `\,` inside an interval.

import { C_LOCALE_CLASSES, isCharClassName } from './char-classes.js';
import { textOfUtf8, utf8ByteString } from './utf8.js';

export type CompiledRegex =
  | { ok: true; regex: RegExp }
  /** `offset` is where in the source the problem is (0-based, in UTF-16 units like the source). */
  | { ok: false; message: string; offset: number };

export function compileRegex(source: string): CompiledRegex {
  let js: string;
  try {
    js = new EreTranslation(utf8ByteString(source)).translate();
  } catch (e) {
    if (!(e instanceof RegexError)) throw e;
    return { ok: false, message: e.message, offset: offsetInSource(source, e.byteOffset) };
  }
  try {
    return { ok: true, regex: new RegExp(js) };
  } catch {
    // Never seen in testing against glibc; if it happens, refusing keeps both sides in step.
    return { ok: false, message: 'this expression cannot be translated', offset: 0 };
  }
}

/** What regexec answers: whether `subject` contains a match of a regex from compileRegex(). */
export function regexMatches(regex: RegExp, subject: string): boolean {
  return regex.test(utf8ByteString(subject));
}

const MAX_REPEAT = 255;
const WORD = '0-9A-Za-z_';

class RegexError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
  ) {
    super(message);
  }
}

/**
 * A translated piece of the pattern, with the `^` and `$` in it that are exact only while this
 * piece stays at the start (carets) or at the end (dollars) of the whole expression.
 */
interface Part {
  js: string;
  carets: number[];
  dollars: number[];
  /** An anchor: glibc allows no repetition after it. */
  isAnchor?: boolean;
}

/** A recursive-descent reading of glibc's ERE grammar over the pattern's bytes. */
class EreTranslation {
  private pos = 0;

  constructor(private readonly p: string) {}

  translate(): string {
    // At the top level `)` is an ordinary character, so this reads the whole pattern; the anchors
    // left over are at its very start or end, where the two engines agree.
    return this.alternatives(0).js;
  }

  private alternatives(depth: number): Part {
    const branches = [this.branch(depth)];
    while (this.p[this.pos] === '|') {
      this.pos++;
      branches.push(this.branch(depth));
    }
    return {
      js: branches.map((b) => b.js).join('|'),
      carets: branches.flatMap((b) => b.carets),
      dollars: branches.flatMap((b) => b.dollars),
    };
  }

  // glibc lets `^` match after a newline that the expression itself has just read, and `$` before
  // one it reads next ("a\n^b" matches "a\nb"), though neither matches at a newline next to the
  // match. JavaScript has no such anchor, so `^` is accepted only where nothing can come before
  // it in a match, and `$` only where nothing can come after it.
  private branch(depth: number): Part {
    const parts: Part[] = [];
    for (;;) {
      const c = this.p[this.pos];
      if (c === undefined || c === '|' || (c === ')' && depth > 0)) break;
      parts.push(this.expression(depth));
    }
    parts.forEach((part, i) => {
      const caret = i > 0 ? part.carets[0] : undefined;
      if (caret !== undefined) throw anchorInside('^', caret);
      const dollar = i < parts.length - 1 ? part.dollars[0] : undefined;
      if (dollar !== undefined) throw anchorInside('$', dollar);
    });
    return {
      js: parts.map((part) => part.js).join(''),
      carets: parts[0]?.carets ?? [],
      dollars: parts[parts.length - 1]?.dollars ?? [],
    };
  }

  private expression(depth: number): Part {
    const c = this.p[this.pos]!;
    if ('*+?{'.includes(c)) {
      throw new RegexError(`"${c}" has nothing before it to repeat`, this.pos);
    }
    const atom = this.atom(depth);
    if (atom.isAnchor) return atom;
    let js = atom.js;
    for (let repeated = false; ; repeated = true) {
      const quantifier = this.quantifier();
      if (quantifier === null) return { ...atom, js };
      const anchor = atom.carets[0] ?? atom.dollars[0];
      if (anchor !== undefined) {
        throw new RegexError(
          `"${this.p[anchor]}" inside a repeated group is not supported`,
          anchor,
        );
      }
      // "a+?" is (a+)? in POSIX but a lazy a+ in JavaScript: a second repetition gets a group.
      js = (repeated ? `(?:${js})` : js) + quantifier;
    }
  }

  private atom(depth: number): Part {
    const start = this.pos;
    const c = this.p[this.pos++]!;
    switch (c) {
      case '(': {
        const inner = this.alternatives(depth + 1);
        if (this.p[this.pos] !== ')') throw new RegexError('"(" is never closed', start);
        this.pos++;
        return { ...inner, js: `(?:${inner.js})` };
      }
      case '[':
        return plain(this.bracket(start));
      case '.':
        return plain('[^\\x00]');
      case '^':
        return { js: '^', carets: [start], dollars: [], isAnchor: true };
      case '$':
        return { js: '$', carets: [], dollars: [start], isAnchor: true };
      case '\\':
        return this.escape(start);
      default:
        return plain(byte(c));
    }
  }

  private escape(start: number): Part {
    const c = this.p[this.pos++];
    if (c === undefined) throw new RegexError('a backslash at the end escapes nothing', start);
    if (c >= '1' && c <= '9') {
      throw new RegexError(`back-references ("\\${c}") are not supported`, start);
    }
    // GNU's escapes. Word characters are [0-9A-Za-z_] in both engines; the buffer anchors \` and
    // \' are JavaScript's ^ and $ exactly, as they ignore newlines in glibc too.
    const gnu: Record<string, string> = {
      w: `[${WORD}]`,
      W: `[^${WORD}]`,
      s: `[${C_LOCALE_CLASSES.space}]`,
      S: `[^${C_LOCALE_CLASSES.space}]`,
    };
    const gnuAnchors: Record<string, string> = {
      b: '\\b',
      B: '\\B',
      '<': '\\b(?=\\w)',
      '>': '\\b(?<=\\w)',
      '`': '^',
      "'": '$',
    };
    const anchor = gnuAnchors[c];
    if (anchor !== undefined) return { js: anchor, carets: [], dollars: [], isAnchor: true };
    return plain(gnu[c] ?? byte(c));
  }

  /** `*`, `+`, `?` or an interval, in JavaScript's spelling; null when none follows. */
  private quantifier(): string | null {
    const c = this.p[this.pos];
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c;
    }
    if (c !== '{') return null;
    const start = this.pos++;
    const bad = (why: string): RegexError => new RegexError(`bad interval "{...}": ${why}`, start);
    let min = this.number();
    if (min === null) {
      if (this.p[this.pos] !== ',') throw bad('it must start with a number');
      min = 0;
    }
    let max: number | null = min;
    if (this.p[this.pos] === ',') {
      this.pos++;
      max = this.number();
    }
    if (this.p[this.pos] !== '}') throw bad('expected "}" after the numbers');
    this.pos++;
    if (max !== null && min > max) throw bad(`${min} is more than ${max}`);
    if (Math.max(min, max ?? 0) > MAX_REPEAT) {
      throw new RegexError(`intervals above {${MAX_REPEAT}} are not supported`, start);
    }
    return max === min ? `{${min}}` : `{${min},${max ?? ''}}`;
  }

  private number(): number | null {
    const digits = /^[0-9]+/.exec(this.p.slice(this.pos))?.[0];
    if (digits === undefined) return null;
    this.pos += digits.length;
    // Anything this long is refused anyway; keep the value finite.
    return Number(digits.slice(0, 9));
  }

  /** A bracket expression after its `[` (at `open`), as a JavaScript character class. */
  private bracket(open: number): string {
    const unterminated = (): RegexError => new RegexError('"[" is never closed', open);
    let negated = false;
    if (this.p[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    let members = '';
    for (let first = true; ; first = false) {
      if (this.pos >= this.p.length) throw unterminated();
      const itemStart = this.pos;
      const low = this.bracketItem(first);
      if (this.pos >= this.p.length) throw unterminated();
      const rangeDash = this.p[this.pos] === '-' && this.p[this.pos + 1] !== ']';
      if (typeof low === 'string' && rangeDash) {
        this.pos++;
        if (this.pos >= this.p.length) throw unterminated();
        const high = this.bracketItem(true);
        if (typeof high !== 'string' || high < low) {
          throw new RegexError('invalid range in "[...]"', itemStart);
        }
        members += `${byte(low)}-${byte(high)}`;
      } else {
        members += typeof low === 'string' ? byte(low) : low.members;
      }
      if (this.pos >= this.p.length) throw unterminated();
      if (this.p[this.pos] === ']') break;
    }
    this.pos++;
    return `[${negated ? '^' : ''}${members}]`;
  }

  /** One byte of a bracket expression, or a class as JavaScript class members. */
  private bracketItem(hyphenAllowed: boolean): string | { members: string } {
    const start = this.pos;
    const c = this.p[this.pos]!;
    const delimiter = this.p[this.pos + 1];
    if (c === '[' && (delimiter === ':' || delimiter === '=' || delimiter === '.')) {
      const close = this.p.indexOf(`${delimiter}]`, this.pos + 2);
      if (close < 0) throw new RegexError(`"[${delimiter}" is never closed`, start);
      const name = this.p.slice(this.pos + 2, close);
      this.pos = close + 2;
      const shown = textOfUtf8(name);
      if (delimiter !== ':') {
        throw new RegexError(`"[${delimiter}${shown}${delimiter}]" is not supported`, start);
      }
      if (!isCharClassName(name)) {
        throw new RegexError(`unknown character class "[:${shown}:]"`, start);
      }
      return { members: C_LOCALE_CLASSES[name]! };
    }
    // Outside the first place and the last, a `-` can only be part of a range.
    if (c === '-' && !hyphenAllowed && this.p[this.pos + 1] !== ']') {
      throw new RegexError('"-" must be first or last in "[...]", or part of a range', start);
    }
    this.pos++;
    return c;
  }
}

function plain(js: string): Part {
  return { js, carets: [], dollars: [] };
}

function anchorInside(anchor: string, byteOffset: number): RegexError {
  const where = anchor === '^' ? 'at the start' : 'at the end';
  return new RegexError(
    `"${anchor}" is supported only ${where} of the expression or of one of its alternatives`,
    byteOffset,
  );
}

/** A byte as a JavaScript escape, so that nothing in the pattern is special to JavaScript. */
function byte(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** The position in `source` of the character that holds UTF-8 byte number `byteOffset`. */
function offsetInSource(source: string, byteOffset: number): number {
  let bytes = 0;
  let offset = 0;
  for (const char of source) {
    const size = utf8ByteString(char).length;
    if (bytes + size > byteOffset) return offset;
    bytes += size;
    offset += char.length;
  }
  return offset;
}
