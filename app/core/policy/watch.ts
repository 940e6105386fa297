// Watching the policy files for changes made by anyone but sysgate's own store: fs.watch on each
// directory, a burst of events let settle (debounce), and a file reported only when its content
// differs from what was last seen or written by the store (the hash of each file).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { isPolicyName } from './naming.js';
import { isMissing } from '../missing.js';

export interface PolicyChange {
  path: string;
  kind: 'changed' | 'removed';
}

/**
 * One `PolicyStore.watch` call: fs.watch on each directory of interest that exists, and on the
 * nearest existing parent of one that does not, so that its creation is noticed. `targets` maps
 * each directory to the file names that concern it, null for every policy file in it.
 */
export class PolicyWatch {
  /** Content hash of each file as last seen or written by the store: equal content is no change. */
  private readonly seen = new Map<string, string>();
  private readonly watchers = new Map<string, { watcher: FSWatcher; ino: number }>();
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly targets: Map<string, Set<string> | null>,
    private readonly debounceMs: number,
    private readonly onChange: (change: PolicyChange) => void,
  ) {
    this.arm(false);
  }

  /** The store is about to write `text` to `path`: that content is no change of anyone else's. */
  expect(path: string, text: string): void {
    this.seen.set(path, hashOf(text));
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const { watcher } of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  // Files already in a directory when it is first watched are remembered; files in one that
  // appears later are reported, since they were made while nobody was looking.
  private arm(reportExisting: boolean): void {
    const wanted = new Map<string, number>();
    for (const dir of this.targets.keys()) {
      const place = nearestDirectory(dir);
      if (place !== null) wanted.set(place.path, place.ino);
    }
    for (const [dir, w] of this.watchers) {
      if (wanted.get(dir) === w.ino) continue;
      w.watcher.close();
      this.watchers.delete(dir);
    }
    for (const [dir, ino] of wanted) {
      if (this.watchers.has(dir)) continue;
      let watcher: FSWatcher;
      try {
        watcher = watch(dir, (_event, name) => this.noticed(dir, name));
      } catch {
        continue; // gone again; the event that removed it re-arms
      }
      watcher.on('error', () => this.schedule());
      this.watchers.set(dir, { watcher, ino });
      for (const path of this.filesIn(dir)) {
        if (reportExisting) this.pending.add(path);
        else this.seen.set(path, hashOfFile(path) ?? '');
      }
    }
  }

  private filesIn(dir: string): string[] {
    if (!this.targets.has(dir)) return [];
    try {
      return readdirSync(dir)
        .filter((name) => this.concerns(dir, name))
        .map((name) => join(dir, name));
    } catch {
      return [];
    }
  }

  private concerns(dir: string, name: string): boolean {
    const names = this.targets.get(dir);
    return names !== undefined && isPolicyName(name) && (names === null || names.has(name));
  }

  private noticed(dir: string, name: string | Buffer | null): void {
    if (name !== null && this.concerns(dir, name.toString()))
      this.pending.add(join(dir, name.toString()));
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A listener that throws fails loudly, as it would from fs.watch, and the watch goes on.
      this.flushing = this.flushing
        .then(() => this.flush())
        .catch((e: unknown) => {
          setImmediate(() => {
            throw e;
          });
        });
    }, this.debounceMs);
  }

  private async flush(): Promise<void> {
    if (this.closed) return;
    this.arm(true);
    const paths = [...this.pending];
    this.pending.clear();
    for (const path of paths) {
      const change = await this.changeOf(path);
      if (change !== null && !this.closed) this.onChange(change);
    }
  }

  private async changeOf(path: string): Promise<PolicyChange | null> {
    let hash: string;
    try {
      hash = hashOf(await readFile(path));
    } catch (e) {
      if (!isMissing(e) || !this.seen.delete(path)) return null; // a directory, or a file that came and went
      return { path, kind: 'removed' };
    }
    if (this.seen.get(path) === hash) return null;
    this.seen.set(path, hash);
    return { path, kind: 'changed' };
  }
}

function nearestDirectory(dir: string): { path: string; ino: number } | null {
  for (let path = dir; ; path = dirname(path)) {
    try {
      const info = statSync(path);
      if (info.isDirectory()) return { path, ino: info.ino };
    } catch {
      // not there yet: try its parent
    }
    if (dirname(path) === path) return null;
  }
}

function hashOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function hashOfFile(path: string): string | null {
  try {
    return hashOf(readFileSync(path));
  } catch {
    return null;
  }
}
