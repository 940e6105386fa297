// The policy files on disk (DESIGN §3), after systrace's policy.c: where a program's policy is
// found, how a file is read without trusting what others could have written, and where an edited
// policy goes (always the user's directory, so an edited system policy becomes the user's copy).

import { randomBytes } from 'node:crypto';
import { constants, statSync, type Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, realpath, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';

import { sectionsOf } from '../../common/policy/ast.js';
import type { Header, PolicyFile } from '../../common/policy/ast.js';
import type { Diagnostic } from '../../common/policy/diagnostics.js';
import { parsePolicy } from '../../common/policy/parser.js';
import { NO_NOTES, type InputNotes } from '../run-plan/inputs.js';
import { isPolicyName, policyFileName } from './naming.js';
import { PolicyWatch, type PolicyChange } from './watch.js';
import { isMissing } from '../missing.js';
import { systemPolicyDir } from '../system-places.js';

export type { PolicyChange } from './watch.js';

/** Every failure of the store; the message names the file. */
export class PolicyStoreError extends Error {
  override name = 'PolicyStoreError';
}

/** Where an applicable policy came from: `-f FILE`, the user's directory, the system's. */
export type PolicyOrigin = 'file' | 'user' | 'system';

export interface PolicyStoreOptions {
  /** System policies. Default `/etc/sysgate/policies` (core/system-places.ts). */
  systemDir?: string;
  /** `-d DIR`: replaces the user's directory, read from and written to. */
  userDir?: string;
  /** For the default user directory. Default: the current user's home. */
  home?: string;
  /** For `XDG_CONFIG_HOME`. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** `-f FILE`: extra policy files, looked up before the directories. */
  files?: string[];
  /** `-U`: system policies only; the user's directory is not read. */
  systemOnly?: boolean;
  /** The checkout's `policies/` folder: offered as templates, never applied on its own. */
  shippedDir?: string | null;
  /** Whose files are trusted besides root's. Default: the current user. */
  uid?: number;
  /** How long `watch` lets a burst of events settle before reporting. Default 100 ms. */
  watchDebounceMs?: number;
  /** Told of every file and folder a lookup reads (a run plan checks them). Default: none. */
  inputs?: InputNotes;
}

export interface PolicyLookup {
  path: string;
  origin: PolicyOrigin;
  /** Why this file applies, in the user's words. */
  reason: string;
}

/** What listing a file needs of its text: its headers and its first error. */
interface Outline {
  text: string;
  problem: string | null;
  headers: Header[];
}

export interface LoadedPolicy {
  path: string;
  text: string;
  file: PolicyFile;
  diagnostics: Diagnostic[];
}

export interface PolicyListing {
  /** From the file's header: `Policy:` or `Template:`. */
  kind: 'policy' | 'template';
  origin: PolicyOrigin | 'shipped';
  path: string;
  /** The header's first field: the program of a policy, the name of a template. */
  name: string | null;
  description: string | null;
  /** Why the file cannot be used (refused, unreadable, no header, a syntax error), or null. */
  problem: string | null;
}

interface Place {
  dir: string;
  origin: PolicyListing['origin'];
  kind: PolicyListing['kind'];
}

export class PolicyStore {
  readonly systemDir: string;
  readonly userDir: string;
  readonly files: readonly string[];
  readonly systemOnly: boolean;
  readonly shippedDir: string | null;
  private readonly uid: number;
  private readonly debounceMs: number;
  private readonly inputs: InputNotes;
  private readonly watches = new Set<PolicyWatch>();
  /** Each file's outline, with the text it was made of (outlineOf). */
  private readonly outlines = new Map<string, Outline>();

  constructor(options: PolicyStoreOptions = {}) {
    this.systemDir = options.systemDir ?? systemPolicyDir();
    this.userDir =
      options.userDir ?? defaultUserDir(options.env ?? process.env, options.home ?? homedir());
    this.files = options.files ?? [];
    this.systemOnly = options.systemOnly ?? false;
    this.shippedDir = options.shippedDir ?? null;
    this.uid = options.uid ?? process.getuid?.() ?? -1;
    this.debounceMs = options.watchDebounceMs ?? 100;
    this.inputs = options.inputs ?? NO_NOTES;
  }

  /** Which file holds the policy of `executablePath`, and why; null when there is none. */
  async lookup(executablePath: string): Promise<PolicyLookup | null> {
    const name = policyFileName(executablePath);
    const program = posix.normalize(executablePath);
    const candidates: Array<{ path: string; origin: PolicyOrigin }> = this.files.map((path) => ({
      path,
      origin: 'file',
    }));
    if (!this.systemOnly) candidates.push({ path: join(this.userDir, name), origin: 'user' });
    candidates.push({ path: join(this.systemDir, name), origin: 'system' });

    const found: typeof candidates = [];
    const notes: string[] = [];
    for (const candidate of candidates) {
      const programs = await this.programsIn(candidate.path, candidate.origin === 'file');
      if (programs === null) continue;
      if (programs.includes(program)) found.push(candidate);
      else if (candidate.origin !== 'file')
        notes.push(`${candidate.path} is not used: ${namesOther(programs)}`);
    }
    const [chosen, ...overridden] = found;
    if (chosen === undefined) return null;
    let reason = describeOrigin(chosen.origin, chosen.path, program);
    if (overridden.length > 0) {
      reason += ` (overrides ${overridden.map((o) => `the ${describeOrigin(o.origin, o.path, program)}`).join(' and ')})`;
    }
    if (this.systemOnly) notes.push('user policies are not read (-U)');
    return { ...chosen, reason: [reason, ...notes].join('; ') };
  }

  /** Reads and parses a policy file, refusing one that someone other than its owner could have written. */
  async load(path: string): Promise<LoadedPolicy> {
    const text = await this.read(path);
    const { file, diagnostics } = parsePolicy(text, path);
    return { path, text, file, diagnostics };
  }

  /**
   * Writes a policy to the user's directory, whatever directory it was read from, and returns the
   * path written. `nameOrProgram` is a program's absolute path or a policy file name (`usr_bin_ls`).
   */
  async save(nameOrProgram: string, text: string): Promise<string> {
    const name = nameOrProgram.startsWith('/')
      ? policyFileName(nameOrProgram)
      : checkedName(nameOrProgram);
    const path = join(this.userDir, name);
    if (nameOrProgram.startsWith('/'))
      await this.refuseOverwritingAnother(path, posix.normalize(nameOrProgram));
    // Before the file changes, so that no watcher mistakes this save for someone else's.
    for (const w of this.watches) w.expect(path, text);
    const temp = join(this.userDir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(this.userDir, { recursive: true, mode: 0o700 });
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
      await syncDirectory(this.userDir);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw new PolicyStoreError(`cannot save ${path}: ${describeError(e)}`);
    }
    return path;
  }

  // `/usr/bin/a-b` and `/usr/bin/a_b` share a file name: saving one must not destroy the other.
  private async refuseOverwritingAnother(path: string, program: string): Promise<void> {
    const programs = await this.programsIn(path, false);
    if (programs !== null && programs.length > 0 && !programs.includes(program)) {
      throw new PolicyStoreError(
        `refusing to overwrite ${path}: ${namesOther(programs)}, not ${program}`,
      );
    }
  }

  /** Every policy and template the store knows, policies first, each with where it comes from. */
  async list(): Promise<PolicyListing[]> {
    const policies: PolicyListing[] = [];
    for (const path of this.files)
      policies.push(...(await this.describeFile(path, 'file', 'policy')));
    for (const place of this.policyPlaces()) policies.push(...(await this.describeDir(place)));
    return [...policies, ...(await this.templates())];
  }

  /**
   * The listings of one file, as `list` would give them, without reading every other file; null
   * when `path` is not where the store keeps policies or templates.
   */
  async describe(path: string): Promise<PolicyListing[] | null> {
    if (this.files.includes(path)) return this.describeFile(path, 'file', 'policy');
    const place = [...this.policyPlaces(), ...this.templatePlaces()].find(
      (p) => p.dir === dirname(path),
    );
    if (place === undefined || !isPolicyName(posix.basename(path))) return null;
    return this.describeFile(path, place.origin, place.kind);
  }

  /** Files to start a policy from: the `templates/` folders and the policies shipped with sysgate. */
  async templates(): Promise<PolicyListing[]> {
    const listings: PolicyListing[] = [];
    for (const place of this.templatePlaces()) listings.push(...(await this.describeDir(place)));
    return listings;
  }

  /**
   * The template called `name` (its `Template:` header), the user's before the system's before
   * the one shipped with sysgate; null when there is none.
   */
  async template(name: string): Promise<LoadedPolicy | null> {
    const found = (await this.templates()).find(
      (t) => t.kind === 'template' && t.name === name && t.problem === null,
    );
    return found === undefined ? null : this.load(found.path);
  }

  /**
   * Reports changes made to the policy files by anyone but this store, a moment after they
   * settle. Directories that do not exist yet are noticed when they are created. Returns the
   * function that stops watching.
   */
  watch(onChange: (change: PolicyChange) => void): () => void {
    const targets = new Map<string, Set<string> | null>();
    for (const place of [...this.policyPlaces(), ...this.templatePlaces()])
      targets.set(place.dir, null);
    for (const file of this.files) {
      const names = targets.get(dirname(file));
      if (names === null) continue;
      targets.set(dirname(file), new Set([...(names ?? []), posix.basename(file)]));
    }
    const w = new PolicyWatch(targets, this.debounceMs, onChange);
    this.watches.add(w);
    return () => {
      this.watches.delete(w);
      w.close();
    };
  }

  private policyPlaces(): Place[] {
    const places: Place[] = [];
    if (!this.systemOnly) places.push({ dir: this.userDir, origin: 'user', kind: 'policy' });
    places.push({ dir: this.systemDir, origin: 'system', kind: 'policy' });
    return places;
  }

  private templatePlaces(): Place[] {
    const places = this.policyPlaces().map((p): Place => ({
      ...p,
      dir: join(p.dir, 'templates'),
      kind: 'template',
    }));
    if (this.shippedDir !== null) {
      places.push({ dir: join(this.shippedDir, 'templates'), origin: 'shipped', kind: 'template' });
      places.push({ dir: this.shippedDir, origin: 'shipped', kind: 'template' });
    }
    return places;
  }

  /** The programs named by the file's `Policy:` headers; null when there is no such file. */
  private async programsIn(path: string, mustExist: boolean): Promise<string[] | null> {
    let text: string;
    this.inputs.note(path);
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (!mustExist && isMissing(e)) return null;
      throw new PolicyStoreError(`cannot read ${path}: ${describeError(e)}`);
    }
    // Only the headers matter here, and a learned policy can have thousands of rules.
    const headers = text
      .split('\n')
      .filter((line) => /^\s*Policy\s*:/.test(line))
      .join('\n');
    return sectionsOf(parsePolicy(headers, path).file).flatMap((s) =>
      s.header?.type === 'Policy' ? [posix.normalize(s.header.name)] : [],
    );
  }

  /** The text of a policy file, read as `load` reads it, not parsed. */
  async read(path: string): Promise<string> {
    let target: string;
    this.inputs.note(path);
    try {
      target = await realpath(path);
    } catch (e) {
      throw new PolicyStoreError(`cannot read ${path}: ${describeError(e)}`);
    }
    this.inputs.note(target);
    const shown = target === path ? path : `${path} (-> ${target})`;
    const directory = await distrustDirectories(path, target, this.uid, this.inputs);
    if (directory !== null) throw new PolicyStoreError(`refusing ${shown}: ${directory}`);
    // The checks are made on the open descriptor, so the file checked is the file read.
    // O_NONBLOCK: a FIFO put in place of a policy must not hang the open.
    let handle;
    try {
      handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new PolicyStoreError(`cannot read ${shown}: ${describeError(e)}`);
    }
    try {
      const problem = distrustPolicyFile(await handle.stat(), this.uid);
      if (problem !== null) throw new PolicyStoreError(`refusing ${shown}: ${problem}`);
      return await handle.readFile('utf8');
    } catch (e) {
      if (e instanceof PolicyStoreError) throw e;
      throw new PolicyStoreError(`cannot read ${shown}: ${describeError(e)}`);
    } finally {
      await handle.close();
    }
  }

  private async describeDir(place: Place): Promise<PolicyListing[]> {
    let names: string[];
    this.inputs.note(place.dir);
    try {
      const entries = await readdir(place.dir, { withFileTypes: true });
      names = entries
        .filter((e) => !e.isDirectory() && isPolicyName(e.name))
        .map((e) => e.name)
        .sort();
    } catch (e) {
      if (isMissing(e)) return [];
      return [
        {
          ...unusable(place, place.dir),
          problem: `cannot read the directory: ${describeError(e)}`,
        },
      ];
    }
    const listings: PolicyListing[] = [];
    for (const name of names)
      listings.push(...(await this.describeFile(join(place.dir, name), place.origin, place.kind)));
    return listings;
  }

  /** One listing per header of the file, or one saying why the file cannot be used. */
  /**
   * The headers of a file's text and its first error. The window lists the policies often (each
   * change, each request for a file) and a learned policy has thousands of rules: the outline is
   * kept for each file and computed again only when its text changed.
   */
  private outlineOf(path: string, text: string): Outline {
    const kept = this.outlines.get(path);
    if (kept !== undefined && kept.text === text) return kept;
    const { file, diagnostics } = parsePolicy(text, path);
    const error = diagnostics.find((d) => d.severity === 'error');
    const outline = {
      text,
      problem: error ? `${error.span.start.line}:${error.span.start.col}: ${error.message}` : null,
      headers: sectionsOf(file).flatMap((s) => (s.header ? [s.header] : [])),
    };
    this.outlines.set(path, outline);
    return outline;
  }

  private async describeFile(
    path: string,
    origin: PolicyListing['origin'],
    kind: PolicyListing['kind'],
  ): Promise<PolicyListing[]> {
    const place = { dir: dirname(path), origin, kind };
    let text: string;
    try {
      text = await this.read(path);
    } catch (e) {
      return [{ ...unusable(place, path), problem: e instanceof Error ? e.message : String(e) }];
    }
    const { problem, headers } = this.outlineOf(path, text);
    if (headers.length === 0)
      return [{ ...unusable(place, path), problem: problem ?? 'no Policy: or Template: header' }];
    return headers.map((h) => ({
      kind: h.type === 'Policy' ? 'policy' : 'template',
      origin,
      path,
      name: h.name,
      description: h.fields.find((f) => f.key === 'Description')?.value ?? null,
      problem,
    }));
  }
}

