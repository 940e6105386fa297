// The policies in use, read-only, kept current as rules are added (the editor comes later). The
// lines added while sysgate runs are marked, the newest most, and scrolled into view.

import { useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { policyPrograms } from '../store/policies.js';
import { useSysgate } from '../window/context.js';
import { policyLines } from './policy-lines.js';

export function PoliciesView({ hidden }: { hidden: boolean }) {
  const programs = useSysgate(useShallow((s) => policyPrograms(s.policies)));
  const chosen = useSysgate((s) => s.shownPolicy);
  const lastChanged = useSysgate((s) => s.lastChangedPolicy);
  const showPolicy = useSysgate((s) => s.showPolicy);
  const shown = chosen ?? lastChanged ?? programs[0] ?? null;

  return (
    <section className="view policies-view" aria-labelledby="policies-heading" hidden={hidden}>
      <header className="view-header">
        <h1 id="policies-heading">Policies in use</h1>
        <p className="muted">
          Read-only. Rules added while sysgate runs are highlighted; the list follows every change.
        </p>
      </header>
      {programs.length === 0 ? (
        <p className="empty">
          No policy is in use yet. A policy appears here when a session loads it.
        </p>
      ) : (
        <div className="policies-layout">
          <ul className="policy-list" aria-label="Policies">
            {programs.map((program) => (
              <PolicyListItem
                key={program}
                program={program}
                shown={program === shown}
                onShow={() => showPolicy(program)}
              />
            ))}
          </ul>
          {shown !== null && <PolicyText program={shown} />}
        </div>
      )}
    </section>
  );
}

function PolicyListItem({
  program,
  shown,
  onShow,
}: {
  program: string;
  shown: boolean;
  onShow(): void;
}) {
  const path = useSysgate((s) => s.policies[program]?.path ?? null);
  const added = useSysgate((s) => s.policies[program]?.addedLines.length ?? 0);
  return (
    <li>
      <button
        type="button"
        className={shown ? 'policy-item shown' : 'policy-item'}
        aria-current={shown ? 'true' : undefined}
        onClick={onShow}
      >
        <span className="policy-item-program">{program}</span>
        <span className="policy-item-path">{path ?? 'this session only'}</span>
        {added > 0 && (
          <span className="added-count" title={`${added} rules added`}>
            +{added}
          </span>
        )}
      </button>
    </li>
  );
}

function PolicyText({ program }: { program: string }) {
  const view = useSysgate((s) => s.policies[program]);
  const lines = useMemo(() => (view === undefined ? [] : policyLines(view)), [view]);
  const newest = useRef<HTMLSpanElement>(null);
  const newestLine = lines.find((l) => l.newest)?.number;

  useEffect(() => {
    newest.current?.scrollIntoView({ block: 'nearest' });
  }, [program, newestLine]);

  if (view === undefined) return null;
  return (
    <article className="policy" aria-labelledby="policy-title">
      <header className="policy-header">
        <h2 id="policy-title">{view.program}</h2>
        <p className="muted">{view.path ?? 'kept in this session only'}</p>
      </header>
      <pre className="policy-text" tabIndex={0} aria-label={`Text of the policy for ${program}`}>
        <code>
          {lines.map((line) => (
            <span
              key={line.number}
              ref={line.newest ? newest : undefined}
              className={['line', line.added && 'added', line.newest && 'newest']
                .filter(Boolean)
                .join(' ')}
            >
              <span className="line-number" aria-hidden="true">
                {line.number}
              </span>
              <span className="line-text">{line.text}</span>
              {line.added && <span className="visually-hidden"> (added)</span>}
              {'\n'}
            </span>
          ))}
        </code>
      </pre>
    </article>
  );
}
