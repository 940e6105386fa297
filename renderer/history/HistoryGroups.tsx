// The history's records grouped by program and call, on request: how many records of each, how
// many permitted and denied, and the newest. A group opens as the records it holds.

import { useEffect, useState } from 'react';

import type { HistoryGroup } from '../../app/common/history/entry.js';
import { useServices, useSysgate } from '../window/context.js';
import { recordTime } from './history-text.js';

export function HistoryGroups({
  query,
  active,
  onOpen,
}: {
  query: string;
  active: boolean;
  /** Shows the records of one group (the filter narrowed to its program and call). */
  onOpen(group: HistoryGroup): void;
}) {
  const { api } = useServices();
  const newest = useSysgate((s) => s.historyNewest);
  const [groups, setGroups] = useState<HistoryGroup[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!active) return;
    let current = true;
    api.historyGroups(query).then(
      (g) => {
        if (!current) return;
        setGroups(g);
        setProblem(null);
      },
      (e: unknown) => current && setProblem((e as Error).message),
    );
    return () => {
      current = false;
    };
  }, [api, query, active, newest]);

  if (problem !== null) return <p className="history-message">{problem}</p>;
  if (groups === null) return <p className="muted history-groups-empty">Grouping…</p>;
  if (groups.length === 0)
    return <p className="muted history-groups-empty">No records match the filter.</p>;
  return (
    <div className="history-groups">
      <table>
        <caption>Records by program and call, most first</caption>
        <thead>
          <tr>
            <th scope="col">Program</th>
            <th scope="col">Call</th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col" className="num">
              Permitted
            </th>
            <th scope="col" className="num">
              Denied
            </th>
            <th scope="col">Newest</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={`${g.program}\0${g.call}`}>
              <td title={g.program}>{g.program}</td>
              <td>{g.call}</td>
              <td className="num">{g.records.toLocaleString('en')}</td>
              <td className="num">{g.permitted.toLocaleString('en')}</td>
              <td className="num">{g.denied.toLocaleString('en')}</td>
              <td>{recordTime(g.last)}</td>
              <td>
                <button
                  type="button"
                  className="button quiet"
                  aria-label={`Show the ${g.records} records of ${g.call} by ${g.program}`}
                  onClick={() => onOpen(g)}
                >
                  Show records
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
