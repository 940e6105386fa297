// The compiled policy: what the host hands the supervisor, which decides calls by it on its own
// (DESIGN §2, §3). It is made trivial for C to read: one item per line, every string preceded
// by its length, so nothing is ever escaped or quoted. Everything the host can settle is settled
// before it is written: macros are expanded, user and group names resolved to ids, error names
// turned into numbers, parentheses dropped, and rules that can never apply left out.
//
// FORMAT, version 1
//
// The text is ASCII apart from the bytes of strings. Every line ends in one "\n" (never "\r\n");
// the words of a line are separated by exactly one space; a number is unsigned decimal without
// leading zeros. A <string> is written <len>:<bytes>: its length in bytes, a colon, and exactly
// that many bytes (UTF-8, any byte but NUL, spaces and newlines included, nothing escaped). The
// line ends right after the bytes, so a reader reads a string by its length, never by searching
// for the end of the line. Lines, in this order:
//
//   sysgate-policy 1
//   policy <string>       the Policy header's path, or the Template's name; "0:" when none
//   detached <0|1>        1: processes under this policy are not supervised
//   then for every filter, in the order they are tried:
//     filter <line> <col> <call> <action> <errno> <flags>
//     as <uid> <gid>                  only when the rule has `as user:group`; directly after `filter`
//     pred <subject> <op> <id>        only when the rule has `, if ...`; after `filter` and `as`
//     expr <n>
//     ...n token lines...
//   end                   the last line; nothing follows it
//
// filter    <line> <col>: where the rule is written in its file (both from 1), for the records.
//           <call>: [A-Za-z0-9_]+, a Linux call name (`openat`) or an alias (`fsread`, `fswrite`).
//           <action>: permit, deny or ask.
//           <errno>: for deny the error number the call fails with (1-4095); 0 otherwise.
//           <flags>: `-`, or some of the letters `l` `i` `d` in this order, each at most once:
//           l: log the decision; i: permit[inherit], the process keeps this policy across
//           execve; d: permit[detach], the process is no longer supervised after this call.
// as        the permit is performed by the supervisor with fsuid <uid>, fsgid <gid>, the group
//           <gid> alone, and the capabilities of root when <uid> is 0 (none otherwise); only on
//           a permit without flags, of open, openat, openat2, creat, bind or connect.
// pred      <subject>: user or group, compared with the calling process's uid or gid.
//           <op>: eq, ne, lt or gt, meaning uid == id, !=, <, >. <id>: 0 to 4294967295.
// expr      <n> >= 1 tokens that form exactly one expression in prefix (Polish) order:
//             true                   holds
//             not X                  X does not hold
//             and X Y                both hold
//             or X Y                 either holds
//             sym <arg> <index> <op> <string>
//           sym compares the <index>-th (from 0) translated argument called <arg>
//           ([A-Za-z0-9_]+) with the string. When the call has no such argument the token does
//           not hold, whatever <op> is (neq and nsub included). Otherwise, with s the argument
//           and v the string:
//             eq      strcmp(s, v) == 0              neq   strcmp(s, v) != 0
//             sub     strstr(s, v) != NULL           nsub  strstr(s, v) == NULL
//             match   fnmatch(v, s, FNM_PATHNAME | FNM_LEADING_DIR) == 0
//             re      regexec of regcomp(v, REG_EXTENDED | REG_NOSUB) finds a match in s
//             inpath  s is v or a directory on the way to it (systrace's filter_inpath): with
//                     n = strlen(s): n > 0 and n <= strlen(v), and if n == 1 then s is "/",
//                     else strncmp(s, v, n) == 0 and (v[n] == '/' or v[n] == '\0').
//           The host writes only regular expressions whose answers it reproduces; if regcomp
//           still refuses one, that filter never applies.
//
// Deciding a call: the filters are tried in order. A filter is tried when <call> is the call's
// name or the name of the alias the call belongs to (the supervisor knows its calls' aliases;
// when aliases are off the host writes no alias filters). It decides when its pred, if any, holds
// and its expression holds: the call gets <action>, <errno> and <flags>, and the record names
// <line>. When no filter decides, the call is asked.
//
// fnmatch and regcomp must run in the C locale (never call setlocale) and without POSIXLY_CORRECT
// in the environment: the host's matchers (fnmatch.ts, regex.ts) copy glibc exactly there.
//
// A reader rejects the whole text, naming the line, when anything differs from the above: another
// version, an unknown keyword or word, a missing or extra word, a number out of range, a string
// not followed by "\n", tokens that are not exactly one expression, anything after `end`.

