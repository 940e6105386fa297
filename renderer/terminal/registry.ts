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
  /** focus() came before the terminal was opened: it takes the focus once it is. */
  focusWhenOpened: boolean;
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
  /**
   * The terminals' colours, read once from the page's style: reading them is a style
   * recalculation of the page when it has changed since, as it has in the frame that shows a new
   * session.
   */
  private theme: ITheme | null = null;
  /** The size of a character cell, px: the same in every terminal (one font), from the last fitted. */
  private cell: Cell | null = null;
  /** The character widths the last opened terminal measured, and at what device pixel ratio. */
  private widths: { cache: WidthCache; ratio: number } | null = null;

  constructor(private readonly api: SysgateApi) {
    // The terminals follow the window's light or dark theme, as the rest of the page does.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      const theme = (this.theme = terminalTheme());
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
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return;
    if (entry.opened) entry.terminal.focus();
    else entry.focusWhenOpened = true;
  }

  /**
   * Shows the session's terminal in `box` and keeps it fitted; gives a function that detaches it.
   *
   * A new terminal is opened in a task of its own once the frame that shows its panel is painted,
   * not in that frame: a trace of a session started during a 1,000-question burst had xterm.js's
   * open and fit in the task that drew the new panel (22-31 ms of CPU, and a forced style and
   * layout of the whole changed page), with keys typed meanwhile waiting for all of it. What the
   * program writes before is kept in the terminal's buffer and drawn when it opens.
   */
  attach(sessionId: string, box: HTMLElement): () => void {
    const entry = this.entry(sessionId);
    const { terminal } = entry;
    let frame = 0;
    let opening: ReturnType<typeof setTimeout> | null = null;
    // A hidden panel (another view, or another session maximised) has no size: xterm.js would
    // measure its font as nothing, so the terminal is opened, and fitted, once the box shows.
    const shown = () => box.clientWidth > 0 && box.clientHeight > 0;
    const fit = () => {
      entry.fit.fit();
      this.lastSize = { cols: terminal.cols, rows: terminal.rows };
      this.cell = cellOf(terminal) ?? this.cell;
    };
    const open = () => {
      opening = null;
      if (entry.opened || !shown()) return;
      // Given the size it will be fitted to before it opens, it is drawn once, at that size: the
      // trace had fit's resize draw every row again, and lay them out anew, in the opening task.
      const size = this.cell === null ? null : fittedSize(terminal, box, this.cell);
      if (size !== null && (size.cols !== terminal.cols || size.rows !== terminal.rows)) {
        terminal.resize(size.cols, size.rows);
      }
      terminal.open(box);
      entry.opened = true;
      this.shareWidths(terminal);
      if (terminal.element !== undefined) {
        entry.stopCarryingStyles = carryInlineStyles(terminal.element);
      }
      fit();
      if (entry.focusWhenOpened) {
        entry.focusWhenOpened = false;
        terminal.focus();
      }
    };
    const show = () => {
      frame = 0;
      if (!entry.opened || !shown()) return;
      if (terminal.element !== undefined && terminal.element.parentElement !== box) {
        box.appendChild(terminal.element);
        terminal.refresh(0, terminal.rows - 1);
      }
      fit();
    };
    const observer = new ResizeObserver(([observed]) => {
      if (entry.opened) {
        if (frame === 0) frame = requestAnimationFrame(show);
      } else if (opening === null && observed !== undefined && observed.contentRect.width > 0) {
        // Told once the box is laid out, before the frame is painted: a timer task comes after.
        opening = setTimeout(open, 0);
      }
    });
    observer.observe(box);
    // An open terminal moved to a new box is in it at once.
    if (entry.opened) show();
    return () => {
      observer.disconnect();
      if (frame !== 0) cancelAnimationFrame(frame);
      if (opening !== null) clearTimeout(opening);
    };
  }

  /**
   * Gives a terminal just opened the character widths the one opened before it measured (same
   * font, same options), and keeps its own for the next. xterm.js's DOM renderer measures each
   * character the first time it draws it, in a hidden element whose width it reads: a forced
   * layout for each, and the first of them a layout of whatever the frame changed. The trace had
   * a new terminal's first line of output (22 characters) measured in the frame where the burst's
   * first questions appear, 10-15 ms of that frame. Where xterm.js does not have them as it does
   * (another version), nothing is shared, and each terminal measures its own.
   */
  private shareWidths(terminal: Terminal): void {
    const cache = widthCacheOf(terminal);
    if (cache === null) return;
    const known = this.widths;
    if (
      known !== null &&
      known.ratio === devicePixelRatio &&
      known.cache !== cache &&
      known.cache._flat.length === cache._flat.length
    ) {
      cache._flat.set(known.cache._flat);
      for (const [key, width] of known.cache._holey ?? []) cache._holey.set(key, width);
    }
    this.widths = { cache, ratio: devicePixelRatio };
  }

  private entry(sessionId: string): Entry {
    let entry = this.entries.get(sessionId);
    if (entry !== undefined) return entry;
    const terminal = new Terminal({
      fontFamily: FONT_FAMILY,
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 5000,
      theme: (this.theme ??= terminalTheme()),
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
    entry = {
      terminal,
      fit,
      drawn,
      opened: false,
      focusWhenOpened: false,
      stopCarryingStyles: () => undefined,
    };
    this.entries.set(sessionId, entry);
    return entry;
  }
}

interface Cell {
  width: number;
  height: number;
}

/** The terminal's cell size as xterm.js's renderer has it (where FitAddon reads it), if it has one. */
function cellOf(terminal: Terminal): Cell | null {
  const core = (terminal as unknown as { _core?: RenderCore })._core;
  const cell = core?._renderService?.dimensions?.css?.cell;
  return cell !== undefined && cell.width > 0 && cell.height > 0
    ? { width: cell.width, height: cell.height }
    : null;
}

interface RenderCore {
  _renderService?: {
    dimensions?: { css?: { cell?: Cell } };
    _renderer?: { value?: { _widthCache?: Partial<WidthCache> } };
  };
}

/** xterm.js's DOM renderer's widths of characters (WidthCache): by code point, and by text. */
interface WidthCache {
  _flat: Float32Array;
  _holey: Map<string, number>;
}

/** The terminal's renderer's character widths, where xterm.js 6 keeps them, if it does. */
function widthCacheOf(terminal: Terminal): WidthCache | null {
  const core = (terminal as unknown as { _core?: RenderCore })._core;
  const cache = core?._renderService?._renderer?.value?._widthCache;
  return cache?._flat instanceof Float32Array && cache._holey instanceof Map
    ? (cache as WidthCache)
    : null;
}

/**
 * The columns and rows FitAddon.proposeDimensions gives a terminal in `box` whose cells are
 * `cell`: the box's size less the scrollbar's width (.xterm has no padding), whole cells.
 */
function fittedSize(
  terminal: Terminal,
  box: HTMLElement,
  cell: Cell,
): { cols: number; rows: number } {
  const style = getComputedStyle(box);
  const height = parseInt(style.getPropertyValue('height'));
  const width = Math.max(0, parseInt(style.getPropertyValue('width')));
  const scrollbar =
    terminal.options.scrollback === 0
      ? 0
      : terminal.options.overviewRuler?.width || SCROLLBAR_WIDTH;
  return {
    cols: Math.max(MINIMUM_COLS, Math.floor((width - scrollbar) / cell.width)),
    rows: Math.max(MINIMUM_ROWS, Math.floor(height / cell.height)),
  };
}

/** FitAddon's own constants (@xterm/addon-fit). */
const SCROLLBAR_WIDTH = 14;
const MINIMUM_COLS = 2;
const MINIMUM_ROWS = 1;

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
