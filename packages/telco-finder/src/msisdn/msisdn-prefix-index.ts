import { parseMsisdnPrefix, phoneNumberDigits } from './msisdn-prefix.js';

export interface MsisdnRoute {
  operatorId: string;
  /** E.164 digits without '+', 1-15 digits, first digit 1-9 ('+' is tolerated). */
  prefix: string;
}

export interface MsisdnMatch {
  operatorId: string;
  prefix: string;
}

/**
 * Longest-prefix match over MSISDN prefixes. A number has at most 15 digits, so a lookup
 * probes one hash map per prefix length that actually occurs, longest first.
 */
export class MsisdnPrefixIndex {
  private constructor(
    private readonly matches: ReadonlyMap<string, MsisdnMatch>,
    /** Distinct prefix lengths, descending. */
    private readonly lengths: readonly number[],
  ) {}

  /** Throws PrefixError on an invalid prefix. When a prefix is given twice, the first wins. */
  static build(routes: Iterable<MsisdnRoute>): MsisdnPrefixIndex {
    const matches = new Map<string, MsisdnMatch>();
    for (const route of routes) {
      const prefix = parseMsisdnPrefix(route.prefix);
      if (!matches.has(prefix)) {
        matches.set(prefix, Object.freeze({ operatorId: route.operatorId, prefix }));
      }
    }
    const lengths = [...new Set([...matches.keys()].map((prefix) => prefix.length))];
    return new MsisdnPrefixIndex(
      matches,
      lengths.sort((a, b) => b - a),
    );
  }

  static empty(): MsisdnPrefixIndex {
    return MsisdnPrefixIndex.build([]);
  }

  get size(): number {
    return this.matches.size;
  }

  /**
   * The operator whose longest prefix starts `phoneNumber` ('+34600…' or digits), or
   * undefined, also for anything that is not a phone number. Matches are frozen and shared.
   */
  lookup(phoneNumber: string): MsisdnMatch | undefined {
    const digits = phoneNumberDigits(phoneNumber);
    if (digits === undefined) return undefined;
    for (const length of this.lengths) {
      if (length > digits.length) continue;
      const match = this.matches.get(digits.slice(0, length));
      if (match) return match;
    }
    return undefined;
  }
}
