// The calls the supervisor's filter allows in the kernel, whatever the policy says (DESIGN §2):
// the one list, which tools/gen-native-tables.mjs writes into native/baseline.generated.h for
// the filter (native/filter.c). A rule for one of them never sees a call: the linter says so.
// Two process-creation calls are decided in the filter too, but not wholly: see
// CLONE_IN_KERNEL and REFUSED_IN_KERNEL.

/** The baseline by kind of call, each with why it needs no policy. */
export const BASELINE: readonly { why: string; calls: readonly string[] }[] = [
  {
    why: "Memory: the caller's own address space. mmap of a file needs a descriptor that was opened under the policy.",
    calls: [
      'brk',
      'mmap',
      'munmap',
      'mremap',
      'mprotect',
      'madvise',
      'mincore',
      'msync',
      'mlock',
      'mlock2',
      'munlock',
      'mlockall',
      'munlockall',
      'membarrier',
    ],
  },
  {
    why: 'Threads and their bookkeeping: the C library runs these in every program.',
    calls: [
      'futex',
      'futex_waitv',
      'set_robust_list',
      'get_robust_list',
      'set_tid_address',
      'rseq',
      'arch_prctl',
      'sched_yield',
      'sched_getaffinity',
      'getcpu',
    ],
  },
  {
    why: 'Time: reading clocks and sleeping.',
    calls: [
      'clock_gettime',
      'clock_getres',
      'clock_nanosleep',
      'nanosleep',
      'gettimeofday',
      'time',
    ],
  },
  {
    why: "Signals: the caller's own handlers, mask and stack. Sending a signal to anyone (kill, tkill, tgkill) is decided by policy.",
    calls: [
      'rt_sigaction',
      'rt_sigprocmask',
      'rt_sigreturn',
      'rt_sigpending',
      'rt_sigsuspend',
      'rt_sigtimedwait',
      'sigaltstack',
      'restart_syscall',
      'pause',
    ],
  },
  {
    why: 'Descriptors already open: reading, writing, seeking, waiting, closing.',
    calls: [
      'read',
      'write',
      'pread64',
      'pwrite64',
      'readv',
      'writev',
      'preadv',
      'pwritev',
      'preadv2',
      'pwritev2',
      'lseek',
      'close',
      'close_range',
      'dup',
      'dup2',
      'dup3',
      'fcntl',
      'fstat',
      'fstatfs',
      'fsync',
      'fdatasync',
      'getdents64',
      'fadvise64',
      'poll',
      'ppoll',
      'select',
      'pselect6',
      'epoll_create1',
      'epoll_ctl',
      'epoll_wait',
      'epoll_pwait',
      'epoll_pwait2',
    ],
  },
  {
    why: "Identity: reading one's own ids tells nothing a policy guards.",
    calls: [
      'getpid',
      'getppid',
      'gettid',
      'getuid',
      'geteuid',
      'getgid',
      'getegid',
      'getresuid',
      'getresgid',
      'getgroups',
      'getpgrp',
      'getpgid',
      'getsid',
      'getrlimit',
      'getrusage',
      'times',
      'uname',
    ],
  },
  {
    why: 'Ending: a process may always stop.',
    calls: ['exit', 'exit_group'],
  },
  {
    why: "Randomness for the C library's and the program's own use.",
    calls: ['getrandom'],
  },
  {
    why: "Waiting for one's own children.",
    calls: ['wait4', 'waitid'],
  },
  {
    why: 'A process like the caller, under its policy (a notified fork could fail with EINTR); clone only without a namespace flag (CLONE_IN_KERNEL), clone3 never (REFUSED_IN_KERNEL).',
    calls: ['fork', 'vfork'],
  },
];

export const BASELINE_CALLS: ReadonlySet<string> = new Set(
  BASELINE.flatMap((group) => group.calls),
);

/**
 * clone is allowed in the kernel unless its flags make a namespace (CLONE_NEWNS, NEWCGROUP,
 * NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET) or say CLONE_PARENT: only those reach a rule.
 */
export const CLONE_IN_KERNEL = 'clone';

/**
 * Calls the filter answers itself with an error, whatever the policy says: clone3's flags are
 * in memory, where the filter cannot look, so it fails with ENOSYS and the C library falls back
 * to clone.
 */
export const REFUSED_IN_KERNEL: ReadonlyMap<string, string> = new Map([['clone3', 'enosys']]);
