// A session's processes (SessionInfo.processes, a flat list) as the tree the panel shows: each
// process under its parent, in the order they appeared. A process whose parent is not traced
// (the first one, or an orphan re-parented away) starts a tree of its own.

import type { ProcessInfo } from '../../app/common/contract.js';

export interface ProcessRow {
  process: ProcessInfo;
  /** 0 for a root, 1 for its children, ... */
  depth: number;
}

export function processRows(processes: readonly ProcessInfo[]): ProcessRow[] {
  const pids = new Set(processes.map((p) => p.pid));
  const children = new Map<number, ProcessInfo[]>();
  const roots: ProcessInfo[] = [];
  for (const p of processes) {
    if (p.ppid !== p.pid && pids.has(p.ppid)) {
      const siblings = children.get(p.ppid) ?? [];
      siblings.push(p);
      children.set(p.ppid, siblings);
    } else roots.push(p);
  }
  const rows: ProcessRow[] = [];
  const visited = new Set<number>();
  const visit = (p: ProcessInfo, depth: number) => {
    // A pid reused while its old entry is still listed must not loop forever.
    if (visited.has(p.pid)) return;
    visited.add(p.pid);
    rows.push({ process: p, depth });
    for (const child of children.get(p.pid) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  // Processes caught in a parent cycle (pid reuse) are still listed, at the top level.
  for (const p of processes) if (!visited.has(p.pid)) visit(p, 0);
  return rows;
}
