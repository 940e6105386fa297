// The Statistics view: how many calls each program made, of which call, decided by which rule,
// over time, permitted ones too. The counts are the supervisor's (native/counts.c), kept in the
// history per run (app/core/records/history-store.ts). A chart in plain SVG, with the same
// numbers as a table beside it for those who do not see it. Calls the kernel's filter allows
// itself never reach the supervisor: the view says so rather than count them as nothing.

import { useCallback, useEffect, useId, useState } from 'react';

import type { Statistics, Tally } from '../../app/common/history/statistics.js';
import { useServices } from '../window/context.js';
import { historyHash } from '../window/route.js';
import './statistics.css';

/** How often the view reads the counts again while it shows (the supervisor sends every 500 ms). */
const REFRESH_MS = 2000;
/** Rows each table shows before "Show all". */
const SHOWN_ROWS = 15;

const number = (n: number) => n.toLocaleString('en');
const when = (ms: number) => new Date(ms).toLocaleString();

/** A run's name in the history (`s1@1764223200000`) as a person reads it. */
export function runLabel(session: string, first: number): string {
  const [id = session] = session.split('@');
  const kind = id.startsWith('cli') ? `sysgate run, pid ${id.slice(3)}` : `session ${id}`;
  return `${kind}, ${when(first)}`;
}

export function StatisticsView({ hidden }: { hidden: boolean }) {
  const { api } = useServices();
  const id = useId();
  // '' is every run.
  const [run, setRun] = useState('');
  const [stats, setStats] = useState<Statistics | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api.statistics(run === '' ? null : run).then(
        (s) => {
          setStats(s);
          setProblem(null);
        },
        (e: unknown) => setProblem((e as Error).message),
      ),
    [api, run],
  );

  useEffect(() => {
    if (hidden) return;
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [hidden, load]);

  const total = stats === null ? 0 : stats.total.permitted + stats.total.denied;
  return (
    <section className="view statistics-view" aria-labelledby={`${id}-heading`} hidden={hidden}>
      <header className="view-header">
        <h1 id={`${id}-heading`}>Statistics</h1>
        <p className="muted" aria-live="polite">
          {problem ??
            (stats === null
              ? 'Reading the counts…'
              : `${number(total)} calls: ${number(stats.total.permitted)} permitted, ${number(stats.total.denied)} denied`)}
        </p>
        <div className="history-tools">
          <div className="field statistics-run">
            <label className="field-label" htmlFor={`${id}-run`}>
              Run
            </label>
            <select id={`${id}-run`} value={run} onChange={(e) => setRun(e.target.value)}>
              <option value="">All runs</option>
              {stats?.runs.map((r) => (
                <option key={r.session} value={r.session}>
                  {runLabel(r.session, r.first)} ({number(r.total)} calls)
                </option>
              ))}
            </select>
          </div>
          {run !== '' && (
            <a className="button" href={historyHash(`run:${run}`)}>
              This run's records
            </a>
          )}
          <button type="button" className="button" onClick={() => void load()}>
            Refresh
          </button>
        </div>
      </header>
      <p className="statistics-note" id={`${id}-note`}>
        Counted: every call that reached sysgate&apos;s supervisor, permitted or denied, in the
        sessions and <code>sysgate</code> runs that started Node.js. <strong>Not counted</strong>:
        the calls the kernel&apos;s filter permits by itself (memory, threads, clocks, reading and
        writing descriptors already open, and under <code>-K</code> the calls the kernel decides),
        which never reach the supervisor, and the runs started from a plan that asked nothing.
      </p>
      {stats !== null && total === 0 && (
        <p className="statistics-empty">
          No counts yet{run === '' ? '' : ' for this run'}: start a session, and its calls appear
          here as they are decided.
        </p>
      )}
      {stats !== null && total > 0 && (
        <div className="statistics-body">
          <Chart series={stats.series} describedBy={`${id}-note`} />
          <CountTable
            caption="Per program"
            columns={['Program']}
            rows={stats.programs.map((p) => ({ key: p.program, cells: [p.program], tally: p }))}
          />
          <CountTable
            caption="Per call"
            wide
            columns={['Program', 'Call']}
            rows={stats.calls.map((c) => ({
              key: `${c.program}\0${c.call}`,
              cells: [c.program, c.call],
              tally: c,
            }))}
          />
          <CountTable
            caption="Per rule"
            wide
            columns={['Policy', 'Rule', 'Line']}
            rows={stats.rules.map((r) => ({
              key: `${r.policy}\0${r.rule ?? r.by}`,
              cells: [
                r.policy,
                r.rule ?? `(no rule: decided by ${r.by === 'default' ? 'default' : r.by})`,
                r.line === null ? '' : String(r.line),
              ],
              tally: r,
            }))}
          />
        </div>
      )}
    </section>
  );
}

interface Row {
  key: string;
  cells: string[];
  tally: Tally;
}

