// Names a program makes at random (mkstemp's /tmp/ccAb12Cd.s, mktemp's /tmp/tmp.Qx81LmZa0c,
// Python's /tmp/pymp-k2_9ab1x) differ in every run, so a rule learned with the literal name would
// deny the next run. Learning writes them as their shape instead, one `?` for each character the
// generator chose, the rest of the name literal (DESIGN §8): "/tmp/sortAb12Cd" is learned as
// "/tmp/sort??????", never as "/tmp/*".
//
// A name counts as made at random only when the run itself created it as temporary names are
// made (mkstemp's exclusive open for reading and writing, mkdtemp's mkdir of mode 700, a bind to
// a socket path, and the name such a file is then linked or renamed to), and its last component
// has the shape of one of the generators below with characters that look drawn at random, or it
// is an object of a store named by hashes (git's; a commit hashes the time). Every other record
// of the run naming the same file, or a file below a directory made at random, is written with
// the same shape. Names the run did not create so (/usr/lib/x86_64-linux-gnu/libc.so.6, a hash in
// a cache it only reads, what tar extracts) are never touched.

import type { Translations } from '../session/events.js';
import type { Expr } from './ast.js';
import { sameRuleBut } from './generalise.js';
import { quoteString } from './lexer.js';
import { parseFilter } from './parser.js';
import { printExpr } from './printer.js';

/** A system call as the learning run recorded it: enough to tell what it created. */
export interface NamingCall {
  call: string;
  args: Translations;
}

/** A name the run made at random, and the pattern (for `match`) that stands for its shape. */
export interface RandomName {
  name: string;
  pattern: string;
}

/** Literal names made at random, each with its pattern; see shapeOf() for the names below them. */
export type RandomNames = ReadonlyMap<string, string>;

/** What each generator draws from. */
const MKSTEMP_CHARACTERS = /^[A-Za-z0-9]+$/; // glibc, gnulib (coreutils), git, gcc's libiberty
const PYTHON_CHARACTERS = /^[a-z0-9_]+$/; // Python's tempfile._RandomNameSequence

/** What separates a name's literal prefix from Python's random part: `pymp-`, `listener-`. */
const SEPARATORS = '-_.';

/** A suffix a template may keep after its random part: gcc's `.s`, `.o`, `.ltrans0.ltrans.o`. */
const SUFFIX_PART = /\.[A-Za-z0-9_]{1,8}$/;
const SUFFIX_PARTS = 3;
/** Such suffixes, one to SUFFIX_PARTS of them. */
const OTHER_SUFFIX = /^(\.[A-Za-z0-9_]{1,8}){1,3}$/;

/** A run of hexadecimal digits this long is a hash of content, which is not drawn at random. */
const HASH_LENGTH = 12;

/**
 * Where the random characters of a name's last component are, by the generator whose shape it
 * has, or null when it has none of their shapes. `alike` holds other components the run created
 * in the same directory: if one of them with the same literal parts looks random, this one is
 * taken to be of the same kind even when its own characters happen to look like a word.
 */
export function randomPart(
  component: string,
  evidence: { alike?: readonly string[]; temporary?: boolean } = {},
): { start: number; end: number } | null {
  const { alike = [], temporary = false } = evidence;
  for (const part of candidateParts(component)) {
    // Another name of the same generator: the same prefix and as many random characters, and
    // the same suffix or another a template keeps (gcc's ccXXXXXX.s beside ccXXXXXX.res).
    const literal = (name: string) =>
      name.slice(0, part.start) === component.slice(0, part.start) &&
      (name.slice(part.end) === component.slice(part.end) ||
        (part.end < component.length && OTHER_SUFFIX.test(name.slice(part.end))));
    if (!drawnBy(component.slice(part.start, part.end), part.characters)) continue;
    if (looksRandom(component, part, temporary)) return part;
    for (const other of alike)
      if (
        other !== component &&
        literal(other) &&
        drawnBy(other.slice(part.start, part.end), part.characters) &&
        looksRandom(other, part, temporary)
      )
        return part;
  }
  return null;
}

interface Part {
  start: number;
  end: number;
  characters: RegExp;
  /** The name is of a generator's default shape (mktemp's `tmp.`, Python's `tmp`). */
  byDefault: boolean;
}

