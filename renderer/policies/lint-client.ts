// Asks the linter worker (./lint-worker.ts) what it says of a draft; only the newest draft's
// answer counts. Where no worker can be started, the draft is linted here, after the page drew.

import type { Arch } from '../../app/common/calls/index.js';
import type { LintAnswer, LintRequest } from './lint-worker.js';
import { lintWarnings, parseLines } from './rule-rows.js';

export type Warnings = ReadonlyMap<number, readonly string[]>;

let worker: Worker | null | undefined;
let serial = 0;
const waiting = new Map<number, { request: LintRequest; resolve(warnings: Warnings): void }>();

function linter(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = new Worker(new URL('./lint-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<LintAnswer>) => {
      waiting.get(data.id)?.resolve(new Map(data.warnings));
      waiting.delete(data.id);
    };
    worker.onerror = () => {
      // A worker that cannot load (a page without workers): the drafts waiting are linted here.
      worker?.terminate();
      worker = null;
      for (const { request, resolve } of waiting.values()) resolve(lintHere(request));
      waiting.clear();
    };
  } catch {
    worker = null;
  }
  return worker;
}

/** What the linter says of `lines`, by 1-based line number. */
export function lint(lines: readonly string[], arch: Arch, source: string): Promise<Warnings> {
  const w = linter();
  const request: LintRequest = { id: ++serial, lines, arch, source };
  if (w === null) return new Promise((resolve) => setTimeout(() => resolve(lintHere(request)), 0));
  return new Promise((resolve) => {
    waiting.set(request.id, { request, resolve });
    w.postMessage(request);
  });
}

function lintHere({ lines, arch, source }: LintRequest): Warnings {
  return lintWarnings(parseLines(lines, source), arch);
}
