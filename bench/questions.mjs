// How many questions a person answers (issue 15's target), in `npm run bench`: a program runs in
// Ask mode from the base template, in the desktop's host (in this process, as Electron's main
// process runs it), and every question is answered with the prompt's first suggestion
// (app/common/policy/cover.ts, as the window offers it) in the scope "this run". Counts the
// questions shown for `ls -la /etc` (target: at most 5), a python script that reads a directory
// of files (at most 10) and `git status` in a repository (at most 10).
// Usage: node bench/questions.mjs [--build DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const TARGETS = [
  { name: 'ls -la /etc', most: 5, command: () => 'ls -la /etc' },
  {
    name: 'python3 reading a directory of files',
    most: 10,
    command: (work) => {
      const data = join(work, 'data');
      mkdirSync(data);
      for (let i = 0; i < 30; i++) writeFileSync(join(data, `file${i}.txt`), `line ${i}\n`);
      const script = join(work, 'read.py');
      writeFileSync(
        script,
        'import os, sys\n' +
          'total = 0\n' +
          'for name in sorted(os.listdir(sys.argv[1])):\n' +
          '    with open(os.path.join(sys.argv[1], name)) as f:\n' +
          '        total += len(f.read())\n' +
          'print(total)\n',
      );
      return `/usr/bin/python3 ${script} ${data}`;
    },
  },
  {
    name: 'git status in a repository',
    most: 10,
    command: (work) => {
      const repo = join(work, 'repo');
      mkdirSync(repo);
      const git = (...args) =>
        execFileSync('git', ['-C', repo, ...args], {
          stdio: 'ignore',
          env: { ...process.env, HOME: work, GIT_CONFIG_NOSYSTEM: '1' },
        });
      git('init', '-q');
      for (let i = 0; i < 10; i++) writeFileSync(join(repo, `f${i}.c`), `int f${i};\n`);
      git('add', '.');
      git('-c', 'user.name=u', '-c', 'user.email=u@h', 'commit', '-qm', 'first');
      writeFileSync(join(repo, 'f0.c'), 'int changed;\n');
      return { command: 'git status', cwd: repo };
    },
  },
];

/**
 * Runs `command` in Ask mode answering each question with its first suggestion for this run;
 * gives how many questions were shown and how the run ended.
 */
export async function countQuestions(build, command, work, options = {}) {
  const { Host } = await import(join(build, 'app/core/host/host.js'));
  const { PolicyStore } = await import(join(build, 'app/core/policy/store.js'));
  const { suggestionsFor } = await import(join(build, 'app/common/policy/cover.js'));
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });
  const store = new PolicyStore({
    userDir: join(work, 'policies'),
    systemDir: join(work, 'system'),
    shippedDir: join(root, 'policies'),
    uid: process.getuid(),
  });
  const macros = { HOME: home, USER: userInfo().username, CWD: work };
  // A fresh home, as a new user's (and the e2e test's): no dotfiles of whoever runs the bench.
  const savedHome = process.env.HOME;
  process.env.HOME = home;
  const host = new Host(store, macros);
  const { command: line, cwd } = typeof command === 'string' ? { command, cwd: work } : command;
  const shown = [];
  let ended;
  const exited = new Promise((resolve) => (ended = resolve));
  const waiting = new Map();
  let sessionId = null;
  host.subscribe((event, payload) => {
    if (event === 'questionAdded' || event === 'questionChanged') waiting.set(payload.id, payload);
    if (event === 'questionRemoved') waiting.delete(payload.id);
    if (event === 'sessionChanged' && payload.id === sessionId && payload.state !== 'running')
      ended(payload);
  });
  // One question at a time, as a person answers: the oldest waiting, when the last is done.
  let busy = false;
  const answerNext = async () => {
    if (busy) return;
    const next = [...waiting.values()][0];
    if (next === undefined) return;
    busy = true;
    const request = (p) => ({ ...p.question });
    const others = {
      waiting: [...waiting.values()]
        .filter(
          (p) =>
            p.id !== next.id &&
            p.sessionId === next.sessionId &&
            p.question.policy === next.question.policy,
        )
        .map(request),
      recent: next.recent ?? [],
    };
    const first = suggestionsFor(request(next), others, { ...macros, CWD: cwd })[0];
    shown.push(
      `${next.question.call} ${JSON.stringify(next.question.args)} -> ${first?.expression}`,
    );
    try {
      await host.call('answerQuestion', [
        next.id,
        first === undefined
          ? { action: 'permit' }
          : { action: 'permit', always: { expression: first.expression, scope: 'session' } },
      ]);
    } catch {
      // Withdrawn meanwhile (its process exited), or answered by a rule just added.
    }
    busy = false;
    setImmediate(answerNext);
  };
  const timer = setInterval(answerNext, 5);
  try {
    const info = await host.call('startSession', [
      { command: line, cwd, mode: 'ask', cols: 80, rows: 24 },
    ]);
    sessionId = info.id;
    const end = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve(null), options.timeout ?? 60_000)),
    ]);
    return { questions: shown.length, shown, status: end?.status ?? 'timed out' };
  } finally {
    clearInterval(timer);
    await host.shutdown();
    process.env.HOME = savedHome;
  }
}

export async function benchQuestions(argv = process.argv.slice(2)) {
  const i = argv.indexOf('--build');
  const build = i >= 0 ? argv[i + 1] : join(root, 'build');
  const verbose = argv.includes('--verbose');
  console.log('\nQuestions answered with the first suggestion, for this run (issue 15 targets):');
  const results = [];
  for (const target of TARGETS) {
    const work = realpathSync(mkdtempSync(join(tmpdir(), 'sysgate-bench-questions-')));
    try {
      const command = target.command(work);
      const result = await countQuestions(build, command, work);
      results.push({ ...target, ...result });
      const ok = result.questions <= target.most ? 'met' : 'NOT met';
      console.log(
        `  ${target.name}: ${result.questions} question${result.questions === 1 ? '' : 's'} (target at most ${target.most}: ${ok}; exit ${JSON.stringify(result.status)})`,
      );
      if (verbose) for (const line of result.shown) console.log(`      ${line}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchQuestions();
