// The policies slice: every policy the running sessions use, as text, kept current by the host's
// policyChanged events.

import type { StateCreator } from 'zustand/vanilla';

import type { PolicyView } from '../../app/common/contract.js';
import type { SysgateState } from './store.js';

export interface PoliciesSlice {
  /** By program (the policy's name). */
  policies: Record<string, PolicyView>;
  /** The policy that changed last, to point the view at it. */
  lastChangedPolicy: string | null;
  policyChanged(view: PolicyView): void;
}

export const createPoliciesSlice: StateCreator<SysgateState, [], [], PoliciesSlice> = (
  set,
  get,
) => ({
  policies: {},
  lastChangedPolicy: null,

  policyChanged: (view) => get().applyEvents([{ type: 'policyChanged', view }]),
});

/** The programs with a policy, in name order. */
export function policyPrograms(policies: Record<string, PolicyView>): string[] {
  return Object.keys(policies).sort((a, b) => a.localeCompare(b));
}
