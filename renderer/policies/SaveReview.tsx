// Before a save: the change it makes, as lines removed and added, and where it goes.

import { useEffect, useMemo, useRef } from 'react';

import { parseFilter } from '../../app/common/policy/parser.js';
import { lineDiff, shownLine, withContext } from './line-diff.js';
import { ModalDialog } from './ModalDialog.js';
import { ElevationBadge } from './RuleTable.js';
import './SaveReview.css';

export function SaveReview({
  before,
  after,
  target,
  onSave,
  onCancel,
}: {
  before: readonly string[];
  after: readonly string[];
  target: string;
  onSave(): void;
  onCancel(): void;
}) {
  const saveButton = useRef<HTMLButtonElement>(null);
  useEffect(() => saveButton.current?.focus(), []);
  return (
    <ModalDialog label="Save changes" onClose={onCancel}>
      <h3>Save to {target}</h3>
      <Diff before={before} after={after} label="Changes to save" />
      <div className="form-buttons">
        <button type="button" className="button primary" ref={saveButton} onClick={onSave}>
          Save
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}

/** Lines removed and added, with a little of what is around them. */
export function Diff({
  before,
  after,
  label,
}: {
  before: readonly string[];
  after: readonly string[];
  label: string;
}) {
  const shown = useMemo(() => withContext(lineDiff(before, after)), [before, after]);
  return (
    <pre className="diff" aria-label={label} tabIndex={0}>
      {shown.length === 0 && <span className="muted">No change.</span>}
      {shown.map((d, i) => (
        <span key={i} className={d === null ? 'diff-gap' : `diff-${d.kind}`}>
          {shownLine(d)}
          {d?.kind === 'added' && <AddedElevation text={d.text} />}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** An added rule that lends a privilege is marked where the save is reviewed (issue 16). */
function AddedElevation({ text }: { text: string }) {
  const { filter } = parseFilter(text.trim());
  if (filter?.elevation == null) return null;
  return (
    <>
      {' '}
      <ElevationBadge elevation={filter.elevation} />
    </>
  );
}
