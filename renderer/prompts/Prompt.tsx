// The prompt for one waiting question (DESIGN §4): who asks, for what, and the answers. It is a
// non-modal dialog docked beside the sessions: it never takes the keyboard focus when it appears,
// its answers need a click or Alt+letter with the focus inside it, and its buttons stay disabled
// for a moment after a question appears, so a click or key press meant for what was there before
// cannot answer it.

import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode, RefObject } from 'react';

import { ERRNO_NAMES } from '../../app/common/calls/index.js';
import type { PendingQuestion } from '../../app/common/contract.js';
import { suggestionsFor } from '../../app/common/policy/cover.js';
import { useSysgate } from '../window/context.js';
import {
  buildAnswer,
  errnoChoices,
  isAlways,
  SCOPES,
  type PromptChoice,
  type ScopeChoice,
} from './answer.js';
import { alongside, decidedBy } from './cover.js';
import { countdownText, DEFAULT_DENY_CHOICES } from './default-answer.js';
import { baseName, mainArgument } from './queue.js';
import { commandLine } from './question-text.js';
import { RuleCombobox } from './RuleCombobox.js';
import { checkRule } from './rule-check.js';
import { PROMPT_SHORTCUTS, promptShortcut, shortcutOf } from './shortcuts.js';
import { similarCount as countSimilar } from './similar.js';

/** How long a new question's buttons stay disabled. */
export const ARMING_MS = 500;

const ERRNOS = errnoChoices(ERRNO_NAMES);

interface Props {
  questionId: string;
  /** Set to the prompt's element, for the dock to move the focus to it. */
  rootRef: RefObject<HTMLElement | null>;
  /** Escape: give the focus back to where it was before it came to the prompt. */
  onEscape(): void;
  /** The prompt goes away while it has the focus (its question was answered or withdrawn). */
  onGoneWithFocus(): void;
}

