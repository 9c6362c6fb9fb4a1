import { camaraError, type CamaraError } from '@switchboard/camara';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit fails fast before one probe is let through. */
  readonly coolDownMs: number;
  /** Milliseconds; injected so tests control time. */
  readonly clock?: () => number;
  readonly onStateChange?: (key: string, state: CircuitState) => void;
}

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS = Object.freeze({
  failureThreshold: 5,
  coolDownMs: 10_000,
});

/** The right to make one call; settle it exactly once (later calls are ignored). */
export interface CircuitPermit {
  /** The operator answered (any 2xx–4xx). */
  success(): void;
  /** Network error, timeout, malformed answer or an operator 5xx. */
  failure(): void;
  /** The call did not happen or tells nothing about the operator. */
  release(): void;
}

export interface CircuitBreaker {
  /** A permit, or a 503 UNAVAILABLE CamaraError with Retry-After while the circuit is open. */
  acquire(key: string): CircuitPermit;
  state(key: string): CircuitState;
  states(): ReadonlyMap<string, CircuitState>;
}

interface Circuit {
  state: CircuitState;
  failures: number;
  openedAt: number;
  probing: boolean;
}

type Outcome = 'success' | 'failure' | 'release';

/** Settles its circuit once, whatever is called after (one object per call, no closures). */
class Permit implements CircuitPermit {
  private settled = false;
  constructor(private readonly onSettle: (outcome: Outcome) => void) {}
  success(): void {
    this.settle('success');
  }
  failure(): void {
    this.settle('failure');
  }
  release(): void {
    this.settle('release');
  }
  private settle(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettle(outcome);
  }
}

/** Circuits kept in memory, one per key (operator id); each process has its own view. */
class InMemoryCircuitBreaker implements CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly failureThreshold: number,
    private readonly coolDownMs: number,
    private readonly clock: () => number,
    private readonly onStateChange: CircuitBreakerOptions['onStateChange'],
  ) {}

  acquire(key: string): CircuitPermit {
    const c = this.circuitFor(key);
    if (c.state === 'open') {
      const wait = c.openedAt + this.coolDownMs - this.clock();
      if (wait > 0) throw retryAfter(wait);
      this.move(key, c, 'half-open');
    }
    if (c.state === 'half-open') {
      if (c.probing) throw retryAfter(this.coolDownMs);
      c.probing = true;
      return this.permit(key, c, true);
    }
    return this.permit(key, c, false);
  }

  state(key: string): CircuitState {
    return this.circuits.get(key)?.state ?? 'closed';
  }

  states(): ReadonlyMap<string, CircuitState> {
    return new Map([...this.circuits].map(([k, c]) => [k, c.state]));
  }

  private circuitFor(key: string): Circuit {
    let c = this.circuits.get(key);
    if (!c) {
      c = { state: 'closed', failures: 0, openedAt: 0, probing: false };
      this.circuits.set(key, c);
    }
    return c;
  }

  private move(key: string, c: Circuit, state: CircuitState): void {
    if (c.state === state) return;
    c.state = state;
    this.onStateChange?.(key, state);
  }

  private permit(key: string, c: Circuit, probe: boolean): CircuitPermit {
    return new Permit((outcome) => this.settle(key, c, probe, outcome));
  }

  private settle(key: string, c: Circuit, probe: boolean, outcome: Outcome): void {
    if (probe) c.probing = false;
    if (outcome === 'success') {
      c.failures = 0;
      this.move(key, c, 'closed');
    } else if (outcome === 'failure') {
      c.failures += 1;
      if (probe || (c.state === 'closed' && c.failures >= this.failureThreshold)) {
        c.openedAt = this.clock();
        this.move(key, c, 'open');
      }
    }
  }
}

/** RFC 9110 §10.2.3: whole seconds, at least 1. */
function retryAfter(ms: number): CamaraError {
  return camaraError('UNAVAILABLE', undefined, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) },
  });
}

/** A circuit per operator: closed → open after N failures → half-open single probe → closed. */
export function createCircuitBreaker(options: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
  const { failureThreshold, coolDownMs } = { ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, ...options };
  return new InMemoryCircuitBreaker(
    failureThreshold,
    coolDownMs,
    options.clock ?? Date.now,
    options.onStateChange,
  );
}
