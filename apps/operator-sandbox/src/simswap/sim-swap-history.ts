import type { SandboxInstanceConfig } from '../config.js';
import { subscriberNumbers, type SimSwapConfig } from './sim-swap-config.js';

const MINUTE = 60_000;

/** What the operator's network knows of its subscribers' SIM cards. */
export interface SimSwapHistory {
  /** Whether `msisdn` is a subscriber of this operator. */
  isSubscriber(msisdn: string): boolean;
  /** Whether the service is offered to `msisdn`. */
  isApplicable(msisdn: string): boolean;
  /**
   * The latest time (ms since the epoch) a SIM was associated with `msisdn`: its latest SIM
   * change, or else its activation; null when none is known (or it never had a SIM).
   */
  latestSimChange(msisdn: string): number | null;
  /** False for a number no SIM card was ever associated with. */
  hasSim(msisdn: string): boolean;
  /** The privacy limit in days, if the operator has one. */
  readonly monitoredPeriodDays: number | undefined;
}

/** Builds the history from the instance's `simSwap` config (validated), anchored at `startedAt`. */
export function createSimSwapHistory(
  instance: Pick<SandboxInstanceConfig, 'subscribers'>,
  config: SimSwapConfig | undefined,
  startedAt: number,
): SimSwapHistory {
  const isSubscriber = subscriberNumbers(instance.subscribers);
  const changes = new Map<string, number>();
  for (const change of config?.simChanges ?? []) {
    const at = startedAt - change.minutesBeforeStart * MINUTE;
    changes.set(change.msisdn, Math.max(at, changes.get(change.msisdn) ?? -Infinity));
  }
  const withoutSim = new Set(config?.withoutSim ?? []);
  const notApplicable = new Set(config?.notApplicable ?? []);
  const activation = config?.activatedMinutesBeforeStart;
  return {
    isSubscriber,
    isApplicable: (msisdn) => !notApplicable.has(msisdn),
    latestSimChange(msisdn) {
      if (withoutSim.has(msisdn)) return null;
      const change = changes.get(msisdn);
      if (change !== undefined) return change;
      return activation === undefined ? null : startedAt - activation * MINUTE;
    },
    hasSim: (msisdn) => !withoutSim.has(msisdn),
    monitoredPeriodDays: config?.monitoredPeriodDays,
  };
}
