// The `sysgate` command line: runs a command under sysgate, or the policy tools, or the desktop app.

// Each command's modules are loaded when it runs: tracing a program should not wait for the
// desktop app's web server to load.
import { RUN_USAGE } from './run-usage.js';
import { packageVersion } from './version.js';

const USAGE = `${RUN_USAGE}
       sysgate policy check FILE...
       sysgate policy fmt FILE
       sysgate policy which PROGRAM
       sysgate gui [--web] [--port N] [--no-open]
       sysgate --help | --version

Policy tools:
  policy check FILE...   report errors and warnings (file:line:col); exit 1 on any error
  policy fmt FILE        print the policy in its canonical layout on standard output
  policy which PROGRAM   which policy file applies to PROGRAM, and why

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
  if (first === 'policy') return (await import('./policy-command.js')).runPolicyCommand(rest);
  if (first === 'gui') return (await import('./gui-command.js')).runGui(rest);
  return (await import('./run-command.js')).runTraced(argv);
}
