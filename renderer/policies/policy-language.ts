// The policy language for CodeMirror: a small tokenizer for highlighting (the words of
// systrace's grammar, strings, comments, the call of a rule) and the checks of the one parser
// shown as CodeMirror diagnostics at their line and column.

import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';

import { ACTIONS, OPERATORS } from '../../app/common/policy/ast.js';

const WORDS = new Set(['then', 'and', 'or', 'not', 'true', 'log', 'as', 'if', 'detached']);
const ACTION_WORDS = new Set<string>(ACTIONS);
const OPERATOR_WORDS = new Set<string>(OPERATORS);

const policyLanguage = StreamLanguage.define<null>({
  name: 'sysgate-policy',
  startState: () => null,
  token(stream) {
    if (stream.eatSpace()) return null;
    const next = stream.peek();
    if (next === '#') {
      stream.skipToEnd();
      return 'comment';
    }
    if (next === '"') {
      stream.next();
      let escaped = false;
      while (!stream.eol()) {
        const c = stream.next();
        if (c === '"' && !escaped) break;
        escaped = !escaped && c === '\\';
      }
      return 'string';
    }
    if (stream.sol() && stream.match(/^(Policy|Template)(?=\s*:)/)) return 'header';
    if (stream.match(/^(Emulation|Description)(?=\s*:)/)) return 'header';
    if (stream.match(/^[A-Za-z0-9_]+-[A-Za-z0-9_]+(?=\s*:)/)) return 'call';
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word !== null) {
      if (ACTION_WORDS.has(word[0])) return 'action';
      if (OPERATOR_WORDS.has(word[0])) return 'operator';
      if (WORDS.has(word[0])) return 'word';
      return 'argument';
    }
    if (stream.match(/^[0-9]+/)) return 'number';
    stream.next();
    return null;
  },
  tokenTable: {
    header: tags.heading,
    call: tags.function(tags.variableName),
    action: tags.keyword,
    operator: tags.operatorKeyword,
    word: tags.controlKeyword,
    argument: tags.propertyName,
  },
});

const policyHighlight = HighlightStyle.define([
  { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: tags.string, color: 'var(--ansi-green)' },
  { tag: tags.heading, color: 'var(--accent)', fontWeight: '600' },
  { tag: tags.function(tags.variableName), color: 'var(--ansi-magenta)', fontWeight: '600' },
  { tag: tags.keyword, color: 'var(--accent)', fontWeight: '600' },
  { tag: tags.operatorKeyword, color: 'var(--ansi-cyan)' },
  { tag: tags.controlKeyword, color: 'var(--warn)' },
  { tag: tags.propertyName, color: 'var(--fg)' },
  { tag: tags.number, color: 'var(--ansi-blue)' },
]);

/** Highlighting for the policy language. */
export const policySyntax = [policyLanguage, syntaxHighlighting(policyHighlight)];
