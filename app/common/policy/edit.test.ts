import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Comment } from './ast.js';
import { disabledRule, ruleOfDisabled } from './edit.js';
import { parseFilter, parsePolicy } from './parser.js';
import { printFilter, printLine, printPolicy } from './printer.js';

const RULE = 'native-fsread: filename match "$HOME/*" then permit log # mine';

test('a disabled rule is a comment every reader skips, and it switches on as it was', () => {
  const filter = parseFilter(RULE).filter!;
  const line = printLine(disabledRule(filter));
  assert.equal(line, `\t# disabled: ${RULE}`);
  const text = `Policy: /usr/bin/ls, Emulation: native\n${line}\n`;
  const { file, diagnostics } = parsePolicy(text);
  assert.deepEqual(diagnostics, []);
  assert.equal(printPolicy(file), text, 'the printer keeps it byte for byte');
  const comment = file.lines[1] as Comment;
  assert.equal(comment.kind, 'comment');
  assert.equal(printFilter(ruleOfDisabled(comment)!), RULE);
});

test('other comments are not disabled rules', () => {
  const comments = parsePolicy(
    '# disabled: native-read: permit\n\t# a note\n\t# disabled: not a rule at all\n',
  ).file.lines as Comment[];
  assert.deepEqual(
    comments.map((c) => ruleOfDisabled(c)),
    [null, null, null],
  );
});
