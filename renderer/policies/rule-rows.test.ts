import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseFilter, parsePolicy } from '../../app/common/policy/parser.js';
import { inserted, moved, neighbour, newRuleIndex, removed, replaced, ruleLine } from './draft.js';
import {
  lintWarnings,
  linesOfText,
  parseLines,
  rowMatches,
  rowsOf,
  rowsOfParsed,
  textOfLines,
  type RuleRow,
  type Rows,
} from './rule-rows.js';

const TEXT = [
  'Policy: /usr/bin/cat, Emulation: native',
  '\t# what cat reads',
  '\tnative-fsread: filename match "/etc/*" then permit',
  '\tnative-fsread: filename eq "/etc/hosts" then deny[enoent] log',
  '\t# disabled: native-connect: sockaddr match "inet-*:53" then permit',
  '\tnative-frobnicate: permit',
  '\tnative-execve: permit[inherit]',
  '',
].join('\n');

const rule = (text: string) => parseFilter(text).filter!;

test('each rule is a row in order, with its call, condition, action, error and warnings', () => {
  const { rows, errors } = rowsOf(linesOfText(TEXT), 'x86_64');
  assert.deepEqual(errors, []);
  const shown = (rows as RuleRow[]).map((r) => [
    r.index + 1,
    r.filter.call,
    r.condition,
    r.action,
    r.error,
    r.filter.log,
    r.enabled,
    r.reachable,
  ]);
  assert.deepEqual(shown, [
    [3, 'fsread', 'filename match "/etc/*"', 'permit', null, false, true, true],
    [4, 'fsread', 'filename eq "/etc/hosts"', 'deny', 'enoent', true, true, false],
    [5, 'connect', 'sockaddr match "inet-*:53"', 'permit', null, false, false, true],
    [6, 'frobnicate', 'true', 'permit', null, false, true, true],
    [7, 'execve', 'true', 'permit[inherit]', null, false, true, true],
  ]);
  const [fsread, , , unknown] = rows as RuleRow[];
  assert.ok(fsread!.aliasFor?.includes('openat'), 'an alias names the calls it stands for');
  assert.match(unknown!.warnings.join(), /unknown system call "frobnicate"/);
});

test('a line that does not parse is a row of its own, with its error at line and column', () => {
  const lines = linesOfText(TEXT.replace('filename match "/etc/*"', 'filename match'));
  const { rows, errors } = rowsOf(lines, 'x86_64', 'usr_bin_cat');
  assert.equal(errors.length, 1);
  assert.equal(rows[0]!.kind, 'broken');
  assert.equal(rows[0]!.index, 2);
  assert.equal(errors[0]!.span.start.line, 3);
  assert.equal(errors[0]!.span.start.col, 32);
  assert.equal(rows.length, 5, 'the other rules are still there');
});

test('edits change only their own lines; the text round-trips', () => {
  const lines = linesOfText(TEXT);
  assert.equal(textOfLines(lines), TEXT);
  const { rows } = rowsOf(lines, 'x86_64');
  const added = inserted(
    lines,
    newRuleIndex(lines, rows, null),
    ruleLine(rule('native-read: permit')),
  );
  assert.equal(added[7], '\tnative-read: permit');
  assert.equal(inserted(lines, newRuleIndex(lines, rows, 2), 'x')[3], 'x');
  const off = replaced(
    lines,
    2,
    ruleLine(rule('native-fsread: filename match "/etc/*" then permit'), false),
  );
  assert.equal(off[2], '\t# disabled: native-fsread: filename match "/etc/*" then permit');
  assert.deepEqual(removed(lines, 1).slice(0, 2), [lines[0], lines[2]]);
  assert.deepEqual(moved(lines, 3, 2).slice(2, 4), [lines[3], lines[2]]);
  assert.deepEqual(moved(lines, 2, 4).slice(2, 5), [lines[3], lines[4], lines[2]]);
  assert.equal(neighbour(rows, 3, -1)?.index, 2);
  assert.equal(neighbour(rows, 2, -1), null);
});

test('a policy without rules gets its first one after the header', () => {
  const lines = ['# mine', 'Policy: /bin/true, Emulation: native'];
  assert.equal(newRuleIndex(lines, rowsOf(lines, 'x86_64').rows, null), 2);
});

