// A CodeMirror 6 editor for policy text (a whole file, or one rule's condition): the policy
// language's highlighting, and the one parser's errors and warnings marked where they are.

import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { linter, lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

import type { Diagnostic } from '../../app/common/policy/diagnostics.js';
import { carryInlineStyles } from '../terminal/inline-styles.js';
import { policySyntax } from './policy-language.js';
import { textMarks } from './text-marks.js';

// CodeMirror puts its styles in a <style> element of the document's head, which the window's
// Content-Security-Policy blocks; they are carried over while any editor is open.
let headStyles: { editors: number; stop: () => void } | null = null;

function carryHeadStyles(): () => void {
  headStyles ??= { editors: 0, stop: carryInlineStyles(document.head) };
  headStyles.editors++;
  return () => {
    if (headStyles !== null && --headStyles.editors === 0) {
      headStyles.stop();
      headStyles = null;
    }
  };
}

export function PolicyText({
  value,
  onChange,
  check,
  label,
  multiline,
  readOnly = false,
  normalise = (text) => text,
}: {
  value: string;
  onChange(text: string): void;
  /** The parser's diagnostics for a text. */
  check(text: string): readonly Diagnostic[];
  label: string;
  multiline: boolean;
  readOnly?: boolean;
  /**
   * The form `value` takes of a typed text (a file's text always ends in a newline): the text
   * typed is not replaced by a value that only differs from it so.
   */
  normalise?(text: string): string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest callbacks, for the editor made once.
  const latest = useRef({ onChange, check });
  latest.current = { onChange, check };
  // Set while the value given from outside (an undo, a file changed) is put in: no echo back.
  const syncing = useRef(false);

  useEffect(() => {
    const stopHead = carryHeadStyles();
    const stopOwn = carryInlineStyles(host.current!);
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          ...(multiline ? [lineNumbers(), lintGutter()] : [singleLine]),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          policySyntax,
          EditorState.readOnly.of(readOnly),
          linter(
            (v) => {
              const text = v.state.doc.toString();
              return textMarks(latest.current.check(text), text.length);
            },
            { delay: 150 },
          ),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged && !syncing.current)
              latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
      stopOwn();
      stopHead();
    };
    // The editor is made once; later values come in through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor === null || normalise(editor.state.doc.toString()) === value) return;
    syncing.current = true;
    try {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    } finally {
      syncing.current = false;
    }
    // Only a new value is put in; `normalise` is the same function in every render's meaning.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  return <div className={multiline ? 'code-editor multiline' : 'code-editor'} ref={host} />;
}

/** A condition is one line: Enter does not break it. */
const singleLine = EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr));
