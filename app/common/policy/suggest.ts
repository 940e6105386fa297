// The rules a prompt or the editor offers for a call (DESIGN §4): the value asked about, then the
// same value generalised step by step, each as a filter expression in policy syntax. Plain
// TypeScript, so the prompt in the renderer can use it as well as the host.

import { quoteString } from './lexer.js';
import type { CallRequest, Macros } from './request.js';

export interface Suggestion {
  /** What the rule covers, in the user's words: `anything in $HOME/src`. */
  label: string;
  /** The filter expression: `filename match "$HOME/src/*"`. */
  expression: string;
}

/** Suggestions for generalising the call's main argument into a rule, most specific first. */
export function suggestRules(request: CallRequest, macros: Macros): Suggestion[] {
  const [first, second] = request.args['filename'] ?? [];
  if (first !== undefined && second !== undefined)
    return [...bothNames(first, second, macros), { label: 'anything', expression: 'true' }];
  const arg = mainArgument(request);
  const readOnly =
    arg?.name === 'filename' && (request.args.oflags?.[0]?.startsWith('ro') ?? false);
  const suggestions: Suggestion[] = [];
  if (arg !== null) {
    if (arg.value.startsWith('/'))
      suggestions.push(...pathSuggestions(arg.name, arg.value, macros, readOnly));
    else if (arg.name === 'sockaddr') suggestions.push(...addressSuggestions(arg.value));
    else suggestions.push(exactly(arg.name, arg.value, arg.value));
  }
  if (readOnly) suggestions.push({ label: 'anything, read only', expression: 'oflags sub "ro"' });
  suggestions.push({ label: 'anything', expression: 'true' });
  const seen = new Set<string>();
  return suggestions.filter((s) => !seen.has(s.expression) && seen.add(s.expression));
}

// The argument a rule is usually about: the file, else the address, else whatever there is.
function mainArgument(request: CallRequest): { name: string; value: string } | null {
  const names = ['filename', 'sockaddr', ...Object.keys(request.args)];
  for (const name of names) {
    const value = request.args[name]?.[0];
    if (value !== undefined) return { name, value };
  }
  return null;
}

function pathSuggestions(
  name: string,
  path: string,
  macros: Macros,
  readOnly: boolean,
): Suggestion[] {
  const portable = withMacros(path, macros);
  const suggestions = [exactly(name, path, path), exactly(name, portable, portable)];
  const dir = parentOf(path);
  if (dir === '/') return suggestions;

  const patterns: Suggestion[] = [];
  const extension = extensionPattern(path.slice(dir.length + 1));
  if (extension !== null) {
    patterns.push(
      matching(
        name,
        `${escapeGlob(withMacros(dir, macros))}/${extension}`,
        `${extension} in ${withMacros(dir, macros)}`,
      ),
    );
  }
  // From the containing directory outwards, stopping before `/*`, which is everything.
  for (let d = dir; d !== '/'; d = parentOf(d)) {
    patterns.push(
      matching(
        name,
        `${escapeGlob(withMacros(d, macros))}/*`,
        `anything in ${withMacros(d, macros)}`,
      ),
    );
  }
  for (const pattern of patterns) {
    // systrace's own example: `filename match "$HOME/*" and oflags sub "ro"`.
    if (readOnly) {
      suggestions.push({
        label: `${pattern.label}, read only`,
        expression: `${pattern.expression} and oflags sub "ro"`,
      });
    }
    suggestions.push(pattern);
  }
  return suggestions;
}

/**
 * A call of two names (rename, link) is decided for each (evaluate.ts): each suggestion names
 * both, `filename` and `filename[1]`, so that the rule decides both at once: exactly these,
 * then both anywhere in each directory the two share, outwards, stopping before `/*`.
 */
function bothNames(first: string, second: string, macros: Macros): Suggestion[] {
  const both = (a: Suggestion, b: Suggestion, label: string): Suggestion => ({
    label,
    expression: `${a.expression} and ${b.expression.replace(/^filename /, 'filename[1] ')}`,
  });
  const suggestions: Suggestion[] = [];
  for (const [a, b] of [
    [first, second],
    [withMacros(first, macros), withMacros(second, macros)],
  ] as const)
    suggestions.push(
      both(exactly('filename', a, a), exactly('filename', b, b), `only ${a} to ${b}`),
    );
  if (!first.startsWith('/') || !second.startsWith('/')) return suggestions;
  for (let d = parentOf(first); d !== '/'; d = parentOf(d)) {
    if (!second.startsWith(`${d}/`)) continue;
    const pattern = `${escapeGlob(withMacros(d, macros))}/*`;
    const shown = `both in ${withMacros(d, macros)}`;
    suggestions.push(
      both(matching('filename', pattern, ''), matching('filename', pattern, ''), shown),
    );
  }
  return suggestions;
}

function addressSuggestions(address: string): Suggestion[] {
  const suggestions = [exactly('sockaddr', address, address)];
  const port = /^inet-\[.*\]:(\d+)$/.exec(address)?.[1];
  if (port !== undefined)
    suggestions.push(matching('sockaddr', `inet-*:${port}`, `any address, port ${port}`));
  return suggestions;
}

function exactly(name: string, value: string, shown: string): Suggestion {
  return { label: `only ${shown}`, expression: `${name} eq ${quoteString(value)}` };
}

function matching(name: string, pattern: string, label: string): Suggestion {
  return { label, expression: `${name} match ${quoteString(pattern)}` };
}

/**
 * Puts `$HOME` or `$CWD` back in for the longest of them that contains the path (`$HOME` on a
 * tie: it means the same in every session), and `$USER` for the user's name wherever it stands
 * as a word of its own: `/var/mail/jose`, `/tmp/jose-cache`.
 */
export function withMacros(path: string, macros: Macros): string {
  let best: { macro: string; value: string } | null = null;
  for (const macro of ['HOME', 'CWD'] as const) {
    const value = macros[macro].replace(/\/+$/, '');
    if (value === '' || !(path === value || path.startsWith(`${value}/`))) continue;
    if (best === null || value.length > best.value.length) best = { macro, value };
  }
  const head = best === null ? '' : `$${best.macro}`;
  const rest = best === null ? path : path.slice(best.value.length);
  if (macros.USER === '') return head + rest;
  const user = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(macros.USER)}(?![A-Za-z0-9])`, 'g');
  return head + rest.replace(user, () => '$USER');
}

/** `*.c` for `a.c`; `*.so.*` for a versioned library such as `libc.so.6`; null without an extension. */
function extensionPattern(base: string): string | null {
  if (/\.so(\.\d+)+$/.test(base)) return '*.so.*';
  const dot = base.lastIndexOf('.');
  // A leading dot makes a hidden file, not an extension: `.bashrc`.
  if (dot <= 0 || dot === base.length - 1) return null;
  return `*${escapeGlob(base.slice(dot))}`;
}

export function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

// Characters that fnmatch would read as a pattern are escaped, so a directory named `a[1]`
// matches itself only.
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
