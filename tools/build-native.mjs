// Builds the C supervisor with make when native/ has a Makefile. Needs only a C compiler and
// the Linux headers.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(`${root}native/Makefile`)) process.exit(0);
const result = spawnSync('make', ['-C', `${root}native`, '--no-print-directory'], {
  stdio: 'inherit',
});
if (result.error) {
  console.error(
    `sysgate: cannot run make: ${result.error.message} (install make and a C compiler)`,
  );
  process.exit(1);
}
process.exit(result.status ?? 1);
