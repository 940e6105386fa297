// A policy's rules as a table, in order. Only the rows in view are in the page (a learned policy
// can have thousands), all of the same height; the table is one focus stop whose arrow keys move
// the selection (the editor handles the other keys), and rows can be dragged to reorder them.

import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type UIEvent,
} from 'react';

import type { RuleHit } from '../../app/common/contract.js';
import type { Elevation } from '../../app/common/policy/ast.js';
import { elevationText } from '../../app/common/policy/elevation.js';
import { ColumnResizer, useColumnWidths } from '../window/column-widths.js';
import type { Row } from './rule-rows.js';
import './RuleTable.css';

export const ROW_HEIGHT = 30;
/**
 * Rows drawn above and below the view, so that scrolling never shows a gap: 180 px, more than a
 * wheel step (100 px). Every row in the page is walked again by each frame's paint, so no more.
 */
const OVERSCAN = 6;
const COLUMNS = [
  'Line',
  'Call',
  'Condition',
  'Action',
  'Error',
  'Log',
  'Hits',
  'Last hit',
  'Notes',
];
/**
 * A rule's last hit, as `toLocaleTimeString()` writes it (the window's locale; hour, minute and
 * second): made once, since toLocaleTimeString builds a formatter for each call (as in
 * history/history-text.ts).
 */
const HIT_TIME = new Intl.DateTimeFormat(undefined, {
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});
/** In pixels; the condition takes what is left (window/column-widths.tsx). */
const COLUMN_WIDTHS: readonly (number | null)[] = [34, 100, null, 168, 52, 26, 34, 64, 64];

export function RuleTable({
  label,
  rows,
  selected,
  arrived,
  hits,
  onSelect,
  onEdit,
  onMove,
  onKeyDown,
  checking = false,
}: {
  label: string;
  rows: readonly Row[];
  /** The line index of the selected row. */
  selected: number | null;
  arrived: ReadonlySet<string>;
  hits: ReadonlyMap<string, RuleHit>;
  onSelect(index: number): void;
  onEdit(index: number): void;
  /** A row dragged onto another: the line at `from` goes where the line at `to` is. */
  onMove(from: number, to: number): void;
  onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
  /** The linter has not yet answered for these rows: their notes may still change. */
  checking?: boolean;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [dragged, setDragged] = useState<number | null>(null);
  const position = rows.findIndex((r) => r.index === selected);
  const columns = useColumnWidths(COLUMN_WIDTHS);

  useEffect(() => {
    const element = scroller.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // The selected row is kept in view, whether the keyboard, a search or an outside change moved it.
  useEffect(() => {
    const element = scroller.current;
    if (element === null || position < 0) return;
    const top = position * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight - ROW_HEIGHT)
      element.scrollTop = top + 2 * ROW_HEIGHT - element.clientHeight;
  }, [position, selected]);

  function keyDown(event: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const steps: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -rows.length,
      End: rows.length,
    };
    const step = steps[event.key];
    if (step !== undefined && !event.altKey && !event.ctrlKey && rows.length > 0) {
      event.preventDefault();
      const to = Math.min(rows.length - 1, Math.max(0, (position < 0 ? -1 : position) + step));
      onSelect(rows[to]!.index);
      return;
    }
    onKeyDown(event);
  }

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const shown = rows.slice(first, last);
  const selectedRow = position >= 0 ? rows[position] : undefined;

  // The rows' handlers stay the same from one drawing to the next, so that a row whose rule,
  // place and state did not change is not drawn again as the table scrolls (RuleTableRow is
  // memo); they call the latest of the editor's.
  const latest = useRef({ onSelect, onEdit, onMove, dragged });
  latest.current = { onSelect, onEdit, onMove, dragged };
  const [handlers] = useState<RowHandlers>(() => ({
    select: (index) => latest.current.onSelect(index),
    edit: (index) => latest.current.onEdit(index),
    dragStart: (index) => setDragged(index),
    drop: (index) => {
      const from = latest.current.dragged;
      if (from !== null) latest.current.onMove(from, index);
      setDragged(null);
    },
    dragEnd: () => setDragged(null),
  }));
  const onScroll = useCallback(
    (e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop),
    [],
  );

  return (
    <div
      className="rule-table"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-busy={checking}
      aria-activedescendant={selectedRow ? rowId(selectedRow.index) : undefined}
      tabIndex={0}
      onKeyDown={keyDown}
      style={{ '--rule-columns': columns.template } as CSSProperties}
    >
      <div role="rowgroup">
        <div className="rule-row rule-head" role="row" aria-rowindex={1}>
          {COLUMNS.map((name, i) => (
            <span
              key={name}
              role="columnheader"
              className="rule-column"
              title={
                name === 'Hits'
                  ? "Calls this rule decided, permitted and denied, counted by sysgate's supervisor while the app runs. Calls the kernel's filter permits by itself never reach a rule and are not counted."
                  : undefined
              }
            >
              <span className="rule-column-name">{name}</span>
              <ColumnResizer columns={columns} index={i} name={name} />
            </span>
          ))}
        </div>
      </div>
      <div className="rule-scroll" ref={scroller} onScroll={onScroll}>
        <div className="rule-body" role="rowgroup" style={{ height: rows.length * ROW_HEIGHT }}>
          {shown.map((row, i) => (
            <RuleTableRow
              key={row.index}
              row={row}
              at={first + i}
              selected={row.index === selected}
              arrived={row.kind === 'rule' && arrived.has(row.key)}
              hit={row.kind === 'rule' ? hits.get(row.key) : undefined}
              dragging={dragged === row.index}
              handlers={handlers}
            />
          ))}
        </div>
      </div>
      {/* A cell shows what fits; the selected rule is here whole. */}
      <p className="rule-selected-text" aria-label="Selected rule">
        {selectedRow === undefined ? '' : `line ${selectedRow.index + 1}: ${rowText(selectedRow)}`}
      </p>
    </div>
  );
}

/** A row as its line reads: the rule as printed, or the text that does not parse. */
function rowText(row: Row): string {
  return row.kind === 'broken' ? row.text : `${row.key}${row.enabled ? '' : ' (switched off)'}`;
}

function rowId(index: number): string {
  return `rule-line-${index + 1}`;
}

/** What a row does with a click, a double click and a drag, given its line's index. */
interface RowHandlers {
  select(index: number): void;
  edit(index: number): void;
  dragStart(index: number): void;
  drop(index: number): void;
  dragEnd(): void;
}

const RuleTableRow = memo(function RuleTableRow({
  row,
  at,
  selected,
  arrived,
  hit,
  dragging,
  handlers,
}: {
  row: Row;
  at: number;
  selected: boolean;
  arrived: boolean;
  hit: RuleHit | undefined;
  dragging: boolean;
  handlers: RowHandlers;
}) {
  const classes = [
    'rule-row',
    selected && 'selected',
    arrived && 'arrived',
    dragging && 'dragging',
    row.kind === 'broken' && 'broken',
    row.kind === 'rule' && !row.enabled && 'disabled',
    row.kind === 'rule' && !row.reachable && 'shadowed',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      id={rowId(row.index)}
      className={classes}
      role="row"
      aria-rowindex={at + 2}
      aria-selected={selected}
      // Placed by its offset, not a transform: a transform makes each row a node of the
      // compositor's trees, built again and committed each frame a page scrolls.
      style={{ top: at * ROW_HEIGHT }}
      draggable={row.kind === 'rule'}
      onClick={() => handlers.select(row.index)}
      onDoubleClick={() => handlers.edit(row.index)}
      onDragStart={(e) => {
        e.dataTransfer.effectAllowed = 'move';
        handlers.dragStart(row.index);
      }}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        handlers.drop(row.index);
      }}
      onDragEnd={handlers.dragEnd}
    >
      <span role="gridcell" aria-colindex={1} className="num">
        {row.index + 1}
      </span>
      {row.kind === 'broken' ? (
        <>
          <span role="gridcell" aria-colindex={2} aria-colspan={3} className="broken-text">
            {row.text.trim()}
          </span>
          <span role="gridcell" aria-colindex={5} aria-colspan={5} className="notes error-text">
            {`line ${row.diagnostic.span.start.line}, column ${row.diagnostic.span.start.col}: ${row.diagnostic.message}`}
          </span>
        </>
      ) : (
        <RuleCells row={row} hit={hit} arrived={arrived} />
      )}
    </div>
  );
});

