// Tests that run programs, or sysgate itself, as nobody need a checkout nobody can read. A clone
// under /root or in a private temporary directory is not one: there every run as nobody fails
// with EACCES before it tests anything. This gives the tests a checkout nobody can run from:
// this one when nobody can reach it, else a copy of what runs (bin/, the compiled host, the
// native programs, the shipped policies and the host's native modules) in a temporary directory
// everyone may read, made once per test process and removed when it ends.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
const NOBODY = { uid: 65534, gid: 65534 };
// What a `sysgate` run needs at run time, relative to the checkout.
const RUNTIME = ['package.json', 'bin', 'build/app', 'native/build', 'policies'];
const MODULES = ['better-sqlite3', 'bindings', 'file-uri-to-path', 'ws'];

let copy = null;

/** Whether nobody can read (and run, `x`) `path`, every directory above it included. */
export function nobodyReaches(path, how = 'r') {
  if (process.getuid() !== 0) return true;
  return spawnSync('test', [`-${how}`, path], NOBODY).status === 0;
}

/**
 * The root of a checkout that nobody can run sysgate and the test programs from, ending in `/`.
 * As another user than root, where no test runs as nobody, this checkout.
 */
export function checkoutForNobody() {
  if (nobodyReaches(join(CHECKOUT, 'bin', 'sysgate.js')) && nobodyReaches(join(CHECKOUT, 'native', 'build', 'sysgate-supervisor'), 'x'))
    return CHECKOUT;
  if (copy !== null) return copy;
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-checkout-'));
  chmodSync(dir, 0o755);
  for (const part of RUNTIME) cpSync(join(CHECKOUT, part), join(dir, part), { recursive: true });
  const modules = realpathSync(join(CHECKOUT, 'node_modules'));
  for (const name of MODULES) {
    if (existsSync(join(modules, name)))
      cpSync(join(modules, name), join(dir, 'node_modules', name), {
        recursive: true,
        dereference: true,
        // Sources are not needed to run: better-sqlite3's bundled SQLite alone is 20 MB.
        filter: (path) => !/\/(deps|src)$/.test(path),
      });
  }
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  copy = `${dir}/`;
  return copy;
}
