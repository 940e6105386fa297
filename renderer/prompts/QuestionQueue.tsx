// Every waiting question, oldest first, the newest marked; choosing one shows it in the prompt.

import { useSysgate } from '../window/context.js';
import { baseName, mainArgument } from './queue.js';

export function QuestionQueue({ shownId }: { shownId: string | null }) {
  const ids = useSysgate((s) => s.queue.ids);
  if (ids.length === 0) return null;
  const newest = ids.length > 1 ? ids[ids.length - 1] : undefined;
  return (
    <ul className="queue" aria-label="Waiting questions">
      {ids.map((id) => (
        <QueueItem key={id} questionId={id} shown={id === shownId} newest={id === newest} />
      ))}
    </ul>
  );
}

function QueueItem({
  questionId,
  shown,
  newest,
}: {
  questionId: string;
  shown: boolean;
  newest: boolean;
}) {
  const pending = useSysgate((s) => s.questions[questionId]);
  const select = useSysgate((s) => s.selectQuestion);
  if (pending === undefined) return null;
  const { question, count } = pending;
  const argument = mainArgument(question);
  const classes = ['queue-item', shown && 'shown', newest && 'newest'].filter(Boolean).join(' ');
  return (
    <li>
      <button
        type="button"
        className={classes}
        aria-current={shown ? 'true' : undefined}
        onClick={() => select(questionId)}
      >
        <span className="queue-line">
          <code className="queue-call">{question.call}</code>
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
        </span>
      </button>
    </li>
  );
}
