// systrace's aliases for Linux: `fsread` names the calls that look at the file system by name,
// `fswrite` those that change it, so that one rule such as
// `native-fswrite: filename match "$HOME/*" then permit` covers them all.
//
// systrace itself aliased only open, stat, lstat, access, readlink (fsread) and open for writing,
// unlink, truncate, mkfifo, mkdir, rmdir (fswrite); its own policies still carry rules such as
// `native-chmod:`. sysgate adds every Linux call that reads or changes a file by name, so that a
// newer variant of a call (statx, renameat2, fchmodat2) is never left outside the group.
//
// Calls on a descriptor already open (fstat, fchmod, ftruncate, fsetxattr) are in neither group:
// the open that made the descriptor was decided already, and each is decided by its own rules on
// the file the descriptor names (`native-fchmod: filename eq "/tmp/a" then permit`).

import { openFlags } from './arguments.js';

export const ALIASES = ['fsread', 'fswrite'] as const;
export type Alias = (typeof ALIASES)[number];

/** The calls that open a file: fsread or fswrite depending on their open flags. */
const OPENS: readonly string[] = ['open', 'openat', 'openat2'];

const READS: readonly string[] = [
  'stat',
  'lstat',
  'newfstatat',
  'statx',
  'statfs',
  'access',
  'faccessat',
  'faccessat2',
  'readlink',
  'readlinkat',
  'getxattr',
  'lgetxattr',
  'getxattrat',
  'listxattr',
  'llistxattr',
  'listxattrat',
  'file_getattr',
  // Learns a file's identity by name, as stat does.
  'name_to_handle_at',
  // Watching a file tells no more than reading its attributes over and over.
  'inotify_add_watch',
];

/** The calls that make, remove or rename a name, or cut a file by its name. */
export const NAME_CALLS: readonly string[] = [
  'creat',
  'truncate',
  'unlink',
  'unlinkat',
  'rmdir',
  'mkdir',
  'mkdirat',
  'mknod',
  'mknodat',
  'rename',
  'renameat',
  'renameat2',
  'link',
  'linkat',
  'symlink',
  'symlinkat',
];

const WRITES: readonly string[] = [
  ...NAME_CALLS,
  'chmod',
  'fchmodat',
  'fchmodat2',
  'chown',
  'lchown',
  'fchownat',
  'utime',
  'utimes',
  'futimesat',
  'utimensat',
  'setxattr',
  'lsetxattr',
  'setxattrat',
  'removexattr',
  'lremovexattr',
  'removexattrat',
  'file_setattr',
];

// Left out on purpose, each to be decided by its own rules: chdir and chroot change where the
// process is, execve and execveat which program runs; mount, umount2, pivot_root, swapon,
// swapoff, acct, quotactl and fanotify_mark administer the system (fanotify can even hold other
// processes' opens), and permitting fswrite below a directory must never grant the power to
// mount over it or to turn on accounting into a file there.

const ALIAS_OF_CALL: ReadonlyMap<string, Alias> = new Map([
  ...READS.map((call) => [call, 'fsread'] as const),
  ...WRITES.map((call) => [call, 'fswrite'] as const),
]);

/** Whether a name in a policy (`native-fsread`) is an alias rather than a call. */
export function isAlias(name: string): name is Alias {
  return (ALIASES as readonly string[]).includes(name);
}

/**
 * The alias a call belongs to, or null. The open family needs its open flags (for openat2, the
 * flags of its struct open_how): opening to write, or with O_CREAT or O_TRUNC, is fswrite, and
 * so is an open whose flags are not given, since it may write.
 */
export function aliasOf(call: string, oflags?: number): Alias | null {
  if (OPENS.includes(call)) return oflags === undefined ? 'fswrite' : aliasOfOpen(oflags);
  return ALIAS_OF_CALL.get(call) ?? null;
}

// The access mode, O_CREAT and O_TRUNC have the same values on x86_64 and aarch64, so the
// answer does not depend on the architecture.
function aliasOfOpen(oflags: number): Alias {
  const open = openFlags('x86_64');
  const readOnly = (oflags & open.O_ACCMODE) === open.O_RDONLY;
  // O_TRUNC truncates even with O_RDONLY on Linux.
  const changes = (oflags & (open.O_CREAT | open.O_TRUNC)) !== 0;
  return readOnly && !changes ? 'fsread' : 'fswrite';
}

/** Every call an alias can stand for; the open family is in both. */
export function callsOfAlias(alias: Alias): readonly string[] {
  const members = alias === 'fsread' ? READS : WRITES;
  return [...OPENS, ...members];
}
