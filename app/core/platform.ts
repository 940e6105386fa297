// Facts about the machine sysgate runs on.

import type { Arch } from '../common/calls/index.js';

/** The system-call ABI of this machine, as the call tables name it. */
export function hostArch(): Arch {
  switch (process.arch) {
    case 'x64':
      return 'x86_64';
    case 'arm64':
      return 'aarch64';
    default:
      throw new Error(`sysgate supports x86_64 and aarch64 Linux; this machine is ${process.arch}`);
  }
}
