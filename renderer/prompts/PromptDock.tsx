// The questions, docked beside the sessions in every view: the queue, and the prompt for the one
// shown. Ctrl+Shift+A anywhere moves the keyboard focus to the prompt and Escape gives it back;
// after an answer the focus stays in the dock, on the next question (never on one of its buttons).
// The prompt window (`#prompt`, ../window/PromptWindow.tsx) is this dock alone, filling the window.

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';

import { useSysgate } from '../window/context.js';
import { Prompt } from './Prompt.js';
import { QuestionQueue } from './QuestionQueue.js';
import { baseName, mainArgument, newestQuestionId, shownQuestionId } from './queue.js';
import { isFocusPromptChord } from './shortcuts.js';
import './prompts.css';

/** `docked`: beside the views of the main window; `window`: alone, in the small prompt window. */
export type DockLayout = 'docked' | 'window';

export function PromptDock({ layout = 'docked' }: { layout?: DockLayout }) {
  const shownId = useSysgate((s) => shownQuestionId(s.queue));
  const waiting = useSysgate((s) => s.queue.ids.length);
  const calls = useSysgate((s) => s.callsWaiting);
  const dock = useRef<HTMLElement>(null);
  const empty = useRef<HTMLDivElement>(null);
  const prompt = useRef<HTMLElement | null>(null);
  const returnTo = useRef<Element | null>(null);
  const keepFocus = useRef(false);

  const focusPrompt = useCallback(() => {
    const target = prompt.current?.isConnected ? prompt.current : empty.current;
    target?.focus();
  }, []);

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (!isFocusPromptChord(event)) return;
      event.preventDefault();
      event.stopPropagation();
      const active = document.activeElement;
      if (active !== null && !dock.current?.contains(active)) returnTo.current = active;
      focusPrompt();
    }
    // Capture, so the chord is ours before a terminal takes it as input.
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, [focusPrompt]);

  // The prompt whose question went had the focus: the next question's prompt gets it.
  useLayoutEffect(() => {
    if (!keepFocus.current) return;
    keepFocus.current = false;
    focusPrompt();
  }, [shownId, focusPrompt]);

  const onGoneWithFocus = useCallback(() => {
    keepFocus.current = true;
  }, []);

  const onEscape = useCallback(() => {
    const target = returnTo.current;
    returnTo.current = null;
    if (target instanceof HTMLElement && target.isConnected) target.focus();
    else (document.activeElement as HTMLElement | null)?.blur();
  }, []);

  return (
    <aside
      className={layout === 'window' ? 'dock dock-window' : 'dock'}
      aria-labelledby="dock-title"
      ref={dock}
    >
      <header className="dock-header">
        {layout === 'window' && (
          <span className="dock-brand" aria-hidden="true">
            sysgate
          </span>
        )}
        <h2 id="dock-title">Questions</h2>
        {waiting > 0 && (
          <span className="dock-count">
            {calls} {calls === 1 ? 'call' : 'calls'} waiting
          </span>
        )}
        <span className="dock-hint">
          <kbd>Ctrl+Shift+A</kbd> to answer
        </span>
      </header>
      <Announcer />
      <GoneAnswerError />
      {/* In the small window a queue of one would only repeat the prompt's title. */}
      {(layout === 'docked' || waiting > 1) && <QuestionQueue shownId={shownId} />}
      {shownId !== null ? (
        <Prompt
          key={shownId}
          questionId={shownId}
          rootRef={prompt}
          onEscape={onEscape}
          onGoneWithFocus={onGoneWithFocus}
        />
      ) : (
        <div className="dock-empty" tabIndex={-1} ref={empty}>
          <p className="dock-empty-title">No questions waiting</p>
          <p className="dock-empty-text">
            Calls that a policy does not answer are held here until you answer them.
          </p>
        </div>
      )}
    </aside>
  );
}

/**
 * The host's refusal of an answer to a question that has gone since (another window answered it
 * first: "answered by another window: Permit"): the prompt it belonged to is gone, so the dock
 * says it, until the next answer.
 */
function GoneAnswerError() {
  const message = useSysgate((s) =>
    s.answerError !== null && !(s.answerError.questionId in s.questions)
      ? s.answerError.message
      : null,
  );
  if (message === null) return null;
  return (
    <p className="prompt-error dock-answer-error" role="alert">
      {message}
    </p>
  );
}

/** Tells screen readers of each new question without moving the focus. */
function Announcer() {
  const newest = useSysgate((s) => {
    const id = newestQuestionId(s.queue);
    return id === null ? undefined : s.questions[id];
  });
  const [text, setText] = useState('');
  const newestId = newest?.id;
  useEffect(() => {
    if (newest === undefined) return;
    const argument = mainArgument(newest.question);
    setText(
      `New question: ${baseName(newest.question.exe)} asks for ${newest.question.call}` +
        (argument !== null ? ` ${argument.value}` : ''),
    );
    // Only a new arrival is announced, not a change of count.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [newestId]);
  return (
    <div className="visually-hidden" aria-live="polite">
      {text}
    </div>
  );
}
