// A policy file is named after the binary it governs, as systrace named them: the path without
// its leading `/`, every character other than a letter or digit turned into `_`.

import { posix } from 'node:path';

/** `/usr/bin/ls` → `usr_bin_ls`. Throws on a relative path: a policy names one binary, wherever it is run from. */
export function policyFileName(executablePath: string): string {
  if (!executablePath.startsWith('/')) {
    throw new Error(
      `a policy is named after an absolute path, and "${executablePath}" is relative`,
    );
  }
  // `/usr//bin/./ls` and `/usr/bin/ls` are one binary, so they share one file.
  const normalized = posix.normalize(executablePath).replace(/\/+$/, '');
  if (normalized === '')
    throw new Error('"/" is a directory, not a program that can have a policy');
  return normalized.slice(1).replace(/[^A-Za-z0-9]/gu, '_');
}

/** Dot files (our own temporary files, editors' swap files) and editors' backups are not policies. */
export function isPolicyName(name: string): boolean {
  return (
    !name.startsWith('.') &&
    !name.startsWith('#') &&
    !name.endsWith('~') &&
    !/^README|\.md$/.test(name)
  );
}
