// The `match` operator: shell patterns with exactly the meaning of glibc's
//
//     fnmatch(pattern, string, FNM_PATHNAME | FNM_LEADING_DIR)
//
// in the C locale, which is what the supervisor calls (and what systrace called). The two must
// never disagree, so this follows glibc (2.36) even where glibc is surprising; the unit tests
// beside this file record every such case, found by comparing both on random patterns.
//
// In words: `*` matches any run of characters and `?` any one character, but neither crosses a
// `/`; `[...]` matches one character from a set (`[!...]` and `[^...]` one not in it), with ranges
// `a-z`, classes `[:alpha:]`, and `[=c=]`, `[.c.]` standing for the character c; a set never
// matches `/`; a backslash makes the next character ordinary; an unterminated `[` is an ordinary
// character. FNM_LEADING_DIR: the pattern may match only the first directories of the string, so
// "/usr/lib" matches "/usr/lib/libc.so" and "$HOME/*" everything below $HOME.
//
// Matching is on UTF-8 bytes, as in C: `?` matches one byte, and a set holds bytes.
//
// Two conditions for the supervisor: it must not call setlocale() (ranges and classes would follow
// the locale's collation), and it must not have POSIXLY_CORRECT in its environment (glibc then
// reads `[^...]` as a set containing `^`).

import { isCharClassName, isInCharClass } from './char-classes.js';
import { utf8ByteString } from './utf8.js';

export function fnmatch(pattern: string, string: string): boolean {
  return new PatternMatch(utf8ByteString(pattern), utf8ByteString(string)).from(0, 0);
}

// glibc gives up on a class name this long (CHAR_CLASS_MAX_LENGTH).
const CLASS_NAME_LIMIT = 256;

class PatternMatch {
  /** Pattern and string positions after a star that are known not to match, so stars stay linear. */
  private readonly failedStars = new Set<number>();

  constructor(
    private readonly pattern: string,
    private readonly string: string,
  ) {}

  from(pi: number, si: number): boolean {
    const { pattern: p, string: s } = this;
    while (pi < p.length) {
      const c = p[pi]!;
      if (c === '*' || c === '?') {
        if (c === '*') return this.star(pi, si);
        if (si >= s.length || s[si] === '/') return false;
        pi++;
        si++;
        continue;
      }
      if (c === '\\') {
        // A trailing backslash matches nothing.
        if (pi + 1 >= p.length || s[si] !== p[pi + 1]) return false;
        pi += 2;
        si++;
        continue;
      }
      if (c === '[') {
        if (si >= s.length || s[si] === '/') return false;
        const after = matchSet(p, pi + 1, s[si]!);
        if (after === false) return false;
        if (after !== 'ordinary') {
          pi = after;
          si++;
          continue;
        }
      }
      if (s[si] !== c) return false;
      pi++;
      si++;
    }
    // FNM_LEADING_DIR: the pattern may end where a directory of the string ends.
    return si === s.length || s[si] === '/';
  }

  private star(pi: number, si: number): boolean {
    const { pattern: p, string: s } = this;
    // A run of stars and question marks is one star plus a number of characters it must take.
    for (; p[pi] === '*' || p[pi] === '?'; pi++) {
      if (p[pi] === '*') continue;
      if (si >= s.length || s[si] === '/') return false;
      si++;
    }
    if (pi === p.length) return true;
    // glibc looks for the character after a star only before the next `/`, so an escaped slash
    // there never matches, though a plain one does: "*\/x" matches nothing, "*/x" matches "a/x".
    if (p[pi] === '\\' && p[pi + 1] === '/') return false;
    const key = pi * (s.length + 1) + si;
    if (this.failedStars.has(key)) return false;
    const slash = s.indexOf('/', si);
    const componentEnd = slash < 0 ? s.length : slash;
    for (let k = si; k <= componentEnd; k++) {
      if (this.from(pi, k)) return true;
    }
    this.failedStars.add(key);
    return false;
  }
}

/** How one item of a set went: whether it took the byte, and where the next item starts. */
type ItemResult = { taken: boolean; next: number } | false;

/**
 * Matches the byte `ch` against the set whose text starts at `start` (after the `[`). Returns
 * where the pattern continues when the set accepts the byte, false when it rejects it (or is
 * malformed in a way glibc rejects), 'ordinary' when the `[` is an ordinary character.
 */