/** The width of a column by its name: a program's path gets room, a line number little. */
const COLUMN_CLASS: Record<string, string | undefined> = {
  Program: 'program',
  Policy: 'program',
  Line: 'narrow',
  Call: 'call',
};

function CountTable({
  caption,
  columns,
  rows,
  wide = false,
}: {
  caption: string;
  columns: string[];
  rows: Row[];
  /** Across the whole view, for long rules. */
  wide?: boolean;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, SHOWN_ROWS);
  return (
    <div className={wide ? 'statistics-table wide' : 'statistics-table'}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col" className={COLUMN_CLASS[c]}>
                {c}
              </th>
            ))}
            <th scope="col" className="num">
              Permitted
            </th>
            <th scope="col" className="num">
              Denied
            </th>
            <th scope="col" className="num">
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key}>
              {row.cells.map((cell, i) => (
                <td key={i} className={i === 0 ? 'path' : undefined} title={cell}>
                  {cell}
                </td>
              ))}
              <td className="num permit-text">{number(row.tally.permitted)}</td>
              <td className="num deny-text">{number(row.tally.denied)}</td>
              <td className="num">{number(row.tally.permitted + row.tally.denied)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > SHOWN_ROWS && (
        <button type="button" className="button quiet" onClick={() => setAll((a) => !a)}>
          {all ? 'Show fewer' : `Show all ${rows.length}`}
        </button>
      )}
    </div>
  );
}

const WIDTH = 720;
const HEIGHT = 180;
const LEFT = 56;
const BOTTOM = 24;

/** Calls over time as stacked bars (permitted below, denied above), and as a table. */
function Chart({ series, describedBy }: { series: Statistics['series']; describedBy: string }) {
  const id = useId();
  const [asTable, setAsTable] = useState(false);
  const { bins, start, step } = series;
  const max = Math.max(1, ...bins.map((b) => b.permitted + b.denied));
  const plotW = WIDTH - LEFT - 8;
  const plotH = HEIGHT - BOTTOM - 8;
  const barW = plotW / Math.max(1, bins.length);
  const y = (n: number) => (n / max) * plotH;
  const seconds = step / 1000;
  const label = (i: number) => new Date(start + i * step).toLocaleTimeString();
  const busiest = bins.reduce(
    (best, b, i) => {
      const n = b.permitted + b.denied;
      return n > best.n ? { n, i } : best;
    },
    { n: -1, i: 0 },
  );
  const summary =
    `Calls over time, ${bins.length} spans of ${seconds} s from ${label(0)}; ` +
    `the busiest, at ${label(busiest.i)}, had ${number(busiest.n)} calls.`;
  return (
    <figure className="statistics-chart">
      <figcaption id={`${id}-caption`}>
        Calls over time <span className="muted">(each bar {seconds} s)</span>
        <span className="statistics-legend" aria-hidden="true">
          <span className="swatch permit" /> permitted <span className="swatch deny" /> denied
        </span>
        <button
          type="button"
          className="button quiet"
          aria-pressed={asTable}
          onClick={() => setAsTable((t) => !t)}
        >
          {asTable ? 'Show as chart' : 'Show as table'}
        </button>
      </figcaption>
      {asTable ? (
        <table aria-labelledby={`${id}-caption`}>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col" className="num">
                Permitted
              </th>
              <th scope="col" className="num">
                Denied
              </th>
            </tr>
          </thead>
          <tbody>
            {bins.map((b, i) => (
              <tr key={i}>
                <td>{label(i)}</td>
                <td className="num">{number(b.permitted)}</td>
                <td className="num">{number(b.denied)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-label={summary}
          aria-describedby={describedBy}
          preserveAspectRatio="none"
        >
          <line className="axis" x1={LEFT} y1={8 + plotH} x2={WIDTH - 8} y2={8 + plotH} />
          <line className="axis" x1={LEFT} y1={8} x2={LEFT} y2={8 + plotH} />
          <text className="tick" x={LEFT - 6} y={14} textAnchor="end">
            {number(max)}
          </text>
          <text className="tick" x={LEFT - 6} y={8 + plotH} textAnchor="end">
            0
          </text>
          {bins.map((b, i) => {
            const x = LEFT + i * barW + Math.min(2, barW / 6);
            const w = Math.max(1, barW - Math.min(4, barW / 3));
            const hp = y(b.permitted);
            const hd = y(b.denied);
            return (
              <g key={i}>
                <title>{`${label(i)}: ${number(b.permitted)} permitted, ${number(b.denied)} denied`}</title>
                <rect className="bar permit" x={x} y={8 + plotH - hp} width={w} height={hp} />
                <rect className="bar deny" x={x} y={8 + plotH - hp - hd} width={w} height={hd} />
              </g>
            );
          })}
          <text className="tick" x={LEFT} y={HEIGHT - 6}>
            {label(0)}
          </text>
          <text className="tick" x={WIDTH - 8} y={HEIGHT - 6} textAnchor="end">
            {label(bins.length - 1)}
          </text>
        </svg>
      )}
    </figure>
  );
}
