// What the arguments of each system call sysgate translates mean, and which name a policy uses
// for each translation. Written by hand: the UAPI headers give call numbers but not argument
// meanings, which live in the kernel's SYSCALL_DEFINE lines and the man pages.
//
// Argument order is the kernel's, which x86_64 and aarch64 share for every call listed here.
// A 'dirfd' argument is the directory the 'path' right after it is relative to.

import type { Arch } from './index.js';

export const ARGUMENT_KINDS = [
  'path', // a file name; the supervisor resolves it into `filename`
  'dirfd', // the directory the following path is relative to (AT_FDCWD: the working directory)
  'oflags', // open(2) flags
  'openhow', // openat2's struct open_how, which holds the open flags and mode
  'mode', // a file mode: permission bits, and for mknod the file type
  'fd', // an open descriptor
  'sockaddr', // a socket address; its length is in another argument
  'msghdr', // sendmsg's struct msghdr, whose msg_name is a socket address
  'mmsghdr', // sendmmsg's array of struct mmsghdr: one socket address per message
  'socklen', // the length of a sockaddr
  'sockdom', // a socket's address family
  'socktype', // a socket's type
  'uid',
  'gid',
  'signal',
  'pid',
  'argv', // execve's argument vector
  'cmd', // the command of fcntl, ioctl or quotactl
  'prot', // memory protection
  'int', // a number policies do not see
  'ptr', // memory the call reads or writes that policies do not see
  'string', // a string taken as it is, never resolved as a file name
  'atflags', // AT_* flags
  'file', // a descriptor of the file the call acts on; the supervisor names it into `filename`
] as const;
export type ArgumentKind = (typeof ARGUMENT_KINDS)[number];

/** The argument translations of the policy language: `filename eq "/etc/passwd"`. */
export const TRANSLATIONS = [
  'filename',
  'oflags',
  'mode',
  'sockaddr',
  'sockdom',
  'socktype',
  'uid',
  'gid',
  'uname',
  'signame',
  'pidname',
  'fd',
  'argv',
  'cmd',
  'prot',
  'string',
] as const;
export type Translation = (typeof TRANSLATIONS)[number];

/** The translation each kind of argument gives, so that every call names it alike. */
const TRANSLATION_OF_KIND: Readonly<Record<ArgumentKind, Translation | null>> = {
  path: 'filename',
  dirfd: null, // folded into the filename
  oflags: 'oflags',
  openhow: 'oflags',
  mode: 'mode',
  fd: 'fd',
  sockaddr: 'sockaddr',
  msghdr: 'sockaddr',
  mmsghdr: 'sockaddr', // sockaddr, sockaddr[1], ...: one per message, `<none>` for none
  socklen: null,
  sockdom: 'sockdom',
  socktype: 'socktype',
  uid: 'uid',
  gid: 'gid',
  signal: 'signame',
  pid: 'pidname',
  argv: 'argv',
  cmd: 'cmd',
  prot: 'prot',
  int: null,
  ptr: null,
  string: 'string',
  atflags: null,
  file: 'filename', // the name of what the descriptor refers to, as systrace's fd translation
};

/** Translations an argument gives besides its first: a uid is also a user's name. */
const MORE_TRANSLATIONS_OF_KIND: Partial<Record<ArgumentKind, readonly Translation[]>> = {
  uid: ['uname'],
  openhow: ['mode'],
};

/** The flags that decide whether a call follows a symbolic link in a path's last component. */
export const SYMLINK_FLAGS = {
  AT_SYMLINK_NOFOLLOW: 0x100, // linux/fcntl.h
  AT_SYMLINK_FOLLOW: 0x400, // linux/fcntl.h
  UMOUNT_NOFOLLOW: 0x8, // linux/fs.h (kernel), sys/mount.h (glibc)
  IN_DONT_FOLLOW: 0x02000000, // linux/inotify.h
  FAN_MARK_DONT_FOLLOW: 0x4, // linux/fanotify.h
} as const;
export type SymlinkFlag = keyof typeof SYMLINK_FLAGS;

/** Other AT_* flags the supervisor must honour when it resolves a path. */
export const AT_FLAGS = {
  AT_FDCWD: -100, // as a dirfd: the working directory
  AT_REMOVEDIR: 0x200, // unlinkat removes a directory
  AT_EMPTY_PATH: 0x1000, // an empty path names the dirfd itself
} as const;

export interface OpenFlags {
  readonly O_ACCMODE: number;
  readonly O_RDONLY: number;
  readonly O_WRONLY: number;
  readonly O_RDWR: number;
  readonly O_CREAT: number;
  readonly O_EXCL: number;
  readonly O_TRUNC: number;
  readonly O_NOFOLLOW: number;
}

