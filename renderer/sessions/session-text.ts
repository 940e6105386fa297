// How a session is described in its panel, in the user's words.

import type { SessionInfo, SessionMode } from '../../app/common/contract.js';

export const MODES: readonly { mode: SessionMode; label: string; description: string }[] = [
  {
    mode: 'learn',
    label: 'Learn',
    description: 'permits every call and records it in the policy (like sysgate -A)',
  },
  {
    mode: 'ask',
    label: 'Ask',
    description: 'asks you about every call the policy does not answer',
  },
  {
    mode: 'enforce',
    label: 'Enforce',
    description: 'denies and logs every call the policy does not permit (like sysgate -a)',
  },
];

export function modeLabel(mode: SessionMode): string {
  return MODES.find((m) => m.mode === mode)?.label ?? mode;
}

/** `running`, or `exited with status N`. */
export function stateText(session: Pick<SessionInfo, 'state' | 'status'>): string {
  if (session.state === 'running') return 'running';
  return session.status === null ? 'exited' : `exited with status ${session.status}`;
}