function RuleCells({
  row,
  hit,
  arrived,
}: {
  row: Extract<Row, { kind: 'rule' }>;
  hit: RuleHit | undefined;
  arrived: boolean;
}) {
  const notes = [
    !row.enabled && 'disabled',
    !row.reachable && 'shadowed: an earlier rule decides every call it would',
    arrived && 'new',
    ...row.warnings,
  ].filter(Boolean) as string[];
  // Each cell says its column (aria-colindex), and the cells with nothing to say are left out: a
  // cell is a box to lay out and paint, and a page scrolled brings in some thirty rows at once.
  return (
    <>
      <span role="gridcell" aria-colindex={2} className="call" title={row.aliasFor?.join(', ')}>
        {row.filter.call}
        {row.aliasFor !== null && <span className="alias-tag">alias</span>}
      </span>
      <span role="gridcell" aria-colindex={3} className="condition" title={row.condition}>
        {row.condition}
      </span>
      <span role="gridcell" aria-colindex={4} className={`action action-${row.filter.action.name}`}>
        {row.action}
        {row.filter.elevation !== null && <ElevationBadge elevation={row.filter.elevation} />}
      </span>
      {row.error !== null && (
        <span role="gridcell" aria-colindex={5} className="error">
          {row.error}
        </span>
      )}
      {row.filter.log && (
        <span role="gridcell" aria-colindex={6} className="log">
          log
        </span>
      )}
      <span
        role="gridcell"
        aria-colindex={7}
        className="num hits"
        title={
          hit === undefined
            ? 'no call decided by this rule yet'
            : `${hit.hits} calls: ${hit.permitted} permitted, ${hit.denied} denied`
        }
      >
        {hit?.hits ?? 0}
      </span>
      <span role="gridcell" aria-colindex={8} className="last-hit">
        {hit ? HIT_TIME.format(hit.lastHit) : '—'}
      </span>
      {notes.length > 0 && (
        <span
          role="gridcell"
          aria-colindex={9}
          className={
            row.warnings.length > 0 || !row.reachable ? 'rule-notes warning-text' : 'rule-notes'
          }
          title={notes.join('\n')}
        >
          {notes.join('; ')}
        </span>
      )}
    </>
  );
}

/**
 * `as root:root`: the call is performed by the supervisor with these credentials, not the
 * program's own (issue 16) — the one rule that lends a privilege, so it must stand out.
 */
export function ElevationBadge({ elevation }: { elevation: Elevation }) {
  const as = elevationText(elevation);
  return (
    <span
      className="elevation-tag"
      title={`The supervisor performs this call as ${as}, not with the program's own privileges`}
    >
      as {as}
    </span>
  );
}
