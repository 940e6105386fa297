// `sysgate -a -K`: the run's policies, as far as the kernel can enforce them, handed to the
// kernel (common/policy/kernel-plan.ts, core/kernel/landlock-rules.ts), and what the run is
// told about it: which rules the kernel enforces, what it does differently, which calls are not
// restricted at all in this mode. A policy the kernel cannot enforce is refused, rule by rule.
//
// Landlock's rules are imposed once, before the command runs, and outlive execve: they must
// hold for every program of the run. So the kernel takes the file rules of the command's policy
// and of every program that policy lets it run (`execve` rules naming a program), followed
// from policy to policy; each program then may open what any of them grants, while every call
// the kernel does not decide is still decided by the program's own policy.

import { existsSync, realpathSync } from 'node:fs';

import {
  KERNEL_OPEN_CALLS,
  KERNEL_READ_OPENS,
  KERNEL_UNRESTRICTED_CALLS,
  type KernelGrant,
  type KernelPlace,
} from '../../common/policy/kernel-plan.js';
import {
  KernelPlanError,
  LANDLOCK_HANDLED,
  landlockRules,
  runBeneath,
  unsureGrants,
  withoutCovered,
  type LandlockRule,
} from './landlock-rules.js';
import { scriptInterpreterOf } from './interpreter.js';
import type { PolicySource, SessionPolicy } from '../runs/policy-source.js';
import type { KernelSetup } from '../supervisor/supervisor.js';
import { NO_NOTES, type InputNotes } from '../run-plan/inputs.js';

/** Notes shown in full; the rest are counted. */
const NOTES_SHOWN = 8;
/**
 * Calls the filter allows besides its baseline, at most: each is one instruction, and a
 * classic BPF jump reaches 255 instructions (native/filter.c).
 */
const ALLOW_MAX = 96;
/** Policies followed through execve rules; a run that reaches more is refused. */
const POLICIES_MAX = 64;

export type KernelMode =
  { ok: true; kernel: KernelSetup; report: string[] } | { ok: false; errors: string[] };

