/**
 * Retention of verification steps (VERIFICATION_RETENTION_DAYS): steps older than that are
 * deleted at start and then every `intervalMs`. Each instance sweeps; deleting is idempotent.
 */
export interface VerificationSweep {
  /** Deletes now; resolves with how many steps went. */
  sweepOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function startVerificationSweep(deps: {
  readonly deleteBefore: (before: Date) => Promise<number>;
  readonly retentionDays: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly onError?: (err: unknown) => void;
}): VerificationSweep {
  const now = deps.now ?? Date.now;
  let running: Promise<number> | undefined;
  const sweepOnce = (): Promise<number> => {
    running ??= deps
      .deleteBefore(new Date(now() - deps.retentionDays * 86_400_000))
      .finally(() => (running = undefined));
    return running;
  };
  const background = () => void sweepOnce().catch((err: unknown) => deps.onError?.(err));
  const timer = setInterval(background, deps.intervalMs ?? 3_600_000);
  timer.unref();
  background();
  return {
    sweepOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
