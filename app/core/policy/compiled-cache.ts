// Compiled policies kept between runs of the command line. Parsing and compiling a learned policy
// of thousands of rules takes a run 100-150 ms before the program may start, often longer than
// the program itself runs, while the policy's text rarely changes from one run to the next.
//
// An entry is named by a hash of everything its compiled form depends on: the policy's text and
// name, the macros, the options, the accounts files that user and group names resolve through,
// and the build of sysgate that compiled it. A changed input is therefore another entry, never a
// stale one. A planted entry would be a planted policy, so an entry is trusted as a policy file
// is (policy/store.ts): a regular file, owned by this user or root, writable by no one else, in a
// directory of this user's. Anything wrong with the cache costs a compile, never a decision.

import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { KernelPlan } from '../../common/policy/kernel-plan.js';
import type { Macros } from '../../common/policy/request.js';
import { packagePath } from '../package-paths.js';
import { fileIdentity } from '../run-plan/inputs.js';
import { distrustPolicyFile } from './store.js';

/** What a run needs of a compiled policy. */
export interface CompiledPolicy {
  /** The form the supervisor reads (common/policy/compile.ts). */
  compiled: string;
  /** Rules the supervisor will not see, and why. */
  problems: string[];
  /** How many rules the policy's section has (systrace's `filters:` in a log line). */
  filters: number;
  /** What the kernel can enforce of it (`-K`), when that was asked for. */
  kernel?: KernelPlan;
}

/** Everything a compiled policy depends on. */
export interface CompileInputs {
  program: string;
  /** The file the text was read from, which names the text's diagnostics; null for none. */
  path: string | null;
  text: string;
  macros: Macros;
  noAliases: boolean;
  /** Whether the kernel plan is wanted too. */
  kernel: boolean;
}

/** Entries kept: enough for every program a user runs often, few enough to list at once. */
const MAX_ENTRIES = 256;

/** `$XDG_CACHE_HOME/sysgate/NAME`, or `~/.cache/sysgate/NAME`. */
export function sysgateCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'sysgate', name);
}

/** `$XDG_CACHE_HOME/sysgate/compiled`, or `~/.cache/sysgate/compiled`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return sysgateCacheDir('compiled', env);
}

export class CompiledPolicyCache {
  private readonly uid = process.getuid?.() ?? 0;

  constructor(
    readonly dir: string = defaultCacheDir(),
    /** Names this build of sysgate: the entries of another build are never used. */
    private readonly build: string = buildIdentity(),
  ) {}

  /** The name of the entry for these inputs. */
  keyOf(inputs: CompileInputs): string {
    const hash = createHash('sha256');
    const field = (value: string) => hash.update(`${value.length}:${value}`);
    field(this.build);
    field(process.arch);
    field(inputs.program);
    field(inputs.path ?? '');
    field(JSON.stringify(Object.entries(inputs.macros).sort()));
    field(inputs.noAliases ? 'no-aliases' : 'aliases');
    field(inputs.kernel ? 'kernel' : '');
    for (const accounts of ['/etc/passwd', '/etc/group'])
      field(fileIdentity(accounts) ?? 'unknown');
    field(inputs.text);
    return hash.digest('hex');
  }

  /** The entry named `key`, or null when there is none to trust. */
  get(key: string): CompiledPolicy | null {
    let fd: number;
    try {
      fd = openSync(join(this.dir, key), constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    try {
      if (distrustPolicyFile(fstatSync(fd), this.uid) !== null) return null;
      return parseEntry(readFileSync(fd, 'utf8'));
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /** Keeps `policy` as the entry `key`; a cache that cannot be written is no cache. */
  put(key: string, policy: CompiledPolicy): void {
    const temp = join(this.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(temp, JSON.stringify(policy), { mode: 0o600, flag: 'wx' });
      renameSync(temp, join(this.dir, key));
      keepNewest(this.dir, /^[0-9a-f]{64}$/, MAX_ENTRIES);
    } catch {
      try {
        unlinkSync(temp);
      } catch {
        // Never written.
      }
    }
  }
}

/** Removes the oldest of the entries of `dir` named like `names`, beyond the newest `max`. */
export function keepNewest(dir: string, names: RegExp, max: number): void {
  const entries = readdirSync(dir).filter((n) => names.test(n));
  if (entries.length <= max) return;
  const byAge = entries
    .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, entries.length - max)) unlinkSync(join(dir, name));
}

function parseEntry(text: string): CompiledPolicy | null {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) return null;
  const { compiled, problems, filters, kernel } = value as Record<string, unknown>;
  if (typeof compiled !== 'string' || typeof filters !== 'number') return null;
  if (!Array.isArray(problems) || !problems.every((p) => typeof p === 'string')) return null;
  if (kernel === undefined) return { compiled, problems, filters };
  return isKernelPlan(kernel) ? { compiled, problems, filters, kernel } : null;
}

function isKernelPlan(value: unknown): value is KernelPlan {
  if (typeof value !== 'object' || value === null) return false;
  const plan = value as Record<string, unknown>;
  return (
    ['grants', 'refusals', 'notes', 'inKernel', 'programs'].every((k) => Array.isArray(plan[k])) &&
    typeof plan['runsUnnamed'] === 'boolean'
  );
}

/**
 * This build of sysgate: the identity of its compiler's output files. `npm run build` rewrites
 * them, so a rebuilt compiler never reads what an older one wrote.
 */
function buildIdentity(): string {
  return [
    'build/app/common/policy/compile.js',
    'build/app/common/calls/index.js',
    'build/app/common/policy/parser.js',
    'build/app/common/policy/kernel-plan.js',
  ]
    .map((file) => fileIdentity(packagePath(file)) ?? 'unknown')
    .join('|');
}