/** With `inherit` (-i) every program of the run keeps the command's policy, and so its rules. */
export async function kernelMode(
  first: SessionPolicy,
  policies: PolicySource,
  inherit: boolean,
  /** Told of every file on disk the kernel's rules were made from (a run plan checks them). */
  inputs: InputNotes = NO_NOTES,
): Promise<KernelMode> {
  const run = inherit ? [first] : await policiesOfRun(first, policies, inputs);
  if (typeof run === 'string') return { ok: false, errors: [run] };
  const errors: string[] = [];
  // By message: the same note from several policies is said once, with where it is first.
  const notes = new Map<string, { at: string; more: number }>();
  const rules = new Map<string, LandlockRule>();
  const everyGrant = run.flatMap((policy) => policy.kernel!.grants);
  // What Landlock cannot grant as the rules say (below): known before any rule is made, as
  // the reading ones are then left out of the kernel's rules.
  const unsure = unsureGrants(everyGrant);
  const opensInKernel = unsure.length === 0;
  // With every open decided by the supervisor, a read grant Landlock could not keep to its
  // name (the file replaced, or moved to a name no rule lets be read) is no use to the kernel,
  // and would let a reading open left to it (`reads=exact`, below) reach that file: left out,
  // the kernel refuses more, never less. The supervisor performs what the policy permits there.
  const unsureReads = new Set(
    opensInKernel ? [] : unsure.filter((u) => u.grant.access === 'read').map((u) => u.grant),
  );
  const placeOf = new Map<KernelGrant, string>();
  let inKernel: string[] | null = null;
  let grants = 0;
  for (const policy of run) {
    const plan = policy.kernel!;
    const at = placeIn(policy);
    for (const r of plan.refusals)
      errors.push(`${at(r)}error: -K cannot enforce this rule: ${r.message}`);
    if (plan.refusals.length > 0) continue;
    let made;
    try {
      made = landlockRules(
        { ...plan, grants: plan.grants.filter((g) => !unsureReads.has(g)) },
        inputs,
        { opensSupervised: !opensInKernel },
      );
    } catch (e) {
      if (!(e instanceof KernelPlanError)) throw e;
      errors.push(`${policy.origin?.path ?? policy.program}:${e.message}`);
      continue;
    }
    grants += plan.grants.length;
    for (const grant of plan.grants) placeOf.set(grant, at(grant));
    for (const n of made.notes) {
      const known = notes.get(n.message);
      if (known) known.more++;
      else notes.set(n.message, { at: at(n), more: 0 });
    }
    for (const rule of made.rules) addRule(rules, rule);
    // The filter is one for the whole run: a call runs in the kernel only where every
    // policy of the run lets it through unconditionally.
    inKernel =
      inKernel === null ? plan.inKernel : inKernel.filter((c) => plan.inKernel.includes(c));
  }
  if (errors.length > 0) {
    errors.push(`-K: the kernel cannot enforce this run's policies as written; run without -K`);
    return { ok: false, errors };
  }
  // What Landlock cannot grant as the rules say: reading it stays with the supervisor, and so
  // must every open (the filter cannot tell names apart); a program is run beneath its
  // directory, its execve still decided and checked by the supervisor.
  for (const { grant, anyName } of unsure) {
    if (grant.access !== 'execute' || grant.match) continue;
    // A program that exists and that no rule names may keep its own grant: were it replaced
    // after all, the kernel would refuse to run the new file, never run another.
    if (anyName && exists(grant.path, inputs)) continue;
    const beneath = runBeneath(grant, inputs);
    if (beneath !== null) addRule(rules, beneath);
  }
  // A rule that may change any name says most; else the first name a write rule names.
  const reason = unsure.find((u) => u.anyName) ?? unsure[0]!;
  // Programs an execve rule lets run without naming them have policies no one read: no call
  // their policies might decide otherwise may pass the filter, only what the kernel decides.
  const unnamed = !inherit && run.some((p) => p.kernel!.runsUnnamed);
  // A program the run may build was not there to be followed: its policy, read only when it
  // runs, may decide otherwise than the filter would let through. Held as unnamed ones are.
  const built = unsure
    .filter(({ grant }) => grant.access === 'execute' && !grant.match)
    .map(({ grant }) => grant.path)
    .filter((path) => !run.some((p) => p.program === path));
  const unread = !inherit && built.length > 0;
  // Every open goes to the supervisor; one that only reads, that the policy permits, of a name
  // the kernel's rules grant, may then be left to the kernel (native/decide.c, kernel_reads):
  // should another thread rewrite the name after the decision, Landlock decides the name the
  // kernel reads, as it decides a reading open the filter lets through. So only when its rules
  // grant reading nothing a reading open in the kernel could not reach anyway: no program's
  // grant that the run may change (its file moved elsewhere, or a whole directory granted to
  // run what the run builds), nor one for programs execve rules do not name.
  const readsExact =
    !opensInKernel && !unnamed && unsure.every(({ grant }) => grant.access === 'read');
  const families = [...KERNEL_OPEN_CALLS, ...KERNEL_UNRESTRICTED_CALLS];
  const permitted =
    unnamed || unread ? [] : (inKernel ?? []).filter((call) => !families.includes(call));
  const kernelFamilies = [
    ...(opensInKernel ? KERNEL_READ_OPENS : []),
    ...KERNEL_UNRESTRICTED_CALLS,
  ];
  // The filter has room for so many: the rest stay with the supervisor, decided as before.
  const allow = [...kernelFamilies.filter((call) => inKernel?.includes(call)), ...permitted].slice(
    0,
    ALLOW_MAX,
  );
  // Once for the run: a directory one policy grants covers the names of another's rules too.
  const kernelRules = withoutCovered([...rules.values()]);
  const others = run.slice(1).map((p) => p.program);
  const report = [
    `-K: the kernel enforces the file rules of ${first.program}` +
      (others.length > 0
        ? ` and of the ${others.length === 1 ? 'program' : `${others.length} programs`} it may run (${others.join(', ')})`
        : '') +
      ` (${grants} rules, ${kernelRules.rules.length} Landlock grants${
        kernelRules.covered > 0 ? `; ${kernelRules.covered} more are beneath a directory grant` : ''
      }): ${
        opensInKernel ? 'opening files to read, listing directories and ' : ''
      }running programs; what they do not grant fails with EACCES and is not logged`,
    opensInKernel
      ? '-K: opening to write, create or truncate, and creating, removing or renaming names, are decided by the supervisor'
      : `-K: every open is decided by the supervisor, as Landlock cannot grant a name the run may create, replace or move: ${reason.why} (${(placeOf.get(reason.by) ?? '?').replace(/: $/, '')})${
          reason.anyName || unsure.length === 1 ? '' : `, and ${unsure.length - 1} more such names`
        }${
          readsExact
            ? '; an open for reading that it permits, of a name the kernel grants, is left to the kernel'
            : ''
        }`,
    `-K: not restricted in this mode: ${KERNEL_UNRESTRICTED_CALLS.join(', ')}`,
    ...(unnamed
      ? [
          '-K: programs that execve rules do not name one by one (match, or any) are held to these file rules, not their own; every call but the open and stat families is decided by the supervisor',
        ]
      : []),
    ...(unread && !unnamed
      ? [
          `-K: ${built.join(', ')}, which the run may build and run, ${built.length === 1 ? 'has a policy' : 'have policies'} that could not be read at the start: every call but the open and stat families is decided by the supervisor`,
        ]
      : []),
    ...(others.length > 0
      ? [
          "-K: each of these programs may open what any of their policies grants; the supervisor decides every other call by the program's own policy",
        ]
      : []),
    ...[...notes]
      .slice(0, NOTES_SHOWN)
      .map(([message, { at, more }]) =>
        more > 0 ? `${at}note: ${message} (and ${more} more)` : `${at}note: ${message}`,
      ),
    ...(notes.size > NOTES_SHOWN ? [`-K: and ${notes.size - NOTES_SHOWN} more notes`] : []),
  ];
  return {
    ok: true,
    kernel: {
      handled: LANDLOCK_HANDLED,
      allow,
      rules: kernelRules.rules,
      ...(readsExact ? { readsExact } : {}),
    },
    report,
  };
}

