import { PHONE_NUMBER_PATTERN } from '@switchboard/camara';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const e164 = z.string().regex(PHONE_NUMBER_PATTERN, "must be E.164 with '+'");
const minutes = z.number().int().min(0, 'must be 0 or more minutes');

/**
 * An instance's SIM Swap data (`simSwap` in config/sandbox.json). Times are relative to the
 * sandbox's start, so demos and tests see the same ages on every run.
 */
export const simSwapConfig = z.strictObject({
  /**
   * The operator's privacy limit, in days: an older SIM change is reported as
   * `latestSimChange: null` with this `monitoredPeriod`, and a `maxAge` above it is 400
   * OUT_OF_RANGE. Absent: history is unlimited.
   */
  monitoredPeriodDays: z.number().int().min(1).optional(),
  /** When every subscriber's SIM was first activated; absent: no activation date is known. */
  activatedMinutesBeforeStart: minutes.optional(),
  /** SIM changes (swaps) of subscribers; the latest of each number counts. */
  simChanges: z.array(z.strictObject({ msisdn: e164, minutesBeforeStart: minutes })).default([]),
  /** Subscribers' numbers that no SIM card was ever associated with. */
  withoutSim: z.array(e164).default([]),
  /** Subscribers' numbers the service is not offered to (422 SERVICE_NOT_APPLICABLE). */
  notApplicable: z.array(e164).default([]),
});

export type SimSwapConfig = Readonly<z.output<typeof simSwapConfig>>;

type Rule = { readonly msisdn: string } | { readonly cidr: string; readonly msisdnPrefix: string };

/**
 * What is wrong with an instance's `simSwap` data beyond its schema, e.g.
 * `simSwap.simChanges[0].msisdn: +34… is not a subscriber of this instance`.
 */
export function simSwapConfigProblems(
  subscribers: ReadonlyArray<Rule | { readonly cidr: string; readonly msisdn: string }>,
  config: SimSwapConfig,
): string[] {
  const isSubscriber = subscriberNumbers(subscribers);
  const problems: string[] = [];
  const named: Array<[string, string]> = [
    ...config.simChanges.map((c, i): [string, string] => [`simChanges[${i}].msisdn`, c.msisdn]),
    ...config.withoutSim.map((m, i): [string, string] => [`withoutSim[${i}]`, m]),
    ...config.notApplicable.map((m, i): [string, string] => [`notApplicable[${i}]`, m]),
  ];
  for (const [where, msisdn] of named) {
    if (!isSubscriber(msisdn))
      problems.push(`simSwap.${where}: ${msisdn} is not a subscriber of this instance`);
  }
  const changed = new Set(config.simChanges.map((c) => c.msisdn));
  config.withoutSim.forEach((msisdn, i) => {
    if (changed.has(msisdn))
      problems.push(`simSwap.withoutSim[${i}]: ${msisdn} has a SIM change, so it had a SIM`);
  });
  return problems;
}

/**
 * The numbers the subscriber rules give out: each `msisdn`, and for a `{cidr, msisdnPrefix}`
 * rule the prefix plus one three-digit group (0–255) per octet the range does not fix, for
 * an address inside the range (the subscriber directory's derivation, reversed).
 */
export function subscriberNumbers(
  rules: ReadonlyArray<Rule | { readonly cidr: string; readonly msisdn: string }>,
): (msisdn: string) => boolean {
  const exact = new Set<string>();
  const derived: Array<(msisdn: string) => boolean> = [];
  for (const rule of rules) {
    if ('msisdn' in rule) exact.add(rule.msisdn);
    else derived.push(derivedRule(rule.cidr, rule.msisdnPrefix));
  }
  return (msisdn) => exact.has(msisdn) || derived.some((matches) => matches(msisdn));
}

function derivedRule(cidr: string, prefix: string): (msisdn: string) => boolean {
  const [network, length] = ipaddr.IPv4.parseCIDR(cidr);
  const fixed = network.octets.slice(0, Math.floor(length / 8));
  const pattern = new RegExp(`^\\${prefix}((?:[0-9]{3}){${4 - fixed.length}})$`);
  return (msisdn) => {
    const groups = pattern.exec(msisdn)?.[1]?.match(/[0-9]{3}/g) ?? [];
    if (fixed.length + groups.length !== 4) return false;
    const octets = [...fixed, ...groups.map(Number)];
    if (octets.some((o) => o > 255)) return false;
    return new ipaddr.IPv4(octets).match(network, length);
  };
}
