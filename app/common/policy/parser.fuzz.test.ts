// Malformed input never crashes the parser: random and mutated policies, bounded in count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseExpression, parseFilter, parsePolicy } from './parser.js';
import { printPolicy } from './printer.js';
import { formatDiagnostic, hasErrors } from './diagnostics.js';
import { RandomPolicy, seededRandom } from './random-policy.js';

const SEED_POLICY = readFileSync(
  new URL('../../../../app/common/policy/testdata/openbsd/usr_sbin_lpd', import.meta.url),
  'utf8',
);
const ALPHABET = ' \t\n"\\#:,[]()=!<>-_$*?/.abcdefghijklmnopqrstuvwxyz0123456789\u00e9\u0000';

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (out.length + 1));
    const roll = random();
    if (roll < 0.4)
      out = out.slice(0, at) + ALPHABET[Math.floor(random() * ALPHABET.length)] + out.slice(at);
    else if (roll < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 10));
    else {
      const from = Math.floor(random() * out.length);
      out = out.slice(0, at) + out.slice(from, from + Math.floor(random() * 30)) + out.slice(at);
    }
  }
  return out;
}

function assertSane(text: string): void {
  const lines = text.split('\n');
  const result = parsePolicy(text, 'fuzz');
  for (const d of result.diagnostics) {
    const { line, col } = d.span.start;
    assert.ok(line >= 1 && line <= lines.length, `line ${line} outside the text`);
    assert.ok(
      col >= 1 && col <= (lines[line - 1] ?? '').length + 1,
      `column ${col} outside line ${line}`,
    );
    assert.equal(typeof formatDiagnostic(d), 'string');
  }
  // What parsed cleanly prints to something that parses cleanly to the same text.
  if (!hasErrors(result.diagnostics)) {
    const printed = printPolicy(result.file);
    assert.equal(printPolicy(parsePolicy(printed).file), printed);
  }
}

test('mutations of a real policy give diagnostics with valid places, never an exception', () => {
  const random = seededRandom(7);
  for (let i = 0; i < 3000; i++) assertSane(mutate(SEED_POLICY, random));
});

test('random bytes give diagnostics, never an exception', () => {
  const random = seededRandom(11);
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const length = Math.floor(random() * 200);
    for (let j = 0; j < length; j++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
    assertSane(text);
    parseFilter(text);
    parseExpression(text);
  }
});

test('mutated generated policies give diagnostics, never an exception', () => {
  const random = seededRandom(13);
  for (let i = 0; i < 1000; i++) {
    assertSane(mutate(printPolicy(new RandomPolicy(random).file(8)), random));
  }
});
