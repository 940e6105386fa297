// The sessions side by side, as many per row as fit; one may be maximised to fill the view.

import { useSysgate } from '../window/context.js';
import { SessionPanel } from './SessionPanel.js';

export function SessionGrid() {
  const sessionIds = useSysgate((s) => s.sessionIds);
  const maximised = useSysgate((s) => s.maximisedSessionId);
  if (sessionIds.length === 0) {
    return (
      <div className="session-grid session-grid-empty">
        <p className="empty">
          No sessions yet. Type a command above and press Enter to run it under sysgate; every call
          its policy does not answer is asked about on the right.
        </p>
      </div>
    );
  }
  return (
    <div className={maximised !== null ? 'session-grid maximised' : 'session-grid'}>
      {sessionIds.map((id) => (
        <SessionPanel key={id} sessionId={id} hidden={maximised !== null && maximised !== id} />
      ))}
    </div>
  );
}
