// The POSIX character classes (`[:alpha:]`, ...) as the C locale defines them: ASCII only, so a
// byte of a multi-byte UTF-8 character is in none of them. Written as the inside of a JavaScript
// character class, for the regex translation and for testing one byte.

export const C_LOCALE_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\t-\\r ',
  blank: '\\t ',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

const testers = new Map<string, RegExp>(
  Object.entries(C_LOCALE_CLASSES).map(([name, members]) => [name, new RegExp(`^[${members}]$`)]),
);

export function isCharClassName(name: string): boolean {
  return testers.has(name);
}

/** Whether the byte (a one-character byte string) belongs to the named class. */
export function isInCharClass(name: string, byte: string): boolean {
  return testers.get(name)?.test(byte) ?? false;
}
