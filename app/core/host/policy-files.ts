// The policy files as the editor sees them: listed with what is in use, read with a version, and
// saved only when nobody changed the file since it was read. A save always writes the user's
// copy (systrace semantics), so an edited system policy becomes the user's own.

import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';

import type { PolicyDocument, PolicyFileInfo, SaveResult } from '../../common/contract.js';
import { formatDiagnostic } from '../../common/policy/diagnostics.js';
import { parsePolicy } from '../../common/policy/parser.js';
import { hostArch } from '../platform.js';
import { policyFileName } from '../policy/naming.js';
import type { PolicyListing, PolicyStore } from '../policy/store.js';
import { sectionOf } from '../runs/policy-source.js';
import { CommandError } from './endpoint.js';

export class PolicyFiles {
  constructor(
    private readonly store: PolicyStore,
    /** The paths of the files running sessions use. */
    private readonly inUse: () => ReadonlySet<string>,
  ) {}

  async list(): Promise<PolicyFileInfo[]> {
    const used = this.inUse();
    const effective = new Set<string>();
    return (await this.store.list()).map((listing) => {
      // The store lists the files in lookup order: the first policy for a program is the one used.
      const key = `${listing.kind}:${listing.name}`;
      const overridden = listing.name !== null && effective.has(key);
      if (listing.name !== null && listing.problem === null) effective.add(key);
      return { ...listing, inUse: used.has(listing.path), overridden };
    });
  }

  /** The listing of `path`; refuses a path that is not a policy file the store knows. */
  async listing(path: string): Promise<PolicyListing> {
    const found = (await this.store.describe(path))?.[0];
    if (found === undefined) throw new CommandError(`${path} is not a policy file sysgate knows`);
    return found;
  }

  async read(path: string): Promise<PolicyDocument> {
    const listing = await this.listing(path);
    // The text alone: the listing above has what the editor needs of its parse.
    const text = await this.store.read(path).catch((e: unknown) => {
      throw new CommandError((e as Error).message);
    });
    const name = listing.name ?? parsedName(text) ?? '';
    return {
      path,
      kind: listing.kind,
      origin: listing.origin,
      name,
      text,
      version: versionOf(text),
      savesTo:
        listing.kind === 'policy' && name.startsWith('/')
          ? join(this.store.userDir, policyFileName(name))
          : null,
      arch: hostArch(),
    };
  }

  /**
   * Writes `text` to the user's copy of the policy at `path`, unless the file (or a user's copy
   * made meanwhile) is no longer what the editor read: then nothing is written and the file as it
   * is now comes back, for the user to compare.
   */
  async save(path: string, text: string, version: string): Promise<SaveResult> {
    const current = await this.read(path);
    if (current.savesTo === null)
      throw new CommandError(`${path} is a template: it is read, not saved, by the editor`);
    const { file, diagnostics } = parsePolicy(text, current.savesTo);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) throw new CommandError(errors.map(formatDiagnostic).join('\n'));
    if (sectionOf(file, current.name) === undefined)
      throw new CommandError(`the text has no "Policy: ${current.name}" header any more`);
    if (current.version !== version) return { conflict: current };
    if (current.savesTo !== path) {
      const copy = await this.readIfThere(current.savesTo);
      if (copy !== null) return { conflict: copy };
    }
    try {
      await this.store.save(current.name, text);
    } catch (e) {
      throw new CommandError((e as Error).message);
    }
    return { saved: await this.read(current.savesTo) };
  }

  /** The file at `path` as it is now, or null when there is none. */
  private async readIfThere(path: string): Promise<PolicyDocument | null> {
    try {
      await access(path);
    } catch {
      return null;
    }
    return this.read(path);
  }
}

/** The version token of a file's text. */
export function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

function parsedName(text: string): string | null {
  const header = parsePolicy(text).file.lines.find((l) => l.kind === 'header');
  return header?.kind === 'header' ? header.name : null;
}