/** The places a generator would have put its random characters in `component`, likeliest first. */
function candidateParts(component: string): Part[] {
  const parts: Part[] = [];
  // coreutils' mktemp without a template: tmp. and ten characters.
  if (/^tmp\.[A-Za-z0-9]{10}$/.test(component))
    parts.push({ start: 4, end: 14, characters: MKSTEMP_CHARACTERS, byDefault: true });
  for (const end of stemEnds(component)) {
    // Python's tempfile: its default prefix `tmp`, a prefix ending in a separator (`pymp-`), or
    // none (the name gettempdir() probes a directory with).
    const start = end - 8;
    if (
      (start === 0 && end === component.length) ||
      (start >= 3 &&
        (component.slice(0, start) === 'tmp' || SEPARATORS.includes(component[start - 1]!)))
    )
      parts.push({
        start,
        end,
        characters: PYTHON_CHARACTERS,
        byDefault: start === 3 && component.startsWith('tmp'),
      });
    // mkstemp and its kin: the six characters before the suffix.
    if (end >= 6)
      parts.push({ start: end - 6, end, characters: MKSTEMP_CHARACTERS, byDefault: false });
  }
  return parts;
}

/** Where the random part may end: at the end of the name, or before a suffix of a few parts. */
function stemEnds(component: string): number[] {
  const ends = [component.length];
  let stem = component;
  for (let i = 0; i < SUFFIX_PARTS; i++) {
    const suffix = SUFFIX_PART.exec(stem);
    if (suffix === null) break;
    stem = stem.slice(0, suffix.index);
    ends.push(stem.length);
  }
  return ends;
}

function drawnBy(drawn: string, characters: RegExp): boolean {
  return characters.test(drawn);
}

/**
 * Whether the characters of `part` look drawn at random rather than written by someone: they mix
 * kinds (lower case, upper case, digits, `_`), are not words with a number after them (`output2`,
 * `file1234`, `MyClass`), and are not part of a hash. A name the run also removed again (a
 * temporary file, or one in a directory made at random) needs only the mix, or for Python's
 * shape only not to be a number; so does a generator's default shape (mktemp's `tmp.` and ten,
 * Python's `tmp` and eight), the shape being evidence enough.
 */
function looksRandom(component: string, part: Part, temporary: boolean): boolean {
  const drawn = component.slice(part.start, part.end);
  if (isHash(component, part)) return false;
  const evidence = temporary || part.byDefault;
  // Python's, by default, made for a while or in a directory made at random: `listener-iroksood`.
  if (evidence && part.characters === PYTHON_CHARACTERS) return !/^[0-9]+$/.test(drawn);
  const kinds = new Set([...drawn].map(kindOf));
  if (kinds.size < 2) return false;
  return evidence || !/^[a-z]*([A-Z][a-z]{2,})*[0-9]*$/.test(drawn);
}

function kindOf(c: string): string {
  return /[a-z]/.test(c) ? 'a' : /[A-Z]/.test(c) ? 'A' : c === '_' ? '_' : '0';
}

/** Whether `part` is hexadecimal digits in a run of them long enough to be a hash. */
function isHash(component: string, part: Part): boolean {
  if (!/^[0-9a-f]+$/.test(component.slice(part.start, part.end))) return false;
  let from = part.start;
  let to = part.end;
  while (from > 0 && /[0-9a-f]/.test(component[from - 1]!)) from--;
  while (to < component.length && /[0-9a-f]/.test(component[to]!)) to++;
  return to - from >= HASH_LENGTH;
}

/**
 * The name `call` creates the way temporary names are made, or null: mkstemp's open (read and
 * write, O_CREAT|O_EXCL: a name that exists fails rather than opens; tar and `cp -n` open for
 * writing only), mkdtemp's mkdir (mode 700), a bind to a socket path.
 */
function madeName(call: NamingCall): string | null {
  const filename = call.args['filename']?.[0] ?? null;
  switch (call.call) {
    case 'open':
    case 'openat':
    case 'openat2':
      return exclusive(call.args['oflags']?.[0] ?? '') ? filename : null;
    case 'mkdir':
    case 'mkdirat':
      return call.args['mode']?.[0] === '700' ? filename : null;
    case 'bind':
      return call.args['sockaddr']?.[0] ?? null;
    default:
      return null;
  }
}

/** The calls that give a file a second name (their second), or move it there. */
const NAMES_AGAIN = ['link', 'linkat', 'rename', 'renameat', 'renameat2'];

/** The calls that remove a name again (a rename's source among them). */
const REMOVES = ['unlink', 'unlinkat', 'rmdir', 'rename', 'renameat', 'renameat2'];

/** Whether printed open flags (`rwcx`: access mode, then letters) are O_RDWR|O_CREAT|O_EXCL. */
function exclusive(oflags: string): boolean {
  const letters = oflags.slice(2);
  return oflags.startsWith('rw') && letters.includes('c') && letters.includes('x');
}

