/** One proxied CAMARA call, as metered: the token names the app and the operator, so each call is counted for both (docs/operations.md, "Usage metering"). */
export interface UsageRecord {
  /**
   * Unique per call: a batch retried after a lost acknowledgement (the database committed,
   * then the connection dropped) is written once, not twice.
   */
  readonly id: string;
  readonly time: Date;
  readonly clientId: string;
  readonly operatorId: string;
  readonly api: string;
  readonly version: string;
  readonly operation: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly correlator: string;
  /** The `jti` of the token the call used: it leads to the call's verification (issue 17). */
  readonly tokenJti?: string | undefined;
}

/** Where batches go; the Postgres implementation is `createUsageStore`. */
export interface UsageSink {
  insertBatch(records: readonly UsageRecord[]): Promise<void>;
}