// asm-generic/fcntl.h, which x86_64 uses as it is. arm64's asm/fcntl.h changes four flags before
// including it (O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE); of those, only O_NOFOLLOW
// matters here. The access mode, O_CREAT, O_EXCL and O_TRUNC are the same on both.
const GENERIC_OPEN_FLAGS: OpenFlags = {
  O_ACCMODE: 0o3,
  O_RDONLY: 0o0,
  O_WRONLY: 0o1,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_TRUNC: 0o1000,
  O_NOFOLLOW: 0o400000,
};
const OPEN_FLAGS: Readonly<Record<Arch, OpenFlags>> = {
  x86_64: GENERIC_OPEN_FLAGS,
  aarch64: { ...GENERIC_OPEN_FLAGS, O_NOFOLLOW: 0o100000 },
};

/** The open(2) flag values of an architecture's ABI. */
export function openFlags(arch: Arch): OpenFlags {
  return OPEN_FLAGS[arch];
}

/**
 * Whether a call follows a symbolic link in the last component of a path, which decides how the
 * supervisor resolves `filename`: fully, or all but the last component.
 */
export type FinalSymlinkRule =
  | 'follows'
  | 'does-not-follow'
  /** Follows unless the flag is set in argument `inArg`. */
  | { readonly unless: SymlinkFlag; readonly inArg: number }
  /** Does not follow unless the flag is set in argument `inArg` (linkat, name_to_handle_at). */
  | { readonly onlyWith: SymlinkFlag; readonly inArg: number }
  /**
   * The open family: follows unless O_NOFOLLOW is set, or O_CREAT and O_EXCL both are (then an
   * existing link makes the call fail rather than create its target). For openat2 the flags are
   * those of its struct open_how; RESOLVE_NO_SYMLINKS there only makes the call fail.
   */
  | { readonly openFlagsIn: number };

export interface PathArgument {
  readonly kind: 'path';
  readonly translation: 'filename';
  readonly followsFinalSymlink: FinalSymlinkRule;
  /**
   * What a null path means: the directory descriptor before it (utimensat, futimesat), or no
   * file at all (acct turns accounting off; fanotify_mark marks its dirfd). Otherwise a null
   * path, like any pointer that cannot be read, is `<unreadable>` (UNREADABLE).
   */
  readonly ifNull?: 'names-dirfd' | 'names-nothing';
}

export interface SockaddrArgument {
  readonly kind: 'sockaddr';
  readonly translation: 'sockaddr';
  /** The index of the argument that holds the address's length. */
  readonly lengthArg: number;
}

export interface OtherArgument {
  readonly kind: Exclude<ArgumentKind, 'path' | 'sockaddr'>;
  readonly translation: Translation | null;
}

export type CallArgument = PathArgument | SockaddrArgument | OtherArgument;

function path(followsFinalSymlink: FinalSymlinkRule = 'follows'): PathArgument {
  return { kind: 'path', translation: 'filename', followsFinalSymlink };
}

/** A path whose last component the call never follows: it removes, creates or reads the link. */
const ownName = (): PathArgument => path('does-not-follow');

/** A path that is followed unless AT_SYMLINK_NOFOLLOW is in argument `inArg`. */
const pathUnlessNoFollowIn = (inArg: number): PathArgument =>
  path({ unless: 'AT_SYMLINK_NOFOLLOW', inArg });

function sockaddr(lengthArg: number): SockaddrArgument {
  return { kind: 'sockaddr', translation: 'sockaddr', lengthArg };
}

function arg(kind: OtherArgument['kind']): OtherArgument {
  return { kind, translation: TRANSLATION_OF_KIND[kind] };
}

const dirfd = arg('dirfd');
const fd = arg('fd');
const int = arg('int');
const ptr = arg('ptr');
const mode = arg('mode');
const uid = arg('uid');
const gid = arg('gid');
const atflags = arg('atflags');
const string = arg('string');
const file = arg('file');

