// Where decision lines go: syslog (the default, as systrace did), standard error with -e, or a
// file with -E. Node cannot write to a datagram UNIX socket itself, so syslog lines go through
// one long-lived `logger` process (util-linux), which sends each line as one message.

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';

import type { DecisionRecord } from '../../common/session/events.js';
import { systraceLogLine } from '../../common/session/log-line.js';
import type { Accounts } from '../accounts.js';
import type { SessionPolicy } from '../runs/policy-source.js';

export interface LineSink {
  write(line: string): void;
  close(): Promise<void>;
}

/** The socket syslog listens on: $SYSGATE_SYSLOG_SOCKET, else /dev/log. */
export function syslogSocket(): string {
  return process.env['SYSGATE_SYSLOG_SOCKET'] || '/dev/log';
}

/**
 * Sends lines to syslog as `sysgate[PID]: line`, facility authpriv. A syslog that cannot be
 * reached is reported once through `onProblem`; the lines are then dropped.
 */
export function syslogSink(
  onProblem: (message: string) => void,
  socket = syslogSocket(),
): LineSink {
  let logger: ChildProcess | null = null;
  let failed = false;
  const fail = (why: string): void => {
    if (failed) return;
    failed = true;
    onProblem(`cannot write to syslog (${socket}): ${why}; decisions are not logged there`);
  };
  // Started at the first line, so that a run that logs nothing never complains about syslog.
  const start = (): ChildProcess | null => {
    if (!existsSync(socket)) {
      fail('no such socket');
      return null;
    }
    const child = spawn(
      'logger',
      ['--socket', socket, '--tag', `sysgate[${process.pid}]`, '--priority', 'authpriv.notice'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    child.on('error', (e) => fail(e.message));
    child.stdin!.on('error', () => undefined);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      if (code !== 0)
        fail(stderr.trim().replace(/^logger: /, '') || `logger exited with status ${code}`);
    });
    return child;
  };
  return {
    write(line) {
      if (failed) return;
      logger ??= start();
      if (logger?.stdin?.writable) logger.stdin.write(line.replace(/\n/g, ' ') + '\n');
    },
    close() {
      const child = logger;
      if (child === null || child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.on('close', () => resolve());
        child.stdin!.end();
      });
    },
  };
}

export function streamSink(stream: NodeJS.WritableStream): LineSink {
  return {
    write: (line) => void stream.write(line + '\n'),
    close: () => Promise.resolve(),
  };
}

/** Appends lines to a file, each with its time, written at once so that none is lost. */
export function fileSink(path: string): LineSink {
  return {
    write: (line) => appendFileSync(path, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 }),
    close: () => Promise.resolve(),
  };
}

/** What systrace printed of a policy: its number in the run (in load order) and its rules. */
export function policyFacts(
  policies: readonly SessionPolicy[],
  name: string,
): { policyNumber: number; filters: number } {
  const index = policies.findIndex((p) => p.program === name);
  return {
    policyNumber: Math.max(index, 0),
    filters: policies[index]?.filters ?? 0,
  };
}

/**
 * Writes a run's logged decisions (every denial, and what a rule with `log` permitted) to
 * `sink` in systrace's line format.
 */
export function logDecision(
  sink: LineSink,
  record: DecisionRecord,
  policies: readonly SessionPolicy[],
  accounts: Accounts,
): void {
  if (record.action !== 'deny' && !record.log) return;
  sink.write(
    systraceLogLine(record, {
      userName: accounts.userName(record.uid),
      ...(record.as !== undefined ? { asName: accounts.asName(record.as) } : {}),
      ...policyFacts(policies, record.policy),
    }),
  );
}
