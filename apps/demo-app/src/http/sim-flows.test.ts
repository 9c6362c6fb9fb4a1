import { describe, expect, it } from '@jest/globals';
import { createSimFlowStore, type SimFlow } from './sim-flows.js';

const flow: SimFlow = {
  credential: { id: 'sb-ot-1' },
  nonce: 'nonce-0123456789abcdef',
  scope: 'dpv:IdentityVerification number-verification:verify',
  phoneNumber: '+346001000005',
  consent: { consentText: 'Demo Bank wants to verify your number', policyLink: undefined },
  sims: [{ slot: 0, label: 'Sandbox A', msisdn: '+346001000005' }],
};

describe('the server-side store of SIM flows', () => {
  it('gives a flow once: take removes it, peek does not', () => {
    const store = createSimFlowStore();
    const id = store.put(flow);
    expect(store.peek(id)).toBe(flow);
    expect(store.take(id)).toBe(flow);
    expect(store.take(id)).toBeUndefined();
    expect(store.peek(id)).toBeUndefined();
  });

  it('forgets a flow when its credential expires', () => {
    let t = 1_000;
    const store = createSimFlowStore({ now: () => t, ttlMs: 300_000 });
    const id = store.put(flow);
    t += 299_999;
    expect(store.peek(id)).toBe(flow);
    t += 1;
    expect(store.take(id)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('answers nothing for an unknown or missing id, and ids are unguessable', () => {
    const store = createSimFlowStore();
    const a = store.put(flow);
    const b = store.put(flow);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(store.take(undefined)).toBeUndefined();
    expect(store.take('not-an-id')).toBeUndefined();
    expect(store.size).toBe(2);
  });
});
