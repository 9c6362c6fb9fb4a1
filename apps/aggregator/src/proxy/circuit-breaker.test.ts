import { describe, expect, it } from '@jest/globals';
import { createCircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { CamaraError } from '@switchboard/camara';

function setup(threshold = 3, coolDownMs = 10_000) {
  let now = 1_000_000;
  const changes: [string, CircuitState][] = [];
  const breaker = createCircuitBreaker({
    failureThreshold: threshold,
    coolDownMs,
    clock: () => now,
    onStateChange: (key, state) => changes.push([key, state]),
  });
  return { breaker, changes, advance: (ms: number) => (now += ms) };
}

function rejection(fn: () => unknown): CamaraError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CamaraError) return err;
    throw err;
  }
  throw new Error('expected the circuit to refuse');
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures and fails fast with 503 and Retry-After', () => {
    const { breaker, changes, advance } = setup(3, 10_000);
    for (let i = 0; i < 3; i += 1) breaker.acquire('op-a').failure();
    expect(breaker.state('op-a')).toBe('open');
    advance(2_500);
    const err = rejection(() => breaker.acquire('op-a'));
    expect(err).toMatchObject({
      status: 503,
      code: 'UNAVAILABLE',
      headers: { 'retry-after': '8' },
    });
    expect(changes).toEqual([['op-a', 'open']]);
  });

  it('a success resets the count: failures must be consecutive', () => {
    const { breaker } = setup(3);
    breaker.acquire('op-a').failure();
    breaker.acquire('op-a').failure();
    breaker.acquire('op-a').success();
    breaker.acquire('op-a').failure();
    breaker.acquire('op-a').failure();
    expect(breaker.state('op-a')).toBe('closed');
  });

  it('releasing a permit counts nothing', () => {
    const { breaker } = setup(1);
    breaker.acquire('op-a').release();
    expect(breaker.state('op-a')).toBe('closed');
  });

  it('lets one probe through after the cool-down; its success closes the circuit', () => {
    const { breaker, changes, advance } = setup(2, 5_000);
    breaker.acquire('op-a').failure();
    breaker.acquire('op-a').failure();
    advance(5_000);
    const probe = breaker.acquire('op-a');
    expect(breaker.state('op-a')).toBe('half-open');
    expect(rejection(() => breaker.acquire('op-a')).status).toBe(503);
    probe.success();
    expect(breaker.state('op-a')).toBe('closed');
    expect(() => breaker.acquire('op-a')).not.toThrow();
    expect(changes.map(([, s]) => s)).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe reopens the circuit for another cool-down', () => {
    const { breaker, advance } = setup(1, 5_000);
    breaker.acquire('op-a').failure();
    advance(5_000);
    breaker.acquire('op-a').failure();
    expect(breaker.state('op-a')).toBe('open');
    advance(4_999);
    expect(rejection(() => breaker.acquire('op-a')).headers['retry-after']).toBe('1');
    advance(1);
    expect(() => breaker.acquire('op-a')).not.toThrow();
  });

  it('a released probe lets the next call probe', () => {
    const { breaker, advance } = setup(1, 1_000);
    breaker.acquire('op-a').failure();
    advance(1_000);
    breaker.acquire('op-a').release();
    expect(breaker.state('op-a')).toBe('half-open');
    expect(() => breaker.acquire('op-a')).not.toThrow();
  });

  it('settles a permit once: a late second call changes nothing', () => {
    const { breaker } = setup(2);
    const permit = breaker.acquire('op-a');
    permit.failure();
    permit.failure();
    expect(breaker.state('op-a')).toBe('closed');
  });

  it('keeps operators apart', () => {
    const { breaker } = setup(1);
    breaker.acquire('op-a').failure();
    expect(breaker.state('op-a')).toBe('open');
    expect(breaker.state('op-b')).toBe('closed');
    expect(() => breaker.acquire('op-b')).not.toThrow();
    expect([...breaker.states()]).toEqual([
      ['op-a', 'open'],
      ['op-b', 'closed'],
    ]);
  });
});
