// A tiny scripted host for sysgate-supervisor: it speaks PROTOCOL.md over the socket the
// supervisor gets as --control-fd 3, answers `need-policy` and `ask` through callbacks, and
// collects every frame. Plain Node ESM without dependencies, so it can grow into the real
// integration test.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const here = new URL('.', import.meta.url).pathname;
export const nativeDir = new URL('..', import.meta.url).pathname;
export const supervisorPath = process.env.SYSGATE_SUPERVISOR ?? `${nativeDir}build/sysgate-supervisor`;

/** Encodes one frame: `verb key=len:bytes ...\n`; a value may be a nested object of fields. */
export function encodeFrame(verb, fields = {}) {
  const parts = [Buffer.from(verb)];
  for (const [key, value] of Object.entries(fields)) {
    const bytes = encodeValue(value);
    parts.push(Buffer.from(` ${key}=${bytes.length}:`), bytes);
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

function encodeValue(value) {
  if (Buffer.isBuffer(value)) return value;
  if (value !== null && typeof value === 'object') {
    const nested = Object.entries(value).map(([k, v]) => {
      const b = encodeValue(v);
      return Buffer.concat([Buffer.from(`${k}=${b.length}:`), b]);
    });
    return Buffer.concat(nested.flatMap((b, i) => (i === 0 ? [b] : [Buffer.from(' '), b])));
  }
  return Buffer.from(String(value));
}

/** Reads `key=len:bytes` fields separated by single spaces from buf[start, end). */
export function parseFields(buf, start = 0, end = buf.length) {
  const fields = {};
  let pos = start;
  while (pos < end) {
    if (pos > start) {
      if (buf[pos] !== 0x20) throw new Error(`expected a space at ${pos}`);
      pos++;
    }
    const eq = buf.indexOf(0x3d, pos);
    const colon = buf.indexOf(0x3a, eq);
    if (eq < 0 || colon < 0) throw new Error(`bad field at ${pos}`);
    const key = buf.toString('latin1', pos, eq);
    const len = Number(buf.toString('latin1', eq + 1, colon));
    fields[key] = buf.toString('utf8', colon + 1, colon + 1 + len);
    pos = colon + 1 + len;
  }
  return fields;
}

/** An incremental frame reader: feed bytes, get back whole frames. */
export class FrameReader {
  constructor() {
    this.buf = Buffer.alloc(0);
  }

  feed(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    const frames = [];
    for (;;) {
      const frame = this.#next();
      if (frame === null) break;
      frames.push(frame);
    }
    return frames;
  }

  #next() {
    const b = this.buf;
    let pos = 0;
    while (pos < b.length && b[pos] !== 0x20 && b[pos] !== 0x0a) pos++;
    if (pos === b.length) return null;
    const verb = b.toString('latin1', 0, pos);
    const fields = {};
    while (b[pos] === 0x20) {
      pos++;
      const eq = b.indexOf(0x3d, pos);
      if (eq < 0) return null;
      const colon = b.indexOf(0x3a, eq);
      if (colon < 0) return null;
      const key = b.toString('latin1', pos, eq);
      const len = Number(b.toString('latin1', eq + 1, colon));
      if (colon + 1 + len > b.length) return null;
      fields[key] = b.subarray(colon + 1, colon + 1 + len);
      pos = colon + 1 + len;
      if (pos >= b.length) return null;
    }
    if (b[pos] !== 0x0a) throw new Error(`bad frame from the supervisor at ${pos}: ${b}`);
    this.buf = b.subarray(pos + 1);
    const text = {};
    for (const [k, v] of Object.entries(fields)) text[k] = v.toString('utf8');
    return { verb, fields: text, raw: fields };
  }
}

/**
 * Writes the compiled policy form (compile.ts) for a list of rules:
 * { call, action, errno = 0, flags = '-', line, col, pred: 'user ne 0', expr: [...] }, where
 * expr tokens are 'true' | 'not' | 'and' | 'or' | ['sym', arg, index, op, value].
 */
export function compilePolicy(name, rules, detached = false) {
  const lines = ['sysgate-policy 1', `policy ${Buffer.byteLength(name)}:${name}`];
  lines.push(`detached ${detached ? 1 : 0}`);
  rules.forEach((r, i) => {
    lines.push(`filter ${r.line ?? i + 1} ${r.col ?? 1} ${r.call} ${r.action} ${r.errno ?? 0} ${r.flags ?? '-'}`);
    if (r.pred) lines.push(`pred ${r.pred}`);
    const expr = r.expr ?? ['true'];
    lines.push(`expr ${expr.length}`);
    for (const t of expr) {
      if (typeof t === 'string') lines.push(t);
      else lines.push(`sym ${t[1]} ${t[2]} ${t[3]} ${Buffer.byteLength(t[4])}:${t[4]}`);
    }
  });
  lines.push('end');
  return lines.join('\n') + '\n';
}

/** Every call name of this machine, from the table the supervisor is built with. */
export function allCallNames() {
  const header = readFileSync(`${nativeDir}calls.generated.h`, 'utf8');
  const x86 = header.split('#elif')[0];
  const names = new Set();
  for (const m of x86.matchAll(/\{ "([a-z0-9_]+)", \d+ \}/g)) names.add(m[1]);
  return [...names];
}

/** A policy permitting every call, after the given rules. */
export function permissive(name, first = []) {
  return compilePolicy(name, [
    ...first,
    ...allCallNames().map((call) => ({ call, action: 'permit' })),
  ]);
}

/**
 * Runs a command under the supervisor. options: mode, args (more supervisor options),
 * policyFor(path) → compiled text (answers need-policy), onAsk(fields) → answer fields or
 * null to leave it pending, onFrame(frame, host), stdin.
 */
export function runSupervised(command, options = {}) {
  const args = ['--control-fd', '3', '--mode', options.mode ?? 'enforce', ...(options.args ?? [])];
  // options.wrap: run the supervisor through another program (taskset, strace, perf).
  const [program, ...pre] = options.wrap ?? [supervisorPath];
  const child = spawn(program, [...pre, ...args, '--', ...command], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  const control = child.stdio[3];
  const reader = new FrameReader();
  const frames = [];
  let stdout = '';
  let stderr = '';
  const host = {
    child,
    control,
    frames,
    send(verb, fields) {
      control.write(encodeFrame(verb, fields));
    },
  };
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(options.stdin ?? '');
  control.on('error', () => {});
  control.on('data', (chunk) => {
    for (const f of reader.feed(chunk)) {
      frames.push(f);
      options.onFrame?.(f, host);
      if (f.verb === 'hello') {
        for (const [name, text] of Object.entries(options.policies ?? {})) {
          host.send('policy', { name, text });
        }
        host.send('start');
      } else if (f.verb === 'need-policy') {
        const text = options.policyFor?.(f.fields.path) ?? compilePolicy(f.fields.path, []);
        host.send('policy', { name: f.fields.path, text });
      } else if (f.verb === 'ask' && options.onAsk) {
        const answer = options.onAsk(f.fields, parseFields(f.raw.args));
        if (answer) host.send('answer', { id: f.fields.id, ...answer });
      }
    }
  });
  host.done = new Promise((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, frames }));
  });
  return host;
}

export const testProgram = (name) => `${nativeDir}build/${name}`;
export { here };
