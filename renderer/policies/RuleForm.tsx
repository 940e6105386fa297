// Adding or changing one rule: its call, its condition (built from comparisons, or typed as text
// in the policy language), its action, error and log. Whatever way it is written, the rule goes
// through the one parser before it reaches the policy.

import { useId, useMemo, useState } from 'react';

import { ALIASES } from '../../app/common/calls/aliases.js';
import { callTable, ERRNO_NAMES, type Arch } from '../../app/common/calls/index.js';
import { ACTIONS, OPERATORS, type Filter, type Operator } from '../../app/common/policy/ast.js';
import { parseExpression, parseFilter } from '../../app/common/policy/parser.js';
import { printExpr } from '../../app/common/policy/printer.js';
import {
  BUILDER_ARGUMENTS,
  builtOf,
  emptyClause,
  MACROS,
  parseCondition,
  textOfBuilt,
  type BuiltCondition,
  type Clause,
} from './condition-builder.js';
import { PolicyText } from './PolicyText.js';
import { ElevationBadge } from './RuleTable.js';
import './RuleForm.css';

type Mode = 'builder' | 'text';

export function RuleForm({
  arch,
  rule,
  isNew,
  onApply,
  onCancel,
}: {
  arch: Arch;
  /** The rule to change, or the draft of a new one. */
  rule: Filter | null;
  isNew: boolean;
  onApply(filter: Filter): void;
  onCancel(): void;
}) {
  const id = useId();
  const [call, setCall] = useState(rule?.call ?? 'fsread');
  // A new rule starts with one comparison to fill in.
  const initialBuilt = useMemo(
    () => (rule === null ? { join: 'and' as const, clauses: [emptyClause()] } : builtOf(rule.expr)),
    [rule],
  );
  const [mode, setMode] = useState<Mode>(initialBuilt === null ? 'text' : 'builder');
  const [built, setBuilt] = useState<BuiltCondition>(
    initialBuilt ?? { join: 'and', clauses: [emptyClause()] },
  );
  const [text, setText] = useState(rule?.expr ? printExpr(rule.expr) : 'true');
  const [action, setAction] = useState<string>(rule?.action.name ?? 'permit');
  const [errno, setErrno] = useState(
    rule?.action.name === 'deny' ? (rule.action.modifier ?? 'eperm') : 'eperm',
  );
  const [modifier, setModifier] = useState(
    rule?.action.name === 'permit' ? (rule.action.modifier ?? '') : '',
  );
  const [log, setLog] = useState(rule?.log ?? false);
  const [problem, setProblem] = useState<string | null>(null);
  const calls = useMemo(() => [...ALIASES, ...[...callTable(arch).byName.keys()].sort()], [arch]);

  const condition = mode === 'builder' ? textOfBuilt(built) : text;

  function switchTo(next: Mode) {
    setProblem(null);
    if (next === mode) return;
    if (next === 'text') {
      setText(textOfBuilt(built));
      setMode('text');
      return;
    }
    const parsed = parseCondition(text);
    if (!parsed.ok) {
      setProblem(`Fix the condition first: column ${parsed.col}: ${parsed.message}`);
      return;
    }
    const asList = builtOf(parsed.expr);
    if (asList === null) {
      setProblem(
        'This condition mixes "and" and "or" (or negates a group): the builder shows lists of comparisons joined one way. Keep editing it as text.',
      );
      return;
    }
    setBuilt(asList.clauses.length === 0 ? { join: 'and', clauses: [] } : asList);
    setMode('builder');
  }

  function apply() {
    const tail =
      action === 'deny'
        ? `deny[${errno}]`
        : action === 'permit' && modifier !== ''
          ? `permit[${modifier}]`
          : action;
    const head = `${rule?.emulation ?? 'native'}-${call.trim()}: `;
    const body = condition.trim() === 'true' ? '' : `${condition.trim()} then `;
    const written = `${head}${body}${tail}${log ? ' log' : ''}`;
    const { filter, diagnostics } = parseFilter(written);
    const error = diagnostics.find((d) => d.severity === 'error');
    if (filter === null || error !== undefined) {
      setProblem(
        `${written}\ncolumn ${error?.span.start.col ?? 1}: ${error?.message ?? 'not a rule'}`,
      );
      return;
    }
    onApply({
      ...filter,
      // `as user:group` stays with a plain permit, the only action it may follow.
      elevation:
        filter.action.name === 'permit' && filter.action.modifier === null
          ? (rule?.elevation ?? null)
          : null,
      predicate: rule?.predicate ?? null,
      trailingComment: rule?.trailingComment ?? null,
    });
  }

  return (
    <form
      className="rule-form"
      aria-label={isNew ? 'New rule' : 'Edit rule'}
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3>{isNew ? 'New rule' : 'Edit rule'}</h3>
      <div className="rule-form-row">
        <label className="field">
          <span className="field-label">Call</span>
          <input
            type="text"
            list={`${id}-calls`}
            value={call}
            onChange={(e) => setCall(e.target.value)}
            spellCheck={false}
            autoFocus
          />
          <datalist id={`${id}-calls`}>
            {calls.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span className="field-label">Action</span>
          <select value={action} onChange={(e) => setAction(e.target.value)}>
            {ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        {action === 'deny' && (
          <label className="field">
            <span className="field-label">Error</span>
            <select value={errno} onChange={(e) => setErrno(e.target.value)}>
              {ERRNO_NAMES.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        )}
        {action === 'permit' && (
          <label className="field">
            <span className="field-label">Processes</span>
            <select value={modifier} onChange={(e) => setModifier(e.target.value)}>
              <option value="">as usual</option>
              <option value="inherit">inherit (keep this policy across execve)</option>
              <option value="detach">detach (stop tracing)</option>
            </select>
          </label>
        )}
        {rule?.elevation != null && action === 'permit' && modifier === '' && (
          <span className="field" aria-label="Runs as">
            <span className="field-label">Runs as</span>
            <ElevationBadge elevation={rule.elevation} />
          </span>
        )}
        <label className="check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} />
          Log
        </label>
      </div>
      <fieldset className="field condition-field">
        <legend>Condition</legend>
        <div className="segmented" role="radiogroup" aria-label="Condition as">
          {(['builder', 'text'] as const).map((m) => (
            <label key={m} className="segment">
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === m}
                onChange={() => switchTo(m)}
              />
              <span>{m === 'builder' ? 'Builder' : 'Text'}</span>
            </label>
          ))}
        </div>
        {mode === 'builder' ? (
          <ConditionBuilder built={built} onChange={setBuilt} listId={`${id}-args`} />
        ) : (
          <ConditionText text={text} onChange={setText} />
        )}
      </fieldset>
      {problem !== null && (
        <pre className="form-error" role="alert">
          {problem}
        </pre>
      )}
      <div className="form-buttons">
        <button type="submit" className="button primary">
          {isNew ? 'Add rule' : 'Apply'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ConditionBuilder({
  built,
  onChange,
  listId,
}: {
  built: BuiltCondition;
  onChange(built: BuiltCondition): void;
  listId: string;
}) {
  const change = (i: number, clause: Partial<Clause>) =>
    onChange({
      ...built,
      clauses: built.clauses.map((c, k) => (k === i ? { ...c, ...clause } : c)),
    });
  return (
    <div className="builder">
      {built.clauses.length > 1 && (
        <label className="field">
          <span className="field-label">Calls must match</span>
          <select
            value={built.join}
            onChange={(e) => onChange({ ...built, join: e.target.value as 'and' | 'or' })}
          >
            <option value="and">all of these (and)</option>
            <option value="or">any of these (or)</option>
          </select>
        </label>
      )}
      {built.clauses.length === 0 && (
        <p className="muted">No condition: the rule decides every call of its kind (true).</p>
      )}
      <datalist id={listId}>
        {BUILDER_ARGUMENTS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      {built.clauses.map((clause, i) => {
        const n = i + 1;
        return (
          <div className="clause" role="group" aria-label={`Condition ${n}`} key={i}>
            <label className="check">
              <input
                type="checkbox"
                checked={clause.not}
                aria-label={`Not, condition ${n}`}
                onChange={(e) => change(i, { not: e.target.checked })}
              />
              not
            </label>
            <input
              type="text"
              className="clause-arg"
              list={listId}
              aria-label={`Argument of condition ${n}`}
              value={clause.arg + (clause.index === null ? '' : `[${clause.index}]`)}
              spellCheck={false}
              onChange={(e) => change(i, argumentOf(e.target.value))}
            />
            <select
              aria-label={`Operator of condition ${n}`}
              value={clause.op}
              onChange={(e) => change(i, { op: e.target.value as Operator })}
            >
              {OPERATORS.map((op) => (
                <option key={op}>{op}</option>
              ))}
            </select>
            <input
              type="text"
              className="clause-value"
              aria-label={`Value of condition ${n}`}
              value={clause.value}
              spellCheck={false}
              onChange={(e) => change(i, { value: e.target.value })}
            />
            {MACROS.map((m) => (
              <button
                key={m}
                type="button"
                className="button quiet macro"
                aria-label={`Put ${m} in front of value ${n}`}
                title={`Put ${m} in front of the value`}
                onClick={() => change(i, { value: m + clause.value })}
              >
                {m}
              </button>
            ))}
            <button
              type="button"
              className="button quiet"
              aria-label={`Remove condition ${n}`}
              onClick={() =>
                onChange({ ...built, clauses: built.clauses.filter((_, k) => k !== i) })
              }
            >
              ✕
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="button"
        onClick={() => onChange({ ...built, clauses: [...built.clauses, emptyClause()] })}
      >
        Add condition
      </button>
    </div>
  );
}

/** `filename[1]` → the argument and its index. */
function argumentOf(text: string): Pick<Clause, 'arg' | 'index'> {
  const m = /^(.*?)\[(\d{1,3})\]$/.exec(text.trim());
  return m === null ? { arg: text.trim(), index: null } : { arg: m[1]!, index: Number(m[2]) };
}

function ConditionText({ text, onChange }: { text: string; onChange(text: string): void }) {
  const parsed = parseCondition(text);
  return (
    <div className="condition-text">
      <PolicyText
        value={text}
        onChange={onChange}
        check={(t) => parseExpression(t).diagnostics}
        label="Condition text"
        multiline={false}
      />
      <p className={parsed.ok ? 'rule-check ok' : 'rule-check error'} role="status">
        {parsed.ok
          ? 'The condition reads well.'
          : `line ${parsed.line}, column ${parsed.col}: ${parsed.message}`}
      </p>
    </div>
  );
}