const CALLS = {
  // Opening and creating files
  open: [path({ openFlagsIn: 1 }), arg('oflags'), mode], // mode only with O_CREAT or O_TMPFILE
  openat: [dirfd, path({ openFlagsIn: 2 }), arg('oflags'), mode],
  openat2: [dirfd, path({ openFlagsIn: 2 }), arg('openhow'), int],
  creat: [path(), mode], // O_CREAT|O_WRONLY|O_TRUNC without O_EXCL follows a dangling link
  // Looking at files
  stat: [path(), ptr],
  lstat: [ownName(), ptr],
  newfstatat: [dirfd, pathUnlessNoFollowIn(3), ptr, atflags],
  statx: [dirfd, pathUnlessNoFollowIn(2), atflags, int, ptr],
  fstat: [fd, ptr],
  statfs: [path(), ptr],
  access: [path(), int], // R_OK/W_OK/X_OK, not a file mode
  faccessat: [dirfd, path(), int], // the system call has no flags; glibc's AT_* are emulated
  faccessat2: [dirfd, pathUnlessNoFollowIn(3), int, atflags],
  readlink: [ownName(), ptr, int],
  readlinkat: [dirfd, ownName(), ptr, int],
  // Removing, creating and renaming names
  unlink: [ownName()],
  unlinkat: [dirfd, ownName(), atflags], // AT_REMOVEDIR
  rmdir: [ownName()],
  mkdir: [ownName(), mode],
  mkdirat: [dirfd, ownName(), mode],
  mknod: [ownName(), mode, int],
  mknodat: [dirfd, ownName(), mode, int],
  rename: [ownName(), ownName()],
  renameat: [dirfd, ownName(), dirfd, ownName()],
  renameat2: [dirfd, ownName(), dirfd, ownName(), int], // RENAME_* flags
  link: [ownName(), ownName()], // Linux, unlike POSIX, links to the symbolic link itself
  linkat: [dirfd, path({ onlyWith: 'AT_SYMLINK_FOLLOW', inArg: 4 }), dirfd, ownName(), atflags],
  symlink: [string, ownName()], // the target is stored as written, never looked up
  symlinkat: [string, dirfd, ownName()],
  // Changing attributes
  chmod: [path(), mode],
  fchmodat: [dirfd, path(), mode], // the system call has no flags
  fchmodat2: [dirfd, pathUnlessNoFollowIn(3), mode, atflags],
  chown: [path(), uid, gid],
  lchown: [ownName(), uid, gid],
  fchownat: [dirfd, pathUnlessNoFollowIn(4), uid, gid, atflags],
  truncate: [path(), int],
  utimensat: [dirfd, { ...pathUnlessNoFollowIn(3), ifNull: 'names-dirfd' }, ptr, atflags],
  utimes: [path(), ptr],
  utime: [path(), ptr],
  futimesat: [dirfd, { ...path(), ifNull: 'names-dirfd' }, ptr],
  file_getattr: [dirfd, pathUnlessNoFollowIn(4), ptr, int, atflags],
  file_setattr: [dirfd, pathUnlessNoFollowIn(4), ptr, int, atflags],
  // Extended attributes: the attribute's name is a plain string
  getxattr: [path(), string, ptr, int],
  lgetxattr: [ownName(), string, ptr, int],
  setxattr: [path(), string, ptr, int, int],
  lsetxattr: [ownName(), string, ptr, int, int],
  listxattr: [path(), ptr, int],
  llistxattr: [ownName(), ptr, int],
  removexattr: [path(), string],
  lremovexattr: [ownName(), string],
  getxattrat: [dirfd, pathUnlessNoFollowIn(2), atflags, string, ptr, int],
  setxattrat: [dirfd, pathUnlessNoFollowIn(2), atflags, string, ptr, int],
  listxattrat: [dirfd, pathUnlessNoFollowIn(2), atflags, ptr, int],
  removexattrat: [dirfd, pathUnlessNoFollowIn(2), atflags, string],
  // Changing a file through a descriptor: decided, and learned, by the file it names
  fchmod: [file, mode],
  fchown: [file, uid, gid],
  ftruncate: [file, int],
  fallocate: [file, int, int, int],
  fsetxattr: [file, string, ptr, int, int],
  fremovexattr: [file, string],
  fgetxattr: [file, string, ptr, int],
  flistxattr: [file, ptr, int],
  // Where the process is
  chdir: [path()],
  fchdir: [file],
  chroot: [path()],
  // Running programs
  execve: [path(), arg('argv'), ptr],
  execveat: [dirfd, pathUnlessNoFollowIn(4), arg('argv'), ptr, atflags],
  // Sockets
  socket: [arg('sockdom'), arg('socktype'), int],
  connect: [fd, sockaddr(2), arg('socklen')],
  bind: [fd, sockaddr(2), arg('socklen')],
  sendto: [fd, ptr, int, int, sockaddr(5), arg('socklen')], // null address: a connected socket
  sendmsg: [fd, arg('msghdr'), int],
  sendmmsg: [fd, arg('mmsghdr'), int, int], // the messages, their count, the flags
  // Signals
  kill: [arg('pid'), arg('signal')],
  tkill: [arg('pid'), arg('signal')],
  tgkill: [arg('pid'), arg('pid'), arg('signal')],
  // Credentials
  setuid: [uid],
  setgid: [gid],
  setreuid: [uid, uid],
  setregid: [gid, gid],
  setresuid: [uid, uid, uid],
  setresgid: [gid, gid, gid],
  setfsuid: [uid],
  setfsgid: [gid],
  // Memory and descriptors
  mmap: [ptr, int, arg('prot'), int, fd, int],
  mprotect: [ptr, int, arg('prot')],
  ioctl: [fd, arg('cmd'), ptr],
  fcntl: [fd, arg('cmd'), int],
  // Administration. mount's source is a plain string: it names a file only for some file
  // systems and for MS_BIND and MS_MOVE, so resolving it would mislabel "proc" or "tmpfs".
  mount: [string, path(), string, int, ptr],
  umount2: [path({ unless: 'UMOUNT_NOFOLLOW', inArg: 1 }), int],
  pivot_root: [path(), path()],
  swapon: [path(), int],
  swapoff: [path()],
  acct: [{ ...path(), ifNull: 'names-nothing' }], // a null path turns accounting off
  // quotactl's Q_QUOTAON also passes the quota file's name in the last argument, untranslated.
  quotactl: [arg('cmd'), path(), int, ptr],
  // Watching and naming files
  inotify_add_watch: [fd, path({ unless: 'IN_DONT_FOLLOW', inArg: 2 }), int],
  // fanotify_mark's path may be null: then the mark is on dirfd itself.
  fanotify_mark: [
    fd,
    int,
    int,
    dirfd,
    { ...path({ unless: 'FAN_MARK_DONT_FOLLOW', inArg: 1 }), ifNull: 'names-nothing' },
  ],
  name_to_handle_at: [dirfd, path({ onlyWith: 'AT_SYMLINK_FOLLOW', inArg: 4 }), ptr, ptr, atflags],
} as const satisfies Record<string, readonly CallArgument[]>;

