// `permit as user:group`: the one call a rule names, performed by a root supervisor with other
// credentials (DESIGN §8: the one deliberate exception to "never lend a privilege"). It must be
// exactly as wide as its rule, so it is refused wherever the supervisor could not keep it so:
// on a call the supervisor does not perform itself (the kernel would make it, with the
// program's credentials, or read the arguments again after the decision), on an action other
// than a plain permit, and when the supervisor is not root.

import { sectionsOf, type Elevation, type Filter, type PolicyFile } from './ast.js';
import { SourceLines, type Diagnostic } from './diagnostics.js';

/**
 * The calls a rule may elevate: those the supervisor performs on a copy of what it decided (the
 * open family on the resolved name, bind and connect on a copy of an IP socket with the address
 * read once).
 */
export const ELEVATED_CALLS: readonly string[] = [
  'open',
  'openat',
  'openat2',
  'creat',
  'bind',
  'connect',
];

const MAX_ID = 4294967295;

/** How `as`'s names become ids (the host's accounts). */
export interface ElevationResolvers {
  resolveUser?(name: string): number | undefined;
  resolveGroup?(name: string): number | undefined;
  /** The gid of a user's own group, for `as user` without a group. */
  resolveUserGroup?(name: string): number | undefined;
}

export interface ElevationOptions {
  /**
   * The uid the supervisor will run as: any but 0 refuses every `as`; undefined (the editor,
   * which cannot know who will run the program) checks the rest.
   */
  uid?: number;
  /** Resolves `as`'s names; a name it does not know is an error. Unchecked when absent. */
  resolveUser?(name: string): number | undefined;
  resolveGroup?(name: string): number | undefined;
}

/** `root:root`, `www-data`, `:staff`: an elevation as written. */
export function elevationText(elevation: Elevation): string {
  return (elevation.user ?? '') + (elevation.group !== null ? `:${elevation.group}` : '');
}

/** One message for a filter's elevation that cannot be honoured; null when it can. */
export function elevationProblem(filter: Filter, options: ElevationOptions): string | null {
  const elevation = filter.elevation;
  if (elevation === null) return null;
  const as = elevationText(elevation);
  if (filter.action.name !== 'permit') {
    return `only a permit can run a call as another user ("${filter.action.name} as ${as}")`;
  }
  if (filter.action.modifier !== null) {
    return `permit[${filter.action.modifier}] cannot run a call as another user: the rule must be exactly as wide as its call`;
  }
  if (!ELEVATED_CALLS.includes(filter.call)) {
    return `the supervisor cannot perform ${filter.call} for the program, so it cannot run it as ${as}; only ${ELEVATED_CALLS.join(', ')} can be`;
  }
  if (elevation.user === null) return `"as :${elevation.group}" needs a user: as USER:GROUP`;
  if (options.resolveUser !== undefined && options.resolveUser(elevation.user) === undefined) {
    return `there is no user "${elevation.user}" to run the call as`;
  }
  if (
    elevation.group !== null &&
    options.resolveGroup !== undefined &&
    options.resolveGroup(elevation.group) === undefined
  ) {
    return `there is no group "${elevation.group}" to run the call as`;
  }
  if (options.uid !== undefined && options.uid !== 0) {
    return `the supervisor runs as uid ${options.uid}, not root: it cannot run a call as ${as} (run sysgate as root, with -c USER:GROUP for the program)`;
  }
  return null;
}

/**
 * Every elevation of `file` that cannot be honoured, as errors at its `as`; `text` is the source,
 * or its lines.
 */
export function elevationDiagnostics(
  file: PolicyFile,
  text: string | readonly string[],
  options: ElevationOptions,
): Diagnostic[] {
  const lines = new SourceLines(text);
  const diagnostics: Diagnostic[] = [];
  for (const section of sectionsOf(file)) {
    for (const filter of section.filters) {
      const message = elevationProblem(filter, options);
      if (message === null) continue;
      const span = filter.elevation!.span;
      const lineText = lines.at(span.start.line).replace(/\r$/, '');
      diagnostics.push({ severity: 'error', message, source: file.source, span, lineText });
    }
  }
  return diagnostics;
}

/** The ids of `as user[:group]` (the user's own group when none is named), or why there are none. */
export function elevationIds(
  elevation: Elevation,
  options: ElevationResolvers,
): { uid: number; gid: number } | string {
  const uid = options.resolveUser?.(elevation.user!);
  if (uid === undefined || uid > MAX_ID) return `there is no user "${elevation.user}"`;
  const gid =
    elevation.group !== null
      ? options.resolveGroup?.(elevation.group)
      : options.resolveUserGroup?.(elevation.user!);
  if (gid === undefined || gid > MAX_ID) {
    return elevation.group !== null
      ? `there is no group "${elevation.group}"`
      : `user "${elevation.user}" has no group of its own: write as ${elevation.user}:GROUP`;
  }
  return { uid, gid };
}