/** The names the run made at random, each with its pattern, from everything it recorded. */
export function randomNames(calls: readonly NamingCall[]): RandomNames {
  const created = new Set<string>();
  const removed = new Set<string>();
  for (const call of calls) {
    const name = madeName(call);
    if (name?.startsWith('/') && !name.endsWith('/')) created.add(name);
    if (REMOVES.includes(call.call)) removed.add(call.args['filename']?.[0] ?? '');
  }
  // A temporary file given its own name (sem_open's, git's objects) made that name too.
  for (const call of calls) {
    const [from, to] = call.args['filename'] ?? [];
    if (
      NAMES_AGAIN.includes(call.call) &&
      from !== undefined &&
      created.has(from) &&
      to !== undefined
    )
      created.add(to);
  }
  const byDirectory = new Map<string, string[]>();
  for (const name of created) {
    const dir = name.slice(0, name.lastIndexOf('/'));
    byDirectory.set(dir, [...(byDirectory.get(dir) ?? []), name.slice(dir.length + 1)]);
  }
  const names = new Map<string, string>();
  for (const name of created) {
    const fanOut = hashFanOut(name);
    if (fanOut === null) continue;
    const store = literalPattern(fanOut.store);
    names.set(`${fanOut.store}/${fanOut.head}`, `${store}/${'?'.repeat(fanOut.head.length)}`);
    names.set(name, `${store}/${'?'.repeat(fanOut.head.length)}/${'?'.repeat(fanOut.tail.length)}`);
  }
  // Shorter first, so that a directory made at random is known before the names below it.
  for (const name of [...created].sort((a, b) => a.length - b.length)) {
    const slash = name.lastIndexOf('/');
    const component = name.slice(slash + 1);
    if (names.has(name)) continue;
    const madeAtRandom = shapeOf(name.slice(0, slash), names);
    const part = randomPart(component, {
      alike: byDirectory.get(name.slice(0, slash)) ?? [],
      temporary: removed.has(name) || madeAtRandom !== null,
    });
    if (part === null) continue;
    const dir = madeAtRandom ?? literalPattern(name.slice(0, slash));
    names.set(
      name,
      `${dir}/${literalPattern(component.slice(0, part.start))}${'?'.repeat(part.end - part.start)}${literalPattern(component.slice(part.end))}`,
    );
  }
  return names;
}

/**
 * The parts of `name` when it is an object of a store named by the hash of its content, as git's
 * `.git/objects/9f/e4b1...` (SHA-1's 40 digits, or SHA-256's 64, the first two a directory):
 * another hash in every run when what is hashed holds the time (a commit), so learned as its
 * shape when the run created it, directory included.
 */
function hashFanOut(name: string): { store: string; head: string; tail: string } | null {
  const m = /^(.*)\/([0-9a-f]{2})\/([0-9a-f]{38}|[0-9a-f]{62})$/.exec(name);
  return m === null || m[1] === '' ? null : { store: m[1]!, head: m[2]!, tail: m[3]! };
}

/**
 * The pattern for `name` when it is, or lies below, a name the run made at random; null for any
 * other name, which stays as it is.
 */
export function shapeOf(name: string, names: RandomNames): string | null {
  for (let end = name.length; end > 0; end = name.lastIndexOf('/', end - 1)) {
    const pattern = names.get(name.slice(0, end));
    if (pattern !== undefined) return pattern + literalPattern(name.slice(end));
  }
  return null;
}

/** `text` as a `match` pattern that matches exactly it: what fnmatch reads specially escaped. */
export function literalPattern(text: string): string {
  return text.replace(/[*?[\\]/g, (c) => `\\${c}`);
}

/**
 * `rule` (a learned rule, as printed) with each name the run made at random written as its
 * shape, or null when it names none. `match` also holds for the names below its pattern, so the
 * rule says that they are not meant: `filename match "/tmp/sort??????" and (not filename match
 * "/tmp/sort??????/*")` holds for /tmp/sortQ1w2E3 and nothing else.
 */
export function shapedRule(
  rule: string,
  names: RandomNames,
): { rule: string; shaped: RandomName[] } | null {
  const { filter } = parseFilter(rule);
  if (filter === null || filter.expr === null || names.size === 0) return null;
  const shaped: RandomName[] = [];
  const condition = (expr: Expr): string => {
    if (expr.kind === 'and') return `${condition(expr.left)} and ${condition(expr.right)}`;
    if (expr.kind !== 'symbol' || expr.op !== 'eq' || !SHAPED.includes(expr.arg))
      return printExpr(expr);
    const pattern = shapeOf(expr.value, names);
    if (pattern === null) return printExpr(expr);
    shaped.push({ name: expr.value, pattern });
    const arg = `${expr.arg}${expr.index === null ? '' : `[${expr.index}]`}`;
    return `${arg} match ${quoteString(pattern)} and (not ${arg} match ${quoteString(`${pattern}/*`)})`;
  };
  const text = sameRuleBut(filter, condition(filter.expr));
  return shaped.length === 0 ? null : { rule: text, shaped };
}

/** The translations that name files: the ones a name made at random can be in. */
const SHAPED = ['filename', 'sockaddr'];
