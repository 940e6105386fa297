// The main window: navigation on the left (Sessions, Policies, History, Statistics), the view in the middle,
// and the questions docked on the right, present in every view. The view follows the address's
// fragment (`#sessions`, `#policies`, `#history`, `#statistics`, and `#new-session`, which focuses the Command
// field: the Electron shell's menu sets them) and is kept in it. `#policies&policy=...` opens a
// policy in the editor (route.ts); the address then says `#policies`.

import { useEffect, useMemo, useState } from 'react';

import type { CallsInFlight } from '../api/calls-in-flight.js';
import { HistoryView } from '../history/HistoryView.js';
import { PromptDock } from '../prompts/PromptDock.js';
import { SessionsView } from '../sessions/SessionsView.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useServices, useSysgate } from './context.js';
import { useDocumentTitle } from './use-document-title.js';
import { hashChange, routeFromHash, viewHash, type PolicyRequest, type View } from './route.js';

// The Policies and Statistics views are chunks of their own (the editor is CodeMirror, a third
// of the page's script): a page opened on another view neither downloads nor compiles them before
// its first rows. They load when shown, or once the page has settled (its calls answered, then
// idle: see below), so that switching to them stays immediate. Not
// React.lazy: a Suspense boundary that showed its fallback reveals its content at most every
// 300 ms, which made the editor open in 400 ms instead of 120 when asked for while its chunk came.
const LATER_MS = 30;
const QUIET_MS = 200;
const LATEST_MS = 3000;

/** A module of its own chunk: null until it has come, then the module, at once on every render. */
interface Chunk<T> {
  get(): T | null;
  load(): Promise<T>;
}

function chunk<T>(load: () => Promise<T>): Chunk<T> {
  let module: T | null = null;
  let loading: Promise<T> | null = null;
  return {
    get: () => module,
    load: () =>
      (loading ??= load().then(
        (m) => (module = m),
        (e: unknown) => {
          loading = null; // tried again when next wanted
          throw e;
        },
      )),
  };
}

const CHUNKS = {
  policies: chunk(() => import('../policies/PoliciesView.js')),
  statistics: chunk(() => import('../statistics/StatisticsView.js')),
};

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

export function App({ calls }: { calls: CallsInFlight }) {
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
  const connected = useSysgate((s) => s.connection === 'connected');
  const { terminals } = useServices();
  // The views mounted so far: the one opened on, the ones shown since, and every one once settled.
  const [mounted, setMounted] = useState<ReadonlySet<View>>(() => new Set([openedOn().view]));
  // Bumped as each chunk comes, to render its view.
  const [, setChunksLoaded] = useState(0);
  useEffect(() => {
    for (const v of mounted) {
      const wanted = (CHUNKS as Partial<Record<View, Chunk<unknown>>>)[v];
      if (wanted === undefined || wanted.get() !== null) continue;
      wanted.load().then(
        () => setChunksLoaded((n) => n + 1),
        (e: unknown) => console.error(`sysgate: the ${v} view did not load`, e),
      );
    }
  }, [mounted]);
  const Policies = CHUNKS.policies.get()?.PoliciesView;
  const Statistics = CHUNKS.statistics.get()?.StatisticsView;
  const mount = (v: View) => setMounted((m) => (m.has(v) ? m : new Set([...m, v])));

  useEffect(() => {
    if (!connected) return;
    // Settled: every call made so far answered (the first view's rows are in), then an idle
    // moment; or LATEST_MS after connecting, whatever is still in flight.
    let idle = 0;
    let stopWaiting = () => {};
    const mountAll = () => {
      clearTimeout(latest);
      clearTimeout(pause);
      stopWaiting();
      cancelIdleCallback(idle);
      setMounted(new Set(VIEWS.map(({ view: v }) => v)));
      void terminals?.load();
    };
    let pause = 0;
    // Quiet for QUIET_MS (the rows drawn, and whatever a person or a test does on seeing them),
    // then idle: mounted, unless a call went out meanwhile.
    const whenQuiet = () => {
      pause = window.setTimeout(() => {
        idle = requestIdleCallback(() => {
          if (calls.count() === 0) mountAll();
          else stopWaiting = calls.whenQuiet(whenQuiet);
        });
      }, QUIET_MS);
    };
    const first = setTimeout(() => (stopWaiting = calls.whenQuiet(whenQuiet)), LATER_MS);
    const latest = setTimeout(mountAll, LATEST_MS);
    return () => {
      clearTimeout(first);
      clearTimeout(latest);
      clearTimeout(pause);
      stopWaiting();
      cancelIdleCallback(idle);
    };
  }, [connected, terminals, calls]);

  useDocumentTitle(waiting > 0 ? `(${waiting}) sysgate` : 'sysgate');

  useEffect(() => {
    // `#new-session` is an action, not a place: the address then says `#sessions`.
    if (routeFromHash(location.hash)?.page === 'main') keepInAddress(openedOn().view);
    function onHashChange() {
      const change = hashChange(location.hash, false);
      if (change.action !== 'show') return;
      setView(change.view);
      mount(change.view);
      if (change.focusCommand) setFocusCommand((n) => n + 1);
      if (change.policy !== undefined) setPolicyRequest(change.policy);
      keepInAddress(change.view);
    }
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  function show(v: View) {
    setView(v);
    mount(v);
    keepInAddress(v);
  }

  // Each view's element is kept while what it is given is the same, so that a render of the frame
  // (a badge's count, a chunk come, the views mounted on settling) does not render the views
  // again: with 5,000 rules in the editor, that was a frame of 70-100 ms while it scrolled.
  const onSessions = view === 'sessions';
  const onPolicies = view === 'policies';
  const onHistory = view === 'history';
  const onStatistics = view === 'statistics';
  const sessionsView = useMemo(
    () => <SessionsView hidden={!onSessions} focusRequest={focusCommand} />,
    [onSessions, focusCommand],
  );
  const policiesView = useMemo(
    () =>
      Policies !== undefined ? (
        <Policies hidden={!onPolicies} request={policyRequest} />
      ) : (
        <Loading view="policies" hidden={!onPolicies} />
      ),
    [Policies, onPolicies, policyRequest],
  );
  const historyView = useMemo(() => <HistoryView hidden={!onHistory} />, [onHistory]);
  const statisticsView = useMemo(
    () =>
      Statistics !== undefined ? (
        <Statistics hidden={!onStatistics} />
      ) : (
        <Loading view="statistics" hidden={!onStatistics} />
      ),
    [Statistics, onStatistics],
  );

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
        {sessionsView}
        {mounted.has('policies') && policiesView}
        {historyView}
        {mounted.has('statistics') && statisticsView}
      </main>
      <PromptDock />
    </div>
  );
}

/** A view whose chunk is on its way: its heading already, so that nothing flashes. */
function Loading({ view, hidden }: { view: View; hidden: boolean }) {
  const label = VIEWS.find((v) => v.view === view)?.label;
  return (
    <section className="view" aria-busy="true" aria-label={label} hidden={hidden}>
      <header className="view-header">
        <h1>{label}</h1>
      </header>
    </section>
  );
}
