// "New session": a command, where it runs, and how sysgate treats calls the policy does not answer.

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

import type { SessionMode } from '../../app/common/contract.js';
import { policyWithErrors } from '../../app/common/session/policy-errors.js';
import { QuestionNotifications } from '../prompts/notifications.js';
import { useSysgate, useTerminals } from '../window/context.js';
import { policyHash } from '../window/route.js';
import { MODES } from './session-text.js';

/** `focusRequest`: each new value (from 1) moves the focus to the Command field ("New Session"). */
export function NewSessionForm({ focusRequest = 0 }: { focusRequest?: number }) {
  const terminals = useTerminals();
  const startSession = useSysgate((s) => s.startSession);
  const connected = useSysgate((s) => s.connection === 'connected');
  const [command, setCommand] = useState('');
  const [cwd, setCwd] = useState('');
  const [mode, setMode] = useState<SessionMode>('ask');
  const [kernel, setKernel] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const commandInput = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    if (focusRequest > 0) commandInput.current?.focus();
  }, [focusRequest]);

  async function start(event: FormEvent) {
    event.preventDefault();
    if (command.trim() === '' || starting) return;
    // A click or Enter is the user gesture browsers want before they ask for permission.
    QuestionNotifications.askPermission();
    setStarting(true);
    setError(null);
    try {
      await startSession({
        command,
        cwd: cwd.trim(),
        mode,
        ...(mode === 'enforce' && kernel ? { kernel: true } : {}),
        ...terminals.initialSize(),
      });
      setCommand('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
      commandInput.current?.focus();
    }
  }

  const description = MODES.find((m) => m.mode === mode)?.description ?? '';
  const broken = error === null ? null : policyWithErrors(error);
  return (
    <form className="new-session" aria-labelledby={`${id}-title`} onSubmit={start}>
      <h2 id={`${id}-title`} className="form-title">
        New session
      </h2>
      <div className="new-session-fields">
        <div className="field field-command">
          <label className="field-label" htmlFor={`${id}-command`}>
            Command
          </label>
          <input
            id={`${id}-command`}
            ref={commandInput}
            type="text"
            value={command}
            onChange={(e) => {
              setCommand(e.target.value);
              // The error was about the command tried; a cleared command leaves nothing to say.
              if (e.target.value.trim() === '') setError(null);
            }}
            placeholder="ls -l /etc"
            autoComplete="off"
            spellCheck={false}
            autoFocus
          />
        </div>
        <div className="field field-cwd">
          <label className="field-label" htmlFor={`${id}-cwd`}>
            Working directory
          </label>
          <input
            id={`${id}-cwd`}
            type="text"
            value={cwd}
            onChange={(e) => setCwd(e.target.value)}
            placeholder="where sysgate runs"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <fieldset className="field modes" aria-describedby={`${id}-mode-help`}>
          <legend className="field-label">Mode</legend>
          <div className="segmented">
            {MODES.map((m) => (
              <label key={m.mode} className="segment" title={m.description}>
                <input
                  type="radio"
                  name={`${id}-mode`}
                  value={m.mode}
                  checked={mode === m.mode}
                  onChange={() => setMode(m.mode)}
                />
                <span>{m.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <button
          type="submit"
          className="button primary start"
          disabled={starting || !connected || command.trim() === ''}
        >
          Start
        </button>
      </div>
      <p id={`${id}-mode-help`} className="form-help">
        <strong>{MODES.find((m) => m.mode === mode)?.label}</strong>: {description}
      </p>
      {mode === 'enforce' && (
        <label className="form-help kernel-option">
          <input type="checkbox" checked={kernel} onChange={(e) => setKernel(e.target.checked)} />{' '}
          <strong>Kernel speed</strong>: the kernel (Landlock) enforces the policies&rsquo; file
          rules, so the program runs at native speed. The stat family is then not restricted, and
          what the rules do not grant fails with EACCES without a record. The terminal says what the
          kernel enforces; a policy it cannot enforce stops the session.
        </label>
      )}
      {!connected && (
        <p className="form-help" role="status">
          Start waits for the connection to sysgate: the strip above says what is wrong.
        </p>
      )}
      {error !== null && (
        <div className="form-error" role="alert">
          <p className="form-error-text">Could not start: {error}</p>
          {broken !== null && (
            <button
              type="button"
              className="button"
              onClick={() =>
                (location.hash = policyHash({
                  policy: broken.program,
                  line: broken.line,
                  rule: null,
                }))
              }
            >
              Open the policy
            </button>
          )}
        </div>
      )}
    </form>
  );
}
