// One traced program: what it is and how it goes, its buttons, its terminal and its processes.

import { useState } from 'react';

import { LearnReview } from '../policies/LearnReview.js';
import { TerminalView } from '../terminal/TerminalView.js';
import { useSysgate } from '../window/context.js';
import { ProcessTree } from './ProcessTree.js';
import { modeLabel, stateText } from './session-text.js';

export function SessionPanel({ sessionId, hidden }: { sessionId: string; hidden: boolean }) {
  const session = useSysgate((s) => s.sessions[sessionId]);
  const maximised = useSysgate((s) => s.maximisedSessionId === sessionId);
  const maximise = useSysgate((s) => s.maximiseSession);
  const stop = useSysgate((s) => s.stopSession);
  const kill = useSysgate((s) => s.killSession);
  const close = useSysgate((s) => s.closeSession);
  const [error, setError] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState(false);
  if (session === undefined) return null;

  const run = (action: (id: string) => Promise<void>) => () => {
    setError(null);
    action(sessionId).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const running = session.state === 'running';
  const { permitted, denied, asked } = session.counts;
  return (
    <section
      className={running ? 'session' : 'session exited'}
      aria-label={`Session: ${session.command}`}
      hidden={hidden}
    >
      <header className="session-header">
        <div className="session-title">
          <h2 className="session-command" title={`${session.command}\nin ${session.cwd || '…'}`}>
            {session.command}
          </h2>
          <span className={`mode-tag mode-${session.mode}`}>{modeLabel(session.mode)}</span>
          {session.kernel && (
            <span className="mode-tag mode-kernel" title="The kernel enforces the file rules">
              kernel
            </span>
          )}
          <span className={running ? 'state state-running' : 'state state-exited'}>
            {stateText(session)}
          </span>
        </div>
        <div className="session-counts">
          <span className="count count-permitted">
            <b>{permitted}</b> permitted
          </span>
          <span className="count count-denied">
            <b>{denied}</b> denied
          </span>
          <span className="count count-asked">
            <b>{asked}</b> asked
          </span>
        </div>
        <div className="session-actions">
          <button
            type="button"
            className="button quiet"
            aria-pressed={maximised}
            onClick={() => maximise(maximised ? null : sessionId)}
            title={maximised ? 'Show every session' : 'Show this session alone'}
          >
            Maximise
          </button>
          {running ? (
            <>
              <button
                type="button"
                className="button"
                onClick={run(stop)}
                title="Ask the program to end (SIGTERM)"
              >
                Stop
              </button>
              <button
                type="button"
                className="button danger"
                onClick={run(kill)}
                title="End the program at once (SIGKILL)"
              >
                Kill
              </button>
            </>
          ) : (
            <>
              {(session.toReview ?? 0) > 0 && (
                <button type="button" className="button primary" onClick={() => setReviewing(true)}>
                  Review {session.toReview} learned rule{session.toReview === 1 ? '' : 's'}
                </button>
              )}
              <button type="button" className="button" onClick={run(close)}>
                Close
              </button>
            </>
          )}
        </div>
      </header>
      {error !== null && (
        <p className="session-error" role="alert">
          {error}
        </p>
      )}
      {reviewing && (
        <LearnReview
          sessionId={sessionId}
          command={session.command}
          onClose={() => setReviewing(false)}
        />
      )}
      <TerminalView sessionId={sessionId} running={running} />
      <ProcessTree processes={session.processes} />
    </section>
  );
}
