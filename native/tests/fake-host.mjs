// A stand-in for the host that the supervisor starts for a run from a plan (SYSGATE_NODE names
// a script that runs this): it writes to $FAKE_HOST_LOG what it was started with (arguments,
// SYSGATE_HOST_FD, whether standard input is /dev/null) and then every frame it reads from
// descriptor 3, as JSON lines, and exits when it has read `exit`. With FAKE_HOST=die it exits
// at once instead, as a host that crashes; with FAKE_HOST=slow it reads nothing for its first
// 2.5 s, longer than the supervisor waits for the socket to take its last frames.
import { appendFileSync, fstatSync, statSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';

import { frames } from './frames.mjs';

const log = process.env.FAKE_HOST_LOG;
const devNull = statSync('/dev/null');
writeFileSync(
  log,
  `${JSON.stringify({
    argv: process.argv.slice(2),
    hostFd: process.env.SYSGATE_HOST_FD,
    stdinIsNull: fstatSync(0).rdev === devNull.rdev,
  })}\n`,
);
if (process.env.FAKE_HOST === 'die') process.exit(0);

const socket = new Socket({ fd: 3, readable: true, writable: true });
let data = Buffer.alloc(0);
socket.on('data', (chunk) => {
  data = Buffer.concat([data, chunk]);
  const read = frames(data);
  data = data.subarray(read.consumed);
  for (const f of read) appendFileSync(log, `${JSON.stringify(f)}\n`);
  if (read.some((f) => f.verb === 'exit')) process.exit(0);
});
socket.on('end', () => process.exit(3));
if (process.env.FAKE_HOST === 'slow') {
  socket.pause();
  setTimeout(() => socket.resume(), 2500);
}
