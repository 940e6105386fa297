// Every waiting question, oldest first, the newest marked; choosing one shows it in the prompt.
// The list reads the store once and hands each item its question: an item whose question, place
// and marks did not change is not rendered again (memo), so a burst of arrivals renders only the
// new items. The items out of view are skipped by the browser (`content-visibility` in prompts.css).

import { memo } from 'react';

import type { PendingQuestion } from '../../app/common/contract.js';
import { useSysgate } from '../window/context.js';
import { baseName, mainArgument } from './queue.js';

export function QuestionQueue({ shownId }: { shownId: string | null }) {
  const ids = useSysgate((s) => s.queue.ids);
  const questions = useSysgate((s) => s.questions);
  const select = useSysgate((s) => s.selectQuestion);
  const covered = useSysgate((s) => s.covered);
  if (ids.length === 0) return null;
  const newest = ids.length > 1 ? ids[ids.length - 1] : undefined;
  return (
    <ul className="queue" aria-label="Waiting questions">
      {ids.map((id) => {
        const pending = questions[id];
        return pending === undefined ? null : (
          <QueueItem
            key={id}
            pending={pending}
            shown={id === shownId}
            newest={id === newest}
            covered={covered[id] === true}
            select={select}
          />
        );
      })}
    </ul>
  );
}

const QueueItem = memo(function QueueItem({
  pending,
  shown,
  newest,
  covered,
  select,
}: {
  pending: PendingQuestion;
  shown: boolean;
  newest: boolean;
  /** The rule in the prompt would decide it too. */
  covered: boolean;
  select(questionId: string): void;
}) {
  const { question, count } = pending;
  const argument = mainArgument(question);
  const classes = ['queue-item', shown && 'shown', newest && 'newest', covered && 'covered']
    .filter(Boolean)
    .join(' ');
  return (
    <li>
      <button
        type="button"
        className={classes}
        aria-current={shown ? 'true' : undefined}
        onClick={() => select(pending.id)}
      >
        <span className="queue-line">
          <code className="queue-call">
            {pending.calls === undefined ? question.call : pending.calls.join(', ')}
          </code>
          <code className="queue-arg">
            {/* Long paths are cut at the start, where they matter least. */}
            <bdi dir="ltr">{argument?.value ?? ''}</bdi>
          </code>
          {count > 1 && (
            <span className="queue-count" title={`${count} identical questions`}>
              ×{count}
            </span>
          )}
        </span>
        <span className="queue-line queue-meta">
          {baseName(question.exe)} · pid {question.pid}
          {newest && <span className="new-tag">new</span>}
          {covered && <span className="covered-tag">decided by this rule</span>}
        </span>
      </button>
    </li>
  );
});