/** `$XDG_CONFIG_HOME/sysgate/policies`, or `~/.config/sysgate/policies`. */
export function defaultUserDir(env: Record<string, string | undefined>, home: string): string {
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const config = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'sysgate', 'policies');
}

function describeOrigin(origin: PolicyOrigin, path: string, program: string): string {
  if (origin === 'file') return `policy for ${program} in ${path}, given with -f`;
  return `${origin} policy ${path}`;
}

function namesOther(programs: string[]): string {
  if (programs.length === 0) return 'it has no Policy: header';
  return `its header names ${programs.join(', ')}`;
}

function checkedName(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) {
    throw new PolicyStoreError(
      `"${name}" is not a policy name: give a program's absolute path or a name like usr_bin_ls`,
    );
  }
  return name;
}

function unusable(place: Place, path: string): PolicyListing {
  return {
    kind: place.kind,
    origin: place.origin,
    path,
    name: null,
    description: null,
    problem: null,
  };
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; some file systems refuse fsync on a directory, which is harmless.
  const handle = await open(dir, 'r');
  await handle.sync().catch(() => undefined);
  await handle.close();
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EACCES') return 'permission denied';
  return err.message ?? String(e);
}

/**
 * Why the directories a policy file is found through must not be trusted, or null: whoever may
 * write to one of them (its own directory, the one its name was given in, or any parent of
 * either) may replace the file, so each must be as trustworthy as the file itself.
 */
