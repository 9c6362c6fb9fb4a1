import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseInstanceConfig } from '../config.js';
import { createSimSwapHistory } from './sim-swap-history.js';

const base = {
  id: 'sandbox-x',
  name: 'X',
  port: 0,
  scopeStyle: 'camara',
  purposes: { 'dpv:FraudPreventionAndDetection': 'legitimate-interest' },
  subscribers: [
    { address: '127.0.0.1', msisdn: '+34600000001' },
    { cidr: '127.10.0.0/16', msisdnPrefix: '+346001' },
  ],
  clients: [
    {
      clientId: 'c',
      clientName: 'C',
      redirectUris: ['http://127.0.0.1:3999/callback'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecret: 'a-secret-of-16-chars',
    },
  ],
};
const withSimSwap = (simSwap: unknown) => parseInstanceConfig({ ...base, simSwap });

describe('simSwap config', () => {
  it('accepts the subscribers of the instance, exact and derived', () => {
    const instance = withSimSwap({
      monitoredPeriodDays: 90,
      simChanges: [
        { msisdn: '+34600000001', minutesBeforeStart: 0 },
        { msisdn: '+346001255255', minutesBeforeStart: 30 },
      ],
    });
    expect(instance.simSwap).toEqual({
      monitoredPeriodDays: 90,
      simChanges: [
        { msisdn: '+34600000001', minutesBeforeStart: 0 },
        { msisdn: '+346001255255', minutesBeforeStart: 30 },
      ],
      withoutSim: [],
      notApplicable: [],
    });
  });

  it.each([
    [
      { simChanges: [{ msisdn: '+346001000256', minutesBeforeStart: 1 }] },
      'instances[0].simSwap.simChanges[0].msisdn: +346001000256 is not a subscriber of this instance',
    ],
    [
      { withoutSim: ['+49170000001'] },
      'instances[0].simSwap.withoutSim[0]: +49170000001 is not a subscriber of this instance',
    ],
    [
      {
        simChanges: [{ msisdn: '+346001000007', minutesBeforeStart: 1 }],
        withoutSim: ['+346001000007'],
      },
      'instances[0].simSwap.withoutSim[0]: +346001000007 has a SIM change, so it had a SIM',
    ],
    [
      { simChanges: [{ msisdn: '+346001000007', minutesBeforeStart: -1 }] },
      'instances[0].simSwap.simChanges[0].minutesBeforeStart: must be 0 or more minutes',
    ],
    [{ monitoredPeriodDays: 0 }, 'instances[0].simSwap.monitoredPeriodDays'],
    [{ simChanges: [{ msisdn: '346001000007', minutesBeforeStart: 1 }] }, "must be E.164 with '+'"],
    [{ swaps: [] }, 'instances[0].simSwap'],
  ])('refuses %j naming the key', (simSwap, message) => {
    expect(() => withSimSwap(simSwap)).toThrow(ConfigError);
    expect(() => withSimSwap(simSwap)).toThrow(message);
  });

  it('anchors SIM changes at the start; the latest change of a number counts', () => {
    const instance = withSimSwap({
      activatedMinutesBeforeStart: 600,
      simChanges: [
        { msisdn: '+346001000007', minutesBeforeStart: 30 },
        { msisdn: '+346001000007', minutesBeforeStart: 60 },
      ],
      withoutSim: ['+346001000009'],
      notApplicable: ['+346001000099'],
    });
    const history = createSimSwapHistory(instance, instance.simSwap, 1_000_000_000);
    expect(history.latestSimChange('+346001000007')).toBe(1_000_000_000 - 30 * 60_000);
    expect(history.latestSimChange('+346001000005')).toBe(1_000_000_000 - 600 * 60_000);
    expect(history.latestSimChange('+346001000009')).toBeNull();
    expect(history.hasSim('+346001000009')).toBe(false);
    expect(history.isApplicable('+346001000099')).toBe(false);
    expect(history.isSubscriber('+346001000099')).toBe(true);
    expect(history.isSubscriber('+3460010000999')).toBe(false);
    expect(history.isSubscriber('+34600000002')).toBe(false);
  });
});
