import type { Logger } from '@switchboard/telco-finder';

/**
 * SIGTERM or SIGINT runs `stop` once (a second signal, such as the terminal's Ctrl-C reaching
 * every process of the group, is ignored), then exits 0, or 1 when stopping failed.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal, pid: process.pid });
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
