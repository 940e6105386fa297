// The selected record in full: every decoded argument, the processes above it, the rule that
// decided (a link into the policy editor), and "Create rule…" with the rule suggested for it, or
// for all the records selected at once (rule-from-records.ts). The editor is reached through the
// address only (window/route.ts): `#policies&policy=...&line=N` and `...&rule=...`. A record of
// the system history (a daemon's) is turned into a rule of its system policy instead, which the
// host writes at once (addSystemRule): the editor saves the user's copy, never the system's.

import { useEffect, useId, useMemo, useState } from 'react';

import type { HistoryDetail } from '../../app/common/contract.js';
import type { HistoryEntry } from '../../app/common/history/entry.js';
import { useServices, useSysgate } from '../window/context.js';
import { policyHash } from '../window/route.js';
import { actionText, baseName, deciderText } from './history-text.js';
import { rulesForRecords } from './rule-from-records.js';

export function HistoryDetailPane({
  selected,
  system,
}: {
  selected: HistoryEntry[];
  /** The records are of the system history. */
  system: boolean;
}) {
  const last = selected.at(-1);
  return (
    <aside className="history-detail" aria-label="Record details">
      {last === undefined ? (
        <p className="empty">
          Select a record to see its details. Ctrl+click or Shift+click selects several.
        </p>
      ) : (
        <>
          {selected.length > 1 && (
            <p className="history-detail-count">{selected.length} records selected</p>
          )}
          <CreateRule entries={selected} system={system} />
          <RecordFacts entry={last} system={system} />
        </>
      )}
    </aside>
  );
}

function CreateRule({ entries, system }: { entries: HistoryEntry[]; system: boolean }) {
  const id = useId();
  const { api } = useServices();
  const [added, setAdded] = useState<string | null>(null);
  const user = useSysgate((s) => s.user);
  const result = useMemo(
    () =>
      // A daemon's $HOME and $USER are not the administrator's: its rules name paths as they are.
      rulesForRecords(
        entries,
        system
          ? { HOME: '', USER: '', CWD: '' }
          : { HOME: user?.home ?? '', USER: user?.name ?? '', CWD: '' },
      ),
    [entries, user, system],
  );
  const [choice, setChoice] = useState(0);
  useEffect(() => {
    setChoice(0);
    setAdded(null);
  }, [result]);
  if ('problem' in result) return <p className="history-rule-problem">{result.problem}</p>;
  const rule = result.rules[Math.min(choice, result.rules.length - 1)]!;
  return (
    <div className="history-create">
      <label className="field-label" htmlFor={`${id}-rule`}>
        {entries.length > 1 ? 'One rule for all of them' : 'Rule to permit it'}
      </label>
      <select id={`${id}-rule`} value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
        {result.rules.map((r, i) => (
          <option key={r.rule} value={i}>
            {r.label}
          </option>
        ))}
      </select>
      <code className="history-rule-text">{rule.rule}</code>
      {system ? (
        <>
          <button
            type="button"
            className="button primary"
            onClick={() =>
              api.addSystemRule(result.policy, rule.rule).then(
                ({ path, line }) =>
                  setAdded(
                    `Added to ${path}, line ${line}. The daemon reads it when its service starts again.`,
                  ),
                (e: Error) => setAdded(`Not added: ${e.message}`),
              )
            }
          >
            Add to system policy
          </button>
          {added !== null && (
            <p className="history-rule-added" role="status">
              {added}
            </p>
          )}
        </>
      ) : (
        <button
          type="button"
          className="button primary"
          onClick={() =>
            (location.hash = policyHash({ policy: result.policy, line: null, rule: rule.rule }))
          }
        >
          Create rule…
        </button>
      )}
    </div>
  );
}

function RecordFacts({ entry, system }: { entry: HistoryEntry; system: boolean }) {
  const { api } = useServices();
  const [detail, setDetail] = useState<HistoryDetail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setProblem(null);
    (system ? api.systemHistoryDetail(entry.id) : api.historyDetail(entry.id))
      .then((d) => current && setDetail(d))
      .catch((e: Error) => current && setProblem(e.message));
    return () => {
      current = false;
    };
  }, [api, entry.id, system]);
  const ancestors = detail?.entry.id === entry.id ? detail.ancestors : [];
  const args = Object.entries(entry.args).flatMap(([name, values]) =>
    values.map((value, i) => ({ name: i === 0 ? name : `${name}[${i}]`, value })),
  );
  return (
    <dl className="history-facts">
      <dt>When</dt>
      <dd>{new Date(entry.time).toLocaleString('en-GB')}</dd>
      <dt>Decision</dt>
      <dd className={`history-action ${entry.action}`}>{actionText(entry)}</dd>
      <dt>Call</dt>
      <dd>
        <code>
          {entry.call}
          {entry.alias !== null && ` (${entry.alias})`}
        </code>
      </dd>
      {args.map((a) => (
        <div key={a.name} className="history-arg">
          <dt>{a.name}</dt>
          <dd>
            <code>{a.value}</code>
          </dd>
        </div>
      ))}
      <dt>Program</dt>
      <dd>
        <code>{entry.program}</code>
      </dd>
      <dt>Arguments</dt>
      <dd>
        <code>{entry.argv.join(' ') || '—'}</code>
      </dd>
      <dt>Process</dt>
      <dd>
        <ol className="history-tree" aria-label="Process tree">
          {[...ancestors].reverse().map((p, depth) => (
            <li key={p.pid} style={{ paddingLeft: depth * 12 }}>
              {p.pid} <code>{p.program ?? 'not traced'}</code>
            </li>
          ))}
          <li aria-current="true" style={{ paddingLeft: ancestors.length * 12 }}>
            {entry.pid} <code>{entry.program}</code>
          </li>
        </ol>
        {problem !== null && <span className="muted">{problem}</span>}
      </dd>
      <dt>User</dt>
      <dd>
        {entry.user} ({entry.uid})
      </dd>
      <dt>Policy</dt>
      <dd>
        <code>{entry.policy}</code>
      </dd>
      <dt>Decided by</dt>
      <dd>
        {entry.rule === null ? (
          deciderText(entry)
        ) : (
          <a
            href={policyHash({ policy: entry.policy, line: entry.rule.line, rule: null })}
            title={entry.rule.file ?? entry.policy}
          >
            {baseName(entry.rule.file ?? entry.policy)}:{entry.rule.line}
          </a>
        )}
      </dd>
      <dt>Session</dt>
      <dd>
        {/* Known by its command; its name in the history is an id, kept for the curious. */}
        <code className="history-session" title={entry.session}>
          {(detail?.entry.id === entry.id ? detail.sessionCommand : null) ?? entry.session}
        </code>
      </dd>
    </dl>
  );
}
