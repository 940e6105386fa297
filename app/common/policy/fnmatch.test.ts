import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { fnmatch } from './fnmatch.js';

/** Each case: pattern, string, and what glibc's fnmatch(FNM_PATHNAME | FNM_LEADING_DIR) says. */
function agrees(cases: ReadonlyArray<readonly [string, string, boolean]>): void {
  for (const [pattern, string, expected] of cases) {
    assert.equal(
      fnmatch(pattern, string),
      expected,
      `fnmatch(${JSON.stringify(pattern)}, ${JSON.stringify(string)})`,
    );
  }
}

describe('match patterns (fnmatch)', () => {
  test('a directory covers everything below it', () => {
    agrees([
      ['/usr/lib', '/usr/lib', true],
      ['/usr/lib', '/usr/lib/libc.so', true],
      ['/usr/lib', '/usr/lib/x86_64/libc.so', true],
      ['/usr/lib', '/usr/libexec', false],
      ['/usr/lib', '/usr', false],
      ['/usr/lib/', '/usr/lib', false],
    ]);
  });

  test('"dir/*" covers the files below the directory but not the directory itself', () => {
    agrees([
      ['/home/u/*', '/home/u/a', true],
      ['/home/u/*', '/home/u/a/b/c', true],
      ['/home/u/*', '/home/u/', true],
      ['/home/u/*', '/home/u', false],
    ]);
  });

  test('wildcards never cross a slash', () => {
    agrees([
      ['/tmp/*.c', '/tmp/a.c', true],
      ['/tmp/*.c', '/tmp/x/a.c', false],
      ['a*b', 'a/b', false],
      ['/e?c/x', '/e/c/x', false],
      ['a[/]b', 'a/b', false],
      ['a[!x]b', 'a/b', false],
      ['/?tc', '/etc', true],
      ['*', '/etc', true],
      ['/*', '/etc/passwd', true],
    ]);
  });

  test('a leading dot is an ordinary character (no FNM_PERIOD)', () => {
    agrees([
      ['/tmp/*', '/tmp/.hidden', true],
      ['*.txt', '.notes.txt', true],
    ]);
  });

  test('a backslash makes the next character ordinary, and a trailing one matches nothing', () => {
    agrees([
      ['a\\*', 'a*', true],
      ['a\\*', 'ab', false],
      ['\\a', 'a', true],
      ['a\\/x', 'a/x', true],
      ['a\\', 'a\\', false],
      ['\\', '\\', false],
    ]);
  });

  test('a star followed by an escaped slash matches nothing, though a plain slash works', () => {
    agrees([
      ['*/x', 'a/x', true],
      ['*\\/x', 'a/x', false],
      ['*?\\/x', 'ab/x', false],
    ]);
  });

  test('sets, negated sets and ranges', () => {
    agrees([
      ['[abc]', 'b', true],
      ['[!abc]', 'b', false],
      ['[^abc]', 'd', true],
      ['[a-c]x', 'bx', true],
      ['[z-a]', 'm', false],
      ['[a-]', '-', true],
      ['[--0]', '.', true],
      ['[--0]', '/', false],
    ]);
  });

  test('a "]" right after "[" or "[!" belongs to the set', () => {
    agrees([
      ['[]]', ']', true],
      ['[]-a]', '^', true],
      ['[!]]', 'a', true],
      ['[!]]', ']', false],
    ]);
  });

  test('inside a set a backslash escapes too', () => {
    agrees([
      ['[\\]]', ']', true],
      ['[a\\-z]', '-', true],
      ['[a\\-z]', 'm', false],
      ['[\\', '[\\', false],
    ]);
  });

  test('an unterminated "[" is an ordinary character', () => {
    agrees([
      ['[', '[', true],
      ['[ab', '[ab', true],
      ['[[', '[[', true],
      ['[!', '[!', true],
      ['[]', '[]', true],
    ]);
  });

  test('a range running into the end of the pattern matches nothing', () => {
    agrees([
      ['[a-', '[a-', false],
      ['[a-', 'a', false],
    ]);
  });

  test('character classes are ASCII, as in the C locale', () => {
    agrees([
      ['[[:alpha:]]', 'x', true],
      ['[[:alpha:]]', 'é', false],
      ['[[:digit:][:upper:]]', 'Q', true],
      ['[[:alpha:]-z]', '-', true],
      ['[[:nope:]]', 'n', false],
      ['[[:nope:]a]', 'a', false],
    ]);
  });

  test('"[:" without a proper class name is ordinary characters', () => {
    agrees([
      ['[[:alpha]', 'a', true],
      ['[[:alpha]', '[:alpha]', false],
      // glibc's test for a class name letter is `c < 'a' || c >= 'z'`, so a `z` ends it.
      ['[[:zz:]]', 'z', false],
      ['[[:zz:]]', 'z]', true],
    ]);
  });

  test('"[=c=]" and "[.c.]" stand for the character c', () => {
    agrees([
      ['[[=a=]]', 'a', true],
      ['[[=a]', '[', true],
      ['[[.a.]]', 'a', true],
      ['[[.ab.]]', 'a', false],
      ['[a-[.c.]]', 'b', true],
      // After "[.a.]" glibc reads "-" as a range even before "]", so "a" is not in this set.
      ['[[.a.]-]', 'a', false],
      ['[[.a.]-]', '-', true],
    ]);
  });

  test('glibc rejects a malformed "[=" after an item that matched', () => {
    agrees([
      ['[a[=b]', 'a', false],
      ['[a[=b]', '[', true],
    ]);
  });

  test('matching is on UTF-8 bytes', () => {
    agrees([
      ['?', 'é', false],
      ['??', 'é', true],
      ['[é]', 'é', false],
      ['/home/*/é*', '/home/u/été', true],
    ]);
  });

  test('many stars on a long name finish quickly', () => {
    const name = '/' + 'a'.repeat(2000);
    assert.equal(fnmatch('/*a*a*a*a*a*a*a*a*a*a*b', name), false);
  });
});
