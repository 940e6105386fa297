#!/usr/bin/env node
// Writes sysgate's system-call and errno tables from the Linux UAPI headers installed on this
// machine, so that no call number is ever typed from memory:
//
//   app/common/calls/x86_64.generated.ts   X86_64_CALLS, from asm/unistd_64.h
//   app/common/calls/aarch64.generated.ts  AARCH64_CALLS, from asm-generic/unistd.h read as arm64 does
//   app/common/calls/errno.generated.ts    ERRNO, from asm-generic/errno-base.h and errno.h
//   native/calls.generated.h               the same call names for the C supervisor
//
// usage: node tools/gen-calls.mjs           write the tables
//        node tools/gen-calls.mjs --check   exit 1, naming the file, if a written table is not
//                                            what the installed headers give

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const X86_64_HEADERS = [
  '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
  '/usr/include/asm/unistd_64.h',
];
const GENERIC_HEADER = '/usr/include/asm-generic/unistd.h';
const ERRNO_HEADERS = ['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h'];
const VERSION_HEADER = '/usr/include/linux/version.h';

// arm64 has no table of its own: arch/arm64/include/uapi/asm/unistd.h defines these and includes
// asm-generic/unistd.h. Its headers are not installed on an x86_64 machine, so its defines are
// repeated here. __ARCH_WANT_TIME32_SYSCALLS is in that list too, but every test of it in the
// header reads "... || __BITS_PER_LONG != 32", which a 64-bit ABI passes anyway.
const ARM64_DEFINES = {
  __BITS_PER_LONG: '64', // asm/bitsperlong.h, which the header includes and we do not read
  __ARCH_WANT_RENAMEAT: '',
  __ARCH_WANT_NEW_STAT: '',
  __ARCH_WANT_SET_GET_RLIMIT: '',
  __ARCH_WANT_TIME32_SYSCALLS: '',
  __ARCH_WANT_SYS_CLONE3: '',
  __ARCH_WANT_MEMFD_SECRET: '',
};

// __NR_ names in asm-generic/unistd.h that count or reserve numbers rather than name a call.
const NOT_CALLS = new Set(['syscalls', 'arch_specific_syscall']);

// File-system calls that sysgate translates but that the installed headers can predate: a build
// machine's headers are often older than the kernel the program runs on (Linux 6.1 headers under
// a 6.18 kernel where this was written), and a path call the supervisor cannot name is one no
// fsread/fswrite rule can cover. From Linux 5.1 (call 424) on, every architecture but alpha gives
// a new call the same number ("common" in scripts/syscall.tbl and in x86's syscall_64.tbl), so one
// number serves x86_64 and aarch64. Numbers from those two tables in Linux 6.18. They are used
// only where the headers lack the call; where the headers have it, both must agree.
const CALLS_NEWER_THAN_HEADERS = [
  { name: 'fchmodat2', nr: 452, since: '6.6' },
  { name: 'setxattrat', nr: 463, since: '6.13' },
  { name: 'getxattrat', nr: 464, since: '6.13' },
  { name: 'listxattrat', nr: 465, since: '6.13' },
  { name: 'removexattrat', nr: 466, since: '6.13' },
  { name: 'file_getattr', nr: 468, since: '6.17' },
  { name: 'file_setattr', nr: 469, since: '6.17' },
];

// ---------------------------------------------------------------------------------------------
// A preprocessor for exactly what these headers use: #define of numbers and of other names,
// #undef, #ifdef/#ifndef/#if/#else/#endif with defined(), !, ==, !=, && and ||. Anything else
// stops generation rather than being guessed at.

/** The header's lines with comments blanked and backslash-continued lines joined. */
function headerLines(text) {
  // Comments keep their newlines so that error messages give the header's own line numbers.
  const blanked = text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '));
  const lines = blanked.replace(/\/\/[^\n]*/g, '').split('\n');
  // A continued line takes the text of the lines it continues, which are left empty.
  lines.forEach((line, index) => {
    let next = index + 1;
    while (/\\\s*$/.test(lines[index]) && next < lines.length) {
      lines[index] = `${lines[index].replace(/\\\s*$/, ' ')}${lines[next]}`;
      lines[next] = '';
      next += 1;
    }
  });
  return lines;
}

