// What a window that opens (or reloads) draws of a session's terminal: the program's output is
// fed into a terminal emulator without a screen (@xterm/headless), and the replay is the escape
// sequences that draw that emulator's state again (@xterm/addon-serialize), as VS Code's pty host
// does. The raw tail of the output that was kept before could start in the middle of an escape
// sequence, and it lost the colours, the cursor and the alternate screen (vim, less, top) set
// before it.

import xtermHeadless from '@xterm/headless';
import xtermSerialize from '@xterm/addon-serialize';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = xtermSerialize;

/** Lines kept above the screen (the window's own terminal keeps more of what it draws live). */
const SCROLLBACK_LINES = 1000;
/** An escape sequence cut by a replay is carried over only up to this length (see unfinished()). */
const LONGEST_UNFINISHED = 64 * 1024;

const ESC = '\x1b';
/** How the serialize addon enters the alternate screen (to draw it after the normal one). */
const ALTERNATE_SCREEN = `${ESC}[?1049h`;

export class TerminalReplay {
  private readonly terminal: InstanceType<typeof Terminal>;
  private readonly serializer = new SerializeAddon();
  /**
   * Output written to the emulator that it has not parsed yet, oldest first: the emulator parses
   * in slices on later turns of the event loop, so a replay taken now carries these as they are.
   */
  private readonly pending: string[] = [];
  private pendingChars = 0;
  /** The escape sequence the parsed output ends in the middle of, if it does. */
  private cut = '';

  /** `parsed` is told each time the emulator has caught up a little (flow control). */
  constructor(
    cols: number,
    rows: number,
    private readonly parsed: () => void = () => undefined,
  ) {
    this.terminal = new Terminal({
      cols,
      rows,
      scrollback: SCROLLBACK_LINES,
      // The addon reads the buffer through the proposed part of the API.
      allowProposedApi: true,
    });
    // The addon is typed against the window's xterm.js; the headless terminal is the same API.
    this.serializer.activate(this.terminal as never);
  }

  /** Characters written and not parsed yet. */
  get behind(): number {
    return this.pendingChars;
  }

  write(data: string): void {
    if (data === '') return;
    this.pending.push(data);
    this.pendingChars += data.length;
    this.terminal.write(data, () => {
      const done = this.pending.shift()!;
      this.pendingChars -= done.length;
      this.cut = unfinished(this.cut, done);
      this.parsed();
    });
  }

  resize(cols: number, rows: number): void {
    if (cols > 0 && rows > 0) this.terminal.resize(cols, rows);
  }

  /**
   * Text that, written into a reset terminal, draws what this one shows: first its size (CSI 8 t,
   * which the window takes before writing the rest: terminal/registry.ts), then its lines,
   * attributes, cursor, modes and alternate screen, then the sequence the parsed output was cut
   * in, then what is not parsed yet. Output sent after the replay goes on from there.
   */
  replay(): string {
    const screen = this.serializer
      .serialize({ scrollback: SCROLLBACK_LINES })
      // The addon enters the alternate screen with the attributes the terminal has now, set by
      // the program on that screen; entering it erases it with their background (as a terminal
      // does), so every blank cell of the screen came back coloured. The screen is erased again
      // with none. (The cells' own text cannot hold an ESC: this is the addon's switch.)
      .replace(ALTERNATE_SCREEN, `${ALTERNATE_SCREEN}${ESC}[0m${ESC}[2J`);
    return (
      `${ESC}[8;${this.terminal.rows};${this.terminal.cols}t` +
      screen +
      unserialisedModes(this.terminal) +
      this.cut +
      this.pending.join('')
    );
  }
}

/** What unserialisedModes() reads of the terminal: see there. */
export interface HiddenState {
  _core?: {
    coreService?: { isCursorHidden?: boolean };
    coreMouseService?: { activeEncoding?: string };
  };
}

/**
 * Modes the addon leaves out that a full-screen program sets once and counts on: the cursor it
 * hid (top), and how mouse reports are encoded (vim's, ?1006: with the default encoding, a click
 * after a reload would reach vim as garbage). The terminal keeps them where its API does not
 * show them; they are read where they are, so that another version of xterm.js only loses them
 * from the replay (terminal-replay.test.ts says so).
 */
export function unserialisedModes(terminal: object): string {
  const core = (terminal as HiddenState)._core;
  let modes = '';
  if (core?.coreService?.isCursorHidden === true) modes += `${ESC}[?25l`;
  const encoding = core?.coreMouseService?.activeEncoding;
  if (encoding === 'SGR') modes += `${ESC}[?1006h`;
  else if (encoding === 'SGR_PIXELS') modes += `${ESC}[?1016h`;
  return modes;
}

/**
 * The escape sequence still open at the end of `before` (an unfinished sequence, or '') followed
 * by `data`: the emulator holds it in its parser, where serialising does not see it, so the
 * replay must carry it for the output after it to read as the program meant. Only the last ESC
 * can open one (an ESC ends any sequence before it), so the scan costs a search for ESC.
 * A longer one (an image or clipboard payload cut by the replay) is given up, not kept growing.
 */
export function unfinished(before: string, data: string): string {
  const last = data.lastIndexOf(ESC);
  const open = last >= 0 ? data.slice(last) : before === '' ? '' : before + data;
  if (open === '' || open.length > LONGEST_UNFINISHED) return '';
  return isOpen(open) ? open : '';
}

/** Whether `s`, an ESC and what follows it (no other ESC), is a sequence not ended yet. */
function isOpen(s: string): boolean {
  if (s.length === 1) return true;
  const kind = s.charCodeAt(1);
  if (kind === 0x5b /* [ */) return isOpenControl(s, 2);
  // OSC, DCS, SOS, PM, APC: a string ended by ST (ESC \, not here by construction) or, for an
  // OSC, BEL; CAN and SUB cancel any of them.
  if (kind === 0x5d || kind === 0x50 || kind === 0x58 || kind === 0x5e || kind === 0x5f)
    return !/[\x07\x18\x1a]/.test(s);
  // ESC, intermediates (0x20-0x2f, as in ESC ( B), then one final character.
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x2f) return false;
  }
  return true;
}

/** A control sequence (CSI): parameters and intermediates until a final byte (0x40-0x7e). */
function isOpenControl(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x40 && c <= 0x7e) return false;
    // CAN and SUB cancel it; other C0 controls are carried out in its middle and do not end it.
    if (c === 0x18 || c === 0x1a || c > 0x7f) return false;
  }
  return true;
}