export type TranslatedCall = keyof typeof CALLS;

/** Every call sysgate translates, by name: the kinds of its arguments in order. */
export const CALL_ARGUMENTS: Readonly<Record<TranslatedCall, readonly CallArgument[]>> = CALLS;

const ARGUMENTS_BY_CALL: ReadonlyMap<string, readonly CallArgument[]> = new Map(
  Object.entries(CALLS),
);

/** The names of every call sysgate translates. */
export const TRANSLATED_CALLS: readonly string[] = [...ARGUMENTS_BY_CALL.keys()];

/** A call's arguments in order, or null when sysgate does not translate the call. */
export function argumentsOf(call: string): readonly CallArgument[] | null {
  return ARGUMENTS_BY_CALL.get(call) ?? null;
}

/** All the translations an argument gives, first the one in `translation`. */
export function translationsOf(argument: CallArgument): readonly Translation[] {
  if (argument.translation === null) return [];
  return [argument.translation, ...(MORE_TRANSLATIONS_OF_KIND[argument.kind] ?? [])];
}

/**
 * Whether the call follows a symbolic link in the path's last component, given the value of the
 * argument the rule names (`inArg`, `openFlagsIn`; for openat2 the flags of its open_how).
 */
export function followsFinalSymlink(rule: FinalSymlinkRule, flags: number, arch: Arch): boolean {
  if (rule === 'follows') return true;
  if (rule === 'does-not-follow') return false;
  if ('unless' in rule) return (flags & SYMLINK_FLAGS[rule.unless]) === 0;
  if ('onlyWith' in rule) return (flags & SYMLINK_FLAGS[rule.onlyWith]) !== 0;
  return openFollowsFinalSymlink(flags, openFlags(arch));
}

function openFollowsFinalSymlink(flags: number, open: OpenFlags): boolean {
  if ((flags & open.O_NOFOLLOW) !== 0) return false;
  const createNew = open.O_CREAT | open.O_EXCL;
  return (flags & createNew) !== createNew;
}

/** The argument that holds the flags a rule looks at, or null when the rule needs none. */
export function flagsArgument(rule: FinalSymlinkRule): number | null {
  if (typeof rule === 'string') return null;
  return 'openFlagsIn' in rule ? rule.openFlagsIn : rule.inArg;
}

