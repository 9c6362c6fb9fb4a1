// The JSON of /console/api/* (docs/console.md, the console contract). Times are ISO-8601 UTC.

export interface SessionInfo {
  readonly signedIn: boolean;
  readonly csrfToken: string;
}

export interface OperatorTraffic {
  /** null: verifications the telco finder found no operator for. */
  readonly operatorId: string | null;
  readonly verifications: number;
  readonly verificationsOk: number;
  readonly calls: number;
  readonly callsOk: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface HourlyTraffic extends OperatorTraffic {
  readonly hour: string;
}

export interface Overview {
  readonly from: string;
  readonly to: string;
  readonly series: readonly HourlyTraffic[];
  readonly totals: {
    readonly verifications: number;
    readonly verificationsOk: number;
    readonly verificationSuccessRate: number | null;
    readonly calls: number;
    readonly callsOk: number;
    readonly callSuccessRate: number | null;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
  };
  readonly operators: readonly OperatorTraffic[];
}

export interface OperatorRow {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly routes: {
    readonly ipRanges: number;
    readonly msisdnPrefixes: number;
    readonly networks: number;
  };
  readonly circuit: 'closed' | 'open' | 'half-open' | null;
  readonly lastRoutingSync: string | null;
  readonly scorecard: Scorecard | null;
}

interface Latency {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** Issue 13's health scorecard of one operator over the last 24 hours. */
export interface Scorecard {
  readonly authorizeLeg: Latency & { readonly failed: number };
  readonly tokenLeg: Latency & { readonly failed: number; readonly timeouts: number };
  readonly calls: Latency & { readonly errorRate: number; readonly timeoutRate: number };
  readonly circuitOpenings: number;
  readonly lastConformance: {
    readonly ranAt: string;
    readonly passed: boolean;
    readonly failed: number;
  } | null;
}

export interface AppsUsage {
  readonly from: string;
  readonly to: string;
  readonly clients: ReadonlyArray<{ readonly clientId: string; readonly name: string }>;
  readonly usage: ReadonlyArray<{
    readonly day: string;
    readonly clientId: string;
    readonly operatorId: string;
    readonly api: string;
    readonly calls: number;
    readonly callsOk: number;
  }>;
}

export interface AuditEntry {
  readonly id: number | string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly operatorId: string | null;
  readonly detail: unknown;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly next: number | string | null;
}

export interface VerificationSummary {
  readonly verificationId: string;
  readonly clientId: string | null;
  readonly operatorId: string | null;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly outcome: string;
  readonly failedStep: string | null;
  readonly error: string | null;
}

export interface VerificationStep {
  readonly step: string;
  readonly occurredAt: string;
  readonly durationMs: number | null;
  readonly outcome: string;
  readonly error: string | null;
  readonly correlator: string | null;
}

export interface ProxiedCall {
  readonly occurredAt: string;
  readonly api: string;
  readonly operation: string;
  readonly status: number;
  readonly latencyMs: number | null;
  readonly correlator: string | null;
}

export interface VerificationDetail {
  readonly verificationId: string;
  readonly clientId: string | null;
  readonly operatorId: string | null;
  readonly outcome: string;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly traceId: string | null;
  readonly traceUrl: string | null;
  readonly steps: readonly VerificationStep[];
  readonly calls: readonly ProxiedCall[];
}
