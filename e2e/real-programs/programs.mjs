// Real programs nobody here wrote, as a new user tries sysgate on them: python3, node, git, make
// with gcc, a bash script, sort through temporary files, tar xzf. Each is its fixture (the
// files it works on, made fresh for every run) and the command lines a user types. The test
// suite (real-programs.test.mjs) and the bench (bench/real-programs.mjs) run these same
// programs, the way runs.mjs says.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the programs are looked for, and the PATH every run of them has. */
export const PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The program `name` as `command -v` finds it on the suite's PATH (not a pyenv shim: the
 * system's own first), or null when the machine lacks it (.ci/run installs them all).
 */
export function programPath(name) {
  for (const dir of PATH.split(':')) {
    const path = join(dir, name);
    try {
      if ((lstatSync(path).mode & 0o111) !== 0) return path;
    } catch {
      // not here
    }
  }
  return null;
}

const lines = (...xs) => xs.join('\n') + '\n';

/** A deterministic stream of words: the same bytes on every run, no file shipped. */
function words(count, seed = 12345) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  let x = seed;
  const out = [];
  for (let i = 0; i < count; i++) {
    let w = '';
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const len = 4 + (x % 12);
    for (let j = 0; j < len; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      w += alphabet[(x >>> 16) % 26];
    }
    out.push(`${w} ${i}`);
  }
  return out.join('\n') + '\n';
}

const PYTHON = lines(
  'import json, multiprocessing, sqlite3, subprocess, sys, threading',
  '',
  'def square(n):',
  '    return n * n',
  '',
  'def main():',
  "    db = sqlite3.connect('data.db')",
  "    db.execute('create table t (k integer primary key, v text)')",
  "    db.executemany('insert into t values (?, ?)', [(i, json.dumps({'n': i})) for i in range(200)])",
  '    db.commit()',
  '    db.close()',
  '    sums = [0] * 4',
  '    def part(i):',
  "        c = sqlite3.connect('data.db')",
  "        rows = c.execute('select v from t where k >= ? and k < ?', (i * 50, (i + 1) * 50))",
  "        sums[i] = sum(json.loads(v)['n'] for (v,) in rows)",
  '        c.close()',
  '    threads = [threading.Thread(target=part, args=(i,)) for i in range(4)]',
  '    for t in threads: t.start()',
  '    for t in threads: t.join()',
  '    child = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"],',
  "                           input='from the parent', capture_output=True, text=True, check=True)",
  '    echo = subprocess.run(["sh", "-c", "echo $((6 * 7))"], capture_output=True, text=True, check=True)',
  '    # Closed and joined: leaving the block would otherwise SIGTERM the workers still alive, a',
  '    # race that a learning run may or may not see.',
  '    with multiprocessing.Pool(2) as pool:',
  '        squares = pool.map(square, range(20))',
  '        pool.close()',
  '        pool.join()',
  "    result = {'sums': sums, 'child': child.stdout.strip(), 'sh': echo.stdout.strip(), 'squares': squares}",
  "    with open('result.json', 'w') as f:",
  '        json.dump(result, f, sort_keys=True)',
  '    print(json.dumps(result, sort_keys=True))',
  '',
  "if __name__ == '__main__':",
  '    main()',
);

const NODE = lines(
  "import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';",
  "import { execFileSync, spawn } from 'node:child_process';",
  "import { writeFileSync } from 'node:fs';",
  '',
  'if (isMainThread) {',
  '  const sums = await Promise.all([0, 1].map((i) => new Promise((resolve, reject) => {',
  '    const w = new Worker(new URL(import.meta.url), { workerData: i });',
  "    w.on('message', resolve);",
  "    w.on('error', reject);",
  '  })));',
  "  const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(6 * 7))'], { encoding: 'utf8' });",
  '  const piped = await new Promise((resolve, reject) => {',
  "    const p = spawn('sh', ['-c', 'tr a-z A-Z'], { stdio: ['pipe', 'pipe', 'inherit'] });",
  "    let out = '';",
  "    p.stdout.setEncoding('utf8').on('data', (d) => (out += d));",
  "    p.on('error', reject);",
  "    p.on('close', (code) => resolve(`${out.trim()} ${code}`));",
  "    p.stdin.end('through a pipe');",
  '  });',
  '  const result = { sums, child, piped };',
  "  writeFileSync('result.json', JSON.stringify(result));",
  '  console.log(JSON.stringify(result));',
  '} else {',
  '  let s = 0;',
  '  for (let i = 0; i < 100000; i++) s += i % (workerData + 2);',
  '  parentPort.postMessage(s);',
  '}',
);

