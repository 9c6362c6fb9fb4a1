// The periodic sweep of expired flow state (store/oidc-model-store.ts deleteExpiredFlowState),
// one per aggregator process. FLOW_STATE_SWEEP_SECONDS=0 turns it off in a process, for a
// deployment that sweeps from one process only, or a test that fingerprints the tables.

export interface Sweep {
  stop(): void;
}

/**
 * Runs `sweep` every `everySeconds` without keeping the process alive; 0 schedules nothing.
 * A failed sweep goes to `onError` and the next one runs on time; sweeps never overlap.
 */
export function scheduleSweep(
  everySeconds: number,
  sweep: () => Promise<void>,
  onError: (err: unknown) => void,
): Sweep {
  if (everySeconds === 0) return { stop: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, everySeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
