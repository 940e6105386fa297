// The history's table: every record matching the filter, newest first, drawn a screenful at a
// time (virtual-rows.ts) from pages the host sends as they come into view. A query counts what
// it matched when it ran (its ceiling); records that come later are "new": at the top of the
// table they are shown at once, scrolled away a marker says how many and shows them on a click.

import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type MouseEvent,
  type UIEvent,
} from 'react';

import { mainArgument, type HistoryEntry } from '../../app/common/history/entry.js';
import { ColumnResizer, useColumnWidths } from '../window/column-widths.js';
import { useServices, useSysgate } from '../window/context.js';
import { firstPageRequest, takeFirstPage } from './first-page.js';
import { actionText, deciderText, recordTime } from './history-text.js';
import {
  PAGE_SIZE,
  pagesOf,
  scrollScale,
  scrollTopFor,
  virtualScrollTop,
  visibleRows,
} from './virtual-rows.js';

const ROW_HEIGHT = 28;
/** The scrolling has rested when no scroll event came for this long (onScroll). */
const SCROLL_REST_MS = 150;
/** Live records are taken up at most this often. */
const LIVE_MS = 400;

export interface TableState {
  total: number;
  /** False while the matching records are being counted: `total` is what is known so far. */
  counted: boolean;
  ceiling: number;
  /** Why there are no records to show (the history cannot be read), or null. */
  problem: string | null;
}

const COLUMNS = ['Time', 'Action', 'Program', 'PID', 'Call', 'Argument', 'Decided by'];
/**
 * Each column's width in pixels; null for the Argument's, which takes what is left, so the table
 * fits its pane and nothing hides in a sideways scroll (window/column-widths.tsx).
 */
const COLUMN_WIDTHS: readonly (number | null)[] = [72, 92, 110, 48, 76, null, 76];

