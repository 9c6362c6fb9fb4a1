import { runWorkers, type Tally } from './load.js';
import type { OperatorId } from './stack.js';
import {
  completeVerification,
  device,
  obtainToken,
  verifyNumber,
  type Client,
  type Outcome,
} from './verification.js';

/** A token issued through a complete flow, for API-call loops; `issuedAt` tells its age. */
export interface IssuedToken {
  token: string;
  msisdn: string;
  issuedAt: number;
}

/** Flows before the scenario's fault, one per operator; a scenario cannot start without them. */
export async function issueTokens(
  client: Client,
  operators: readonly OperatorId[],
  firstDevice: number,
): Promise<IssuedToken[]> {
  return Promise.all(operators.map((op, i) => issueToken(client, op, firstDevice + i)));
}

export async function issueToken(
  client: Client,
  operator: OperatorId,
  n: number,
): Promise<IssuedToken> {
  const d = device(operator, n);
  const { token, outcome } = await obtainToken(client, d.address);
  if (!token) throw new Error(`no ${operator} token to start the scenario with (${outcome.kind})`);
  return { token, msisdn: d.msisdn, issuedAt: Date.now() };
}

/**
 * Steady load until `stop()`: loops of complete verifications or of API calls on issued tokens.
 * Counts the calls the aggregators answered (each one must become a usage record).
 */
export class Traffic {
  /** Verify calls answered by an aggregator (not by the balancer, not lost in the network). */
  answered = 0;
  private devices = 0;

  constructor(
    private readonly client: Client,
    /** x-correlator prefix of every call, to find its usage records. */
    private readonly prefix: string,
    private readonly firstDevice: number,
    private readonly stop: () => boolean,
  ) {}

  /** `workers` loops of complete verifications on `operator`. */
  flows(o: {
    workers: number;
    operator: (worker: number) => OperatorId;
    tally: Tally;
    expected: (o: Outcome) => boolean;
    pauseMs?: number;
    after?: (o: Outcome) => void;
  }): Promise<void> {
    return runWorkers(
      o.workers,
      this.stop,
      async (w) => {
        const i = this.devices++;
        const op = o.operator(w);
        const got = await completeVerification(
          this.client,
          op,
          this.firstDevice + i,
          `${this.prefix}f${i}`,
        );
        this.meter(got);
        o.tally.add(got, o.expected);
        o.after?.(got);
      },
      o.pauseMs ?? 0,
    );
  }

  /** One loop per token of `POST /verify` calls, 20 ms apart. */
  calls(o: {
    tokens: readonly IssuedToken[];
    tally: Tally;
    expected: (o: Outcome, token: IssuedToken) => boolean;
    after?: (
      o: Awaited<ReturnType<typeof verifyNumber>>,
      token: IssuedToken,
    ) => Promise<void> | void;
  }): Promise<void> {
    return runWorkers(
      o.tokens.length,
      this.stop,
      async (w, step) => {
        const t = o.tokens[w]!;
        const got = await verifyNumber(
          this.client,
          t.token,
          t.msisdn,
          `${this.prefix}c${w}-${step}`,
        );
        this.meter(got);
        o.tally.add(got, (x) => o.expected(x, t));
        await o.after?.(got, t);
      },
      20,
    );
  }

  private meter(o: Outcome & { fromBalancer?: boolean }): void {
    if ((o.ok || o.kind.startsWith('verify:')) && !o.fromBalancer) this.answered += 1;
  }
}
