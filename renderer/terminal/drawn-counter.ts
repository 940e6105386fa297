// Flow control for a session's terminal (STYLE: Tabby, VS Code's pty host). The host pauses the
// program's pseudo-terminal when too much of its output is sent but not yet drawn, and resumes it
// as the window reports what it drew. Reporting every write would double the messages, so drawn
// characters are reported in batches, and whatever is left is reported once the output pauses, so
// the host never waits on a remainder however it sets its watermarks.

import type { SetTimer } from '../api/wire-client.js';

export const DRAWN_BATCH = 16 * 1024;
export const DRAWN_IDLE_MS = 200;

export class DrawnCounter {
  private unreported = 0;
  private cancelIdle: (() => void) | null = null;

  constructor(
    private readonly report: (chars: number) => void,
    private readonly setTimer: SetTimer,
    private readonly batch = DRAWN_BATCH,
    private readonly idleMs = DRAWN_IDLE_MS,
  ) {}

  /** The terminal drew `chars` more characters (called from xterm.js's write callback). */
  drawn(chars: number): void {
    if (chars <= 0) return;
    this.unreported += chars;
    if (this.unreported >= this.batch) {
      this.flush();
      return;
    }
    this.cancelIdle?.();
    this.cancelIdle = this.setTimer(() => {
      this.cancelIdle = null;
      this.flush();
    }, this.idleMs);
  }

  /** Reports what is left now (also when the terminal goes away). */
  flush(): void {
    this.cancelIdle?.();
    this.cancelIdle = null;
    if (this.unreported === 0) return;
    const chars = this.unreported;
    this.unreported = 0;
    this.report(chars);
  }
}