export function HistoryTable({
  query,
  system,
  active,
  selected,
  onSelect,
  onState,
}: {
  query: string;
  /** The system history (the daemons') instead of the user's. */
  system: boolean;
  active: boolean;
  selected: HistoryEntry[];
  onSelect(entries: HistoryEntry[]): void;
  onState(state: TableState): void;
}) {
  const { api } = useServices();
  const newest = useSysgate((s) => s.historyNewest);
  // The first query waits for the host: a reloaded window connects after it draws.
  const connected = useSysgate((s) => s.connection === 'connected');
  const pages = useRef(new Map<number, HistoryEntry[]>());
  const asked = useRef(new Set<number>());
  const generation = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);
  const [, redraw] = useState(0);
  const [state, setState] = useState<TableState>({
    total: 0,
    counted: true,
    ceiling: 0,
    problem: null,
  });
  const [scrollTop, setScrollTop] = useState(0);
  const columns = useColumnWidths(COLUMN_WIDTHS);
  const [height, setHeight] = useState(600);
  const [fresh, setFresh] = useState(0);
  const [anchor, setAnchor] = useState<number | null>(null);
  const lastLive = useRef(0);

  // The first page shows at once, with its count when the host counts it as quickly (the whole
  // history); counting a filter's matches can take longer, and comes after it.
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    const show = (next: TableState) => {
      setState(next);
      onState(next);
    };
    try {
      const page = await (takeFirstPage(query, system) ??
        api.historyPage(firstPageRequest(query, system)));
      if (mine !== generation.current) return;
      pages.current = new Map([[0, page.entries]]);
      asked.current = new Set([0]);
      const complete = page.total !== undefined || page.entries.length < PAGE_SIZE;
      const known = page.total ?? page.entries.length;
      show({ total: known, counted: complete, ceiling: page.ceiling, problem: null });
      setFresh(0);
      if (complete) return;
      const total = await api.historyCount(query, { after: 0, upTo: page.ceiling, system });
      if (mine !== generation.current) return;
      show({ total, counted: true, ceiling: page.ceiling, problem: null });
    } catch (e) {
      if (mine !== generation.current) return;
      pages.current = new Map();
      show({ total: 0, counted: true, ceiling: 0, problem: (e as Error).message });
    }
  }, [api, query, system, onState]);

  useEffect(() => {
    if (!active || !connected) return;
    scroller.current?.scrollTo({ top: 0 });
    setScrollTop(0);
    void reload();
  }, [active, connected, reload]);

  useEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const scale = scrollScale(state.total, ROW_HEIGHT);
  // The header row stays at the top of the scroller, over the first row's height.
  const viewport = height - ROW_HEIGHT;
  const virtualTop = virtualScrollTop(scrollTop, state.total, ROW_HEIGHT, viewport);
  const { first, end } = visibleRows(virtualTop, viewport, ROW_HEIGHT, state.total);

  // The pages of the rows in view, each asked for once per query.
  useEffect(() => {
    if (!active || state.problem !== null) return;
    const mine = generation.current;
    for (const p of pagesOf(first, end)) {
      if (asked.current.has(p)) continue;
      asked.current.add(p);
      void api
        .historyPage({
          query,
          offset: p * PAGE_SIZE,
          limit: PAGE_SIZE,
          ceiling: state.ceiling,
          system,
        })
        .then((page) => {
          if (mine !== generation.current) return;
          pages.current.set(p, page.entries);
          redraw((n) => n + 1);
        })
        .catch(() => asked.current.delete(p));
    }
  }, [active, api, query, system, first, end, state.ceiling, state.problem]);

  // Live: records committed after the query ran (to the user's history: the system's is read
  // again when it is chosen).
  useEffect(() => {
    if (!active || system || newest <= state.ceiling || state.problem !== null) return;
    const wait = Math.max(0, lastLive.current + LIVE_MS - Date.now());
    const timer = setTimeout(() => {
      lastLive.current = Date.now();
      if (scrollTop < ROW_HEIGHT) void reload();
      else
        void api
          .historyCount(query, { after: state.ceiling })
          .then(setFresh)
          .catch(() => undefined);
    }, wait);
    return () => clearTimeout(timer);
  }, [active, api, newest, query, reload, scrollTop, state.ceiling, state.problem, system]);

  const entryAt = (row: number): HistoryEntry | undefined =>
    pages.current.get(Math.floor(row / PAGE_SIZE))?.[row % PAGE_SIZE];

  function select(row: number, event: MouseEvent | KeyboardEvent) {
    const entry = entryAt(row);
    if (entry === undefined) return;
    if (event.shiftKey && anchor !== null) {
      const range: HistoryEntry[] = [];
      for (let r = Math.min(anchor, row); r <= Math.max(anchor, row); r++) {
        const e = entryAt(r);
        if (e !== undefined) range.push(e);
      }
      onSelect(range);
      return;
    }
    setAnchor(row);
    if (event.ctrlKey || event.metaKey) {
      const has = selected.some((s) => s.id === entry.id);
      onSelect(has ? selected.filter((s) => s.id !== entry.id) : [...selected, entry]);
    } else onSelect([entry]);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const from = anchor ?? -1;
    const row = Math.max(0, Math.min(state.total - 1, from + (event.key === 'ArrowDown' ? 1 : -1)));
    select(row, event);
    const element = scroller.current;
    if (element === null) return;
    // Brought into view in the rows' own space, then scrolled to in the scaled one.
    const top = row * ROW_HEIGHT;
    let target: number | null = null;
    if (top < virtualTop) target = top;
    else if (top + ROW_HEIGHT > virtualTop + viewport) target = top + ROW_HEIGHT - viewport;
    if (target !== null)
      element.scrollTop = scrollTopFor(target, state.total, ROW_HEIGHT, viewport);
  }

  // While the table scrolls, its rows pass under a pointer that does not move: each in turn
  // took the hover's background, and the rows were painted again in every frame (the profile
  // of a wheel scroll: 1.3 ms of paint in each frame that laid nothing out, against none
  // without the hover). The hover shows again once the scrolling has rested a moment.
  const scrolling = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (scrolling.current !== null) clearTimeout(scrolling.current);
    },
    [],
  );
  function onScroll(event: UIEvent<HTMLDivElement>) {
    const element = event.currentTarget;
    setScrollTop(element.scrollTop);
    element.dataset['scrolling'] = '';
    if (scrolling.current !== null) clearTimeout(scrolling.current);
    scrolling.current = setTimeout(() => {
      scrolling.current = null;
      delete element.dataset['scrolling'];
    }, SCROLL_REST_MS);
  }

  function showNew() {
    scroller.current?.scrollTo({ top: 0 });
    setScrollTop(0);
    void reload();
  }

  // The rows keep one handler, so that a row whose record and selection did not change is not
  // drawn again as the table scrolls (HistoryRow is memo).
  const selectRef = useRef(select);
  selectRef.current = select;
  const pick = useCallback((row: number, event: MouseEvent) => selectRef.current(row, event), []);

  const selectedIds = new Set(selected.map((s) => s.id));
  const rows = [];
  for (let row = first; row < end; row++) {
    const entry = entryAt(row);
    rows.push(
      <HistoryRow
        key={entry?.id ?? `row-${row}`}
        row={row}
        entry={entry}
        selected={entry !== undefined && selectedIds.has(entry.id)}
        onPick={pick}
      />,
    );
  }

  const offset = scrollTop + (first * ROW_HEIGHT - virtualTop);
  return (
    <div
      className="history-table"
      role="table"
      aria-label="Records"
      aria-rowcount={state.total + 1}
      style={{ '--history-columns': columns.template } as CSSProperties}
    >
      {fresh > 0 && (
        <button type="button" className="button primary history-fresh" onClick={showNew}>
          {fresh} new
        </button>
      )}
      <div
        ref={scroller}
        className="history-body"
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        {/* Inside the scroller, sticky: it scrolls sideways with the rows. */}
        <div role="rowgroup" className="history-head">
          <div role="row" aria-rowindex={1} className="history-row">
            {COLUMNS.map((c, i) => (
              <span key={c} role="columnheader" className="history-column">
                <span className="history-column-name">{c}</span>
                <ColumnResizer columns={columns} index={i} name={c} />
              </span>
            ))}
          </div>
        </div>
        <div
          role="rowgroup"
          aria-label="Records, newest first"
          className="history-spacer"
          style={{ height: state.total * ROW_HEIGHT * scale }}
        >
          <div className="history-rows" style={{ transform: `translateY(${offset}px)` }}>
            {rows}
          </div>
        </div>
        {state.total === 0 && state.problem === null && (
          <p className="empty">No record matches. Denials appear here as they happen.</p>
        )}
      </div>
    </div>
  );
}

