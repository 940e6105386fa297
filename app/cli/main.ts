// The `sysgate` command line: runs a command under sysgate, or the policy tools, the history, or
// the desktop app.

// Each command's modules are loaded when it runs: tracing a program should not wait for the
// desktop app's web server to load.
import { makeUndumpable } from '../core/undumpable.js';
import { RUN_USAGE } from './run-usage.js';
import { packageVersion } from './version.js';

const USAGE = `${RUN_USAGE}
       sysgate policy check FILE...
       sysgate policy fmt FILE
       sysgate policy which PROGRAM
       sysgate log [--system] [--action permit|deny|ask] [--prog PATH] [--call NAME]
                   [--since 1h] [--until TIME] [--limit N | --all] [--json] [--follow]
                   [QUERY...]
       sysgate gui [--web] [--port N] [--no-open]
       sysgate --help | --version

Policy tools:
  policy check FILE...   report errors and warnings (file:line:col); exit 1 on any error
  policy fmt FILE        print the policy in its canonical layout on standard output
  policy which PROGRAM   which policy file applies to PROGRAM, and why

The history (every denial, kept in $XDG_DATA_HOME/sysgate/history.sqlite3):
  log                    the newest records matching, oldest first; --follow waits for more.
                         QUERY is the history view's: prog:ls call:openat action:deny since:1h,
                         by:rule, pid:N, policy:NAME, until:2026-11-27T06:00, and free text
  log --system           the same of the system history (/var/lib/sysgate/history.sqlite3),
                         where root's runs with -U (daemons under their service manager) keep it

The desktop app:
  gui                    open sysgate's window (the web shell where Electron is not installed)
  gui --web [--port N]   serve the window on 127.0.0.1 only; --port 0 picks a free port
`;

/** Runs the command line and gives the exit status. Output goes to stdout and stderr. */
export async function run(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (first === '--help' || first === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === '--version') {
    process.stdout.write(`sysgate ${packageVersion()}\n`);
    return 0;
  }
  // Before anything is decided, hosted or read (app/core/undumpable.ts).
  try {
    makeUndumpable();
  } catch (e) {
    process.stderr.write(`sysgate: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (first === 'policy') return (await import('./policy-command.js')).runPolicyCommand(rest);
  if (first === 'log') return (await import('./log-command.js')).runLog(rest);
  if (first === 'gui') return (await import('./gui-command.js')).runGui(rest);
  // sysgate-shell's (native/shell.c): not in the usage, since nobody types it.
  if (first === '--login-shell') return (await import('./run-command.js')).runLoginShell(rest);
  return (await import('./run-command.js')).runTraced(argv);
}
