// Every waiting question, oldest first, the newest marked; choosing one shows it in the prompt.
// The list is virtual: only the rows in view (and a few around them) are in the DOM, each placed
// at its own height, so a thousand waiting questions cost the page what twenty do. A profile of
// a 1,000-question burst had the page's main thread busy all along, most of it in the browser's
// own work on the list's thousand rows (style, layout, content-visibility checks, setAttribute),
// not in the window's code; the keys typed meanwhile waited for it.
//
// The keyboard reaches every row (a roving focus: one row is in the Tab order; the arrows, Page
// Up/Down, Home and End move to the others, scrolling them into view). Each row says its place
// (aria-posinset of aria-setsize), since a screen reader no longer sees all of them.

import {
  memo,
  useCallback,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
} from 'react';

import type { PendingQuestion } from '../../app/common/contract.js';
import { useSysgate } from '../window/context.js';
import { baseName, mainArgument, rowForKey, rowsInView } from './queue.js';

/** The height of a row, px (.queue > li in prompts.css). */
export const ROW_HEIGHT = 44;
/** The list's padding, px (.queue in prompts.css). */
const PAD = 4;

export function QuestionQueue({ shownId }: { shownId: string | null }) {
  const ids = useSysgate((s) => s.queue.ids);
  const questions = useSysgate((s) => s.questions);
  const select = useSysgate((s) => s.selectQuestion);
  const covered = useSysgate((s) => s.covered);
  const list = useRef<HTMLUListElement>(null);
  const [view, setView] = useState({ scrollTop: 0, height: 10 * ROW_HEIGHT });
  // The row in the Tab order: the one the keyboard is on, else the one shown.
  const [current, setCurrent] = useState<string | null>(null);
  const focusNext = useRef<string | null>(null);

  const measure = useCallback(() => {
    const ul = list.current;
    if (ul === null) return;
    const next = { scrollTop: ul.scrollTop, height: ul.clientHeight };
    // The same view is no new render (the list's size changes with each batch while it grows).
    setView((v) => (v.scrollTop === next.scrollTop && v.height === next.height ? v : next));
  }, []);
  const hasRows = ids.length > 0;
  useLayoutEffect(() => {
    const ul = list.current;
    if (ul === null) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(ul);
    return () => observer.disconnect();
  }, [hasRows, measure]);

  // A row the keyboard moved to is focused once it is drawn.
  useLayoutEffect(() => {
    const id = focusNext.current;
    if (id === null) return;
    focusNext.current = null;
    list.current?.querySelector<HTMLElement>(`button[data-id="${CSS.escape(id)}"]`)?.focus();
  });

  if (ids.length === 0) return null;
  const newest = ids.length > 1 ? ids[ids.length - 1] : undefined;
  const tabbable = current !== null && current in questions ? current : (shownId ?? ids[0] ?? null);
  const [first, end] = rowsInView({ ...view, rowHeight: ROW_HEIGHT, count: ids.length });
  const rows: number[] = [];
  for (let i = first; i < end; i++) rows.push(i);
  // The row in the Tab order is always there, even scrolled away, so that Tab finds the list.
  const tabIndex = tabbable === null ? -1 : ids.indexOf(tabbable);
  if (tabIndex >= 0 && (tabIndex < first || tabIndex >= end)) rows.push(tabIndex);

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const id = (event.target as HTMLElement).dataset?.['id'];
    const index = id === undefined ? -1 : ids.indexOf(id);
    if (index < 0) return;
    const page = Math.max(1, Math.floor(view.height / ROW_HEIGHT) - 1);
    const to = rowForKey(event.key, index, ids.length, page);
    if (to === null) return;
    event.preventDefault();
    const ul = list.current!;
    const top = PAD + to * ROW_HEIGHT;
    let scrollTop = ul.scrollTop;
    if (top < scrollTop) scrollTop = top;
    else if (top + ROW_HEIGHT > scrollTop + ul.clientHeight)
      scrollTop = top + ROW_HEIGHT - ul.clientHeight;
    ul.scrollTop = scrollTop;
    const target = ids[to]!;
    focusNext.current = target;
    setCurrent(target);
    setView({ scrollTop, height: ul.clientHeight });
  }

  return (
    <ul
      className="queue"
      aria-label="Waiting questions"
      ref={list}
      onScroll={measure}
      onKeyDown={onKeyDown}
      // The rows are placed absolutely; the list is as high as all of them (.queue::after).
      style={{ '--queue-rows-height': `${ids.length * ROW_HEIGHT}px` } as CSSProperties}
    >
      {rows.map((i) => {
        const id = ids[i]!;
        const pending = questions[id];
        return pending === undefined ? null : (
          <QueueItem
            key={id}
            pending={pending}
            index={i}
            count={ids.length}
            shown={id === shownId}
            newest={id === newest}
            covered={covered[id] === true}
            tabbable={id === tabbable}
            select={select}
            onFocus={setCurrent}
          />
        );
      })}
    </ul>
  );
}

const QueueItem = memo(function QueueItem({
  pending,
  index,
  count,
  shown,
  newest,
  covered,
  tabbable,
  select,
  onFocus,
}: {
  pending: PendingQuestion;
  index: number;
  count: number;
  shown: boolean;
  newest: boolean;
  /** The rule in the prompt would decide it too. */
  covered: boolean;
  tabbable: boolean;
  select(questionId: string): void;
  onFocus(questionId: string): void;
}) {
  const { question } = pending;
  const argument = mainArgument(question);
  const classes = ['queue-item', shown && 'shown', newest && 'newest', covered && 'covered']
    .filter(Boolean)
    .join(' ');
  return (
    <li aria-posinset={index + 1} aria-setsize={count} style={{ top: PAD + index * ROW_HEIGHT }}>
      <button
        type="button"
        className={classes}
        data-id={pending.id}
        tabIndex={tabbable ? 0 : -1}
        aria-current={shown ? 'true' : undefined}
        onClick={() => select(pending.id)}
        onFocus={() => onFocus(pending.id)}
      >
        <span className="queue-line">
          <code className="queue-call">
            {pending.calls === undefined ? question.call : pending.calls.join(', ')}
          </code>
          <code className="queue-arg">
            {/* Long paths are cut at the start, where they matter least. */}
            <bdi dir="ltr">{argument?.value ?? ''}</bdi>
          </code>
          {pending.count > 1 && (
            <span className="queue-count" title={`${pending.count} identical questions`}>
              ×{pending.count}
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
