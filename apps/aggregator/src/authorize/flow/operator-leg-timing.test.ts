import { describe, expect, it } from '@jest/globals';
import type { Operator } from '@switchboard/telco-finder';
import type { OperatorClient } from './operator-client.js';
import {
  timedOperatorClient,
  type OperatorLegEvent,
  type OperatorLegSink,
} from './operator-leg-timing.js';

const op = { id: 'op-a' } as Operator;
const request = { state: 's1', nonce: 'n', codeChallenge: 'c', scope: 'openid', promptNone: true };
const checks = { state: 's1', nonce: 'n', codeVerifier: 'v' };

function setup(exchange: OperatorClient['exchange']) {
  const events: OperatorLegEvent[] = [];
  const legs: OperatorLegSink = { record: (e) => void events.push(e) };
  let now = 1_000;
  const inner = {
    authorizationUrl: async () => new URL('https://op.example/auth'),
    exchange,
  } as unknown as OperatorClient;
  const client = timedOperatorClient(inner, legs, () => now);
  return { events, client, advance: (ms: number) => (now += ms) };
}

describe('operator leg timing (scorecard)', () => {
  it('times redirect → callback and the token exchange of one flow', async () => {
    let advance = (_ms: number): unknown => undefined;
    const t = setup(async () => {
      advance(40);
      return { accessToken: 'a', expiresIn: 300, sub: 's', amr: undefined, acr: undefined };
    });
    advance = t.advance;
    await t.client.authorizationUrl(op, request);
    t.advance(250);
    await t.client.exchange(op, new URL('https://agg.example/cb?code=x&state=s1'), checks);
    expect(t.events).toEqual([
      { operatorId: 'op-a', leg: 'authorize', outcome: 'ok', latencyMs: 250 },
      { operatorId: 'op-a', leg: 'token', outcome: 'ok', latencyMs: 40 },
    ]);
  });

  it('records a failed exchange as error, a timed-out one as timeout, and rethrows', async () => {
    const timeout = Object.assign(new Error('slow'), { name: 'TimeoutError' });
    for (const [err, outcome] of [
      [new Error('invalid_grant'), 'error'],
      [timeout, 'timeout'],
    ] as const) {
      const t = setup(async () => {
        throw err;
      });
      // A callback this process did not start: no authorize leg, the token leg still counts.
      await expect(t.client.exchange(op, new URL('https://agg.example/cb'), checks)).rejects.toBe(
        err,
      );
      expect(t.events).toEqual([{ operatorId: 'op-a', leg: 'token', outcome, latencyMs: 0 }]);
    }
  });
});