export function Prompt({ questionId, rootRef, onEscape, onGoneWithFocus }: Props) {
  const pending = useSysgate((s) => s.questions[questionId]);
  const session = useSysgate((s) =>
    pending === undefined ? undefined : s.sessions[pending.sessionId],
  );
  const similarCount = useSysgate((s) =>
    pending === undefined ? 0 : countSimilar(pending, s.questions),
  );
  const user = useSysgate((s) => s.user);
  const answering = useSysgate((s) => s.answering[questionId] === true);
  const answerError = useSysgate((s) =>
    s.answerError?.questionId === questionId ? s.answerError.message : null,
  );
  const answerQuestion = useSysgate((s) => s.answerQuestion);
  const connected = useSysgate((s) => s.connection === 'connected');
  const id = useId();

  const questions = useSysgate((s) => s.questions);
  const setCovered = useSysgate((s) => s.setCovered);
  const question = pending?.question;
  // $CWD in a policy is the session's working directory (the host evaluates rules with it); the
  // process's own is the fallback. $HOME and $USER come from the host when it tells them
  // (Snapshot.user): a browser cannot know them, and without them no rule uses them.
  const macros = useMemo(
    () => ({
      HOME: user?.home ?? '',
      USER: user?.name ?? '',
      CWD: session?.cwd || question?.cwd || '',
    }),
    [user, session?.cwd, question?.cwd],
  );
  // The other waiting questions of this run and program: what the first suggestion may cover,
  // and what the rule being written is checked against before the click.
  // The same list while its questions are the same (alongside), so that the suggestions and the
  // questions the rule decides are not computed again for every batch of a burst.
  const lastWaiting = useRef<readonly PendingQuestion[]>([]);
  const waiting = useMemo(
    () =>
      (lastWaiting.current =
        pending === undefined ? [] : alongside(pending, questions, lastWaiting.current)),
    [pending, questions],
  );
  const suggestions = useMemo(() => {
    if (question === undefined) return [];
    const others = { waiting: waiting.map((p) => p.question), recent: pending?.recent ?? [] };
    return suggestionsFor(question, others, macros);
  }, [question, waiting, pending?.recent, macros]);

  const [rule, setRule] = useState(() => suggestions[0]?.expression ?? 'true');
  const [errno, setErrno] = useState('eperm');
  // A first suggestion wider than the question (it covers others) is offered for this run.
  const [scope, setScope] = useState<ScopeChoice>(() =>
    suggestions[0] !== undefined && 'waiting' in suggestions[0] ? 'session' : 'policy',
  );
  const [applyToSimilar, setApplyToSimilar] = useState(false);
  const [armed, setArmed] = useState(false);
  const defaultDeny = useSysgate((s) => s.defaultDenySeconds);
  const setDefaultDeny = useSysgate((s) => s.setDefaultDenySeconds);
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const check = useMemo(() => checkRule(rule), [rule]);
  const decided = useMemo(
    () => (question === undefined || !check.ok ? [] : decidedBy(question, rule, waiting, macros)),
    [question, rule, check.ok, waiting, macros],
  );
  useEffect(() => {
    setCovered(decided);
  }, [decided, setCovered]);
  useEffect(() => () => setCovered([]), [setCovered]);

  useEffect(() => {
    const timer = setTimeout(() => setArmed(true), ARMING_MS);
    return () => clearTimeout(timer);
  }, []);

  // The optional default answer: denied once when the time is up, never a rule.
  useEffect(() => {
    if (defaultDeny === 0) {
      setSecondsLeft(null);
      return;
    }
    const until = Date.now() + defaultDeny * 1000;
    setSecondsLeft(defaultDeny);
    const timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      setSecondsLeft(left);
      if (left > 0) return;
      clearInterval(timer);
      void answerQuestion(questionId, { action: 'deny', errno: 'eperm' });
    }, 250);
    return () => clearInterval(timer);
  }, [defaultDeny, questionId, answerQuestion]);

  // The cleanup runs before the prompt leaves the page, while the focus is still where it was.
  const root = useRef<HTMLElement | null>(null);
  const goneWithFocus = useRef(onGoneWithFocus);
  goneWithFocus.current = onGoneWithFocus;
  useLayoutEffect(
    () => () => {
      if (root.current?.contains(document.activeElement)) goneWithFocus.current();
    },
    [],
  );

  if (pending === undefined || question === undefined) return null;

  const enabled = (choice: PromptChoice) =>
    armed && connected && !answering && (!isAlways(choice) || check.ok);

  function answer(choice: PromptChoice) {
    if (!enabled(choice)) return;
    void answerQuestion(
      questionId,
      buildAnswer(choice, {
        rule,
        errno,
        scope,
        applyToSimilar: applyToSimilar && similarCount > 0,
      }),
    );
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    const choice = promptShortcut(event.nativeEvent);
    if (choice !== null) {
      event.preventDefault();
      event.stopPropagation();
      answer(choice);
    } else if (event.key === 'Escape' && !event.defaultPrevented) {
      event.preventDefault();
      onEscape();
    }
  }

  const button = (choice: PromptChoice, label: string, className: string, title: string) => {
    const keys = shortcutOf(choice)?.keys;
    return (
      <button
        type="button"
        className={`button ${className}`}
        aria-keyshortcuts={keys}
        disabled={!enabled(choice)}
        onClick={() => answer(choice)}
        title={title}
      >
        {label}
        {keys !== undefined && <kbd aria-hidden="true">{keys}</kbd>}
      </button>
    );
  };

  const main = mainArgument(question);
  const args = Object.entries(question.args);
  return (
    <section
      ref={(element) => {
        if (element === null) return;
        root.current = element;
        rootRef.current = element;
      }}
      className={armed ? 'prompt' : 'prompt arming'}
      role="dialog"
      aria-modal="false"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-args`}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <header className="prompt-header">
        <h2 id={`${id}-title`} className="prompt-title">
          <span className="prompt-program">{baseName(question.exe)}</span> asks for{' '}
          <code className="prompt-call">{question.call}</code>
          {question.alias !== null && <span className="alias-tag">{question.alias}</span>}
        </h2>
        {pending.calls !== undefined ? (
          <p className="prompt-group">
            One question for {pending.calls.join(', ')} of this file: one rule of {question.alias}{' '}
            decides them all
          </p>
        ) : (
          pending.count > 1 && <p className="prompt-more">and {pending.count - 1} more like it</p>
        )}
      </header>

      <dl id={`${id}-args`} className="prompt-args">
        {args.length === 0 && (
          <>
            <dt>arguments</dt>
            <dd className="muted">none decoded</dd>
          </>
        )}
        {args.flatMap(([name, values]) =>
          values.map((value, i) => (
            <Fact
              key={`${name}[${i}]`}
              term={values.length > 1 ? `${name}[${i}]` : name}
              main={main?.name === name && i === 0}
            >
              <code>{value}</code>
            </Fact>
          )),
        )}
      </dl>

      <dl className="prompt-facts">
        <Fact term="program">
          <code>{question.exe}</code>
        </Fact>
        <Fact term="argv">
          <code>{commandLine(question.argv)}</code>
        </Fact>
        <Fact term="process">
          pid {question.pid}
          {question.tid !== question.pid && <> · tid {question.tid}</>} · ppid {question.ppid}
        </Fact>
        <Fact term="user">
          uid {question.uid} · gid {question.gid}
        </Fact>
        <Fact term="cwd">
          <code>{question.cwd}</code>
        </Fact>
        <Fact term="policy">
          <code>{question.policy}</code>
        </Fact>
        {session !== undefined && (
          <Fact term="session">
            <code>{session.command}</code>
          </Fact>
        )}
      </dl>

      <div className="prompt-form">
        <RuleCombobox value={rule} onChange={setRule} suggestions={suggestions} check={check} />
        <p className="prompt-coverage" aria-live="polite">
          {coverageText(rule, suggestions, decided.length)}
        </p>
        <div className="prompt-options">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-errno`}>
              Error
            </label>
            <select
              id={`${id}-errno`}
              value={errno}
              onChange={(e) => setErrno(e.target.value)}
              aria-describedby={`${id}-errno-help`}
            >
              <optgroup label="Usual">
                {ERRNOS.common.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </optgroup>
              <optgroup label="All">
                {ERRNOS.others.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </optgroup>
            </select>
            <span id={`${id}-errno-help`} className="visually-hidden">
              returned to the program by Deny and Deny always
            </span>
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-scope`}>
              Scope
            </label>
            <select
              id={`${id}-scope`}
              value={scope}
              onChange={(e) => setScope(e.target.value as ScopeChoice)}
              aria-describedby={`${id}-scope-help`}
            >
              {SCOPES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            <span id={`${id}-scope-help`} className="visually-hidden">
              how long Permit always and Deny always keep the rule; Permit and Deny answer this call
              only
            </span>
          </div>
          {similarCount > 0 && (
            <label className="check">
              <input
                type="checkbox"
                checked={applyToSimilar}
                onChange={(e) => setApplyToSimilar(e.target.checked)}
              />
              {similarCount === 1
                ? 'Apply to the 1 similar'
                : `Apply to all ${similarCount} similar`}
            </label>
          )}
        </div>
      </div>

      <div className="prompt-buttons">
        <div className="button-row">
          {button('permit', 'Permit', 'permit', 'Permit this call only')}
          {button('deny', 'Deny', 'deny', 'Deny this call only, with the chosen error')}
        </div>
        <div className="button-row">
          {button(
            'permit-always',
            'Permit always',
            'permit outline',
            'Add the rule, permitting, to the chosen scope',
          )}
          {button(
            'deny-always',
            'Deny always',
            'deny outline',
            'Add the rule, denying with the chosen error, to the chosen scope',
          )}
        </div>
        <div className="button-row secondary">
          {button('kill', 'Kill', 'quiet danger-text', 'Kill this process')}
          {button(
            'detach',
            'Detach',
            'quiet',
            'Stop supervising this process: it runs on without any policy',
          )}
        </div>
      </div>

      <div className="prompt-default">
        <label className="field-label" htmlFor={`${id}-default`}>
          If unanswered
        </label>
        <select
          id={`${id}-default`}
          value={defaultDeny}
          onChange={(e) => setDefaultDeny(Number(e.target.value))}
        >
          {DEFAULT_DENY_CHOICES.map((seconds) => (
            <option key={seconds} value={seconds}>
              {seconds === 0 ? 'wait for an answer' : `deny once after ${seconds} s`}
            </option>
          ))}
        </select>
        {secondsLeft !== null && (
          <span className="prompt-countdown" role="timer" aria-live="off">
            {countdownText(secondsLeft)}
          </span>
        )}
      </div>

      {answerError !== null && (
        <p className="prompt-error" role="alert">
          {answerError}
        </p>
      )}

      <p className="prompt-keys">
        With the focus here:{' '}
        {PROMPT_SHORTCUTS.map((s) => (
          <span key={s.choice} className="key-hint">
            <kbd>{s.keys}</kbd> {s.choice.replace('-', ' ')}
          </span>
        ))}
        <span className="key-hint">
          <kbd>Esc</kbd> back
        </span>
      </p>
    </section>
  );
}

/** What the rule as it reads now covers: the suggestion's own words, and the waiting it decides. */
function coverageText(
  rule: string,
  suggestions: readonly { expression: string; label: string }[],
  decided: number,
): ReactNode {
  const chosen = suggestions.find((s) => s.expression === rule.trim());
  const label = chosen?.label.includes('covers') ? chosen.label : null;
  if (label === null && decided === 0) return null;
  return (
    <>
      {label ?? 'This rule'}
      {decided > 0 && (
        <>
          {' · '}
          <strong>
            {decided} waiting {decided === 1 ? 'question' : 'questions'} highlighted
          </strong>{' '}
          {decided === 1 ? 'leaves' : 'leave'} the queue with the answer
        </>
      )}
    </>
  );
}

function Fact({ term, main, children }: { term: string; main?: boolean; children: ReactNode }) {
  return (
    <div className={main ? 'fact main' : 'fact'}>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
