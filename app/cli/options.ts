// POSIX getopt for the command line: clustered flags (-Aa), values joined or apart (-dDIR,
// -d DIR), and the first operand ends the options, so `sysgate -a ls -l` passes -l to ls.

export interface ParsedOptions {
  flags: Set<string>;
  /** Every value given for each option that takes one, in order (-f may repeat). */
  values: Map<string, string[]>;
  operands: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * `flags`: letters that take no value; `withValue`: letters that take one.
 * Throws UsageError for an unknown option or a missing value.
 */
export function getopt(argv: readonly string[], flags: string, withValue: string): ParsedOptions {
  const parsed: ParsedOptions = { flags: new Set(), values: new Map(), operands: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (flags.includes(letter)) {
        parsed.flags.add(letter);
        continue;
      }
      if (!withValue.includes(letter)) throw new UsageError(`unknown option -${letter}`);
      let value = arg.slice(j + 1);
      if (value === '') {
        i++;
        if (i >= argv.length) throw new UsageError(`option -${letter} needs a value`);
        value = argv[i]!;
      }
      parsed.values.set(letter, [...(parsed.values.get(letter) ?? []), value]);
      break;
    }
  }
  parsed.operands = argv.slice(i);
  return parsed;
}
