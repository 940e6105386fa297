// The calls the supervisor's filter allows in the kernel, whatever the policy says (DESIGN §2;
// the list itself is native/filter.c's sg_baseline, which baseline.test.ts keeps this one equal
// to). A rule for one of them never sees a call: the linter says so. Two process-creation calls
// are decided in the filter too, but not wholly: see CLONE_IN_KERNEL and REFUSED_IN_KERNEL.

export const BASELINE_CALLS: ReadonlySet<string> = new Set([
  // Memory
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
  // Threads
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
  // Time
  'clock_gettime',
  'clock_getres',
  'clock_nanosleep',
  'nanosleep',
  'gettimeofday',
  'time',
  // Signals
  'rt_sigaction',
  'rt_sigprocmask',
  'rt_sigreturn',
  'rt_sigpending',
  'rt_sigsuspend',
  'rt_sigtimedwait',
  'sigaltstack',
  'restart_syscall',
  'pause',
  // Descriptors already open
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
  // Identity
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
  // Ending
  'exit',
  'exit_group',
  // Randomness
  'getrandom',
  // Waiting for one's own children
  'wait4',
  'waitid',
  // A process like the caller, under its policy (a notified fork could fail with EINTR)
  'fork',
  'vfork',
]);

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