function matchSet(p: string, start: number, ch: string): number | 'ordinary' | false {
  let i = start;
  const negated = p[i] === '!' || p[i] === '^';
  if (negated) i++;
  // A `]` is the end of the set only after the first item, so "[]a]" is the set of `]` and `a`.
  for (;;) {
    if (i >= p.length) return 'ordinary';
    const item = setItem(p, i, ch);
    if (item === false) return false;
    if (item.taken) {
      const end = endOfSet(p, item.next);
      if (end === false || end === 'ordinary') return end;
      return negated ? false : end;
    }
    i = item.next;
    if (p[i] === ']') return negated ? i + 1 : false;
  }
}

function setItem(p: string, i: number, ch: string): ItemResult {
  const c = p[i]!;
  if (c === '\\') {
    if (i + 1 >= p.length) return false;
    return characterOrRange(p, p[i + 1]!, i + 2, ch);
  }
  if (c === '[' && p[i + 1] === ':') {
    const name = className(p, i + 2);
    if (name === false) return false;
    if (name === null) return characterOrRange(p, '[', i + 1, ch);
    if (!isCharClassName(name.name)) return false;
    return { taken: isInCharClass(name.name, ch), next: name.next };
  }
  if (c === '[' && p[i + 1] === '=') {
    if (i + 2 >= p.length || p[i + 3] !== '=' || p[i + 4] !== ']') {
      return characterOrRange(p, '[', i + 1, ch);
    }
    return { taken: ch === p[i + 2], next: i + 5 };
  }
  if (c === '[' && p[i + 1] === '.') {
    // The C locale names no collating elements, so only a single character may stand inside.
    const close = p.indexOf('.]', i + 2);
    if (close !== i + 3) return false;
    const symbol = p[i + 2]!;
    const after = close + 2;
    // Here glibc takes a following `-` as a range even before `]`, so "[[.a.]-]" holds only `-`.
    const startsRange = p[after] === '-' && after + 1 < p.length;
    if (!startsRange && ch === symbol) return { taken: true, next: after };
    return rangeAfter(p, symbol, after, ch);
  }
  return characterOrRange(p, c, i + 1, ch);
}

function characterOrRange(p: string, c: string, next: number, ch: string): ItemResult {
  const startsRange = p[next] === '-' && next + 1 < p.length && p[next + 1] !== ']';
  if (!startsRange && ch === c) return { taken: true, next };
  return rangeAfter(p, c, next, ch);
}

/** `low` was an item ending at `next`; if a `-` follows, it is the start of a range. */
function rangeAfter(p: string, low: string, next: number, ch: string): ItemResult {
  if (p[next] !== '-' || p[next + 1] === ']') return { taken: false, next };
  let i = next + 1;
  let high = p[i++];
  if (high === '[' && p[i] === '.') {
    const close = p.indexOf('.]', i + 1);
    if (close !== i + 2) return false;
    high = p[i + 1];
    i = close + 2;
  } else if (high === '\\') {
    high = p[i++];
  }
  // A range running into the end of the pattern ("[a-") matches nothing.
  if (high === undefined) return false;
  return { taken: low <= ch && ch <= high, next: i };
}

/** The name of `[:name:]` starting at `from`; null when this cannot be a class name. */
function className(p: string, from: number): { name: string; next: number } | null | false {
  let name = '';
  for (let m = from; ; m++) {
    if (name.length === CLASS_NAME_LIMIT) return false;
    const c = p[m];
    if (c === ':' && p[m + 1] === ']') return { name, next: m + 2 };
    // glibc's test is `c < 'a' || c >= 'z'`: no class name contains a `z`.
    if (c === undefined || c < 'a' || c >= 'z') return null;
    name += c;
  }
}

/**
 * Skips the rest of a set that already took the byte. glibc scans this part with rules of its
 * own (it rejects a malformed `[=` here that it would read as ordinary characters before the
 * match), which is why this is not simply a search for `]`.
 */
function endOfSet(p: string, k: number): number | 'ordinary' | false {
  for (;;) {
    const c = p[k++];
    if (c === ']') return k;
    if (c === undefined) return 'ordinary';
    if (c === '\\') {
      if (k >= p.length) return false;
      k++;
    } else if (c === '[' && p[k] === ':') {
      const colon = k;
      for (let count = 1; ; count++) {
        k++;
        if (count === CLASS_NAME_LIMIT) return false;
        if (p[k] === ':' && p[k + 1] === ']') {
          k += 2;
          break;
        }
        const n = p[k];
        if (n === undefined || n < 'a' || n >= 'z') {
          k = colon;
          break;
        }
      }
    } else if (c === '[' && p[k] === '=') {
      if (k + 1 >= p.length || p[k + 2] !== '=' || p[k + 3] !== ']') return false;
      k += 4;
    } else if (c === '[' && p[k] === '.') {
      const close = p.indexOf('.]', k + 1);
      if (close < 0) return false;
      k = close + 2;
    }
  }
}
