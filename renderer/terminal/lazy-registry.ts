// The terminals as the window sees them, without xterm.js in the page's first script: xterm.js
// (a third of that script) is compiled only when a terminal is needed, or once the page has
// settled (App.tsx), never before the first view's rows. Until then each call waits, in order,
// for the registry (./registry.ts) and is then made on it: output written before is drawn, and
// its flow control (drawn-counter.ts) counts it once drawn, as it would have anyway.

import type { SysgateApi } from '../../app/common/contract.js';
import type { TerminalSink } from '../store/bind-events.js';
import type { TerminalRegistry } from './registry.js';

type Call = (registry: TerminalRegistry) => void;

export class LazyTerminals implements TerminalSink {
  private registry: TerminalRegistry | null = null;
  private waiting: Call[] = [];
  private loading: Promise<void> | null = null;

  constructor(private readonly api: SysgateApi) {}

  /** Loads xterm.js and the registry, once; the calls made meanwhile are then made on it. */
  load(): Promise<void> {
    this.loading ??= import('./registry.js').then(
      ({ TerminalRegistry }) => {
        const registry = new TerminalRegistry(this.api);
        this.registry = registry;
        for (const call of this.waiting.splice(0)) call(registry);
      },
      (e: unknown) => {
        this.loading = null;
        console.error('sysgate: the terminals did not load', e);
      },
    );
    return this.loading;
  }

  private call(call: Call): void {
    if (this.registry !== null) return call(this.registry);
    this.waiting.push(call);
    void this.load();
  }

  /** A size for a new session's terminal before its panel is laid out: the last one fitted. */
  initialSize(): { cols: number; rows: number } {
    return this.registry?.initialSize() ?? { cols: 80, rows: 24 };
  }

  write(sessionId: string, data: string): void {
    this.call((r) => r.write(sessionId, data));
  }

  restore(terminals: Record<string, string>): void {
    // A snapshot without terminals, with none made yet, changes nothing: no need for xterm.js.
    if (this.registry === null && this.waiting.length === 0 && Object.keys(terminals).length === 0)
      return;
    this.call((r) => r.restore(terminals));
  }

  acknowledge(sessionId: string, chars: number): void {
    // Needs no terminal: straight to the host.
    this.api.terminalDrawn(sessionId, chars).catch(() => undefined);
  }

  dispose(sessionId: string): void {
    if (this.registry === null && this.waiting.length === 0) return;
    this.call((r) => r.dispose(sessionId));
  }

  setInputEnabled(sessionId: string, enabled: boolean): void {
    this.call((r) => r.setInputEnabled(sessionId, enabled));
  }

  focus(sessionId: string): void {
    this.call((r) => r.focus(sessionId));
  }

  /** Shows the session's terminal in `box` once loaded; gives a function that detaches it. */
  attach(sessionId: string, box: HTMLElement): () => void {
    let detach: (() => void) | null = null;
    let detached = false;
    this.call((r) => {
      if (!detached) detach = r.attach(sessionId, box);
    });
    return () => {
      detached = true;
      detach?.();
    };
  }
}
