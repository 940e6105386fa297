// The history of decisions (DESIGN §5): a filter (the query language of
// app/common/history/query.ts, with drop-downs and fields that edit its terms), a virtualised
// table of the matching records, newest first, and the selected record's details. The filter is
// kept in the address (`#history&q=...`), so a reload shows the same records.

import { useCallback, useEffect, useId, useMemo, useState } from 'react';

import type { ExportFormat } from '../../app/common/contract.js';
import type { HistoryEntry } from '../../app/common/history/entry.js';
import { parseQuery, QueryError, termValue, withTerm } from '../../app/common/history/query.js';
import { useServices, useSysgate } from '../window/context.js';
import { hashParameter, historyHash, routeFromHash } from '../window/route.js';
import { queryInAddress } from './first-page.js';
import { HistoryDetailPane } from './HistoryDetailPane.js';
import { HistoryGroups } from './HistoryGroups.js';
import { HistorySettingsForm } from './HistorySettingsForm.js';
import { HistoryTable, type TableState } from './HistoryTable.js';
import './history.css';

const APPLY_MS = 250;

const ACTIONS = [
  { value: '', label: 'any' },
  { value: 'deny', label: 'denied' },
  { value: 'permit', label: 'permitted' },
  { value: 'ask', label: 'answered by you' },
];
const SINCE = [
  { value: '', label: 'any time' },
  { value: '15m', label: 'last 15 minutes' },
  { value: '1h', label: 'last hour' },
  { value: '1d', label: 'last day' },
  { value: '7d', label: 'last 7 days' },
  { value: '30d', label: 'last 30 days' },
];