/** Runs the directives of one header over `macros` (name → replacement text), changing it. */
function preprocess(file, text, macros) {
  const open = []; // one entry per enclosing #if: { enclosingActive, holds }
  const active = () => open.every((group) => group.holds);
  headerLines(text).forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    const directive = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(line);
    if (directive === null) return; // __SYSCALL(...) table lines and blank lines
    const [, name, rest] = directive;
    switch (name) {
      case 'ifdef':
      case 'ifndef':
      case 'if': {
        const enclosingActive = active();
        // A group inside a skipped one is not evaluated, as in C.
        const holds = enclosingActive && condition(name, rest, macros, where);
        open.push({ enclosingActive, holds });
        break;
      }
      case 'else': {
        const group = open.at(-1);
        if (group === undefined) throw new Error(`${where}: #else without #if`);
        group.holds = group.enclosingActive && !group.holds;
        break;
      }
      case 'endif':
        if (open.pop() === undefined) throw new Error(`${where}: #endif without #if`);
        break;
      case 'define':
        if (active()) define(rest, macros, where);
        break;
      case 'undef':
        if (active()) macros.delete(rest);
        break;
      case 'include':
        // asm/bitsperlong.h is replaced by ARM64_DEFINES; errno.h's errno-base.h is read first.
        break;
      default:
        throw new Error(`${where}: #${name} is not something gen-calls knows how to read`);
    }
  });
  if (open.length > 0) throw new Error(`${file}: #if without #endif`);
}

function condition(directive, rest, macros, where) {
  if (directive === 'ifdef') return macros.has(rest);
  if (directive === 'ifndef') return !macros.has(rest);
  return evaluate(rest, macros, where) !== 0;
}