async function distrustDirectories(
  path: string,
  target: string,
  uid: number,
  inputs: InputNotes,
): Promise<string | null> {
  const dirs = new Set<string>();
  const addChain = (dir: string): void => {
    for (let d = dir; ; d = dirname(d)) {
      dirs.add(d);
      if (dirname(d) === d) break;
    }
  };
  addChain(dirname(resolve(path)));
  addChain(dirname(target));
  // A run plan holds while these two stay as they are (their mode and owner included). Their
  // parents are not noted, since their times change with every file made beside them: whoever
  // replaced a file through one of them changed the policy file's identity, which is noted.
  inputs.note(dirname(resolve(path)));
  inputs.note(dirname(target));
  try {
    addChain(await realpath(dirname(resolve(path))));
  } catch {
    // The file was read through it a moment ago; a directory gone since is refused below.
  }
  // The nearest first, so that the message names the directory that matters most.
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    let info: Stats;
    try {
      info = statSync(dir);
    } catch (e) {
      return `cannot check the directory ${dir}: ${describeError(e)}`;
    }
    const problem = distrustPolicyDirectory(info, uid);
    if (problem !== null) return `the directory ${dir} is ${problem}`;
  }
  return null;
}

/**
 * Why a directory with these attributes must not hold or lead to policies, or null: writable by
 * group or others without the sticky bit (which keeps others from replacing one's files, as in
 * /tmp), or owned by neither `uid` nor root.
 */
