// A viewer that opens (or reloads) while a program runs draws the replay of its terminal: written
// into a fresh terminal, the replay must show the very screen the program drew (text, colours and
// other attributes of every cell, the cursor, the alternate screen), whatever the output ended
// in, and output that comes after the replay must go on from it as it would have on the screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import xtermHeadless from '@xterm/headless';

import { TerminalReplay, unfinished, type HiddenState } from './terminal-replay.js';

const { Terminal } = xtermHeadless;
type Emulator = InstanceType<typeof Terminal>;

/** A terminal as the viewer makes it: it takes the size the replay opens with. */
function viewerTerminal(replay: string): { terminal: Emulator; rest: string } {
  const size = /^\x1b\[8;(\d+);(\d+)t/.exec(replay);
  assert.ok(size, 'the replay opens with its size');
  const terminal = new Terminal({
    cols: Number(size[2]),
    rows: Number(size[1]),
    scrollback: 5000,
    allowProposedApi: true,
  });
  return { terminal, rest: replay.slice(size[0].length) };
}

function write(terminal: Emulator, data: string): Promise<void> {
  return new Promise((resolve) => terminal.write(data, resolve));
}

/** Every cell of the visible screen and the scrollback: its text and all of its attributes. */
function cells(terminal: Emulator): string[] {
  const buffer = terminal.buffer.active;
  const core = (terminal as unknown as HiddenState)._core!;
  const lines: string[] = [
    `${buffer.type} cursor ${buffer.cursorX},${buffer.cursorY}` +
      ` hidden ${core.coreService!.isCursorHidden} mouse ${core.coreMouseService!.activeEncoding}`,
    JSON.stringify(terminal.modes),
  ];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y)!;
    let out = `${line.isWrapped ? '+' : ' '}`;
    for (let x = 0; x < terminal.cols; x++) {
      const cell = line.getCell(x)!;
      out +=
        `${cell.getChars() || ' '}` +
        `[${cell.getFgColorMode()}:${cell.getFgColor()}/${cell.getBgColorMode()}:${cell.getBgColor()}` +
        `${cell.isBold()}${cell.isItalic()}${cell.isUnderline()}${cell.isInverse()}${cell.isDim()}]`;
    }
    lines.push(out);
  }
  return lines;
}

/** What the program's own terminal shows, beside the session's replay of the same output. */
class Program {
  readonly emulator: Emulator;
  readonly replay: TerminalReplay;

  constructor(cols: number, rows: number) {
    this.emulator = new Terminal({ cols, rows, scrollback: 1000, allowProposedApi: true });
    this.replay = new TerminalReplay(cols, rows);
  }

  async output(...chunks: string[]): Promise<void> {
    for (const chunk of chunks) {
      this.replay.write(chunk);
      await write(this.emulator, chunk);
    }
  }

  resize(cols: number, rows: number): void {
    this.emulator.resize(cols, rows);
    this.replay.resize(cols, rows);
  }

  /** Takes the replay now, then writes `after` both to the program's screen and to the viewer. */
  async reopen(after = ''): Promise<void> {
    const { terminal, rest } = viewerTerminal(this.replay.replay());
    await write(terminal, rest);
    if (after !== '') {
      this.replay.write(after);
      await write(this.emulator, after);
      await write(terminal, after);
    }
    assert.deepEqual(cells(terminal), cells(this.emulator));
    assert.equal(terminal.cols, this.emulator.cols);
    assert.equal(terminal.rows, this.emulator.rows);
  }
}

test('colours, bold, underline and the cursor are replayed, not only the text', async () => {
  const program = new Program(40, 8);
  await program.output(
    'plain \x1b[31mred \x1b[1;44mbold on blue\x1b[0m\r\n',
    '\x1b[4;38;2;10;200;30mtrue colour underlined\x1b[0m\r\n\x1b[7minverse',
  );
  await program.reopen(' and more after the replay\x1b[0m done');
});

test('output that ends in the middle of an escape sequence goes on as the program meant', async () => {
  for (const [before, after] of [
    ['\x1b', '[31mred'],
    ['x\x1b[3', '1mred\x1b[0m'],
    ['x\x1b[38;5;', '196mred\x1b[0m'],
    ['\x1b]0;a ti', 'tle\x07text'],
    ['\x1b(', 'Btext'],
  ]) {
    const program = new Program(30, 5);
    await program.output('start\r\n', before!);
    await program.reopen(after);
    assert.ok(!program.emulator.buffer.active.getLine(1)!.translateToString().includes('['));
  }
});

