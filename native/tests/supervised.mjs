// Runs commands under sysgate-supervisor the way sysgate itself does, for the native tests and
// the benchmark: through the host's Supervisor class (app/core/supervisor, which speaks
// PROTOCOL.md), with policies written as policy text and compiled by the host's compiler
// (app/common/policy). The compiled modules come from build/: run `npm run build` first.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { checkoutForNobody } from './reachable.mjs';

const built = (path) => new URL(`../../build/app/${path}`, import.meta.url);
const { Supervisor } = await import(built('core/supervisor/supervisor.js'));
const { parsePolicy } = await import(built('common/policy/parser.js'));
const { sectionsOf } = await import(built('common/policy/ast.js'));
const { compilePolicy } = await import(built('common/policy/compile.js'));
const { formatDiagnostic, hasErrors } = await import(built('common/policy/diagnostics.js'));
const { callTable } = await import(built('common/calls/index.js'));
const { hostArch } = await import(built('core/platform.js'));

/**
 * A file that `make -C native` builds: the supervisor, the test programs; from a copy nobody can
 * run when nobody cannot read this checkout (tests run them as nobody too).
 */
export const nativeBuild = (name) => join(checkoutForNobody(), 'native', 'build', name);

const macros = { HOME: homedir(), USER: userInfo().username, CWD: process.cwd() };

/** The compiled form of the (first) policy in `text`; a mistake in the text throws. */
export function compile(text) {
  const { file, diagnostics } = parsePolicy(text, '<test policy>');
  if (hasErrors(diagnostics)) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  const [section] = sectionsOf(file);
  const { text: compiled, problems } = compilePolicy(section, { macros });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return compiled;
}

/** `rules` (lines of filters, or `detached`) as the policy of `program`. */
export const policyOf = (program, rules) => `Policy: ${program}, Emulation: native\n${rules}\n`;

/**
 * One `native-X: permit` for every call this machine has, but those in `except`: a policy that
 * decides everything without looking at a single argument.
 */
export function permitEvery({ except = [] } = {}) {
  return [...callTable(hostArch()).byName.keys()]
    .filter((call) => !except.includes(call))
    .map((call) => `\tnative-${call}: permit`)
    .join('\n');
}

/**
 * Runs `command` under the supervisor and resolves when it is over, with its status, its
 * output and what the supervisor said: { status, stdout, stderr, questions, records,
 * counts, processes, cancels, problems }. Every program gets the policy `rules` make for it (or
 * `policyFor(path)`'s text), sent when the supervisor asks for it. Options: mode ('enforce'),
 * rules, policyFor, stdin, the Supervisor's own options (inherit, noAliases, onHostLoss,
 * runAs, env, cwd), and callbacks given the Supervisor too: onAsk(question, s),
 * onProcess(event, s), onRecord(record, s).
 */
export async function supervise(command, options = {}) {
  const {
    mode = 'enforce',
    rules = '',
    policyFor,
    stdin = '',
    onAsk,
    onProcess,
    onRecord,
    ...rest
  } = options;
  const textFor = policyFor ?? ((path) => policyOf(path, rules));
  // The program's standard input, output and error are files, read when it is over.
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-test-'));
  writeFileSync(join(dir, 'in'), stdin);
  const fds = [
    openSync(join(dir, 'in'), 'r'),
    openSync(join(dir, 'out'), 'w'),
    openSync(join(dir, 'err'), 'w'),
  ];
  const run = {
    status: null,
    stdout: '',
    stderr: '',
    questions: [],
    records: [],
    counts: [],
    processes: [],
    cancels: [],
    problems: [],
  };
  try {
    const s = new Supervisor({
      command: command[0],
      args: command.slice(1),
      mode,
      stdio: fds,
      ...rest,
    });
    // A test's policy that does not compile is the test's mistake: the run ends, and supervise
    // rejects with why (the supervisor would otherwise wait for the policy for ever).
    let broken = null;
    s.on('need-policy', (_pid, path) => {
      try {
        s.sendPolicy(path, compile(textFor(path)));
      } catch (e) {
        broken ??= new Error(`the test's policy for ${path}: ${e.message}`);
        s.kill();
      }
    });
    s.on('ask', (q) => {
      run.questions.push(q);
      onAsk?.(q, s);
    });
    s.on('record', (r) => {
      run.records.push(r);
      onRecord?.(r, s);
    });
    s.on('process', (e) => {
      run.processes.push(e);
      onProcess?.(e, s);
    });
    s.on('count', (c) => run.counts.push(c));
    s.on('cancel', (id, reason) => run.cancels.push({ id, reason }));
    s.on('problem', (message) => run.problems.push(message));
    run.status = await s.exited;
    if (broken !== null) throw broken;
    run.stdout = readFileSync(join(dir, 'out'), 'utf8');
    run.stderr = readFileSync(join(dir, 'err'), 'utf8');
    return run;
  } finally {
    for (const fd of fds) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Whether process `pid` has stopped running within a second: gone, or a zombie that its new
 * parent has yet to reap (a killed orphan may outlive the supervisor for a moment as one).
 */
export async function stopped(pid) {
  for (let i = 0; i < 100; i++) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z'))
        return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}