/**
 * One record's row. Memo: as the table scrolls only the rows coming into view are made; the
 * profile of a wheel scroll through a million records had every row in view made again for
 * each scroll event.
 */
const HistoryRow = memo(function HistoryRow({
  row,
  entry,
  selected,
  onPick,
}: {
  row: number;
  entry: HistoryEntry | undefined;
  selected: boolean;
  onPick(row: number, event: MouseEvent): void;
}) {
  return (
    <div
      role="row"
      aria-rowindex={row + 2}
      aria-selected={selected}
      className={`history-row ${entry?.action ?? 'loading'}`}
      // A Shift-click extends the selection of records (onPick), not of the page's text.
      onMouseDown={(e) => e.shiftKey && e.preventDefault()}
      onClick={(e) => onPick(row, e)}
    >
      {entry === undefined ? (
        <span role="cell" className="muted">
          …
        </span>
      ) : (
        <>
          <span role="cell">{recordTime(entry.time)}</span>
          <span role="cell" className={`history-action ${entry.action}`}>
            {actionText(entry)}
          </span>
          <span role="cell" title={entry.program}>
            {entry.program}
          </span>
          <span role="cell">{entry.pid}</span>
          <span role="cell">{entry.call}</span>
          <span role="cell" title={mainArgument(entry)}>
            {mainArgument(entry)}
          </span>
          <span role="cell">{deciderText(entry)}</span>
        </>
      )}
    </div>
  );
});
