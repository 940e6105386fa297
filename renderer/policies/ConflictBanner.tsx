// A file changed on disk under unsaved edits: their change beside the draft, and the choice of
// which one to go on with. Nothing is overwritten until the user chooses.

import type { PolicyDocument } from '../../app/common/contract.js';
import type { Lines } from './draft.js';
import { linesOfText } from './rule-rows.js';
import { Diff } from './SaveReview.js';

export function ConflictBanner({
  mine,
  theirs,
  onTakeTheirs,
  onKeepMine,
}: {
  mine: Lines;
  theirs: PolicyDocument;
  onTakeTheirs(): void;
  onKeepMine(): void;
}) {
  return (
    <section className="conflict" role="alert" aria-label="Conflict">
      <p>
        <b>{theirs.path} changed</b> while you were editing. Your edits are kept; nothing is
        overwritten until you choose.
      </p>
      <Diff
        before={mine}
        after={linesOfText(theirs.text)}
        label="Their change, against your draft"
      />
      <div className="form-buttons">
        <button type="button" className="button" onClick={onTakeTheirs}>
          Use the file as it is now
        </button>
        <button type="button" className="button" onClick={onKeepMine}>
          Keep my edits (a save replaces theirs)
        </button>
      </div>
    </section>
  );
}
