// The review a Learn session ends in: for each program, the rules it learned, grouped by the call
// they are for, the generalisations learning made already (names made at random, written as their
// shape: app/common/policy/random-names.ts), and those proposed for them
// (app/common/policy/generalise.ts), each to accept or reject, before anything is saved into its
// policy.

import { useEffect, useMemo, useRef, useState } from 'react';

import type { LearnedRules } from '../../app/common/contract.js';
import { ASKS_BECAUSE, asksOnly } from '../../app/common/policy/learned-asks.js';
import {
  proposeGeneralisations,
  reviewedRules,
  rulesByKind,
} from '../../app/common/policy/generalise.js';
import { useServices, useSysgate } from '../window/context.js';
import { policyHash } from '../window/route.js';
import { ModalDialog } from './ModalDialog.js';
import './LearnReview.css';

export function LearnReview({
  sessionId,
  command,
  onClose,
}: {
  sessionId: string;
  command: string;
  onClose(): void;
}) {
  const { api } = useServices();
  const [learned, setLearned] = useState<LearnedRules[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  /** Why a program's rules were not saved, by program: it stays in the review with it. */
  const [saveErrors, setSaveErrors] = useState<Record<string, string>>({});
  /** The rules each program's review would save now (its accepted proposals, its rejections). */
  const reviewed = useRef(new Map<string, string[]>());

  const load = () =>
    api.learnedRules(sessionId).then(setLearned, (e: Error) => setProblem(e.message));
  useEffect(() => {
    void load();
    // Loaded once; each save loads again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  /** Saves `programs`' reviewed rules, each on its own: one that fails stays, with why. */
  async function save(programs: LearnedRules[]) {
    setProblem(null);
    const errors: Record<string, string> = {};
    for (const found of programs) {
      try {
        await api.saveLearned(
          sessionId,
          found.program,
          reviewed.current.get(found.program) ?? found.rules,
        );
      } catch (e) {
        errors[found.program] = (e as Error).message;
      }
    }
    setSaveErrors((previous) => {
      const next = { ...previous, ...errors };
      for (const found of programs) if (!(found.program in errors)) delete next[found.program];
      return next;
    });
    await load();
  }

  async function discard() {
    await api.discardLearned(sessionId).catch((e: Error) => setProblem(e.message));
    onClose();
  }

  return (
    <ModalDialog label="Review learned rules" className="learn-review" onClose={onClose}>
      <h3>What “{command}” learned</h3>
      <p className="muted">
        Nothing is saved until you save it. A proposal widens the policy: accept it only if the
        program may do that.
      </p>
      {problem !== null && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div className="learn-programs">
        {learned?.length === 0 && <p className="empty">Everything learned has been saved.</p>}
        {learned?.map((found) => (
          <ProgramReview
            key={found.program}
            found={found}
            problem={saveErrors[found.program] ?? found.problem ?? null}
            onReviewed={(rules) => reviewed.current.set(found.program, rules)}
            onSave={() => save([found])}
            onLeave={onClose}
          />
        ))}
      </div>
      <div className="form-buttons">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        {learned !== null && learned.length > 1 && (
          <button type="button" className="button primary" onClick={() => void save(learned)}>
            Save all
          </button>
        )}
        {learned !== null && learned.length > 0 && (
          <button type="button" className="button danger-text" onClick={() => void discard()}>
            Discard what was learned
          </button>
        )}
      </div>
    </ModalDialog>
  );
}

function ProgramReview({
  found,
  problem,
  onReviewed,
  onSave,
  onLeave,
}: {
  found: LearnedRules;
  /** Why its rules cannot be saved (its policy has errors), shown until they are. */
  problem: string | null;
  /** Told the rules a save would write, whenever the review changes them. */
  onReviewed(rules: string[]): void;
  onSave(): Promise<void>;
  /** The review closes (its rules wait for the session's Review button). */
  onLeave(): void;
}) {
  const home = useSysgate((s) => s.user?.home ?? '');
  const proposals = useMemo(
    () => proposeGeneralisations(found.rules, { HOME: home }),
    [found.rules, home],
  );
  const kinds = useMemo(() => rulesByKind(found.rules), [found.rules]);
  const [accepted, setAccepted] = useState<ReadonlySet<number>>(new Set());
  const [rejected, setRejected] = useState<ReadonlySet<string>>(new Set());
  const replaced = new Set([...accepted].flatMap((i) => proposals[i]?.replaces ?? []));
  const toSave = reviewedRules(found.rules, proposals, accepted, rejected);
  useEffect(() => {
    onReviewed(toSave);
  });
  const toggle = <T,>(set: ReadonlySet<T>, item: T, on: boolean): ReadonlySet<T> => {
    const next = new Set(set);
    if (on) next.add(item);
    else next.delete(item);
    return next;
  };

  return (
    <section className="learn-program" aria-label={`Learned for ${found.program}`}>
      <h4>
        {found.program} <span className="muted">· {found.rules.length} learned</span>
      </h4>
      {problem !== null && (
        <div className="form-error" role="alert">
          <p className="form-error-text">{problem}</p>
          <p className="muted">
            What was learned waits here: the session&apos;s <q>Review</q> button opens it again.
          </p>
          <a href={policyHash({ policy: found.program, line: null, rule: null })} onClick={onLeave}>
            Open the policy
          </a>
        </div>
      )}
      {found.generalised.length > 0 && (
        <fieldset className="field">
          <legend>Names made at random</legend>
          <ul className="learn-list" aria-label={`Names made at random by ${found.program}`}>
            {found.generalised.map((g) => (
              <li key={g.rule} aria-label={`Generalised: ${g.rule}`}>
                <div>
                  As learned: <code>{g.replaces[0]}</code>
                  {g.replaces.length > 1 && (
                    <span className="muted"> and {g.replaces.length - 1} more like it</span>
                  )}
                </div>
                <div>
                  Becomes: <code>{g.rule}</code>
                </div>
                <div className="muted">Why: {g.reason}</div>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {proposals.length > 0 && (
        <fieldset className="field">
          <legend>Proposed generalisations</legend>
          <ul className="learn-list">
            {proposals.map((p, i) => (
              <li key={i}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={accepted.has(i)}
                    aria-label={`Accept: ${p.rule}`}
                    onChange={(e) => setAccepted(toggle(accepted, i, e.target.checked))}
                  />
                  <code>{p.rule}</code>
                </label>
                <span className="muted">
                  {' '}
                  — {p.reason}; replaces {p.replaces.length} rule
                  {p.replaces.length === 1 ? '' : 's'}
                </span>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {[...kinds].map(([kind, rules]) => (
        <fieldset className="field" key={kind}>
          <legend>
            {kind} ({rules.length})
          </legend>
          <ul className="learn-list">
            {rules.map((rule) => (
              <li key={rule} className={replaced.has(rule) ? 'replaced' : undefined}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={!rejected.has(rule) && !replaced.has(rule)}
                    disabled={replaced.has(rule)}
                    aria-label={`Keep: ${rule}`}
                    onChange={(e) => setRejected(toggle(rejected, rule, !e.target.checked))}
                  />
                  <code>{rule}</code>
                </label>
                {replaced.has(rule) && (
                  <span className="muted"> — replaced by a generalisation</span>
                )}
                {asksOnly(rule) && <span className="muted"> — {ASKS_BECAUSE}</span>}
              </li>
            ))}
          </ul>
        </fieldset>
      ))}
      <button type="button" className="button primary" onClick={() => void onSave()}>
        Save {toSave.length} rule{toSave.length === 1 ? '' : 's'} to the policy for {found.program}
      </button>
    </section>
  );
}