import { isAlias } from '../calls/aliases.js';
import { elevationIds, elevationProblem } from './elevation.js';
import { errnoNumber } from '../calls/index.js';
import {
  OPERATORS,
  type ActionName,
  type Expr,
  type Filter,
  type Operator,
  type PolicySection,
  type PredicateOperator,
} from './ast.js';
import {
  NATIVE_EMULATIONS,
  denialErrno,
  expandMacros,
  invalidRegexIn,
  predicateId,
  type DecideOptions,
} from './evaluate.js';
import { textOfUtf8, utf8ByteString } from './utf8.js';

export const COMPILED_FORMAT_VERSION = 1;

/** A policy as the supervisor reads it. */
export interface CompiledPolicy {
  name: string;
  detached: boolean;
  filters: CompiledFilter[];
}

export interface CompiledFilter {
  line: number;
  col: number;
  call: string;
  action: ActionName;
  /** The error number of a denial; 0 for the other actions. */
  errno: number;
  log: boolean;
  inherit: boolean;
  detach: boolean;
  /** `as user:group`, resolved: the credentials the permitted call is performed with. */
  elevation: { uid: number; gid: number } | null;
  predicate: CompiledPredicate | null;
  /** The expression in prefix order. */
  expr: CompiledToken[];
}

export interface CompiledPredicate {
  subject: 'user' | 'group';
  op: CompiledPredicateOperator;
  id: number;
}

export type CompiledPredicateOperator = 'eq' | 'ne' | 'lt' | 'gt';

export type CompiledToken =
  | { kind: 'true' | 'not' | 'and' | 'or' }
  | { kind: 'sym'; arg: string; index: number; op: Operator; value: string };

export interface CompileResult {
  text: string;
  /** What was left out or changed, one line each: `line 12: ...`. */
  problems: string[];
}

const NAME = /^[A-Za-z0-9_]+$/;
const MAX_ID = 4294967295;
const MAX_ERRNO = 4095;
// Limits for the reader, so that a number never loses precision or runs away.
const MAX_LINE = 2 ** 31 - 1;
const MAX_INDEX = 2 ** 31 - 1;
const MAX_TOKENS = 2 ** 31 - 1;

const PREDICATE_WORDS: Record<PredicateOperator, CompiledPredicateOperator> = {
  '=': 'eq',
  '!=': 'ne',
  '<': 'lt',
  '>': 'gt',
};

/** Compiles one policy (a section of a file) for the supervisor. */
export function compilePolicy(section: PolicySection, options: DecideOptions): CompileResult {
  const problems: string[] = [];
  const lines = [
    `sysgate-policy ${COMPILED_FORMAT_VERSION}`,
    `policy ${lengthPrefixed(section.header?.name ?? '')}`,
    `detached ${section.detached ? 1 : 0}`,
  ];
  for (const filter of section.filters) {
    const report = (problem: string): void => {
      problems.push(`line ${filter.span.start.line}: ${problem}`);
    };
    lines.push(...filterLines(filter, options, report));
  }
  lines.push('end');
  return { text: lines.join('\n') + '\n', problems };
}

