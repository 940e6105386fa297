// How the history shows a record's facts in words: when, what was decided, by whom.

import { errnoName } from '../../app/common/calls/index.js';
import type { HistoryEntry } from '../../app/common/history/entry.js';

// Made once: toLocaleTimeString with options builds a formatter for each call, and the profile
// of the table scrolled through a million records had half its long frames in recordTime so.
// Their options are what toLocaleTimeString and toLocaleDateString took (a time alone is
// hour, minute and second).
const TIME = new Intl.DateTimeFormat('en-GB', {
  hour12: false,
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});
const DAY = new Intl.DateTimeFormat('en-GB', { month: 'short', day: 'numeric' });

/** `06:01:02` today, `26 Nov 06:01:02` another day, in the window's time zone. */
export function recordTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const time = TIME.format(d);
  if (new Date(now).toDateString() === d.toDateString()) return time;
  return `${DAY.format(d)} ${time}`;
}

/** `deny (eacces)` or `permit`. */
export function actionText(entry: Pick<HistoryEntry, 'action' | 'errno' | 'runAs'>): string {
  // A call the supervisor performed with a rule's credentials says whose (issue 16).
  if (entry.action === 'permit') return entry.runAs ? `permit as ${entry.runAs}` : 'permit';
  return `deny (${errnoName(entry.errno) ?? entry.errno})`;
}

/** Who decided, in a few words: `rule, line 7`, `you`, `no rule`, `app gone`, `learning`. */
export function deciderText(entry: Pick<HistoryEntry, 'by' | 'rule'>): string {
  switch (entry.by) {
    case 'rule':
      return entry.rule === null ? 'rule' : `rule, line ${entry.rule.line}`;
    case 'user':
      return 'you';
    case 'default':
      return 'no rule';
    case 'host-gone':
      return 'app gone';
    case 'learn':
      return 'learning';
  }
}

/** The file name alone: `usr_bin_ls` of `/home/jose/.config/sysgate/policies/usr_bin_ls`. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
