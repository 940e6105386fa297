// The program the kernel runs first when it executes a file: an ELF executable's dynamic loader
// (its PT_INTERP), or a script's `#!` interpreter. Landlock's EXECUTE right is checked on each.
// Kernel-speed mode grants a program's loader beside it; a script's interpreter is an execution
// of its own, granted only where an execve rule names it (the `#!` line is the script's writer's
// to choose).

import { closeSync, openSync, readSync } from 'node:fs';

import { NO_NOTES, type InputNotes } from '../run-plan/inputs.js';

const PT_INTERP = 3;
/** An interpreter's path is a path: more than this is not one. */
const PATH_MAX = 4096;
/** The most program-header bytes read (1,170 headers of 56 bytes). */
const HEADERS_MAX = 65_536;

/**
 * The dynamic loader of the ELF program at `path`, or null (a static executable, a script, or
 * not readable).
 */
export function loaderOf(path: string, inputs: InputNotes = NO_NOTES): string | null {
  return withFile(path, inputs, (fd) => elfInterpreter(fd, read(fd, 0, 64)));
}

/**
 * The `#!` interpreter of a script at `path`, or null (not a script, or not readable): the
 * program the process is once the kernel has run the script.
 */
export function scriptInterpreterOf(path: string, inputs: InputNotes = NO_NOTES): string | null {
  return withFile(path, inputs, (fd) =>
    read(fd, 0, 2).toString('latin1') === '#!' ? scriptInterpreter(fd) : null,
  );
}

/** What `look` finds in the file at `path` (noted as an input of the run), or null if unreadable. */
function withFile(
  path: string,
  inputs: InputNotes,
  look: (fd: number) => string | null,
): string | null {
  let fd: number;
  inputs.note(path);
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return look(fd);
  } finally {
    closeSync(fd);
  }
}

function read(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, got);
}

// `#!/bin/sh -e`: the first word after `#!`, as the kernel's binfmt_script takes it.
function scriptInterpreter(fd: number): string | null {
  const line = read(fd, 0, 256).toString('latin1').split('\n')[0]!.slice(2);
  const name = line.trim().split(/[ \t]/)[0];
  return name !== undefined && name.startsWith('/') ? name : null;
}

// A 64-bit little-endian ELF file (the only kind the filter lets run here): its program
// headers, and the PT_INTERP segment's path.
function elfInterpreter(fd: number, head: Buffer): string | null {
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46) return null;
  if (head[4] !== 2 || head[5] !== 1) return null;
  const phoff = Number(head.readBigUInt64LE(32));
  const phentsize = head.readUInt16LE(54);
  const phnum = head.readUInt16LE(56);
  // Real programs have a few dozen headers; a file claiming more is not read that far.
  if (phentsize < 56 || phentsize * phnum > HEADERS_MAX) return null;
  const headers = read(fd, phoff, phentsize * phnum);
  for (let i = 0; (i + 1) * phentsize <= headers.length; i++) {
    const at = i * phentsize;
    if (headers.readUInt32LE(at) !== PT_INTERP) continue;
    const offset = Number(headers.readBigUInt64LE(at + 8));
    const size = Number(headers.readBigUInt64LE(at + 32));
    if (size === 0 || size > PATH_MAX) return null;
    const name = read(fd, offset, size).toString('latin1').replace(/\0.*$/s, '');
    return name.startsWith('/') ? name : null;
  }
  return null;
}
