// The strip at the top that says when the window does not reach sysgate (the web shell's
// connection dropped, or the page has no token).

import { useSysgate } from './context.js';

export function ConnectionBanner() {
  const connection = useSysgate((s) => s.connection);
  const problem = useSysgate((s) => s.connectionProblem);
  if (problem !== null) {
    return (
      <div className="banner banner-problem" role="alert">
        {problem}
      </div>
    );
  }
  if (connection === 'disconnected') {
    return (
      <div className="banner banner-problem" role="alert">
        <strong>Disconnected</strong> from sysgate. Reconnecting… Programs keep running; their
        questions wait until the window is back.
      </div>
    );
  }
  if (connection === 'connecting') {
    return (
      <div className="banner" role="status">
        Connecting to sysgate…
      </div>
    );
  }
  return null;
}
