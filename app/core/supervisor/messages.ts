// Turns the supervisor's frames into the plain objects the rest of sysgate uses.

import type {
  CallCount,
  DecisionRecord,
  DecisionSource,
  ProcessEvent,
  Question,
  Translations,
} from '../../common/session/events.js';
import type { Fields } from './frames.js';

function number(f: Fields, key: string): number {
  const n = f.number(key);
  if (n === undefined || Number.isNaN(n)) throw new Error(`"${key}" is missing or not a number`);
  return n;
}

function optionalNumber(f: Fields, key: string): number | null {
  const n = f.number(key);
  return n === undefined || Number.isNaN(n) ? null : n;
}

function text(f: Fields, key: string): string {
  const value = f.text(key);
  if (value === undefined) throw new Error(`"${key}" is missing`);
  return value;
}

/** `args=` holds `filename=...`, `filename.1=...`: the n-th value of a kind under `kind.n`. */
export function decodeTranslations(f: Fields): Translations {
  const out: Translations = {};
  for (const [key, value] of f.entries()) {
    const [name, index] = key.split('.', 2) as [string, string | undefined];
    const list = (out[name] ??= []);
    list[index === undefined ? 0 : Number(index)] = value.toString('utf8');
  }
  for (const list of Object.values(out)) {
    for (let i = 0; i < list.length; i++) list[i] ??= '';
  }
  return out;
}

function decodeArgv(f: Fields): string[] {
  const argv: string[] = [];
  for (const [key, value] of f.entries()) argv[Number(key)] = value.toString('utf8');
  return Array.from(argv, (a) => a ?? '');
}

function alias(f: Fields): string | null {
  const value = f.text('alias');
  return value === undefined || value === '' ? null : value;
}

export function decodeQuestion(f: Fields): Question {
  return {
    id: text(f, 'id'),
    pid: number(f, 'pid'),
    tid: optionalNumber(f, 'tid') ?? number(f, 'pid'),
    ppid: number(f, 'ppid'),
    uid: number(f, 'uid'),
    gid: number(f, 'gid'),
    exe: text(f, 'exe'),
    cwd: f.text('cwd') ?? '',
    argv: decodeArgv(f.nested('argv')),
    policy: f.text('policy') ?? '',
    call: text(f, 'call'),
    nr: number(f, 'nr'),
    alias: alias(f),
    args: decodeTranslations(f.nested('args')),
  };
}

const SOURCES: readonly DecisionSource[] = ['rule', 'user', 'learn', 'default', 'host-gone'];

export function decodeDecisionRecord(f: Fields): DecisionRecord {
  const action = text(f, 'action');
  if (action !== 'permit' && action !== 'deny') throw new Error(`unknown action "${action}"`);
  const by = text(f, 'by') as DecisionSource;
  if (!SOURCES.includes(by)) throw new Error(`unknown decider "${by}"`);
  return {
    time: Math.floor((optionalNumber(f, 'time') ?? Date.now() * 1000) / 1000),
    pid: number(f, 'pid'),
    ppid: optionalNumber(f, 'ppid') ?? 0,
    uid: optionalNumber(f, 'uid') ?? 0,
    gid: optionalNumber(f, 'gid') ?? 0,
    exe: f.text('exe') ?? '',
    argv: decodeArgv(f.nested('argv')),
    policy: f.text('policy') ?? '',
    call: text(f, 'call'),
    nr: optionalNumber(f, 'nr') ?? -1,
    alias: alias(f),
    args: decodeTranslations(f.nested('args')),
    action,
    errno: optionalNumber(f, 'errno') ?? 0,
    by,
    // The supervisor sends 0 when no rule decided.
    line: by === 'rule' ? optionalNumber(f, 'line') : null,
    col: by === 'rule' ? optionalNumber(f, 'col') : null,
    log: f.text('log') === '1',
    ...elevation(f),
  };
}

/** `as=uid:gid` of an elevated permit (decide.c, permit_as). */
function elevation(f: Fields): { as?: string } {
  const as = f.text('as');
  if (as === undefined || as === null) return {};
  if (!/^[0-9]+:[0-9]+$/.test(as)) throw new Error(`bad as "${as}"`);
  return { as };
}

/**
 * A `count` frame, read strictly: every field present, numbers decimal, `n` at least 1. A
 * count that cannot be read is said, never guessed.
 */
export function decodeCallCount(f: Fields): CallCount {
  const action = text(f, 'action');
  if (action !== 'permit' && action !== 'deny') throw new Error(`unknown action "${action}"`);
  const by = text(f, 'by') as DecisionSource;
  if (!SOURCES.includes(by)) throw new Error(`unknown decider "${by}"`);
  const n = number(f, 'n');
  if (n < 1 || !Number.isSafeInteger(n)) throw new Error(`"n" is not a count: ${f.text('n')}`);
  const line = number(f, 'line');
  const col = number(f, 'col');
  if (line < 0 || col < 0) throw new Error('"line" and "col" are not places');
  return {
    time: Math.floor(number(f, 'time') / 1000),
    exe: text(f, 'exe'),
    policy: text(f, 'policy'),
    call: text(f, 'call'),
    action,
    by,
    line: by === 'rule' && line > 0 ? line : null,
    col: by === 'rule' && line > 0 ? col : null,
    n,
  };
}

export function decodeProcessEvent(f: Fields): ProcessEvent {
  const event = text(f, 'event');
  if (event !== 'fork' && event !== 'exec' && event !== 'exit')
    throw new Error(`unknown process event "${event}"`);
  return {
    event,
    pid: number(f, 'pid'),
    ppid: optionalNumber(f, 'ppid') ?? 0,
    exe: f.text('exe') ?? '',
    policy: f.text('policy') ?? '',
    status: optionalNumber(f, 'status'),
  };
}