function define(rest, macros, where) {
  const functionLike = /^(\w+)\(/.exec(rest);
  if (functionLike !== null) {
    // __SYSCALL, __SC_3264 and friends: only whether they are defined can matter.
    macros.set(functionLike[1], null);
    return;
  }
  const objectLike = /^(\w+)(?:\s+(.*))?$/.exec(rest);
  if (objectLike === null) throw new Error(`${where}: cannot read "#define ${rest}"`);
  macros.set(objectLike[1], objectLike[2] ?? '');
}

/** The value of an #if expression, by C's rules for the operators these headers use. */
function evaluate(expression, macros, where) {
  const tokens = tokenize(expression, where);
  let next = 0;
  const peek = () => tokens[next];
  const take = (expected) => {
    const token = tokens[next++];
    if (expected !== undefined && token !== expected) {
      throw new Error(`${where}: expected "${expected}" in "#if ${expression}"`);
    }
    return token;
  };
  const or = () => {
    let value = and();
    while (peek() === '||') {
      take();
      const right = and();
      value = value !== 0 || right !== 0 ? 1 : 0;
    }
    return value;
  };
  const and = () => {
    let value = equality();
    while (peek() === '&&') {
      take();
      const right = equality();
      value = value !== 0 && right !== 0 ? 1 : 0;
    }
    return value;
  };
  const equality = () => {
    let value = unary();
    while (peek() === '==' || peek() === '!=') {
      const operator = take();
      const right = unary();
      value = (operator === '==') === (value === right) ? 1 : 0;
    }
    return value;
  };
  const unary = () => {
    if (peek() !== '!') return primary();
    take();
    return unary() === 0 ? 1 : 0;
  };
  const primary = () => {
    const token = take();
    if (token === 'defined') {
      const parenthesised = peek() === '(';
      if (parenthesised) take('(');
      const name = take();
      if (parenthesised) take(')');
      return macros.has(name) ? 1 : 0;
    }
    if (token === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token !== undefined && /^\d+$/.test(token)) return Number(token);
    // An identifier that is no macro is 0 in #if, as in C.
    if (token !== undefined && /^\w+$/.test(token)) {
      return macros.has(token) ? integerValue(token, macros, where) : 0;
    }
    throw new Error(`${where}: cannot read "#if ${expression}"`);
  };
  const value = or();
  if (next !== tokens.length) throw new Error(`${where}: cannot read "#if ${expression}"`);
  return value;
}

function tokenize(expression, where) {
  const tokens = [];
  const token = /\s*(\|\||&&|==|!=|!|\(|\)|\w+)/y;
  while (token.lastIndex < expression.length) {
    const start = token.lastIndex;
    const match = token.exec(expression);
    if (match === null) {
      if (expression.slice(start).trim() === '') break;
      throw new Error(`${where}: cannot read "#if ${expression}"`);
    }
    tokens.push(match[1]);
  }
  return tokens;
}

/** A macro's value as a number, following names: __NR_fstat → __NR3264_fstat → 80. */
function integerValue(name, macros, where, seen = new Set()) {
  const text = macros.get(name);
  if (text === undefined) throw new Error(`${where}: ${name} is not defined`);
  if (text !== null && /^(0|[1-9]\d*)$/.test(text)) return Number(text);
  if (text !== null && /^\w+$/.test(text) && !seen.has(name)) {
    seen.add(name);
    return integerValue(text, macros, where, seen);
  }
  // Octal, hex and arithmetic do not occur in these headers; meeting one means they changed.
  throw new Error(`${where}: ${name} is "${text}", not a decimal number or another name`);
}

// ---------------------------------------------------------------------------------------------
// Reading the tables

function readHeader(path) {
  if (!existsSync(path)) {
    throw new MissingHeader(`${path} does not exist (it comes with the Linux UAPI headers)`);
  }
  return readFileSync(path, 'utf8');
}

class MissingHeader extends Error {}

function firstExisting(paths) {
  const found = paths.find((path) => existsSync(path));
  if (found === undefined) {
    throw new MissingHeader(`none of ${paths.join(', ')} exists (the x86_64 Linux UAPI headers)`);
  }
  return found;
}

/** The calls a header defines: [name, number] by number, with the newer calls it lacks added. */
function callsFrom(file, predefined) {
  const macros = new Map(Object.entries(predefined));
  preprocess(file, readHeader(file), macros);
  const calls = [];
  for (const name of macros.keys()) {
    const call = /^__NR_(\w+)$/.exec(name)?.[1];
    if (call === undefined || NOT_CALLS.has(call)) continue;
    calls.push({ name: call, nr: integerValue(name, macros, file), newer: null });
  }
  addNewerCalls(calls, file);
  calls.sort((a, b) => a.nr - b.nr);
  requireDistinctNumbers(calls, file);
  return calls;
}

function addNewerCalls(calls, file) {
  for (const newer of CALLS_NEWER_THAN_HEADERS) {
    const known = calls.find((call) => call.name === newer.name);
    if (known !== undefined && known.nr !== newer.nr) {
      throw new Error(
        `${file} numbers ${newer.name} ${known.nr}, not ${newer.nr} as CALLS_NEWER_THAN_HEADERS says`,
      );
    }
    if (known === undefined) calls.push({ name: newer.name, nr: newer.nr, newer: newer.since });
  }
}

// Two names on one number would mean a branch of the header was read wrongly.
function requireDistinctNumbers(calls, file) {
  calls.forEach((call, index) => {
    const previous = calls[index - 1];
    if (previous !== undefined && previous.nr === call.nr) {
      throw new Error(`${file}: ${previous.name} and ${call.name} both have number ${call.nr}`);
    }
  });
}

/** errno names (lowercase) and numbers; an alias follows the name it stands for. */
function errnoFrom(files) {
  const macros = new Map();
  for (const file of files) preprocess(file, readHeader(file), macros);
  const errors = [];
  for (const [name, text] of macros) {
    if (!/^E[A-Z0-9]+$/.test(name)) continue; // include guards
    const alias = !/^\d+$/.test(text ?? '');
    errors.push({
      name: name.toLowerCase(),
      nr: integerValue(name, macros, files.join(' + ')),
      alias,
    });
  }
  // Stable: within one number, the name defined by a literal first, then aliases in header order.
  return errors.sort((a, b) => a.nr - b.nr || Number(a.alias) - Number(b.alias));
}

/** "Linux 6.1.187" from linux/version.h, or null when the headers do not say. */
function headersVersion() {
  if (!existsSync(VERSION_HEADER)) return null;
  const text = readFileSync(VERSION_HEADER, 'utf8');
  const part = (name) => new RegExp(`#define LINUX_VERSION_${name} (\\d+)`).exec(text)?.[1];
  const [major, patchlevel, sublevel] = ['MAJOR', 'PATCHLEVEL', 'SUBLEVEL'].map(part);
  if (major === undefined || patchlevel === undefined) return null;
  return `Linux ${major}.${patchlevel}${sublevel === undefined ? '' : `.${sublevel}`}`;
}

// ---------------------------------------------------------------------------------------------
// Writing the tables

function sourceNote(version) {
  return version === null ? 'the installed UAPI headers' : `the ${version} UAPI headers`;
}

function callsModule(constant, arch, from, calls, version) {
  const newer = calls.some((call) => call.newer !== null);
  return [
    `// Generated by tools/gen-calls.mjs from ${sourceNote(version)}:`,
    `// ${from}.`,
    '// Do not edit: run `npm run gen:calls`.',
    ...(newer
      ? [
          '// Calls marked "newer than these headers" come from CALLS_NEWER_THAN_HEADERS in the',
          '// generator, which says where their numbers come from.',
        ]
      : []),
    '',
    `/** The ${arch} system calls as [name, number], in number order. */`,
    `export const ${constant}: ReadonlyArray<readonly [string, number]> = [`,
    ...calls.map(
      (call) =>
        `  ['${call.name}', ${call.nr}],` +
        (call.newer === null ? '' : ` // newer than these headers: Linux ${call.newer}`),
    ),
    '];',
    '',
  ].join('\n');
}

function errnoModule(errors, version) {
  return [
    `// Generated by tools/gen-calls.mjs from ${sourceNote(version)}:`,
    `// ${ERRNO_HEADERS.join(' and ')}, which x86_64 and aarch64 both use.`,
    '// Do not edit: run `npm run gen:calls`.',
    '',
    '/**',
    ' * Error names (lowercase, as policies write them) and numbers, in number order. Where two',
    ' * names share a number (ewouldblock, edeadlock), the name the header defines with the number',
    ' * comes first and its alias after it.',
    ' */',
    'export const ERRNO: ReadonlyArray<readonly [string, number]> = [',
    ...errors.map((error) => `  ['${error.name}', ${error.nr}],`),
    '];',
    '',
  ].join('\n');
}

function cTable(calls) {
  return calls.map(
    (call) =>
      `\t{ "${call.name}", ${call.nr} },` +
      (call.newer === null ? '' : `\t/* newer than these headers: Linux ${call.newer} */`),
  );
}

function cHeader(x86_64, aarch64, version) {
  return [
    '/*',
    ` * Generated by tools/gen-calls.mjs from ${sourceNote(version)}:`,
    ` * x86_64 from ${x86_64.from};`,
    ` * aarch64 from ${aarch64.from}.`,
    ' * Do not edit: run `npm run gen:calls`.',
    ' *',
    " * The names of this architecture's system calls by number, from the same headers as the",
    ' * tables the policy tools use, so the supervisor and the host name every call alike.',
    ' */',
    '',
    '#ifndef SYSGATE_CALLS_GENERATED_H',
    '#define SYSGATE_CALLS_GENERATED_H',
    '',
    'struct callname {',
    '\tconst char\t*name;',
    '\tint\t\t nr;',
    '};',
    '',
    '/* __ILP32__ excludes x32 and arm64 ILP32, whose numbers differ. */',
    '#if defined(__x86_64__) && !defined(__ILP32__)',
    'static const struct callname callnames[] = {',
    ...cTable(x86_64.calls),
    '};',
    '#elif defined(__aarch64__) && !defined(__ILP32__)',
    'static const struct callname callnames[] = {',
    ...cTable(aarch64.calls),
    '};',
    '#else',
    '#error "sysgate knows the system calls of x86_64 and aarch64 only"',
    '#endif',
    '',
    '#endif /* SYSGATE_CALLS_GENERATED_H */',
    '',
  ].join('\n');
}

/** Every generated file, by path from the repository root, as the installed headers give it. */
function generate() {
  const version = headersVersion();
  const x86_64Header = firstExisting(X86_64_HEADERS);
  const x86_64 = { from: x86_64Header, calls: callsFrom(x86_64Header, {}) };
  const aarch64 = {
    from: `${GENERIC_HEADER} as arm64's asm/unistd.h includes it`,
    calls: callsFrom(GENERIC_HEADER, ARM64_DEFINES),
  };
  const errors = errnoFrom(ERRNO_HEADERS);
  return new Map([
    [
      'app/common/calls/x86_64.generated.ts',
      callsModule('X86_64_CALLS', 'x86_64', x86_64.from, x86_64.calls, version),
    ],
    [
      'app/common/calls/aarch64.generated.ts',
      callsModule('AARCH64_CALLS', 'aarch64', aarch64.from, aarch64.calls, version),
    ],
    ['app/common/calls/errno.generated.ts', errnoModule(errors, version)],
    ['native/calls.generated.h', cHeader(x86_64, aarch64, version)],
  ]);
}

function write(files) {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    console.log(`gen-calls: wrote ${path}`);
  }
}

function check(files) {
  const stale = [...files].filter(([path, text]) => {
    const file = join(ROOT, path);
    return !existsSync(file) || readFileSync(file, 'utf8') !== text;
  });
  for (const [path] of stale) {
    console.error(
      `gen-calls: ${path} is not what the installed headers give; ` +
        'run `npm run gen:calls` and commit the result',
    );
  }
  if (stale.length === 0) console.log(`gen-calls: all ${files.size} files match the headers`);
  return stale.length === 0;
}

function main(args) {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    console.error(`gen-calls: unknown argument ${unknown[0]}\nusage: gen-calls.mjs [--check]`);
    return 2;
  }
  let files;
  try {
    files = generate();
  } catch (error) {
    const reason = error instanceof MissingHeader ? 'cannot read the headers' : 'stopped';
    console.error(`gen-calls: ${reason}: ${error.message}`);
    return 2;
  }
  if (args.includes('--check')) return check(files) ? 0 : 1;
  write(files);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
