// The host makes itself not dumpable (native/undumpable.c, ./undumpable.ts): a process that did
// has its /proc/PID files owned by root, as the kernel has them for a process that is not
// dumpable, whoever it runs as; a module that is missing stops it with the reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { makeUndumpable } from './undumpable.js';

const WRAPPER = fileURLToPath(new URL('./undumpable.js', import.meta.url));

/** The owner of /proc/PID/environ of a Node.js process that called makeUndumpable() or not. */
async function environOwner(undumpable: boolean): Promise<number> {
  // Another user than root when the tests run as root: root's own files are root's anyway.
  const as = process.getuid!() === 0 ? { uid: 65534, gid: 65534 } : {};
  const code = `${undumpable ? `(await import(${JSON.stringify(WRAPPER)})).makeUndumpable();` : ''}
    process.stdout.write('ready\\n');
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['pipe', 'pipe', 'inherit'],
    ...as,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (status) => reject(new Error(`the child ended (${status})`)));
    });
    return statSync(`/proc/${child.pid}/environ`).uid;
  } finally {
    child.stdin.end();
    child.kill();
  }
}

test("a process that made itself not dumpable has root's /proc/PID files, one that did not its own", async () => {
  const user = process.getuid!() === 0 ? 65534 : process.getuid!();
  assert.equal(await environOwner(false), user);
  assert.equal(await environOwner(true), 0);
});

test('a module that is missing stops the host, saying why', () => {
  assert.throws(
    () => makeUndumpable('/nonexistent/undumpable.node'),
    /^Error: cannot put this process out of reach of the user's other processes \(not dumpable\): Cannot find module '\/nonexistent\/undumpable.node'/,
  );
});
