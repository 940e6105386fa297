// The main window: navigation on the left (Sessions, Policies, History, Statistics), the view in the middle,
// and the questions docked on the right, present in every view. The view follows the address's
// fragment (`#sessions`, `#policies`, `#history`, `#statistics`, and `#new-session`, which focuses the Command
// field: the Electron shell's menu sets them) and is kept in it. `#policies&policy=...` opens a
// policy in the editor (route.ts); the address then says `#policies`.

import { useEffect, useState } from 'react';

import { HistoryView } from '../history/HistoryView.js';
import { PoliciesView } from '../policies/PoliciesView.js';
import { PromptDock } from '../prompts/PromptDock.js';
import { SessionsView } from '../sessions/SessionsView.js';
import { StatisticsView } from '../statistics/StatisticsView.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useSysgate } from './context.js';
import { useDocumentTitle } from './use-document-title.js';
import { hashChange, routeFromHash, viewHash, type PolicyRequest, type View } from './route.js';

const VIEWS: { view: View; label: string }[] = [
  { view: 'sessions', label: 'Sessions' },
  { view: 'policies', label: 'Policies' },
  { view: 'history', label: 'History' },
  { view: 'statistics', label: 'Statistics' },
];

/** The view the page was opened on, whether it was opened for a new session, or for a policy. */
function openedOn(): { view: View; focusCommand: boolean; policy?: PolicyRequest } {
  const route = routeFromHash(location.hash);
  return route?.page === 'main' ? route : { view: 'sessions', focusCommand: false };
}

/**
 * Puts the view's name in the address without a new history entry and without a `hashchange`,
 * so that the shell asking for the same view again, or for a new session, is always a change.
 * An address that already names the view keeps its parameters (the history's filter).
 */
function keepInAddress(view: View): void {
  const route = routeFromHash(location.hash);
  if (route?.page === 'main' && route.view === view && !route.focusCommand) return;
  history.replaceState(
    history.state,
    '',
    `${location.pathname}${location.search}${viewHash(view)}`,
  );
}

export function App() {
  const [view, setView] = useState<View>(() => openedOn().view);
  // Bumped for each "New Session": the form then moves the focus to its Command field.
  const [focusCommand, setFocusCommand] = useState(() => (openedOn().focusCommand ? 1 : 0));
  // A new object for every address that asks for a policy, even the same one again.
  const [policyRequest, setPolicyRequest] = useState<PolicyRequest | null>(
    () => openedOn().policy ?? null,
  );
  const waiting = useSysgate((s) => s.queue.ids.length);
  const running = useSysgate(
    (s) => s.sessionIds.filter((id) => s.sessions[id]?.state === 'running').length,
  );
  const policies = useSysgate((s) => Object.keys(s.policies).length);

  useDocumentTitle(waiting > 0 ? `(${waiting}) sysgate` : 'sysgate');

  useEffect(() => {
    // `#new-session` is an action, not a place: the address then says `#sessions`.
    if (routeFromHash(location.hash)?.page === 'main') keepInAddress(openedOn().view);
    function onHashChange() {
      const change = hashChange(location.hash, false);
      if (change.action !== 'show') return;
      setView(change.view);
      if (change.focusCommand) setFocusCommand((n) => n + 1);
      if (change.policy !== undefined) setPolicyRequest(change.policy);
      keepInAddress(change.view);
    }
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  function show(v: View) {
    setView(v);
    keepInAddress(v);
  }

  const counts: Record<View, number> = { sessions: running, policies, history: 0, statistics: 0 };
  // A bare number says nothing: each badge says what it counts, on hover and to a screen reader.
  const countLabels: Record<View, (n: number) => string> = {
    sessions: (n) => `${n} ${n === 1 ? 'session' : 'sessions'} running`,
    policies: (n) => `${n} ${n === 1 ? 'policy' : 'policies'} in use by the sessions`,
    history: (n) => `${n} records`,
    statistics: (n) => `${n} runs`,
  };
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
                aria-describedby={counts[v] > 0 ? `nav-count-${v}` : undefined}
                onClick={() => show(v)}
              >
                {label}
                {counts[v] > 0 && (
                  <span className="nav-count" aria-hidden="true" title={countLabels[v](counts[v])}>
                    {counts[v]}
                  </span>
                )}
                {counts[v] > 0 && (
                  <span id={`nav-count-${v}`} hidden>
                    {countLabels[v](counts[v])}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="main">
        <SessionsView hidden={view !== 'sessions'} focusRequest={focusCommand} />
        <PoliciesView hidden={view !== 'policies'} request={policyRequest} />
        <HistoryView hidden={view !== 'history'} />
        <StatisticsView hidden={view !== 'statistics'} />
      </main>
      <PromptDock />
    </div>
  );
}
