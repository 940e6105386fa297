// User and group names, read from /etc/passwd and /etc/group the way the C library's files
// backend does, for `, if user = jose` predicates, `-c user:group` and log lines.

import { readFileSync } from 'node:fs';

import { NO_NOTES, type InputNotes } from './run-plan/inputs.js';

export interface Account {
  name: string;
  id: number;
  /** A user's own group (passwd's fourth field); undefined for a group, or when unreadable. */
  gid?: number;
}

function readTable(path: string, inputs: InputNotes): Account[] {
  let text: string;
  inputs.note(path);
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const accounts: Account[] = [];
  for (const line of text.split('\n')) {
    const [name, , id, gid] = line.split(':');
    if (name === undefined || id === undefined || !/^[0-9]+$/.test(id)) continue;
    accounts.push({
      name,
      id: Number(id),
      ...(gid && /^[0-9]+$/.test(gid) ? { gid: Number(gid) } : {}),
    });
  }
  return accounts;
}

export class Accounts {
  private readonly users: Account[];
  private readonly groups: Account[];

  constructor(inputs: InputNotes = NO_NOTES, passwd = '/etc/passwd', group = '/etc/group') {
    this.users = readTable(passwd, inputs);
    this.groups = readTable(group, inputs);
  }

  /** A user's id from a name or a number; undefined when there is no such user. */
  userId(nameOrId: string): number | undefined {
    if (/^[0-9]+$/.test(nameOrId)) return Number(nameOrId);
    return this.users.find((u) => u.name === nameOrId)?.id;
  }

  groupId(nameOrId: string): number | undefined {
    if (/^[0-9]+$/.test(nameOrId)) return Number(nameOrId);
    return this.groups.find((g) => g.name === nameOrId)?.id;
  }

  /** A user's own group, by its name or id; undefined when the user is unknown. */
  userGroup(nameOrId: string): number | undefined {
    const user = /^[0-9]+$/.test(nameOrId)
      ? this.users.find((u) => u.id === Number(nameOrId))
      : this.users.find((u) => u.name === nameOrId);
    return user?.gid;
  }

  userName(id: number): string {
    return this.users.find((u) => u.id === id)?.name ?? String(id);
  }

  groupName(id: number): string {
    return this.groups.find((g) => g.id === id)?.name ?? String(id);
  }

  /** `root:root` for a record's `as` of `0:0`. */
  asName(ids: string): string {
    const [uid, gid] = ids.split(':').map(Number) as [number, number];
    return `${this.userName(uid)}:${this.groupName(gid)}`;
  }
}
