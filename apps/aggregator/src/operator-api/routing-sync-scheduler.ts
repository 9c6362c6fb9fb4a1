import type { Actor, Logger, RoutingSync } from '@switchboard/telco-finder';

export interface RoutingSyncSchedulerDeps {
  readonly sync: RoutingSync;
  /** This process, as the lease holder. */
  readonly instanceId: string;
  readonly intervalMs: number;
  /** ± fraction of the period each wait is moved by. */
  readonly jitter: number;
  /** Per-request timeout: the lease outlives a slow operator. */
  readonly fetchTimeoutMs: number;
  readonly logger: Logger;
  readonly random?: () => number;
}

export interface RoutingSyncScheduler {
  stop(): Promise<void>;
}

const SYSTEM: Actor = { kind: 'system', id: 'routing-sync' };

/** `base` moved by up to ± `jitter` of itself. */
export function jittered(base: number, jitter: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

/**
 * Polls due routing tables. Every process runs a scheduler, but only the holder of the
 * database lease polls; it renews the lease before each operator, so a process that stalls
 * or dies hands over within one lease time. (Were two to poll anyway, the sync computes
 * its difference under the routing lock and cannot apply a change twice.)
 */
export function startRoutingSyncScheduler(deps: RoutingSyncSchedulerDeps): RoutingSyncScheduler {
  const random = deps.random ?? Math.random;
  const tickMs = Math.min(Math.max(deps.intervalMs / 4, 200), 15_000);
  const leaseMs = Math.max(3 * tickMs, 2 * deps.fetchTimeoutMs + tickMs);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const holdLease = () => deps.sync.tryLease(deps.instanceId, leaseMs);

  async function tick(): Promise<void> {
    try {
      if (!(await holdLease())) return;
      const result = await deps.sync.syncDue(SYSTEM, async () => !stopped && (await holdLease()));
      if (result.ok + result.failed > 0) deps.logger.info('routing tables polled', result);
    } catch (err) {
      deps.logger.warn('routing sync poll failed', { error: String(err) });
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = tick().finally(() => {
          running = undefined;
          schedule();
        });
      },
      jittered(tickMs, deps.jitter, random),
    );
    timer.unref();
  }

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await deps.sync.releaseLease(deps.instanceId).catch(() => undefined);
    },
  };
}
