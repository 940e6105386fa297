import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { compileRegex, regexMatches } from './regex.js';

/** Each case: expression, string, and whether glibc's regexec finds a match (all checked there). */
function agrees(cases: ReadonlyArray<readonly [string, string, boolean]>): void {
  for (const [source, subject, expected] of cases) {
    const compiled = compileRegex(source);
    assert.ok(
      compiled.ok,
      `${JSON.stringify(source)} should compile: ${compiled.ok || compiled.message}`,
    );
    assert.equal(
      regexMatches(compiled.regex, subject),
      expected,
      `${JSON.stringify(source)} on ${JSON.stringify(subject)}`,
    );
  }
}

/** Each case: expression, where the problem is (UTF-16 offset), and words of the message. */
function refuses(cases: ReadonlyArray<readonly [string, number, RegExp]>): void {
  for (const [source, offset, message] of cases) {
    const compiled = compileRegex(source);
    assert.equal(compiled.ok, false, `${JSON.stringify(source)} should be refused`);
    if (compiled.ok) continue;
    assert.equal(
      compiled.offset,
      offset,
      `offset for ${JSON.stringify(source)}: ${compiled.message}`,
    );
    assert.match(compiled.message, message, JSON.stringify(source));
  }
}

describe('regular expressions (re)', () => {
  test('a match anywhere in the string counts', () => {
    agrees([
      ['lib', '/usr/lib/x', true],
      ['\\.so$', '/usr/lib/libc.so', true],
      ['\\.so$', '/usr/lib/libc.so.6', false],
      ['^/etc/', '/etc/passwd', true],
      ['^/etc/', '/usr/etc/x', false],
      ['', 'anything', true],
    ]);
  });

  test('alternatives, groups and repetition', () => {
    agrees([
      ['^/(usr|opt)/lib', '/opt/lib/x', true],
      ['^(ab)+$', 'ababab', true],
      ['^(ab)+$', 'ababa', false],
      ['^a{2,3}$', 'aaa', true],
      ['^a{2,3}$', 'aaaa', false],
      ['^a{2}$', 'aa', true],
      ['^a{2,}$', 'aaaaa', true],
      ['^a{,2}b', 'aab', true],
      ['^a{,2}b', 'aaab', false],
      ['^x(|y)z$', 'xz', true],
      ['^()$', '', true],
    ]);
  });

  test('repeating a repetition is allowed, and "+?" is not lazy', () => {
    agrees([
      ['^a**$', 'aaa', true],
      ['^a+?$', '', true],
      ['^a+?$', 'aaa', true],
      ['^a{1}{2}$', 'aa', true],
    ]);
  });

  test('a backslash makes any character literal: "\\n" is the letter n', () => {
    agrees([
      ['a\\.b', 'a.b', true],
      ['a\\.b', 'axb', false],
      ['\\n', 'n', true],
      ['\\n', '\n', false],
      ['\\(\\)\\{\\}\\|', '(){}|', true],
    ]);
  });

  test('")", "}" and "]" alone are ordinary characters', () => {
    agrees([
      ['a)', 'a)', true],
      ['a}', 'a}', true],
      ['a]', 'a]', true],
    ]);
  });

  test('"." and negated sets match a newline, but "^" and "$" only at the ends', () => {
    agrees([
      ['a.b', 'a\nb', true],
      ['a[^x]b', 'a\nb', true],
      ['^b', 'a\nb', false],
      ['a$', 'a\nb', false],
      ['a$', 'a\n', false],
    ]);
  });

  test('bracket expressions: "]" first, "-" at the edges and a backslash are literal', () => {
    agrees([
      ['^[]a]$', ']', true],
      ['^[^]a]$', 'b', true],
      ['^[^]a]$', ']', false],
      ['^[a-]$', '-', true],
      ['^[-a]$', '-', true],
      ['^[\\]$', '\\', true],
      ['^[\\n]$', 'n', true],
      ['^[a-c]$', 'b', true],
      ['^[--/]$', '.', true],
      ['^[[:alpha:]-]$', '-', true],
      ['^[[:digit:][:space:]]+$', '1 2\t3', true],
      ['^[[:alpha:]]$', 'é', false],
    ]);
  });

  test("GNU's word, space and boundary escapes", () => {
    agrees([
      ['^\\w+$', 'a_1', true],
      ['\\W', 'a_1', false],
      ['^\\s$', '\t', true],
      ['\\S', ' \n', false],
      ['\\bfoo\\b', 'a foo b', true],
      ['\\bfoo\\b', 'afoo', false],
      ['a\\Bb', 'ab', true],
      ['\\<foo', 'x foo', true],
      ['\\<foo', 'xfoo', false],
      ['foo\\>', 'foo.', true],
      ['\\`a', 'ba', false],
      ["a\\'", 'ba', true],
    ]);
  });

  test('matching is on UTF-8 bytes, as in the C locale', () => {
    agrees([
      ['^.$', 'é', false],
      ['^..$', 'é', true],
      ['^caf[é]$', 'café', false],
      ['^café$', 'café', true],
    ]);
  });

  test('what glibc refuses is refused, at the place of the problem', () => {
    refuses([
      ['*a', 0, /nothing before it to repeat/],
      ['a|+b', 2, /nothing before it to repeat/],
      ['(?:a)', 1, /nothing before it to repeat/],
      ['{1}', 0, /nothing before it to repeat/],
      ['^*', 1, /nothing before it to repeat/],
      ['\\b+', 2, /nothing before it to repeat/],
      ['(ab', 0, /"\(" is never closed/],
      ['[ab', 0, /"\[" is never closed/],
      ['[]', 0, /"\[" is never closed/],
      ['[^]', 0, /"\[" is never closed/],
      ['a\\', 1, /backslash at the end/],
      ['a{', 1, /bad interval/],
      ['a{}', 1, /bad interval/],
      ['a{1,2,3}', 1, /bad interval/],
      ['a{3,2}', 1, /3 is more than 2/],
      ['[z-a]', 1, /invalid range/],
      ['[a-c-e]', 4, /"-" must be first or last/],
      ['[[:alpha:]-z]', 10, /"-" must be first or last/],
      ['[a-[:alpha:]]', 1, /invalid range/],
      ['[[:word:]]', 1, /unknown character class/],
      ['[[:alpha]', 1, /"\[:" is never closed/],
      ['é(', 1, /"\(" is never closed/],
    ]);
  });

  test('what cannot be reproduced exactly is refused with a reason', () => {
    refuses([
      ['(a)\\1', 3, /back-references/],
      ['[[=a=]]', 1, /not supported/],
      ['[[.a.]]', 1, /not supported/],
      ['a{256}', 1, /above \{255\}/],
      // glibc also matches these next to a newline inside the match ("a\n^b" on "a\nb").
      ['a\n^b', 2, /"\^" is supported only at the start/],
      ['a$\nb', 1, /"\$" is supported only at the end/],
      ['(^a)*', 1, /"\^" inside a repeated group/],
      ['x(a$|b)c', 3, /"\$" is supported only at the end/],
    ]);
  });

  test('anchors at the edges of the expression or of its alternatives are fine', () => {
    agrees([
      ['^a$', 'a', true],
      ['^a|b$', 'xb', true],
      ['(^a|^b)c', 'bc', true],
      ['x(a|b$)', 'xb', true],
      ['x(a|b$)', 'xb\n', false],
    ]);
  });
});
