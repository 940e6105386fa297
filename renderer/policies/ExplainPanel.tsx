// Explain a call against the policy being edited (the draft, saved or not): type it, or pick one
// a running session just made, and see the rule that decides it and the rules tried before.

import { useState } from 'react';

import { ALIASES } from '../../app/common/calls/aliases.js';
import { sectionsOf, type PolicyFile } from '../../app/common/policy/ast.js';
import type { DecisionRecord } from '../../app/common/session/events.js';
import { useSysgate } from '../window/context.js';
import { explainCall, requestOfText } from './explain.js';
import { ElevationBadge } from './RuleTable.js';
import './ExplainPanel.css';

export function ExplainPanel({
  program,
  file,
  recent,
  onShowLine,
  onClose,
}: {
  program: string;
  file: PolicyFile;
  /** This policy's calls the sessions made lately, newest first. */
  recent: readonly DecisionRecord[];
  onShowLine(line: number): void;
  onClose(): void;
}) {
  const user = useSysgate((s) => s.user);
  const [call, setCall] = useState('openat');
  const [alias, setAlias] = useState('fsread');
  const [args, setArgs] = useState('filename=/etc/hosts');
  const [ids, setIds] = useState({ uid: 1000, gid: 1000 });

  const section = sectionsOf(file).find(
    (s) => s.header?.type === 'Policy' && s.header.name === program,
  );
  const typed = requestOfText(call, alias, args, ids);
  const home = user?.home ?? '/';
  const explained =
    section !== undefined && typed.ok
      ? explainCall(section, typed.request, {
          macros: { HOME: home, USER: user?.name ?? '', CWD: home },
        })
      : null;

  function pick(index: string) {
    const record = recent[Number(index)];
    if (record === undefined) return;
    setCall(record.call);
    setAlias(record.alias ?? '');
    setArgs(
      Object.entries(record.args)
        .flatMap(([name, values]) => values.map((v, i) => `${name}${i === 0 ? '' : `[${i}]`}=${v}`))
        .join('\n'),
    );
    setIds({ uid: record.uid, gid: record.gid });
  }

  return (
    <section className="explain" aria-label="Explain a call">
      <div className="explain-form">
        <label className="field">
          <span className="field-label">Recent call</span>
          <select value="" onChange={(e) => pick(e.target.value)} disabled={recent.length === 0}>
            <option value="">{recent.length === 0 ? 'none yet' : 'pick one…'}</option>
            {recent.map((r, i) => (
              <option key={i} value={i}>
                {`${r.action} ${r.call} ${Object.values(r.args)[0]?.[0] ?? ''}`}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Call to explain</span>
          <input type="text" value={call} onChange={(e) => setCall(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">Alias</span>
          <select value={alias} onChange={(e) => setAlias(e.target.value)}>
            <option value="">none</option>
            {ALIASES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label className="field explain-args">
          <span className="field-label">Arguments, one name=value a line</span>
          <textarea
            rows={2}
            value={args}
            onChange={(e) => setArgs(e.target.value)}
            spellCheck={false}
          />
        </label>
        <button type="button" className="button quiet" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="explain-result" role="status" aria-label="Explanation">
        {!typed.ok ? (
          <p className="rule-check error">{typed.message}</p>
        ) : section === undefined ? (
          <p className="rule-check error">The text has no section for {program}.</p>
        ) : explained === null ? null : explained.line === null ? (
          <p>
            <b>No rule decides it: the call would be asked</b> (denied in Enforce mode).
          </p>
        ) : (
          <p>
            <b>
              Line {explained.line} decides it: {explained.decision.action}
              {explained.decision.errno !== null && ` (${explained.decision.errno})`}
            </b>{' '}
            {explained.decision.filter?.elevation && (
              <ElevationBadge elevation={explained.decision.filter.elevation} />
            )}{' '}
            <button
              type="button"
              className="button quiet"
              onClick={() => onShowLine(explained.line!)}
            >
              Show the rule
            </button>
          </p>
        )}
        {explained !== null && explained.tried.length > 0 && (
          <ul className="explain-trail" aria-label="Rules tried, in order">
            {explained.tried.map((t) => (
              <li key={t.line} className={t.decides ? 'decides' : undefined}>
                line {t.line}: <code>{t.rule}</code> —{' '}
                {t.decides ? 'holds, and decides' : 'does not hold'}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
