// How a real program (programs.mjs) is run and compared: natively, or under `sysgate -A`, `-a`
// or `-a -K`, every run on a fresh copy of its fixture at the same absolute paths, with the same
// environment (a fresh HOME and TMPDIR at the same paths: learned names are absolute); and what
// it printed, its exit status and the files it left, to compare with the native run's.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PATH, programPaths } from './programs.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** `sysgate` as a user runs it: the front door, which starts from a plan when it can. */
export const sysgate = join(root, 'bin', 'sysgate');

/**
 * A case's directories, fixed for all its runs: `work` (the working directory), `home`, `tmp`
 * (TMPDIR), recreated for every run; `xdg` (sysgate's policies, plans, history), kept.
 */
export function caseDirs(base, program) {
  const dir = join(base, program.id);
  return {
    dir,
    work: join(dir, 'work'),
    home: join(dir, 'home'),
    tmp: join(dir, 'tmp'),
    xdg: join(dir, 'xdg'),
    scratch: join(dir, 'scratch'),
  };
}

/** The same environment for every run of a case, native or not. */
export function caseEnv(dirs, program) {
  return {
    PATH,
    HOME: dirs.home,
    TMPDIR: dirs.tmp,
    USER: process.env.USER ?? 'root',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TZ: 'UTC',
    XDG_CONFIG_HOME: join(dirs.xdg, 'config'),
    XDG_CACHE_HOME: join(dirs.xdg, 'cache'),
    XDG_DATA_HOME: join(dirs.xdg, 'data'),
    XDG_STATE_HOME: join(dirs.xdg, 'state'),
    XDG_RUNTIME_DIR: join(dirs.xdg, 'runtime'),
    ...(program.env ?? {}),
  };
}

/** A fresh copy of the program's fixture at the case's paths: the same names every run. */
export function prepare(dirs, program) {
  const kept = program.kept ?? {};
  for (const d of [dirs.home, dirs.tmp, dirs.scratch]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  mkdirSync(dirs.work, { recursive: true });
  for (const name of readdirSync(dirs.work))
    if (!(name in kept)) rmSync(join(dirs.work, name), { recursive: true, force: true });
  for (const [name, { text, mode }] of Object.entries(kept)) {
    const path = join(dirs.work, name);
    const same =
      existsSync(path) &&
      readFileSync(path, 'utf8') === text &&
      (lstatSync(path).mode & 0o7777) === mode;
    if (!same) {
      rmSync(path, { force: true });
      writeFileSync(path, text, { mode });
      chmodSync(path, mode);
    }
  }
  for (const d of ['config', 'cache', 'data', 'state', 'runtime'])
    mkdirSync(join(dirs.xdg, d), { recursive: true, mode: 0o700 });
  program.fixture(dirs.work, dirs.scratch);
}

/** A fresh case base directory (its real path: names are learned as the kernel sees them). */
export function caseBase(tmp) {
  mkdirSync(tmp, { recursive: true });
  return realpathSync(tmp);
}

/**
 * sysgate's own lines (`sysgate: ...`, and the indented lines right after one) and its decisions
 * (`-e`), told from the program's standard error. A decision is written by the host while the
 * program runs on, so it may land inside a line the program writes in pieces (`cat: b.txt` +
 * the decision + `: Operation not permitted`): it is taken out of the stream wherever it is.
 */
export function splitStderr(stderr) {
  const decisions = [];
  const rest = stderr.replace(/(?:deny|permit|ask) user: [^\n]*\n?/g, (line) => {
    decisions.push(line.replace(/\n$/, ''));
    return '';
  });
  const program = [];
  const own = [];
  let ownGoesOn = false;
  for (const line of rest.split('\n')) {
    const mine = line.startsWith('sysgate: ') || (ownGoesOn && /^\s/.test(line));
    if (mine) own.push(line);
    else program.push(line);
    ownGoesOn = mine;
  }
  return { program: program.join('\n'), own, decisions };
}

/**
 * Runs the program's steps once, natively (`flags` null) or under `sysgate flags...`, on a fresh
 * copy. Resolves { status (the first non-zero step's, else 0), failedStep, stdout, stderr (the
 * program's), own (sysgate's lines), decisions (`-e` lines), ms (the steps' time, preparing
 * excluded), tree }.
 */
export function runProgram(
  program,
  dirs,
  flags,
  { paths = programPaths(), timeout = 120000 } = {},
) {
  prepare(dirs, program);
  // Under sysgate, it says whether the run started from its plan or through Node.js.
  const env = {
    ...caseEnv(dirs, program),
    ...(flags === null ? {} : { SYSGATE_EXPLAIN_START: '1' }),
  };
  const out = {
    status: 0,
    failedStep: null,
    stdout: '',
    stderr: '',
    own: [],
    decisions: [],
    ms: 0,
  };
  for (const step of program.steps(paths)) {
    const argv = flags === null ? step : [sysgate, ...flags, ...step];
    const start = process.hrtime.bigint();
    const run = spawnSync(argv[0], argv.slice(1), {
      cwd: dirs.work,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 << 20,
      timeout,
    });
    out.ms += Number(process.hrtime.bigint() - start) / 1e6;
    const err = splitStderr(run.stderr ?? '');
    out.stdout += run.stdout ?? '';
    out.stderr += err.program;
    out.own.push(...err.own);
    out.decisions.push(...err.decisions);
    const status =
      run.status ?? `signal ${run.signal}${run.error ? ` (${run.error.message})` : ''}`;
    if (status !== 0) {
      out.status = status;
      out.failedStep = step.join(' ');
      break;
    }
  }
  out.tree = snapshot(dirs, program.volatile ?? []);
  return out;
}

/**
 * The files a run left in its working directory, HOME and TMPDIR: one line each, its name, kind,
 * mode, and size and content hash (a link: its target). Volatile files: name, kind, mode only.
 */
export function snapshot(dirs, volatile = []) {
  const entries = [];
  const walk = (abs, rel) => {
    for (const name of readdirSync(abs).sort()) {
      const path = join(abs, name);
      const relPath = `${rel}/${name}`;
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      if (st.isSymbolicLink()) entries.push(`${relPath} link ${readlinkSync(path)}`);
      else if (st.isDirectory()) {
        entries.push(`${relPath}/ dir ${mode}`);
        walk(path, relPath);
      } else if (st.isFile()) {
        if (volatile.includes(relPath)) entries.push(`${relPath} file ${mode} (volatile)`);
        else {
          const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
          entries.push(`${relPath} file ${mode} ${st.size} ${hash}`);
        }
      } else entries.push(`${relPath} other ${mode}`);
    }
  };
  for (const part of ['work', 'home', 'tmp']) if (existsSync(dirs[part])) walk(dirs[part], part);
  return entries;
}

/** What differs between two trees, as `- native` / `+ this run` lines; empty when equal. */
export function treeDiff(native, other) {
  const a = new Set(native);
  const b = new Set(other);
  return [
    ...native.filter((e) => !b.has(e)).map((e) => `- ${e}`),
    ...other.filter((e) => !a.has(e)).map((e) => `+ ${e}`),
  ];
}