/**
 * The translations a learned rule keeps (DESIGN §8, "Never learn a hole"): every one a decision
 * on the call can depend on, and that names the same thing in the next run. Learning writes
 * `native-CALL: T eq "v" and T2 eq "w" then permit` with exactly these, so a rule never permits
 * more than the call it saw. By kind, with the reason:
 *   path → filename     which file: every call that names one, and every call on a descriptor
 *                       that acts on a file (fchmod, ftruncate, utimensat(fd, NULL), ...), by
 *                       the file the descriptor names
 *   sockaddr, msghdr,   where to: connect, bind, sendto, sendmsg; sendmmsg's one per message,
 *   mmsghdr             each learned as a rule of its own (learned-policy.ts)
 *   sockdom, socktype   what a socket is: socket (the protocol number is seldom anything but 0)
 *   uid, gid            whose: chown's owner, the set*id calls' ids (uname is the uid again)
 *   signal → signame    which signal: kill, tkill, tgkill. Not pidname: the pid is another
 *                       number every run, and which processes a signal reaches the kernel
 *                       decides by the sender's ids
 *   cmd                 which operation: ioctl's command (TCGETS is not TIOCSTI), quotactl's
 *                       (fcntl is in the baseline, never decided)
 *   prot                what mprotect and mmap allow (PROT_EXEC), where they are notified
 *   string              which attribute (the xattr calls), which target (symlink), mount's
 *                       source and type: each is what the call acts on
 *   mode                only where the mode is what the call does: chmod and its kin (a
 *                       setuid bit), mknod (a device rather than a FIFO). The mode of a file
 *                       an open or mkdir creates is the program's choice under its umask,
 *                       within a name the rule already decides
 *   file → filename     the file a descriptor names (fchmod, fchown, ftruncate, fallocate,
 *                       the f*xattr calls, fchdir), as for a path
 *   oflags              only with aliases off (-u): otherwise the alias, fsread or fswrite,
 *                       keeps whether an open writes, and the other flags decide nothing
 * Never kept: fd (a number that changes), argv (execve is kept by the file that runs; its arguments are the user's), int,
 * ptr.
 */
const LEARNED_OF_KIND: Readonly<Record<ArgumentKind, boolean>> = {
  path: true,
  dirfd: false,
  oflags: false,
  openhow: false,
  mode: false,
  fd: false,
  sockaddr: true,
  msghdr: true,
  mmsghdr: true,
  socklen: false,
  sockdom: true,
  socktype: true,
  uid: true,
  gid: true,
  signal: true,
  pid: false,
  argv: false,
  cmd: true,
  prot: true,
  int: false,
  ptr: false,
  string: true,
  atflags: false,
  file: true,
};

/** The calls whose mode is what they do, so that a learned rule keeps it. */
const MODE_IS_LEARNED: readonly string[] = [
  'chmod',
  'fchmod',
  'fchmodat',
  'fchmodat2',
  'mknod',
  'mknodat',
];

/**
 * The translations a learned rule for the call keeps, in argument order; none if untranslated.
 * `noAliases` (-u): the open family keeps its flags, which no alias carries then.
 */
export function learnedTranslationsOf(call: string, noAliases = false): readonly Translation[] {
  const kept: Translation[] = [];
  for (const argument of argumentsOf(call) ?? []) {
    const learned =
      argument.kind === 'mode'
        ? MODE_IS_LEARNED.includes(call)
        : argument.kind === 'oflags' || argument.kind === 'openhow'
          ? noAliases
          : LEARNED_OF_KIND[argument.kind];
    if (learned && argument.translation !== null && !kept.includes(argument.translation))
      kept.push(argument.translation);
  }
  return kept;
}

/**
 * The calls decided once per message: each message's address is the `sockaddr` of one decision,
 * and the call is permitted only when every one is (evaluate.ts, native/evaluate.c).
 */
export const DECIDED_PER_MESSAGE: readonly string[] = Object.entries(CALLS)
  .filter(([, args]) => args.some((a) => a.kind === 'mmsghdr'))
  .map(([call]) => call);

/** The address of a message that names none (sendmmsg on a connected socket). */
export const NO_ADDRESS = '<none>';

/** At most this many messages of one sendmmsg are decided and sent; it returns how many were. */
export const MESSAGES_MAX = 8;

/**
 * The value of a translation whose argument could not be read or decoded (a bad pointer, an
 * address of too few bytes, a descriptor that names nothing): a rule can still compare it, and
 * learning writes `then ask` for it, never a permit.
 */
export const UNREADABLE = '<unreadable>';

/**
 * Terminal ioctls that put input into a terminal (TIOCSTI: a byte as if typed; TIOCLINUX's
 * selection paste): a program could type commands into the shell that started it, outside
 * every policy. No rule, answer or learning permits them (asm-generic/ioctls.h; the same on
 * x86_64 and aarch64).
 */
export const NEVER_PERMITTED_IOCTLS: Readonly<Record<string, number>> = {
  TIOCSTI: 0x5412,
  TIOCLINUX: 0x541c,
};