/** The lines of one filter; none when it can never apply here (reported). */
function filterLines(
  filter: Filter,
  options: DecideOptions,
  report: (p: string) => void,
): string[] {
  const rule = `${filter.emulation}-${filter.call}`;
  const leaveOut = (why: string): string[] => {
    report(`${rule} is left out: ${why}`);
    return [];
  };
  if (!NATIVE_EMULATIONS.includes(filter.emulation)) {
    return leaveOut(`emulation "${filter.emulation}" is not this system's`);
  }
  if (!NAME.test(filter.call)) return leaveOut(`"${filter.call}" cannot be a call name`);
  if (options.noAliases && isAlias(filter.call)) {
    return leaveOut(`"${filter.call}" is an alias, and aliases are off (-u)`);
  }
  const lines: string[] = [];
  if (filter.elevation !== null) {
    const problem = elevationProblem(filter, {});
    if (problem !== null) return leaveOut(problem);
    const ids = elevationIds(filter.elevation, options);
    if (typeof ids === 'string') return leaveOut(ids);
    lines.push(`as ${ids.uid} ${ids.gid}`);
  }
  if (filter.predicate !== null) {
    const { subject, op, value } = filter.predicate;
    const id = predicateId(filter.predicate, options);
    if (id === undefined) return leaveOut(`there is no ${subject} "${value}"`);
    if (id > MAX_ID) return leaveOut(`${subject} id ${value} is too large`);
    lines.push(`pred ${subject} ${PREDICATE_WORDS[op]} ${id}`);
  }
  const badRegex = invalidRegexIn(filter, options.macros);
  if (badRegex !== null) {
    return leaveOut(`re "${badRegex.symbol.value}": ${badRegex.message}`);
  }
  const tokens = prefixTokens(filter.expr, options.macros);
  const badArg = tokens.find((t) => t.startsWith('sym ') && !NAME.test(t.split(' ')[1]!));
  if (badArg !== undefined) return leaveOut(`"${badArg.split(' ')[1]}" cannot be an argument name`);
  lines.push(`expr ${tokens.length}`, ...tokens);

  const { name, modifier } = filter.action;
  let errno = 0;
  if (name === 'deny') {
    if (modifier !== null && errnoNumber(modifier) === undefined) {
      report(`"${modifier}" is not an error name: the call is denied with eperm`);
    }
    errno = errnoNumber(denialErrno(modifier))!;
  }
  const { line, col } = filter.span.start;
  const filterLine = `filter ${line} ${col} ${filter.call} ${name} ${errno} ${flagsOf(filter)}`;
  return [filterLine, ...lines];
}

function flagsOf(filter: Filter): string {
  const modifier = filter.action.modifier?.toLowerCase();
  const permit = filter.action.name === 'permit';
  const flags =
    (filter.log ? 'l' : '') +
    (permit && modifier === 'inherit' ? 'i' : '') +
    (permit && modifier === 'detach' ? 'd' : '');
  return flags === '' ? '-' : flags;
}

/** The expression as token lines in prefix order; the short form `call: permit` is `true`. */
function prefixTokens(expr: Expr | null, macros: DecideOptions['macros']): string[] {
  if (expr === null) return ['true'];
  switch (expr.kind) {
    case 'true':
      return ['true'];
    case 'group':
      return prefixTokens(expr.inner, macros);
    case 'not':
      return ['not', ...prefixTokens(expr.operand, macros)];
    case 'and':
    case 'or':
      return [expr.kind, ...prefixTokens(expr.left, macros), ...prefixTokens(expr.right, macros)];
    case 'symbol': {
      const value = lengthPrefixed(expandMacros(expr.value, macros));
      return [`sym ${expr.arg} ${expr.index ?? 0} ${expr.op} ${value}`];
    }
  }
}

function lengthPrefixed(text: string): string {
  return `${utf8ByteString(text).length}:${text}`;
}

export type ParsedCompiled =
  { ok: true; policy: CompiledPolicy } | { ok: false; message: string; line: number };

