import type { CallCentreFlow } from './session-cookie.js';

/** CIBA Core §11: each `slow_down` adds 5 s to the interval, for good. */
export const SLOW_DOWN_SECONDS = 5;

export type PollPlan =
  | { readonly kind: 'expired' }
  | { readonly kind: 'wait'; readonly seconds: number }
  | { readonly kind: 'poll' };

/**
 * One poll per visit of the status page, never sooner than `interval` after the last one
 * (CIBA Core §7.3): a visit too soon only shows "pending" until the next poll is due.
 */
export function planPoll(flow: CallCentreFlow, now: number): PollPlan {
  if (now >= flow.expiresAt) return { kind: 'expired' };
  const due = flow.lastPollAt + flow.interval * 1000;
  return now < due ? { kind: 'wait', seconds: Math.ceil((due - now) / 1000) } : { kind: 'poll' };
}