test('the search finds rules by any part of their text', () => {
  const { rows } = rowsOf(linesOfText(TEXT), 'x86_64');
  assert.deepEqual(
    rows.filter((r) => rowMatches(r, 'ETC/HOSTS')).map((r) => r.index),
    [3],
  );
  assert.deepEqual(
    rows.filter((r) => rowMatches(r, 'disabled')).map((r) => r.index),
    [4],
  );
});

test("a rule that would let a program change sysgate's own files says, on its row, that they stay protected", () => {
  const text = [
    'Policy: /usr/bin/cp, Emulation: native',
    '\tnative-fswrite: filename match "$HOME/*" then permit',
    '\tnative-fswrite: filename match "/tmp/*" then permit',
    '',
  ].join('\n');
  const rows = rowsOf(linesOfText(text), 'x86_64').rows as RuleRow[];
  assert.match(
    rows[0]!.warnings.join(),
    /sysgate's own files stay protected whatever this rule says/,
  );
  assert.deepEqual(rows[1]!.warnings, []);
});

/** Rows as the table shows them: everything but offsets, which only the whole text has right. */
function shown(rows: Rows) {
  return JSON.stringify(
    {
      rows: rows.rows.map((r) => (r.kind === 'rule' ? { ...r, line: null, said: null } : r)),
      errors: rows.errors,
    },
    (key, value: unknown) => (key === 'offset' ? undefined : value),
  );
}

test('after each edit, parsing the changed lines alone and linting gives the rows of the whole text', () => {
  let lines: readonly string[] = linesOfText(TEXT);
  let parsed = parseLines(lines, 'p');
  let rows = rowsOfParsed(parsed, lintWarnings(parsed, 'x86_64'));
  const deny = ruleLine(rule('native-fsread: filename match "/etc/h*" then deny'));
  const edits: Array<(l: readonly string[]) => readonly string[]> = [
    // The pattern that shadows line 4 switched off, then on again: line 4's note goes and comes.
    (l) => replaced(l, 2, `\t# disabled: ${l[2]!.trim()}`),
    (l) => replaced(l, 2, '\tnative-fsread: filename match "/etc/*" then permit'),
    (l) => inserted(l, 1, deny),
    (l) => replaced(l, 4, '\tnative-fsread: filename eq "/etc/hosts" then'),
    (l) => removed(l, 1),
    (l) => moved(l, 2, 6),
    (l) => replaced(l, 0, 'Policy: /usr/bin/cat, Emulation: native, Description: x'),
  ];
  for (const edit of edits) {
    const next = edit(lines);
    const before = parsed;
    parsed = parseLines(next, 'p', before);
    const whole = parsePolicy(textOfLines(next), 'p');
    assert.deepEqual(
      parsed.diagnostics.map((d) => [d.span.start.line, d.span.start.col, d.message]),
      whole.diagnostics.map((d) => [d.span.start.line, d.span.start.col, d.message]),
    );
    const again = rowsOfParsed(parsed, lintWarnings(parsed, 'x86_64'), rows);
    assert.equal(shown(again), shown(rowsOf(next, 'x86_64', 'p')));
    // The lines kept their parse, and the rows of lines that did not change are the same rows.
    const same = next.filter((text, i) => lines[i] === text).length;
    assert.equal(
      parsed.parsed.filter((p, i) => p === before.parsed[i]).length,
      same,
      'only changed lines parsed again',
    );
    lines = next;
    rows = again;
  }
});

test('a row is rebuilt only when its line or what the linter says of it changed', () => {
  const lines = linesOfText(TEXT);
  const parsed = parseLines(lines, 'p');
  const checked = rowsOfParsed(parsed, lintWarnings(parsed, 'x86_64'));
  const unchecked = rowsOfParsed(parsed, null, checked);
  // No notes yet: the rule with a warning is built again, the others are kept.
  const kept = unchecked.rows.filter((r, i) => r === checked.rows[i]).map((r) => r.index + 1);
  assert.deepEqual(kept, [3, 5, 7]);
  const next = replaced(lines, 6, '\tnative-execve: deny');
  const after = rowsOfParsed(parseLines(next, 'p', parsed), null, unchecked);
  assert.deepEqual(
    after.rows.filter((r, i) => r !== unchecked.rows[i]).map((r) => r.index + 1),
    [7],
  );
});
