// The periodic sweep of expired flow state (store/oidc-model-store.ts deleteExpiredFlowState),
// one per aggregator process. FLOW_STATE_SWEEP_SECONDS=0 turns it off in a process, for a
// deployment that sweeps from one process only, or a test that fingerprints the tables.

export interface Sweep {
  stop(): void;
}

export interface SweepLog {
  info(message: string): void;
  warn(message: string, meta: { error: string }): void;
}

/**
 * Runs `sweep` every `everySeconds` without keeping the process alive; 0 schedules nothing
 * and says so once. A failed sweep is logged and the next one runs on time; sweeps never
 * overlap.
 */
export function scheduleSweep(
  everySeconds: number,
  sweep: () => Promise<void>,
  log: SweepLog,
): Sweep {
  if (everySeconds === 0) {
    log.info(
      'expired flow state is not swept by this process (FLOW_STATE_SWEEP_SECONDS=0): another process must sweep it',
    );
    return { stop: () => undefined };
  }
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch((err: unknown) =>
        log.warn('expired flow state cleanup failed', { error: String(err) }),
      )
      .finally(() => {
        running = false;
      });
  }, everySeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
