/** Injected time source (milliseconds since the epoch), so tests can expire tokens. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
