// How a question's facts read in the prompt and the queue.

/** A command line as a shell would take it back: `cat '/tmp/a b'`. */
export function commandLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(' ');
}

function shellWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `fsread` after the call's own name, when the call belongs to an alias group. */
export function callWithAlias(call: string, alias: string | null): string {
  return alias === null ? call : `${call} (${alias})`;
}