/** Reads the compiled form back, as strictly as the supervisor must. */
export function parseCompiled(text: string): ParsedCompiled {
  const reader = new CompiledReader(utf8ByteString(text));
  try {
    return { ok: true, policy: reader.policy() };
  } catch (e) {
    if (!(e instanceof CompiledFormatError)) throw e;
    return { ok: false, message: e.message, line: e.line };
  }
}

class CompiledFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const ACTION_NAMES: readonly string[] = ['permit', 'deny', 'ask'];
const PREDICATE_OPS: readonly string[] = ['eq', 'ne', 'lt', 'gt'];

/** A cursor over the bytes of a compiled policy that knows which line it is on. */
class CompiledReader {
  private pos = 0;
  /** The line the cursor is on, and the line where the item read last began. */
  private line = 1;
  private itemLine = 1;

  constructor(private readonly bytes: string) {}

  policy(): CompiledPolicy {
    const version = this.wordsOf('sysgate-policy', 1)[0];
    if (version !== String(COMPILED_FORMAT_VERSION)) {
      this.fail(`this is version ${version}; only version ${COMPILED_FORMAT_VERSION} is known`);
    }
    const name = this.stringLine('policy', 0).value;
    const [detached] = this.wordsOf('detached', 1);
    if (detached !== '0' && detached !== '1') this.fail('detached must be 0 or 1');
    const filters: CompiledFilter[] = [];
    while (this.keyword() === 'filter') filters.push(this.filter());
    this.wordsOf('end', 0);
    if (this.pos !== this.bytes.length) this.fail('nothing may follow "end"', this.line);
    return { name, detached: detached === '1', filters };
  }

  private filter(): CompiledFilter {
    const [line, col, call, action, errno, flags] = this.wordsOf('filter', 6) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const position = { line: this.number(line, MAX_LINE, 1), col: this.number(col, MAX_LINE, 1) };
    if (!NAME.test(call)) this.fail(`bad call name "${call}"`);
    if (!ACTION_NAMES.includes(action)) this.fail(`unknown action "${action}"`);
    const errnoValue = this.number(errno, MAX_ERRNO);
    if ((action === 'deny') !== errnoValue > 0) {
      this.fail('errno must be 1-4095 for deny and 0 for any other action');
    }
    if (!/^(-|l?i?d?)$/.test(flags) || flags === '') this.fail(`bad flags "${flags}"`);
    const elevation = this.keyword() === 'as' ? this.elevation() : null;
    if (elevation !== null && (action !== 'permit' || flags.includes('i') || flags.includes('d'))) {
      this.fail('"as" follows only a permit without i or d', this.itemLine - 1);
    }
    const predicate = this.keyword() === 'pred' ? this.predicate() : null;
    return {
      ...position,
      call,
      action: action as ActionName,
      errno: errnoValue,
      log: flags.includes('l'),
      inherit: flags.includes('i'),
      detach: flags.includes('d'),
      elevation,
      predicate,
      expr: this.expression(),
    };
  }

  private elevation(): { uid: number; gid: number } {
    const [uid, gid] = this.wordsOf('as', 2) as [string, string];
    return { uid: this.number(uid, MAX_ID), gid: this.number(gid, MAX_ID) };
  }

  private predicate(): CompiledPredicate {
    const [subject, op, id] = this.wordsOf('pred', 3) as [string, string, string];
    if (subject !== 'user' && subject !== 'group') this.fail(`unknown subject "${subject}"`);
    if (!PREDICATE_OPS.includes(op)) this.fail(`unknown comparison "${op}"`);
    return { subject, op: op as CompiledPredicateOperator, id: this.number(id, MAX_ID) };
  }

