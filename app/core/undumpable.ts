// sysgate's Node.js host made not dumpable (native/undumpable.c), as the supervisor makes itself:
// then no process without CAP_SYS_PTRACE, not even one of the same user, can ptrace it, read or
// write its memory (process_vm_readv/writev, /proc/PID/mem) or take its descriptors
// (pidfd_getfd). The host holds what decides (the policies it sends, the control socket, the
// answers the user gives), so it refuses to go on without it.

import { createRequire } from 'node:module';

import { packagePath } from './package-paths.js';

/** Where the checkout's build puts the module (`make -C native`). */
export const UNDUMPABLE_MODULE = packagePath('native', 'build', 'undumpable.node');

/**
 * Makes this process not dumpable through the Node-API module at `path`; throws an Error that
 * says why when the module is missing or the kernel refuses.
 */
export function makeUndumpable(path: string = UNDUMPABLE_MODULE): void {
  try {
    const module = createRequire(import.meta.url)(path) as { undumpable: () => void };
    module.undumpable();
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(
      `cannot put this process out of reach of the user's other processes (not dumpable): ${why}`,
      { cause: e },
    );
  }
}