const BASH = lines(
  '#!/bin/bash',
  '# Pipelines, subshells, background jobs, mktemp, a here-string, process substitution.',
  'set -euo pipefail',
  'tmp=$(mktemp)',
  'dir=$(mktemp -d)',
  'seq 1 5000 | grep 7 | sort -r | sed -n \'1,3p\' >"$tmp"',
  '(cd "$dir" && printf "b\\na\\nc\\n" >list && sort list | tr a-z A-Z >sorted)',
  'count=$(wc -l <"$tmp")',
  'echo "lines: $count"',
  '(sleep 0.2; echo "late job" >"$dir/late") &',
  'late=$!',
  'for i in 1 2 3; do (echo "job $i" >"$dir/job$i") & done',
  'wait',
  'cat "$dir"/job* "$dir/late" "$dir/sorted"',
  'cat "$tmp"',
  'while read -r word; do echo "read: $word"; done < <(printf "x\\ny\\n")',
  'tr a-z A-Z <<<"here string"',
  'echo "piped" | cat /dev/stdin',
  'sum=0; for n in $(seq 1 100); do sum=$((sum + n)); done; echo "sum: $sum"',
  'rm -r "$tmp" "$dir"',
  'echo done >result.txt',
  'echo "to stderr" >&2',
);

const C_FILES = {
  'util.h': lines('int add(int, int);', 'int fib(int);', 'void show(const char *, int);'),
  'util.c': lines(
    '#include "util.h"',
    'int add(int a, int b) { return a + b; }',
    'int fib(int n) { return n < 2 ? n : add(fib(n - 1), fib(n - 2)); }',
  ),
  'show.c': lines(
    '#include <stdio.h>',
    '#include "util.h"',
    'void show(const char *what, int n) { printf("%s: %d\\n", what, n); }',
  ),
  'main.c': lines(
    '#include <stdlib.h>',
    '#include "util.h"',
    'int main(int argc, char *argv[]) {',
    '\tint n = argc > 1 ? atoi(argv[1]) : 10;',
    '\tshow("fib", fib(n));',
    '\tshow("sum", add(n, n));',
    '\treturn 0;',
    '}',
  ),
  Makefile: lines(
    'CC = cc',
    'CFLAGS = -O2 -Wall',
    'OBJS = main.o util.o show.o',
    '',
    'check: prog',
    '\t./prog 20 >result.txt',
    '\tcat result.txt',
    '',
    'prog: $(OBJS)',
    '\t$(CC) -o $@ $(OBJS)',
    '',
    '%.o: %.c util.h',
    '\t$(CC) $(CFLAGS) -c $<',
  ),
};

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Real Programs',
  GIT_AUTHOR_EMAIL: 'real@example.org',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'Real Programs',
  GIT_COMMITTER_EMAIL: 'real@example.org',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
};

