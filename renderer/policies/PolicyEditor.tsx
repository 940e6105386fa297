// One policy file open for editing: its rules as a table (or the whole text), the rule form, undo
// and redo, and saving with the diff shown first. A change to the file from outside (a prompt's
// "always" answer, another editor) comes in at once when there are no unsaved edits, and shows
// as a conflict when there are.

import { useEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';

import type { PolicyDocument, RuleHit } from '../../app/common/contract.js';
import type { Filter } from '../../app/common/policy/ast.js';
import type { DecisionRecord } from '../../app/common/session/events.js';
import { parsePolicy } from '../../app/common/policy/parser.js';
import { lintPolicy } from '../../app/common/policy/lint.js';
import { useServices } from '../window/context.js';
import {
  inserted,
  moved,
  neighbour,
  newRuleIndex,
  removed,
  replaced,
  ruleLine,
  type Lines,
} from './draft.js';
import { editorReducer, isDirty, openedState } from './editor-state.js';
import { ConflictBanner } from './ConflictBanner.js';
import { ExplainPanel } from './ExplainPanel.js';
import { PolicyText } from './PolicyText.js';
import { RuleForm } from './RuleForm.js';
import { lint, type Warnings } from './lint-client.js';
import {
  linesOfText,
  parseLines,
  rowMatches,
  rowsOfParsed,
  textOfLines,
  type ParsedLines,
  type RuleRow,
  type Rows,
} from './rule-rows.js';
import { RuleTable } from './RuleTable.js';
import { SaveReview } from './SaveReview.js';

/** What the editor is asked to show when it opens (the address: `&line=`, `&rule=`). */
export interface EditorRequest {
  line: number | null;
  /** A rule to draft as a new, unsaved one. */
  rule: Filter | null;
}

/** The rule form: a new rule (each one a form of its own, `serial`), or a row to change. */
type Form =
  { kind: 'new'; rule: Filter | null; serial: number } | { kind: 'edit'; row: RuleRow } | null;

let formSerial = 0;

/** How many of a policy's recent calls Explain offers. */
const RECENT_CALLS = 30;
/** How often the hit counts are read again while the editor shows. */
const HITS_REFRESH_MS = 3000;

export function PolicyEditor({
  initial,
  request,
  onPathChange,
  onDirtyChange,
}: {
  initial: PolicyDocument;
  /** A new object each time the address asks again for this file (a line, a rule to draft). */
  request: EditorRequest;
  /** The file open changed: a saved system policy is the user's copy from then on. */
  onPathChange(path: string): void;
  onDirtyChange(dirty: boolean): void;
}) {
  const { api } = useServices();
  const [state, dispatch] = useReducer(editorReducer, initial, (doc) =>
    openedState(doc, request.line === null ? null : request.line - 1),
  );
  const [view, setView] = useState<'rules' | 'text'>('rules');
  const [query, setQuery] = useState('');
  const [form, setForm] = useState<Form>(
    request.rule === null ? null : { kind: 'new', rule: request.rule, serial: ++formSerial },
  );
  const [reviewing, setReviewing] = useState(false);
  const [explaining, setExplaining] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [hits, setHits] = useState<ReadonlyMap<string, RuleHit>>(new Map());
  const { doc } = state;
  const lines = state.history.present;
  // The draft is parsed here one changed line at a time; the linter works in a worker, and its
  // notes come into the rows when it answers for this very draft (the table is busy till then).
  const parsedBefore = useRef<ParsedLines | null>(null);
  const parsed = useMemo(
    () => (parsedBefore.current = parseLines(lines, doc.path, parsedBefore.current)),
    [lines, doc.path],
  );
  const [checked, setChecked] = useState<{ lines: Lines; warnings: Warnings } | null>(null);
  useEffect(() => {
    let current = true;
    void lint(lines, doc.arch, doc.path).then((warnings) => {
      if (current) setChecked({ lines, warnings });
    });
    return () => {
      current = false;
    };
  }, [lines, doc.arch, doc.path]);
  const checking = checked?.lines !== lines;
  // Meanwhile the last answer stands where every line kept its place (a rule changed, switched
  // off or on), rather than every note going and coming back.
  const warnings =
    checked !== null && (!checking || checked.lines.length === lines.length)
      ? checked.warnings
      : null;
  const rowsBefore = useRef<Rows | null>(null);
  const { rows, errors, file } = useMemo(
    () => (rowsBefore.current = rowsOfParsed(parsed, warnings, rowsBefore.current)),
    [parsed, warnings],
  );
  const shownRows = useMemo(() => rows.filter((r) => rowMatches(r, query.trim())), [rows, query]);
  const dirty = isDirty(state);
  const readOnly = doc.savesTo === null;
  // What the buttons and keys act on: a selected row the filter hides is not acted on unseen.
  const selectedRow = shownRows.find((r) => r.index === state.selected);

  useEffect(() => onPathChange(doc.path), [doc.path, onPathChange]);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  // The address asked again for this file: the first request is in the initial state.
  const firstRequest = useRef(request);
  useEffect(() => {
    if (request === firstRequest.current) return;
    if (request.line !== null) {
      setView('rules');
      setQuery('');
      dispatch({ type: 'selected', index: request.line - 1 });
    }
    if (request.rule !== null) setForm({ kind: 'new', rule: request.rule, serial: ++formSerial });
  }, [request]);

  // The file changed on disk: read it again (the reducer decides whether it comes in).
  useEffect(
    () =>
      api.on('policyFileChanged', (change) => {
        if (change.removed || (change.path !== doc.path && change.path !== doc.savesTo)) return;
        void api.readPolicy(change.path).then(
          (fresh) => dispatch({ type: 'changedOutside', doc: fresh }),
          () => undefined,
        );
      }),
    [api, doc.path, doc.savesTo],
  );

  // This policy's recent calls, for Explain.
  const [recent, setRecent] = useState<readonly DecisionRecord[]>([]);
  useEffect(
    () =>
      api.on('record', (record) => {
        if (record.policy === doc.name) setRecent((r) => [record, ...r].slice(0, RECENT_CALLS));
      }),
    [api, doc.name],
  );

  // Hit counts: read on opening, again (at most once a second) while records come in, and
  // every few seconds: the supervisor's counts of permitted calls come without records.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () =>
      void api.ruleHits(doc.name).then(
        (list) => setHits(new Map(list.map((h) => [h.rule, h]))),
        () => undefined,
      );
    load();
    const stop = api.on('record', (record) => {
      if (record.policy !== doc.name || record.by !== 'rule' || timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        load();
      }, 1000);
    });
    const every = setInterval(load, HITS_REFRESH_MS);
    return () => {
      stop();
      clearInterval(every);
      if (timer !== null) clearTimeout(timer);
    };
  }, [api, doc.name]);

  function edit(next: Lines, select?: number | null) {
    if (readOnly) return;
    dispatch({ type: 'edited', lines: next, select });
  }

  function applyForm(filter: Filter) {
    if (form === null) return;
    if (form.kind === 'edit') {
      edit(replaced(lines, form.row.index, ruleLine(filter, form.row.enabled)), form.row.index);
    } else {
      const at = newRuleIndex(lines, rows, state.selected);
      edit(inserted(lines, at, ruleLine(filter)), at);
    }
    setForm(null);
  }

  const act = {
    add: () => setForm({ kind: 'new', rule: null, serial: ++formSerial }),
    edit: () => selectedRow?.kind === 'rule' && setForm({ kind: 'edit', row: selectedRow }),
    duplicate: () => {
      if (selectedRow?.kind !== 'rule') return;
      edit(
        inserted(lines, selectedRow.index + 1, lines[selectedRow.index]!),
        selectedRow.index + 1,
      );
    },
    remove: () => {
      if (selectedRow === undefined) return;
      const after =
        neighbour(shownRows, selectedRow.index, 1) ?? neighbour(shownRows, selectedRow.index, -1);
      const select =
        after === null ? null : after.index - (after.index > selectedRow.index ? 1 : 0);
      edit(removed(lines, selectedRow.index), select);
    },
    toggle: () => {
      if (selectedRow?.kind !== 'rule') return;
      const line = ruleLine(selectedRow.filter, !selectedRow.enabled);
      edit(replaced(lines, selectedRow.index, line), selectedRow.index);
    },
    move: (step: -1 | 1) => {
      if (selectedRow === undefined) return;
      const other = neighbour(shownRows, selectedRow.index, step);
      if (other !== null) edit(moved(lines, selectedRow.index, other.index), other.index);
    },
    undo: () => dispatch({ type: 'undo' }),
    redo: () => dispatch({ type: 'redo' }),
  };

  const isRule = selectedRow?.kind === 'rule';
  const ruleButtons: Array<{
    label: string;
    name?: string;
    run(): void;
    enabled: boolean;
    danger?: boolean;
  }> = [
    { label: 'Add rule', run: act.add, enabled: true },
    { label: 'Edit', run: act.edit, enabled: isRule },
    { label: 'Duplicate', run: act.duplicate, enabled: isRule },
    {
      label: isRule && !selectedRow.enabled ? 'Enable' : 'Disable',
      run: act.toggle,
      enabled: isRule,
    },
    { label: '↑', name: 'Move up', run: () => act.move(-1), enabled: selectedRow !== undefined },
    { label: '↓', name: 'Move down', run: () => act.move(1), enabled: selectedRow !== undefined },
    { label: 'Delete', run: act.remove, enabled: selectedRow !== undefined, danger: true },
  ];

  function tableKey(event: KeyboardEvent<HTMLDivElement>) {
    const key = event.key;
    const handled = (run: () => void) => {
      event.preventDefault();
      run();
    };
    if (event.altKey && key === 'ArrowUp') handled(() => act.move(-1));
    else if (event.altKey && key === 'ArrowDown') handled(() => act.move(1));
    else if (key === 'Enter') handled(act.edit);
    else if (key === 'Delete') handled(act.remove);
    else if (key === ' ') handled(act.toggle);
    else if (key === 'Insert') handled(act.add);
    else if (event.ctrlKey && key.toLowerCase() === 'd') handled(act.duplicate);
  }

  function editorKey(event: KeyboardEvent<HTMLElement>) {
    // Text fields and the code editor have undo of their own.
    const target = event.target as HTMLElement;
    if (target.closest('input, select, textarea, .cm-editor') !== null) return;
    const key = event.key.toLowerCase();
    if (!event.ctrlKey && !event.metaKey) return;
    if (key === 'z' && !event.shiftKey) {
      event.preventDefault();
      act.undo();
    } else if (key === 'y' || (key === 'z' && event.shiftKey)) {
      event.preventDefault();
      act.redo();
    } else if (key === 's') {
      event.preventDefault();
      if (dirty && errors.length === 0) setReviewing(true);
    }
  }

  async function save() {
    setMessage(null);
    try {
      const result = await api.savePolicy(doc.path, textOfLines(lines), doc.version);
      if ('saved' in result) {
        dispatch({ type: 'saved', doc: result.saved });
        setMessage(`Saved to ${result.saved.path}; running sessions use it now.`);
      } else dispatch({ type: 'conflict', doc: result.conflict });
    } catch (e) {
      setMessage(`Not saved: ${(e as Error).message}`);
    }
    setReviewing(false);
  }

  const title = doc.kind === 'template' ? `Template ${doc.name}` : doc.name;
  return (
    <article className="policy policy-editor" aria-labelledby="policy-title" onKeyDown={editorKey}>
      <header className="policy-header">
        <h2 id="policy-title">{title}</h2>
        <p className="muted">
          {doc.path}
          {doc.savesTo !== null &&
            doc.savesTo !== doc.path &&
            ` · saving makes your copy, ${doc.savesTo}`}
          {readOnly && ' · read-only'}
        </p>
        {dirty && <span className="unsaved-tag">unsaved</span>}
      </header>
      {state.conflict !== null && (
        <ConflictBanner
          mine={lines}
          theirs={state.conflict}
          onTakeTheirs={() => dispatch({ type: 'takeTheirs' })}
          onKeepMine={() => dispatch({ type: 'keepMine' })}
        />
      )}
      <div className="editor-toolbar" role="toolbar" aria-label="Policy editing">
        <div className="segmented" role="radiogroup" aria-label="Show">
          {(['rules', 'text'] as const).map((v) => (
            <label key={v} className="segment">
              <input
                type="radio"
                name="policy-view"
                checked={view === v}
                onChange={() => setView(v)}
              />
              <span>{v === 'rules' ? 'Rules' : 'Text'}</span>
            </label>
          ))}
        </div>
        {view === 'rules' && (
          <>
            <input
              type="text"
              className="rule-search"
              aria-label="Filter rules"
              placeholder="Filter rules"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            {ruleButtons.map((b) => (
              <button
                key={b.label}
                type="button"
                className={b.danger ? 'button danger-text' : 'button'}
                onClick={b.run}
                disabled={readOnly || !b.enabled}
                aria-label={b.name}
              >
                {b.label}
              </button>
            ))}
          </>
        )}
        <span className="toolbar-gap" />
        <button
          type="button"
          className="button"
          aria-pressed={explaining}
          onClick={() => setExplaining((e) => !e)}
        >
          Explain…
        </button>
        <button
          type="button"
          className="button"
          onClick={act.undo}
          disabled={state.history.past.length === 0}
        >
          Undo
        </button>
        <button
          type="button"
          className="button"
          onClick={act.redo}
          disabled={state.history.future.length === 0}
        >
          Redo
        </button>
        <button
          type="button"
          className="button primary"
          onClick={() => setReviewing(true)}
          disabled={readOnly || !dirty || errors.length > 0}
          title={errors.length > 0 ? 'Fix the errors first' : undefined}
        >
          Save…
        </button>
      </div>
      {message !== null && (
        <p className="editor-message" role="status">
          {message}
        </p>
      )}
      {errors.length > 0 && (
        <ul className="editor-errors" aria-label="Errors">
          {errors.map((d, i) => (
            <li key={i}>
              line {d.span.start.line}, column {d.span.start.col}: {d.message}
            </li>
          ))}
        </ul>
      )}
      {explaining && (
        <ExplainPanel
          program={doc.name}
          file={file}
          recent={recent}
          onShowLine={(line) => {
            setView('rules');
            setQuery('');
            dispatch({ type: 'selected', index: line - 1 });
          }}
          onClose={() => setExplaining(false)}
        />
      )}
      {form !== null && (
        <RuleForm
          key={form.kind === 'edit' ? `edit-${form.row.index}` : `new-${form.serial}`}
          arch={doc.arch}
          rule={form.kind === 'edit' ? form.row.filter : form.rule}
          isNew={form.kind === 'new'}
          onApply={applyForm}
          onCancel={() => setForm(null)}
        />
      )}
      {view === 'rules' ? (
        <RuleTable
          label={`Rules of ${doc.name}`}
          rows={shownRows}
          selected={state.selected}
          arrived={state.arrived}
          hits={hits}
          onSelect={(index) => dispatch({ type: 'selected', index })}
          onEdit={(index) => {
            const row = rows.find((r) => r.index === index);
            if (row?.kind === 'rule' && !readOnly) setForm({ kind: 'edit', row });
          }}
          onMove={(from, to) => edit(moved(lines, from, to), to)}
          onKeyDown={tableKey}
          checking={checking}
        />
      ) : (
        <PolicyText
          value={textOfLines(lines)}
          onChange={(text) => dispatch({ type: 'typed', lines: linesOfText(text) })}
          readOnly={readOnly}
          normalise={(text) => textOfLines(linesOfText(text))}
          check={(text) => checkText(text, doc)}
          label={`Text of ${doc.name}`}
          multiline
        />
      )}
      {reviewing && (
        <SaveReview
          before={linesOfText(doc.text)}
          after={lines}
          target={doc.savesTo ?? doc.path}
          onSave={() => void save()}
          onCancel={() => setReviewing(false)}
        />
      )}
    </article>
  );
}

function checkText(text: string, doc: PolicyDocument) {
  const { file, diagnostics } = parsePolicy(text, doc.path);
  return [...diagnostics, ...lintPolicy(file, text, { arch: doc.arch })];
}
