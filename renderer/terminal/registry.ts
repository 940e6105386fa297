// Every session's terminal: one xterm.js instance each, fed straight from the host's terminalData
// events (never through React or the store, DESIGN §6), with flow control (drawn-counter.ts). A
// terminal exists from the session's first output, before or without any panel on screen; a panel
// attaches it to its box, fits it, and sends its size to the host.

import '@xterm/xterm/css/xterm.css';

import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type ITheme } from '@xterm/xterm';

import type { SysgateApi } from '../../app/common/contract.js';
import type { TerminalSink } from '../store/bind-events.js';
import { DrawnCounter } from './drawn-counter.js';
import { carryInlineStyles } from './inline-styles.js';

interface Entry {
  terminal: Terminal;
  fit: FitAddon;
  drawn: DrawnCounter;
  opened: boolean;
  stopCarryingStyles: () => void;
}

const FONT_FAMILY =
  "ui-monospace, 'Cascadia Mono', 'JetBrains Mono', 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace";

const ignore = () => undefined;

/** CSI 8 ; rows ; cols t: the size the replay that follows was drawn at. */
const REPLAY_SIZE = /^\x1b\[8;(\d+);(\d+)t/;

export class TerminalRegistry implements TerminalSink {
  private readonly entries = new Map<string, Entry>();
  private lastSize = { cols: 80, rows: 24 };

  constructor(private readonly api: SysgateApi) {
    // The terminals follow the window's light or dark theme, as the rest of the page does.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      const theme = terminalTheme();
      for (const { terminal } of this.entries.values()) terminal.options.theme = theme;
    });
  }

  /** A size for a new session's terminal before its panel is laid out: the last one fitted. */
  initialSize(): { cols: number; rows: number } {
    return this.lastSize;
  }

  write(sessionId: string, data: string): void {
    const entry = this.entry(sessionId);
    entry.terminal.write(data, () => entry.drawn.drawn(data.length));
  }

  restore(terminals: Record<string, string>): void {
    // Sessions closed while the window was away are gone from the snapshot.
    for (const sessionId of [...this.entries.keys()]) {
      if (!(sessionId in terminals)) this.dispose(sessionId);
    }
    for (const [sessionId, text] of Object.entries(terminals)) {
      const entry = this.entry(sessionId);
      const { terminal } = entry;
      terminal.reset();
      // The host's replay (app/core/runs/terminal-replay.ts) opens with the size its screen was
      // drawn at: written at another size, a full-screen program's screen would come apart. The
      // panel fits the terminal to its box afterwards, and a new size reaches the program.
      const size = REPLAY_SIZE.exec(text);
      if (size !== null) terminal.resize(Number(size[2]), Number(size[1]));
      // The replay of a snapshot was never counted as sent: nothing to acknowledge.
      terminal.write(size === null ? text : text.slice(size[0].length), () => {
        if (entry.opened && this.entries.get(sessionId) === entry) entry.fit.fit();
      });
    }
  }

  acknowledge(sessionId: string, chars: number): void {
    this.api.terminalDrawn(sessionId, chars).catch(ignore);
  }

  dispose(sessionId: string): void {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return;
    this.entries.delete(sessionId);
    entry.drawn.flush();
    entry.terminal.dispose();
    entry.stopCarryingStyles();
  }

  /** Keyboard input reaches the program only while it runs. */
  setInputEnabled(sessionId: string, enabled: boolean): void {
    const { terminal } = this.entry(sessionId);
    terminal.options.disableStdin = !enabled;
    terminal.options.cursorBlink = false;
    terminal.options.cursorInactiveStyle = enabled ? 'outline' : 'none';
  }

  focus(sessionId: string): void {
    this.entries.get(sessionId)?.terminal.focus();
  }

  /** Shows the session's terminal in `box` and keeps it fitted; gives a function that detaches it. */
  attach(sessionId: string, box: HTMLElement): () => void {
    const entry = this.entry(sessionId);
    const { terminal } = entry;
    let frame = 0;
    const show = () => {
      frame = 0;
      // A hidden panel (another view, or another session maximised) has no size: xterm.js would
      // measure its font as nothing, so the terminal is opened, and fitted, once the box shows.
      if (box.clientWidth === 0 || box.clientHeight === 0) return;
      if (!entry.opened) {
        terminal.open(box);
        entry.opened = true;
        if (terminal.element !== undefined) {
          entry.stopCarryingStyles = carryInlineStyles(terminal.element);
        }
      } else if (terminal.element !== undefined && terminal.element.parentElement !== box) {
        box.appendChild(terminal.element);
        terminal.refresh(0, terminal.rows - 1);
      }
      entry.fit.fit();
      this.lastSize = { cols: terminal.cols, rows: terminal.rows };
    };
    const observer = new ResizeObserver(() => {
      if (frame === 0) frame = requestAnimationFrame(show);
    });
    observer.observe(box);
    show();
    return () => {
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }

  private entry(sessionId: string): Entry {
    let entry = this.entries.get(sessionId);
    if (entry !== undefined) return entry;
    const terminal = new Terminal({
      fontFamily: FONT_FAMILY,
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 5000,
      theme: terminalTheme(),
      rightClickSelectsWord: true,
      allowProposedApi: false,
      cols: this.lastSize.cols,
      rows: this.lastSize.rows,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    const drawn = new DrawnCounter(
      (chars) => this.api.terminalDrawn(sessionId, chars).catch(ignore),
      (callback, ms) => {
        const timer = setTimeout(callback, ms);
        return () => clearTimeout(timer);
      },
    );
    const send = (data: string) => {
      if (!terminal.options.disableStdin) this.api.writeTerminal(sessionId, data).catch(ignore);
    };
    terminal.onData(send);
    terminal.onBinary(send);
    terminal.onResize(({ cols, rows }) => {
      this.api.resizeTerminal(sessionId, cols, rows).catch(ignore);
    });
    terminal.attachCustomKeyEventHandler((event) => clipboardKeys(terminal, event));
    entry = { terminal, fit, drawn, opened: false, stopCarryingStyles: () => undefined };
    this.entries.set(sessionId, entry);
    return entry;
  }
}

/**
 * Ctrl+Shift+C copies the selection and Ctrl+Shift+V pastes, as in terminal emulators, so that
 * Ctrl+C and Ctrl+V still reach the program. Returns false for the keys it handles (xterm.js then
 * sends nothing to the program).
 */
function clipboardKeys(terminal: Terminal, event: KeyboardEvent): boolean {
  if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) return true;
  if (event.code === 'KeyC') {
    if (event.type === 'keydown') {
      // Chromium would open the element inspector on Ctrl+Shift+C.
      event.preventDefault();
      const text = terminal.getSelection();
      if (text !== '') copyText(text);
    }
    return false;
  }
  if (event.code === 'KeyV') {
    // In a browser tab, Ctrl+Shift+V is the browser's own "paste as plain text": its paste event
    // reaches xterm.js's paste handler and needs no clipboard permission. Electron has no such
    // default, so there the clipboard is read.
    if (event.type === 'keydown' && window.sysgate !== undefined && navigator.clipboard) {
      event.preventDefault();
      navigator.clipboard.readText().then((text) => terminal.paste(text), ignore);
    }
    return false;
  }
  return true;
}

function copyText(text: string): void {
  if (navigator.clipboard?.writeText !== undefined) {
    navigator.clipboard.writeText(text).catch(() => copyWithCommand(text));
  } else copyWithCommand(text);
}

function copyWithCommand(text: string): void {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'clipboard-scratch';
  document.body.appendChild(area);
  const focused = document.activeElement as HTMLElement | null;
  area.select();
  document.execCommand('copy');
  area.remove();
  focused?.focus();
}

/** The terminal's colours, from the page's CSS custom properties (window/global.css), so one place sets them. */
export function terminalTheme(): ITheme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    background: v('--term-bg'),
    foreground: v('--term-fg'),
    cursor: v('--term-cursor'),
    cursorAccent: v('--term-bg'),
    selectionBackground: v('--term-selection'),
    black: v('--ansi-black'),
    red: v('--ansi-red'),
    green: v('--ansi-green'),
    yellow: v('--ansi-yellow'),
    blue: v('--ansi-blue'),
    magenta: v('--ansi-magenta'),
    cyan: v('--ansi-cyan'),
    white: v('--ansi-white'),
    brightBlack: v('--ansi-bright-black'),
    brightRed: v('--ansi-bright-red'),
    brightGreen: v('--ansi-bright-green'),
    brightYellow: v('--ansi-bright-yellow'),
    brightBlue: v('--ansi-bright-blue'),
    brightMagenta: v('--ansi-bright-magenta'),
    brightCyan: v('--ansi-bright-cyan'),
    brightWhite: v('--ansi-bright-white'),
  };
}
