// Run plans written by hand (native/PROTOCOL.md, "Run plans"), for the front door's tests and
// its benchmark: frames encoded as the host encodes them, the plan's file name as the front
// door computes it, and the identities of its inputs as stat(2) gives them.
import { chmodSync, lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { frame } from './frames.mjs';
import { compile, nativeBuild, policyOf } from './supervised.mjs';

/** The checkout the front door under test belongs to: three folders above it. */
const installRoot = realpathSync(new URL('../..', import.meta.url).pathname);

export { frame, frames } from './frames.mjs';

/** The front door, native/build/sysgate ($SYSGATE_FRONT_DOOR: another build beside it). */
export const frontDoor = process.env.SYSGATE_FRONT_DOOR ?? nativeBuild('sysgate');

/** FNV-1a 64 of `EUID NUL CWD NUL ARG1 NUL ...` in 16 hex digits: the plan's file name. */
export function planName(uid, cwd, args) {
  let h = 0xcbf29ce484222325n;
  for (const piece of [String(uid), cwd, ...args]) {
    for (const byte of Buffer.concat([Buffer.from(piece), Buffer.from([0])])) {
      h ^= BigInt(byte);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return h.toString(16).padStart(16, '0');
}

/** stat(2)'s identity of a file, as an `input` frame's `id`, or `absent`. */
export function identity(path) {
  try {
    const s = statSync(path, { bigint: true });
    return [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs, s.mode, s.uid].join(':');
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return 'absent';
    throw e;
  }
}

/** The compiled policy frame of `program` (its real path) under `rules`. */
export const policyFrame = (program, rules) =>
  frame('policy', { name: program, text: compile(policyOf(program, rules)) });

/**
 * Writes the plan of the run `sysgate ...args` in `cwd` under `cache` (XDG_CACHE_HOME) and
 * returns its path. `plan` says what the file holds; each part defaults to what matches the
 * run: { version, uid, cwd, root, args, env: [{ name, value }], inputs: [path or { path, id }],
 * says, options, command, preamble (Buffers: policy, kernel, landlock-rule frames; `start` is
 * added), mode }.
 */
export function writePlan(cache, cwd, args, plan) {
  const dir = join(cache, 'sysgate', 'runs');
  mkdirSync(dir, { recursive: true });
  const uid = process.geteuid();
  const path = join(dir, planName(uid, cwd, args));
  const planArgs = plan.args ?? args;
  const body = [
    frame('plan', { version: plan.version ?? 1 }),
    frame('key', {
      uid: plan.uid ?? uid,
      cwd: plan.cwd ?? cwd,
      root: plan.root ?? installRoot,
      argc: planArgs.length,
    }),
    ...planArgs.map((value) => frame('arg', { value })),
    ...(plan.env ?? []).map(({ name, value }) => frame('env', { name, value })),
    ...(plan.inputs ?? []).map((input) =>
      typeof input === 'string'
        ? frame('input', { path: input, id: identity(input) })
        : frame('input', input),
    ),
    ...(plan.says ?? []).map((text) => frame('say', { text })),
    ...(plan.options ?? ['--mode', 'enforce']).map((value) => frame('option', { value })),
    ...plan.command.map((value) => frame('command', { value })),
    ...(plan.preamble ?? []),
    frame('start'),
  ];
  writeFileSync(path, Buffer.concat(body), { mode: plan.mode ?? 0o600 });
  chmodSync(path, plan.mode ?? 0o600);
  return path;
}

/** Whether `path` exists without following a last symbolic link. */
export function exists(path) {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