export function distrustPolicyDirectory(info: Stats, uid: number): string | null {
  if (!info.isDirectory()) return 'not a directory';
  const sticky = (info.mode & 0o1000) !== 0;
  const writers = [info.mode & 0o020 ? 'group' : '', info.mode & 0o002 ? 'others' : ''].filter(
    Boolean,
  );
  if (writers.length > 0 && !sticky) return `writable by ${writers.join(' and ')}`;
  if (info.uid !== uid && info.uid !== 0) {
    return uid === 0
      ? `owned by uid ${info.uid}, not by root`
      : `owned by uid ${info.uid}, neither you (uid ${uid}) nor root`;
  }
  return null;
}

/**
 * Why a file with these attributes must not be trusted as a policy, or null: anything but a
 * regular file, writable by group or others, owned by neither `uid` nor root, a file with a
 * second name (a hard link).
 */
export function distrustPolicyFile(info: Stats, uid: number): string | null {
  if (!info.isFile()) return 'not a regular file';
  const writers = [info.mode & 0o020 ? 'group' : '', info.mode & 0o002 ? 'others' : ''].filter(
    Boolean,
  );
  if (writers.length > 0) return `writable by ${writers.join(' and ')}`;
  if (info.uid !== uid && info.uid !== 0) {
    return uid === 0
      ? `owned by uid ${info.uid}, not by root`
      : `owned by uid ${info.uid}, neither you (uid ${uid}) nor root`;
  }
  // sysgate guards its own folders (core/own-files.ts), not another name of a file in them.
  if (info.nlink > 1)
    return `it has ${info.nlink} names (hard links), and another name may be changed`;
  return null;
}
