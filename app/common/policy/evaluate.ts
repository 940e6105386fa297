// Deciding one system call by one policy: the reference for what the supervisor's evaluator of
// the compiled form (compile.ts) must answer; both run the vectors in conformance.json.
//
// The filters are tried in the order written and the first that applies and holds decides.
// A filter applies when its emulation is `native` (or `linux`) and its call is the request's call,
// or the request's alias (`fsread`, `fswrite`) unless aliases are off (-u); its predicate
// (`, if user != 0`) must hold. Its expression holds as the usual logic says, where a symbol
// `arg[n] op "value"` compares the n-th translated argument of that name (the first without
// `[n]`) with the value after $HOME, $USER and $CWD are replaced:
//   eq, neq      equal, not equal, exactly (case counts)
//   sub, nsub    contains, does not contain
//   match        fnmatch with FNM_PATHNAME | FNM_LEADING_DIR (fnmatch.ts)
//   re           a POSIX extended regular expression found anywhere (regex.ts)
//   inpath       as in systrace, the argument is in the value's path: it is the value, or one of
//                the directories above it ("/", "/usr" and "/usr/lib" are in "/usr/lib/x"), so a
//                program may look at the directories on the way to a file it may open
// The filter that decides gives the action; a denial's error is its `[errno]`, eperm without one
// (or with one that names no error).
// When no filter decides, the call is asked. A call of several messages (sendmmsg) is decided
// once per message, its `sockaddr` being that message's address: it is permitted when every
// message is, else the first decision that is not a permit decides. A call of two names (rename,
// renameat, renameat2, link, linkat: `filename` and `filename[1]`) is decided once for each name:
// first as it is, then with its second name as its `filename`; it is permitted when both are,
// else the first decision that is not a permit decides. A filter that names `filename[1]` reads
// both names as they are, each time (systrace's `filename match "/tmp/*" and filename[1] match
// "/tmp/*"`): when it decides the call as it is, its decision is the call's.
// A rule about one name (`filename eq "/x"`) thus never lets the other name be any file.
// Before any filter, the ioctls that type into a
// terminal (TIOCSTI, TIOCLINUX: NEVER_PERMITTED_IOCTLS) are denied, whatever the policy says, as
// the supervisor denies them.
//
// Where this is not systrace, on purpose:
//   * eq and neq are case-sensitive (systrace: strcasecmp), as Linux file names are.
//   * A missing argument (no such translation, or no n-th one) makes every operator false, neq
//     and nsub included (systrace: neq was true).
//   * A filter with a regular expression that is malformed, or that the TypeScript side cannot
//     reproduce exactly (regex.ts), never applies, whatever `not` is around it (systrace: the
//     symbol was false).
//   * A predicate naming a user or group that does not exist never holds.
// Macro values are put into the string as they are, so their characters keep any meaning they
// have in a pattern (a `*` in $HOME is a wildcard to `match`), as in systrace.

import { DECIDED_PER_MESSAGE, NEVER_PERMITTED_IOCTLS } from '../calls/arguments.js';
import { errnoNumber } from '../calls/index.js';
import {
  symbolsOf,
  type Expr,
  type Filter,
  type Operator,
  type PolicySection,
  type Predicate,
  type SymbolExpr,
} from './ast.js';
import { elevationProblem } from './elevation.js';
import { fnmatch } from './fnmatch.js';
import { compileRegex, regexMatches, type CompiledRegex } from './regex.js';
import type { CallRequest, Decision, Macros } from './request.js';

export interface DecideOptions {
  macros: Macros;
  /** `-u`: rules written for `fsread` and `fswrite` match no call. */
  noAliases?: boolean;
  /** The uid of a user name in a predicate; undefined when there is no such user. */
  resolveUser?(name: string): number | undefined;
  /** The gid of a group name in a predicate; undefined when there is no such group. */
  resolveGroup?(name: string): number | undefined;
  /** The gid of a user's own group (its passwd entry's), for `as user` without a group. */
  resolveUserGroup?(name: string): number | undefined;
}

/** The emulations that mean "this machine's own system calls". */
export const NATIVE_EMULATIONS: readonly string[] = ['native', 'linux'];