function syntaxError(text: string): QueryError | null {
  try {
    parseQuery(text);
    return null;
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
}

export function HistoryView({ hidden }: { hidden: boolean }) {
  const { api } = useServices();
  const id = useId();
  const [text, setText] = useState(() => queryInAddress(location.hash));
  const [applied, setApplied] = useState(text);
  const error = useMemo(() => syntaxError(text), [text]);
  const [selected, setSelected] = useState<HistoryEntry[]>([]);
  const [table, setTable] = useState<TableState>({
    total: 0,
    counted: true,
    ceiling: 0,
    problem: null,
  });
  const [showSettings, setShowSettings] = useState(false);
  const [confirmClear, setConfirmClear] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  // The records grouped by program and call, instead of one by one.
  const [grouped, setGrouped] = useState(false);
  // A system administrator also sees the system history: the daemons' denials.
  const systemAdmin = useSysgate((s) => s.systemAdmin);
  const [chosen, setChosen] = useState<'user' | 'system'>('user');
  const system = systemAdmin && chosen === 'system';

  // A valid filter applies a moment after the last key, and goes into the address.
  useEffect(() => {
    if (error !== null || text === applied) return;
    const timer = setTimeout(() => setApplied(text), APPLY_MS);
    return () => clearTimeout(timer);
  }, [text, applied, error]);

  useEffect(() => {
    if (hidden) return;
    const hash = historyHash(applied);
    if (location.hash !== hash)
      history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  }, [applied, hidden]);

  // The address changed from outside (the shell, a link): its filter is the filter.
  useEffect(() => {
    function onHashChange() {
      const route = routeFromHash(location.hash);
      if (route?.page !== 'main' || route.view !== 'history') return;
      const q = hashParameter(location.hash, 'q') ?? '';
      setText(q);
      setApplied(q);
    }
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const setTerm = (key: 'action' | 'since' | 'prog' | 'call', value: string) =>
    setText((t) => withTerm(t, key, value.trim() === '' ? null : value.trim()));

  const download = useCallback(
    async (format: ExportFormat) => {
      try {
        const body = await api.exportHistory(applied, format);
        const blob = new Blob([body], { type: format === 'csv' ? 'text/csv' : 'application/json' });
        const link = document.createElement('a');
        link.href = URL.createObjectURL(blob);
        link.download = `sysgate-history.${format}`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      } catch (e) {
        setMessage(`Export failed: ${(e as Error).message}`);
      }
    },
    [api, applied],
  );

  async function clear() {
    setConfirmClear(false);
    try {
      await api.clearHistory();
      setSelected([]);
      setGeneration((g) => g + 1);
      setMessage('The history was cleared.');
    } catch (e) {
      setMessage(`Could not clear the history: ${(e as Error).message}`);
    }
  }

  return (
    <section className="view history-view" aria-labelledby={`${id}-heading`} hidden={hidden}>
      <header className="view-header">
        <h1 id={`${id}-heading`}>History</h1>
        <p className="muted" aria-live="polite">
          {table.problem ??
            (table.counted
              ? `${table.total.toLocaleString('en')} record${table.total === 1 ? '' : 's'}`
              : `${table.total.toLocaleString('en')}+ records, counting…`)}
        </p>
        <div className="history-tools">
          {systemAdmin && (
            <span className="history-source" role="group" aria-label="Whose history">
              <button
                type="button"
                className="button"
                aria-pressed={!system}
                onClick={() => {
                  setChosen('user');
                  setSelected([]);
                }}
              >
                Yours
              </button>
              <button
                type="button"
                className="button"
                aria-pressed={system}
                title="Daemons run by root under the system policies (sysgate -U)"
                onClick={() => {
                  setChosen('system');
                  setSelected([]);
                }}
              >
                System
              </button>
            </span>
          )}
          {/* Exports, clearing and settings are of the user's own history. */}
          {!system && (
            <>
              <button type="button" className="button" onClick={() => void download('csv')}>
                Export CSV
              </button>
              <button type="button" className="button" onClick={() => void download('json')}>
                Export JSON
              </button>
              {confirmClear ? (
                <span className="history-confirm" role="group" aria-label="Clear the history?">
                  <span>Remove every record?</span>
                  <button type="button" className="button danger" onClick={() => void clear()}>
                    Clear history
                  </button>
                  <button
                    type="button"
                    className="button quiet"
                    onClick={() => setConfirmClear(false)}
                  >
                    Keep
                  </button>
                </span>
              ) : (
                <button type="button" className="button" onClick={() => setConfirmClear(true)}>
                  Clear…
                </button>
              )}
              <button
                type="button"
                className="button"
                aria-expanded={showSettings}
                onClick={() => setShowSettings((s) => !s)}
              >
                Settings
              </button>
            </>
          )}
        </div>
      </header>
      {showSettings && !system && <HistorySettingsForm onDone={() => setShowSettings(false)} />}
      {message !== null && (
        <p className="history-message" role="status">
          {message}{' '}
          <button type="button" className="button quiet" onClick={() => setMessage(null)}>
            Dismiss
          </button>
        </p>
      )}
      <form className="history-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <div className="field history-query">
          <label className="field-label" htmlFor={`${id}-query`}>
            Filter
          </label>
          <input
            id={`${id}-query`}
            type="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="prog:ls call:openat action:deny since:1h /etc"
            aria-invalid={error !== null}
            aria-describedby={`${id}-query-error`}
            autoComplete="off"
            spellCheck={false}
          />
          <span id={`${id}-query-error`} className="history-query-error" role="alert">
            {error === null ? '' : `Column ${error.column}: ${error.message}`}
          </span>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-action`}>
            Action
          </label>
          <select
            id={`${id}-action`}
            value={termValue(text, 'action') ?? ''}
            onChange={(e) => setTerm('action', e.target.value)}
          >
            {ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-prog`}>
            Program
          </label>
          <input
            id={`${id}-prog`}
            type="text"
            value={termValue(text, 'prog') ?? ''}
            onChange={(e) => setTerm('prog', e.target.value)}
            placeholder="ls or /usr/bin/ls"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-call`}>
            Call
          </label>
          <input
            id={`${id}-call`}
            type="text"
            value={termValue(text, 'call') ?? ''}
            onChange={(e) => setTerm('call', e.target.value)}
            placeholder="openat, fsread"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-since`}>
            Time
          </label>
          <select
            id={`${id}-since`}
            value={termValue(text, 'since') ?? ''}
            onChange={(e) => setTerm('since', e.target.value)}
          >
            {SINCE.some((s) => s.value === (termValue(text, 'since') ?? '')) ? null : (
              <option value={termValue(text, 'since') ?? ''}>
                since {termValue(text, 'since')}
              </option>
            )}
            {SINCE.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        {!system && (
          // Groups are made of the user's own history (historyGroups), not the system's.
          <div className="field history-group-toggle">
            <span className="field-label" aria-hidden="true">
              &nbsp;
            </span>
            <button
              type="button"
              className="button"
              aria-pressed={grouped}
              onClick={() => setGrouped((g) => !g)}
            >
              Group by program and call
            </button>
          </div>
        )}
      </form>
      {grouped && !system ? (
        <HistoryGroups
          key={generation}
          query={applied}
          active={!hidden}
          onOpen={(group) => {
            const narrowed = withTerm(withTerm(applied, 'prog', group.program), 'call', group.call);
            setText(narrowed);
            setApplied(narrowed);
            setGrouped(false);
          }}
        />
      ) : (
        <div className="history-layout">
          <HistoryTable
            key={`${generation}-${system}`}
            query={applied}
            system={system}
            active={!hidden}
            selected={selected}
            onSelect={setSelected}
            onState={setTable}
          />
          <HistoryDetailPane selected={selected} system={system} />
        </div>
      )}
    </section>
  );
}