function writeTree(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** The tarball `tar xzf` unpacks: directories, an executable, a link, an empty directory. */
function tarball(work, scratch) {
  const stage = join(scratch, 'stage');
  rmSync(stage, { recursive: true, force: true });
  writeTree(stage, {
    'pkg/README': 'a package\n',
    'pkg/src/main.c': C_FILES['main.c'],
    'pkg/src/util.c': C_FILES['util.c'],
    'pkg/data/words.txt': words(20000, 7),
    'pkg/bin/run': '#!/bin/sh\necho run\n',
  });
  chmodSync(join(stage, 'pkg/bin/run'), 0o755);
  mkdirSync(join(stage, 'pkg/empty'));
  symlinkSync('src/main.c', join(stage, 'pkg/main.c'));
  const made = spawnSync(
    programPath('tar'),
    [
      '--sort=name',
      '--mtime=@1767225600',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-czf',
      join(work, 'pkg.tar.gz'),
      '-C',
      stage,
      'pkg',
    ],
    { encoding: 'utf8', env: { PATH } },
  );
  if (made.status !== 0) throw new Error(`making the tarball: ${made.stderr}`);
  rmSync(stage, { recursive: true, force: true });
}

/**
 * The programs. Each: `needs` (the programs it runs, found by programPath), `fixture(work,
 * scratch)` writing its files into the fresh working directory, `kept` files written there once
 * and left unchanged between runs ({ name: { text, mode } }), `steps(paths)` the command
 * lines run one after another in it (each under sysgate on its own, as a user types them),
 * `env` added to the common environment, `volatile` files whose content differs between two
 * native runs (compared by kind and mode only).
 */
export const programs = [
  {
    name: 'python3: json, sqlite3, threading, subprocess, multiprocessing',
    id: 'python3',
    needs: ['python3', 'sh'],
    fixture: (work) => writeTree(work, { 'main.py': PYTHON }),
    steps: (p) => [[p.python3, 'main.py']],
  },
  {
    name: 'node: worker_threads, child_process',
    id: 'node',
    needs: ['sh'],
    fixture: (work) => writeTree(work, { 'main.mjs': NODE }),
    steps: () => [[process.execPath, 'main.mjs']],
  },
  {
    name: 'git: init, add, commit, log',
    id: 'git',
    needs: ['git'],
    fixture: (work) =>
      writeTree(work, {
        'README.md': '# a project\n',
        'src/main.c': C_FILES['main.c'],
        'src/util.c': C_FILES['util.c'],
        'docs/notes.txt': words(200),
      }),
    steps: (p) => [
      [p.git, '-c', 'init.defaultBranch=main', 'init'],
      [p.git, 'add', '.'],
      [p.git, 'commit', '-m', 'first commit'],
      [p.git, 'log', '--stat'],
    ],
    env: GIT_ENV,
    // The index holds the files' inode numbers and times.
    volatile: ['work/.git/index'],
  },
  {
    name: 'make with gcc: a multi-file C project',
    id: 'make',
    needs: ['make', 'cc'],
    fixture: (work) => writeTree(work, C_FILES),
    steps: (p) => [[p.make]],
  },
  {
    name: 'bash: pipelines, subshells, background jobs, mktemp',
    id: 'bash',
    needs: ['bash', 'mktemp', 'seq', 'grep', 'sort', 'sed', 'tr', 'wc', 'sleep', 'cat'],
    fixture: () => {},
    // The command itself is a plan's input: a script written again for every run would never
    // start from its plan, as the same script run again by a user does.
    kept: { 'script.sh': { text: BASH, mode: 0o755 } },
    steps: () => [['./script.sh']],
  },
  {
    name: 'sort -S 64k: a few MB through temporary files',
    id: 'sort',
    needs: ['sort'],
    fixture: (work) => writeTree(work, { 'input.txt': words(250000) }),
    steps: (p) => [[p.sort, '-S', '64k', '-o', 'sorted.txt', 'input.txt']],
  },
  {
    name: 'tar xzf',
    id: 'tar',
    needs: ['tar', 'gzip'],
    fixture: tarball,
    steps: (p) => [[p.tar, 'xzf', 'pkg.tar.gz']],
  },
];

/** Every program the suite runs, by absolute path; names missing from this machine are left out. */
export function programPaths() {
  const names = new Set(['python3', ...programs.flatMap((p) => p.needs)]);
  return Object.fromEntries([...names].map((n) => [n, programPath(n)]));
}

/** What a program needs that this machine lacks (.ci/run installs it). */
export const missing = (program, paths = programPaths()) =>
  program.needs.filter((n) => paths[n] === null);
