// The main window: navigation on the left (Sessions, Policies), the view in the middle, and the
// questions docked on the right, present in every view.

import { useEffect, useState } from 'react';

import { PoliciesView } from '../policies/PoliciesView.js';
import { PromptDock } from '../prompts/PromptDock.js';
import { SessionsView } from '../sessions/SessionsView.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useSysgate } from './context.js';

type View = 'sessions' | 'policies';

const VIEWS: { view: View; label: string }[] = [
  { view: 'sessions', label: 'Sessions' },
  { view: 'policies', label: 'Policies' },
];

export function App() {
  const [view, setView] = useState<View>('sessions');
  const waiting = useSysgate((s) => s.queue.ids.length);
  const running = useSysgate(
    (s) => s.sessionIds.filter((id) => s.sessions[id]?.state === 'running').length,
  );
  const policies = useSysgate((s) => Object.keys(s.policies).length);

  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) sysgate` : 'sysgate';
  }, [waiting]);

  const counts: Record<View, number> = { sessions: running, policies };
  return (
    <div className="app">
      <ConnectionBanner />
      <nav className="nav" aria-label="Main">
        <div className="brand" aria-hidden="true">
          sysgate
        </div>
        <ul>
          {VIEWS.map(({ view: v, label }) => (
            <li key={v}>
              <button
                type="button"
                className="nav-item"
                aria-current={view === v ? 'page' : undefined}
                onClick={() => setView(v)}
              >
                {label}
                {counts[v] > 0 && (
                  <span className="nav-count" aria-hidden="true">
                    {counts[v]}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="main">
        <SessionsView hidden={view !== 'sessions'} />
        <PoliciesView hidden={view !== 'policies'} />
      </main>
      <PromptDock />
    </div>
  );
}
