import type { CallCounts, VerificationCounts } from './store/console-overview-store.js';

export interface OverviewRow {
  readonly operatorId: string | null;
  readonly verifications: number;
  readonly verificationsOk: number;
  readonly calls: number;
  readonly callsOk: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

const EMPTY_CALLS = { calls: 0, callsOk: 0, p50Ms: null, p99Ms: null } as const;
const EMPTY_VERIFICATIONS = { verifications: 0, verificationsOk: 0 } as const;
const rate = (ok: number, n: number) => (n === 0 ? null : Math.round((ok / n) * 1e4) / 1e4);

/**
 * Joins the verification and call groups of the same hour × operator (or operator, or total)
 * into the overview's series, operators and totals (docs/console.md).
 */
export function buildOverview(
  verifications: readonly VerificationCounts[],
  calls: readonly CallCounts[],
) {
  const keyOf = (g: { hour: string | null; operatorId: string | null }) =>
    `${g.hour}|${g.operatorId}`;
  const merged = (kind: 'series' | 'operator') => {
    const rows = new Map<string, OverviewRow & { hour: string | null }>();
    for (const v of verifications.filter((g) => g.kind === kind))
      rows.set(keyOf(v), {
        hour: v.hour,
        operatorId: v.operatorId,
        verifications: v.verifications,
        verificationsOk: v.verificationsOk,
        ...EMPTY_CALLS,
      });
    for (const c of calls.filter((g) => g.kind === kind)) {
      const base = rows.get(keyOf(c)) ?? {
        hour: c.hour,
        operatorId: c.operatorId,
        ...EMPTY_VERIFICATIONS,
      };
      rows.set(keyOf(c), {
        ...base,
        calls: c.calls,
        callsOk: c.callsOk,
        p50Ms: c.p50Ms,
        p99Ms: c.p99Ms,
      });
    }
    return [...rows.values()].sort(
      (a, b) =>
        (a.hour ?? '').localeCompare(b.hour ?? '') ||
        (a.operatorId ?? '\uffff').localeCompare(b.operatorId ?? '\uffff'),
    );
  };
  const v = verifications.find((g) => g.kind === 'total') ?? EMPTY_VERIFICATIONS;
  const c = calls.find((g) => g.kind === 'total') ?? EMPTY_CALLS;
  return {
    series: merged('series'),
    totals: {
      verifications: v.verifications,
      verificationsOk: v.verificationsOk,
      verificationSuccessRate: rate(v.verificationsOk, v.verifications),
      calls: c.calls,
      callsOk: c.callsOk,
      callSuccessRate: rate(c.callsOk, c.calls),
      p50Ms: c.p50Ms,
      p99Ms: c.p99Ms,
    },
    operators: merged('operator').map(({ hour: _hour, ...row }) => row),
  };
}
