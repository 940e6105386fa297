// The session's processes, each under its parent, folded away until asked for.

import { useMemo } from 'react';

import type { ProcessInfo } from '../../app/common/contract.js';
import { processRows } from './process-tree.js';

const MAX_INDENT = 8;

export function ProcessTree({ processes }: { processes: ProcessInfo[] }) {
  const rows = useMemo(() => processRows(processes), [processes]);
  const alive = processes.filter((p) => p.alive).length;
  return (
    <details className="processes">
      <summary>
        Processes{' '}
        <span className="muted">
          {alive} running, {processes.length} in all
        </span>
      </summary>
      {rows.length === 0 ? (
        <p className="muted processes-empty">No process has started yet.</p>
      ) : (
        <div className="processes-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">PID</th>
                <th scope="col">Program</th>
                <th scope="col">Policy</th>
                <th scope="col">Alive</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ process: p, depth }) => (
                <tr key={p.pid} className={p.alive ? undefined : 'gone'}>
                  <td className="num">{p.pid}</td>
                  <td className="program" data-depth={Math.min(depth, MAX_INDENT)}>
                    {depth > 0 && (
                      <span className="tree-branch" aria-hidden="true">
                        └
                      </span>
                    )}
                    {p.exe || '?'}
                  </td>
                  <td className="policy">{p.policy}</td>
                  <td>{p.alive ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}