test('the alternate screen (vim, less) is replayed, and the screen under it with it', async () => {
  const program = new Program(40, 10);
  await program.output(
    'the shell before\r\n$ less file\r\n',
    '\x1b[?1049h\x1b[H\x1b[2J\x1b[1;1H\x1b[7mfile (top)\x1b[0m\x1b[2;1Hline one\x1b[3;1H\x1b[32mline two\x1b[0m\x1b[10;1H:',
  );
  assert.equal(program.emulator.buffer.active.type, 'alternate');
  await program.reopen();
  // Leaving the alternate screen after the replay shows the shell's screen again.
  await program.reopen('\x1b[?1049l$ ');
  assert.equal(program.emulator.buffer.active.type, 'normal');
});

test('after a resize the replay is drawn at the new size', async () => {
  const program = new Program(80, 24);
  await program.output('a line long enough to wrap when the terminal is narrower\r\n');
  program.resize(30, 12);
  await program.output('\x1b[?1049h\x1b[H\x1b[2J\x1b[12;1H\x1b[43mstatus line at the bottom');
  await program.reopen();
});

test('a replay taken before the terminal has parsed the output still holds it', async () => {
  const replay = new TerminalReplay(20, 5);
  const chunks = ['\x1b[31mfirst ', 'second\x1b[0m'];
  for (const chunk of chunks) replay.write(chunk);
  // Nothing has been parsed yet: the terminal parses on a later turn of the event loop.
  assert.equal(replay.behind, chunks.join('').length);
  const { terminal, rest } = viewerTerminal(replay.replay());
  await write(terminal, rest);
  assert.equal(terminal.buffer.active.getLine(0)!.translateToString(true), 'first second');
  assert.equal(terminal.buffer.active.getLine(0)!.getCell(0)!.getFgColor(), 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(replay.behind, 0);
});

test('what is kept is bounded: the scrollback, and the sequence carried over', async () => {
  const program = new Program(20, 5);
  for (let i = 0; i < 30; i++) {
    await program.output(Array.from({ length: 200 }, (_, j) => `${i}.${j}\r\n`).join(''));
  }
  const replay = program.replay.replay();
  assert.ok(replay.length < 20 * 1000 * 2, `a replay of ${replay.length} characters`);
  assert.equal(unfinished('', `\x1b]52;c;${'A'.repeat(100_000)}`), '');
});

test('unfinished() finds the escape sequence left open at the end of the output', () => {
  assert.equal(unfinished('', 'text'), '');
  assert.equal(unfinished('', 'text\x1b'), '\x1b');
  assert.equal(unfinished('', 'a\x1b[1;3'), '\x1b[1;3');
  assert.equal(unfinished('', 'a\x1b[1;31m'), '');
  assert.equal(unfinished('', 'a\x1b[1;31mb'), '');
  assert.equal(unfinished('\x1b[1', ';3'), '\x1b[1;3');
  assert.equal(unfinished('\x1b[1', ';3m text'), '');
  assert.equal(unfinished('\x1b]0;t', 'itle'), '\x1b]0;title');
  assert.equal(unfinished('\x1b]0;t', 'itle\x07'), '');
  assert.equal(unfinished('\x1b]0;t', 'itle\x1b\\'), '');
  assert.equal(unfinished('\x1bP', 'q#0;2'), '\x1bPq#0;2');
  assert.equal(unfinished('', '\x1b(B'), '');
  assert.equal(unfinished('', '\x1b('), '\x1b(');
  assert.equal(unfinished('', '\x1b[1\x18'), '');
});

test('the modes a full-screen program sets are replayed: keys, paste, mouse, a hidden cursor', async () => {
  const program = new Program(40, 10);
  await program.output(
    '\x1b[?1049h\x1b[?1h\x1b=\x1b[?2004h\x1b[?1002h\x1b[?1006h\x1b[?25l\x1b[H~\r\n~',
  );
  const core = (program.emulator as unknown as HiddenState)._core;
  // Read where this version of xterm.js keeps them (unserialisedModes()).
  assert.equal(core?.coreService?.isCursorHidden, true);
  assert.equal(core?.coreMouseService?.activeEncoding, 'SGR');
  assert.equal(program.emulator.modes.mouseTrackingMode, 'drag');
  await program.reopen();
  await program.reopen('\x1b[?25h\x1b[?1006l\x1b[?1049l');
});