export function decideCall(
  section: PolicySection,
  request: CallRequest,
  options: DecideOptions,
): Decision {
  if (isNeverPermitted(request))
    return {
      action: 'deny',
      errno: 'eperm',
      log: false,
      inherit: false,
      detach: false,
      filter: null,
    };
  const names = request.args['filename'] ?? [];
  if (names.length >= 2) return decideEachName(section, request, names[1]!, options);
  const messages = request.args['sockaddr'] ?? [];
  if (!DECIDED_PER_MESSAGE.includes(request.call) || messages.length < 2)
    return decideOne(section, request, options);
  // Every message must be permitted: the first decision that is not a permit decides.
  let permitted: Decision | null = null;
  for (const address of messages) {
    const one = { ...request, args: { ...request.args, sockaddr: [address] } };
    const decided = decideOne(section, one, options);
    if (decided.action !== 'permit') return decided;
    permitted ??= decided;
  }
  return permitted!;
}

/** A call of two names: decided as it is, then for its second name, unless a filter naming both decided. */
function decideEachName(
  section: PolicySection,
  request: CallRequest,
  second: string,
  options: DecideOptions,
): Decision {
  const whole = decideOne(section, request, options);
  if (whole.action !== 'permit' || namesSecond(whole.filter)) return whole;
  const alone = { ...request, args: { ...request.args, filename: [second] } };
  const decided = decideOne(section, alone, options, request);
  return decided.action === 'permit' ? whole : decided;
}

/** Whether a filter names a call's second name, `filename[1]`: it decides both at once. */
export function namesSecond(filter: Filter | null): boolean {
  return symbolsOf(filter?.expr ?? null).some((s) => s.arg === 'filename' && s.index === 1);
}

/** The first filter that decides; one that names `filename[1]` reads `whole` when given. */
function decideOne(
  section: PolicySection,
  alone: CallRequest,
  options: DecideOptions,
  whole?: CallRequest,
): Decision {
  for (const filter of section.filters) {
    const request = whole !== undefined && namesSecond(filter) ? whole : alone;
    if (!isFilterFor(filter, request, options.noAliases ?? false)) continue;
    if (filter.predicate !== null && !predicateHolds(filter.predicate, request, options)) continue;
    if (invalidRegexIn(filter, options.macros) !== null) continue;
    // An elevation that cannot be honoured leaves its rule out (compile.ts): it permits nothing.
    if (filter.elevation !== null && !elevationHolds(filter, options)) continue;
    if (filter.expr !== null && !expressionHolds(filter.expr, request, options.macros)) continue;
    return decisionOf(filter);
  }
  return { action: 'ask', errno: null, log: false, inherit: false, detach: false, filter: null };
}

// The ioctl translation's text of each command: `0x5412`.
const NEVER_PERMITTED_COMMANDS: readonly string[] = Object.values(NEVER_PERMITTED_IOCTLS).map(
  (cmd) => `0x${cmd.toString(16)}`,
);

/** Whether no policy may permit the call: an ioctl that types into a terminal. */
export function isNeverPermitted(request: CallRequest): boolean {
  const cmd = request.args['cmd']?.[0];
  return request.call === 'ioctl' && cmd !== undefined && NEVER_PERMITTED_COMMANDS.includes(cmd);
}

function isFilterFor(filter: Filter, request: CallRequest, noAliases: boolean): boolean {
  if (!NATIVE_EMULATIONS.includes(filter.emulation)) return false;
  if (filter.call === request.call) return true;
  return !noAliases && request.alias !== null && filter.call === request.alias;
}

function decisionOf(filter: Filter): Decision {
  const { name, modifier } = filter.action;
  const word = modifier?.toLowerCase() ?? null;
  return {
    action: name,
    errno: name === 'deny' ? denialErrno(modifier) : null,
    log: filter.log,
    inherit: name === 'permit' && word === 'inherit',
    detach: name === 'permit' && word === 'detach',
    filter,
  };
}

/** The error a denial fails with: its `[errno]` when that names an error, else eperm. */
export function denialErrno(modifier: string | null): string {
  const name = modifier?.toLowerCase();
  return name !== undefined && errnoNumber(name) !== undefined ? name : 'eperm';
}

/**
 * Whether an elevated filter can apply: compile.ts leaves out one it cannot honour, or whose
 * names do not resolve. A resolver that is not given (the editor, which cannot know the
 * system's users) leaves the names unchecked.
 */