  private expression(): CompiledToken[] {
    const n = this.number(this.wordsOf('expr', 1)[0]!, MAX_TOKENS, 1);
    const exprLine = this.itemLine;
    const tokens: CompiledToken[] = [];
    // How many expressions the tokens read so far still lack: in prefix order the tokens form
    // one expression exactly when this reaches 0 with the last of them.
    let lacking = 1;
    for (let i = 0; i < n; i++) {
      if (lacking === 0) this.fail(`the expression is complete before its ${n} tokens`, this.line);
      const token = this.token();
      tokens.push(token);
      lacking += token.kind === 'and' || token.kind === 'or' ? 1 : token.kind === 'not' ? 0 : -1;
    }
    if (lacking !== 0)
      this.fail(`the ${n} tokens after this line are not a whole expression`, exprLine);
    return tokens;
  }

  private token(): CompiledToken {
    const keyword = this.keyword();
    if (keyword === 'true' || keyword === 'not' || keyword === 'and' || keyword === 'or') {
      this.wordsOf(keyword, 0);
      return { kind: keyword };
    }
    if (keyword !== 'sym') this.fail(`expected an expression token, not "${keyword}"`, this.line);
    const { words, value } = this.stringLine('sym', 3);
    const [arg, index, op] = words as [string, string, string];
    if (!NAME.test(arg)) this.fail(`bad argument name "${arg}"`);
    if (!(OPERATORS as readonly string[]).includes(op)) this.fail(`unknown operator "${op}"`);
    return { kind: 'sym', arg, index: this.number(index, MAX_INDEX), op: op as Operator, value };
  }

  /** The first word of the line the cursor is on, without moving. */
  private keyword(): string {
    return /^[^ \n]*/.exec(this.bytes.slice(this.pos, this.pos + 32))![0];
  }

  /** The words after `keyword` on a line that must have exactly `count` of them. */
  private wordsOf(keyword: string, count: number): string[] {
    this.itemLine = this.line;
    if (this.pos === this.bytes.length) this.fail(`expected "${keyword}", but the text ends`);
    const end = this.bytes.indexOf('\n', this.pos);
    if (end < 0) this.fail('the last line does not end in a newline');
    const words = this.bytes.slice(this.pos, end).split(' ');
    this.pos = end + 1;
    this.line++;
    if (words[0] !== keyword) this.fail(`expected "${keyword}", not "${words[0]}"`);
    if (words.some((w) => w === '')) this.fail('words are separated by exactly one space');
    if (words.length !== count + 1) {
      this.fail(`"${keyword}" takes ${count} words, not ${words.length - 1}`);
    }
    return words.slice(1);
  }

  /** A line `keyword word... <len>:<bytes>` with `count` words before the string. */
  private stringLine(keyword: string, count: number): { words: string[]; value: string } {
    this.itemLine = this.line;
    const colon = this.bytes.indexOf(':', this.pos);
    const newline = this.bytes.indexOf('\n', this.pos);
    if (colon < 0 || (newline >= 0 && newline < colon)) {
      this.fail(`"${keyword}" needs a string written <len>:<bytes>`);
    }
    const words = this.bytes.slice(this.pos, colon).split(' ');
    if (words[0] !== keyword) this.fail(`expected "${keyword}", not "${words[0]}"`);
    if (words.length !== count + 2 || words.some((w) => w === '')) {
      this.fail(`"${keyword}" takes ${count} words and a string`);
    }
    const length = this.number(words[count + 1]!, this.bytes.length);
    const start = colon + 1;
    if (this.bytes[start + length] !== '\n') {
      this.fail(`the string of ${length} bytes is not followed by the end of the line`);
    }
    const value = this.bytes.slice(start, start + length);
    if (value.includes('\0')) this.fail('a string may not contain NUL');
    this.pos = start + length + 1;
    this.line += value.split('\n').length;
    return { words: words.slice(1, count + 1), value: textOfUtf8(value) };
  }

  private number(word: string, max: number, min = 0): number {
    if (!/^(0|[1-9][0-9]*)$/.test(word)) this.fail(`"${word}" is not a number`);
    const value = Number(word);
    if (value < min || value > max) this.fail(`${word} is out of range (${min}-${max})`);
    return value;
  }

  private fail(message: string, line = this.itemLine): never {
    throw new CompiledFormatError(message, line);
  }
}