/** The command's policy and those its execve rules lead to, each once; or why not. */
async function policiesOfRun(
  first: SessionPolicy,
  policies: PolicySource,
  inputs: InputNotes,
): Promise<SessionPolicy[] | string> {
  const run = new Map([[first.program, first]]);
  const queue = [first];
  for (let policy = queue.shift(); policy !== undefined; policy = queue.shift()) {
    for (const program of programsOf(policy, inputs)) {
      // A learned policy also names the programs a shell or execvp only tried (PATH lookups).
      if (run.has(program)) continue;
      inputs.noteExists(program);
      if (!existsSync(program)) continue;
      if (run.size === POLICIES_MAX)
        return `-K: the run may execute more than ${POLICIES_MAX} programs; run without -K`;
      let next: SessionPolicy;
      try {
        next = await policies.policyFor(program);
      } catch (e) {
        return `-K: ${program}, which ${policy.program} may run: ${(e as Error).message}`;
      }
      run.set(program, next);
      queue.push(next);
    }
  }
  return [...run.values()];
}

/**
 * The programs a policy lets run, and the interpreters of those that are scripts: what the
 * process is after the exec (its `/proc/PID/exe`), and so whose policy decides its calls.
 */
function programsOf(policy: SessionPolicy, inputs: InputNotes): string[] {
  const programs = [policy.program, ...(policy.kernel?.programs ?? [])];
  const found: string[] = [];
  for (const program of programs) {
    // An interpreter is named as the script says (/bin/sh for /usr/bin/dash); the supervisor
    // names the process's policy by where the program really is, as execve rules name it.
    for (
      let name: string | null = program;
      name !== null;
      name = scriptInterpreterOf(name, inputs)
    ) {
      if (name !== program) name = realName(name, inputs);
      if (found.includes(name)) break;
      found.push(name);
    }
  }
  return found.filter((name) => name !== policy.program);
}

/** Whether something is at `path`, noted for the run's plan. */
function exists(path: string, inputs: InputNotes): boolean {
  inputs.noteExists(path);
  return existsSync(path);
}

function realName(path: string, inputs: InputNotes): string {
  inputs.note(path);
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function addRule(rules: Map<string, LandlockRule>, rule: LandlockRule): void {
  const known = rules.get(rule.path);
  rules.set(
    rule.path,
    known ? { ...rule, file: known.file | rule.file, dir: known.dir | rule.dir } : rule,
  );
}

function placeIn(policy: SessionPolicy): (n: KernelPlace) => string {
  const source = policy.origin?.path ?? policy.program;
  return (n) => (n.line > 0 ? `${source}:${n.line}:${n.col}: ` : `${source}: `);
}