function elevationHolds(filter: Filter, options: DecideOptions): boolean {
  const elevation = filter.elevation!;
  if (elevationProblem(filter, {}) !== null) return false;
  const known = (resolve: ((name: string) => number | undefined) | undefined, name: string) =>
    resolve === undefined || resolve(name) !== undefined;
  return (
    known(options.resolveUser, elevation.user!) &&
    (elevation.group !== null
      ? known(options.resolveGroup, elevation.group)
      : known(options.resolveUserGroup, elevation.user!))
  );
}

/** The id a predicate compares with: its number, or the user or group it names. */
export function predicateId(predicate: Predicate, options: DecideOptions): number | undefined {
  if (/^[0-9]+$/.test(predicate.value)) return Number(predicate.value);
  const resolve = predicate.subject === 'user' ? options.resolveUser : options.resolveGroup;
  return resolve?.(predicate.value);
}

function predicateHolds(
  predicate: Predicate,
  request: CallRequest,
  options: DecideOptions,
): boolean {
  const id = predicateId(predicate, options);
  if (id === undefined) return false;
  const actual = predicate.subject === 'user' ? request.uid : request.gid;
  switch (predicate.op) {
    case '=':
      return actual === id;
    case '!=':
      return actual !== id;
    case '<':
      return actual < id;
    case '>':
      return actual > id;
  }
}

/** `$HOME`, `$USER` and `$CWD` replaced by their values, once, left to right. */
export function expandMacros(value: string, macros: Macros): string {
  return value.replace(/\$(HOME|USER|CWD)/g, (_, name: keyof Macros) => macros[name]);
}

/** The first `re` symbol of the filter whose expression cannot be used, with why; else null. */
export function invalidRegexIn(
  filter: Filter,
  macros: Macros,
): { symbol: SymbolExpr; message: string } | null {
  for (const symbol of symbolsOf(filter.expr)) {
    if (symbol.op !== 're') continue;
    const compiled = regexOf(expandMacros(symbol.value, macros));
    if (!compiled.ok) return { symbol, message: compiled.message };
  }
  return null;
}

function expressionHolds(expr: Expr, request: CallRequest, macros: Macros): boolean {
  switch (expr.kind) {
    case 'true':
      return true;
    case 'not':
      return !expressionHolds(expr.operand, request, macros);
    case 'group':
      return expressionHolds(expr.inner, request, macros);
    case 'and':
      return (
        expressionHolds(expr.left, request, macros) && expressionHolds(expr.right, request, macros)
      );
    case 'or':
      return (
        expressionHolds(expr.left, request, macros) || expressionHolds(expr.right, request, macros)
      );
    case 'symbol': {
      const actual = request.args[expr.arg]?.[expr.index ?? 0];
      if (actual === undefined) return false;
      return operatorHolds(expr.op, actual, expandMacros(expr.value, macros));
    }
  }
}

/** Whether `actual op value` holds, for a value with its macros already expanded. */
export function operatorHolds(op: Operator, actual: string, value: string): boolean {
  switch (op) {
    case 'eq':
      return actual === value;
    case 'neq':
      return actual !== value;
    case 'sub':
      return actual.includes(value);
    case 'nsub':
      return !actual.includes(value);
    case 'match':
      return fnmatch(value, actual);
    case 're': {
      const compiled = regexOf(value);
      return compiled.ok && regexMatches(compiled.regex, actual);
    }
    case 'inpath':
      return isInPath(actual, value);
  }
}

/**
 * systrace's inpath: whether `path` is `value` or a directory on the way to it, on a component
 * boundary ("/usr" is in "/usr/lib/x"; "/us" is not). The root is in every path.
 */
export function isInPath(path: string, value: string): boolean {
  if (path === '' || path.length > value.length) return false;
  if (path.length === 1) return path === '/';
  return value.startsWith(path) && (value.length === path.length || value[path.length] === '/');
}

// Policies repeat the same few expressions for every call, so translated ones are kept.
const regexCache = new Map<string, CompiledRegex>();

function regexOf(source: string): CompiledRegex {
  let compiled = regexCache.get(source);
  if (compiled === undefined) {
    if (regexCache.size >= 1000) regexCache.clear();
    compiled = compileRegex(source);
    regexCache.set(source, compiled);
  }
  return compiled;
}
