import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@switchboard/telco-finder';
import type { AggregatorConfig } from '../config.js';
import { isWorkerStarted, type WorkerStarted } from './worker-messages.js';

/** Restart back-off: doubles from `minMs` for each crash in a row, up to `maxMs`. */
export interface RestartPolicy {
  readonly minMs: number;
  readonly maxMs: number;
  /** A worker that served this long before dying starts a new streak (restarted after minMs). */
  readonly stableMs: number;
}

const DEFAULT_RESTART: RestartPolicy = { minMs: 500, maxMs: 30_000, stableMs: 60_000 };

/** The delay before restarting after the `streak`-th crash in a row (1-based). */
export function restartDelay(streak: number, policy: RestartPolicy = DEFAULT_RESTART): number {
  return Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, streak - 1));
}

/**
 * The primary of `SWITCHBOARD_WORKERS=N`: it serves nothing itself. The first worker starts
 * alone, so migrations, key and admin-token bootstrap run once; then the others. A worker that
 * dies is replaced after a back-off; SIGTERM/SIGINT stop every worker gracefully (each drains
 * and closes its listeners) and the primary exits 0 when all of them did.
 */
export async function runPrimary(
  config: AggregatorConfig,
  logger: Logger,
  restart: RestartPolicy = DEFAULT_RESTART,
): Promise<void> {
  const workers = createSupervisor(logger, restart);
  const onSignal = (signal: NodeJS.Signals) => {
    if (workers.stopping()) return;
    logger.info('shutting down', { signal, workers: workers.list().length });
    // A worker that has not finished within its own drain and grace windows is killed.
    const hardStop = setTimeout(
      () => workers.list().forEach((w) => w.process.kill('SIGKILL')),
      config.shutdownDrainMs + config.shutdownGraceMs + 10_000,
    );
    hardStop.unref();
    void workers.stopAll().then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const first = await workers.start(true);
    await Promise.all(Array.from({ length: config.workers - 1 }, () => workers.start(true)));
    const pids = workers.list().map((w) => w.process.pid);
    process.stdout.write(
      `\nSwitchboard aggregator, ${config.workers} workers (pids ${pids.join(', ')}; primary ${process.pid})\n  public API  ${first.publicUrl}\n  admin API   ${first.adminUrl}  (npx switchboard --help)\n  database    ${first.database}\n\n`,
    );
  } catch (err) {
    if (workers.stopping()) return;
    await workers.stopAll();
    throw err;
  }
}

/** Forks workers, replaces the ones that die, and stops them all. */
function createSupervisor(logger: Logger, restart: RestartPolicy) {
  let stopping = false;
  let streak = 0;
  const pendingRestarts = new Set<NodeJS.Timeout>();
  const list = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);

  const scheduleRestart = (worker: Worker, bornAt: number, code: number, signal: string) => {
    streak = Date.now() - bornAt >= restart.stableMs ? 1 : streak + 1;
    const delayMs = restartDelay(streak, restart);
    logger.error('worker died; restarting', { worker: worker.id, pid: worker.process.pid, code, signal, delayMs }); // prettier-ignore
    const timer = setTimeout(() => {
      pendingRestarts.delete(timer);
      if (!stopping) start(false).catch(() => {}); // its own exit schedules the next try
    }, delayMs);
    pendingRestarts.add(timer);
  };

  // At start a worker that dies before serving fails the start (a bad database URL would
  // otherwise be retried forever); once running, every death is restarted after a back-off.
  const start = (initial: boolean) =>
    new Promise<WorkerStarted>((resolve, reject) => {
      const worker = cluster.fork();
      const bornAt = Date.now();
      let started = false;
      worker.on('message', (message: unknown) => {
        if (!isWorkerStarted(message) || started) return;
        started = true;
        logger.info('worker started', { worker: worker.id, pid: worker.process.pid });
        resolve(message);
      });
      worker.once('exit', (code, signal) => {
        if (!started)
          reject(new Error(`worker ${worker.id} exited before serving (code ${code}, signal ${signal})`)); // prettier-ignore
        if (!stopping && (started || !initial)) scheduleRestart(worker, bornAt, code, signal);
      });
    });

  return {
    start,
    list,
    stopping: () => stopping,
    async stopAll(): Promise<boolean> {
      stopping = true;
      for (const timer of pendingRestarts) clearTimeout(timer);
      const codes = await Promise.all(list().map(stopWorker));
      return codes.every((code) => code === 0);
    },
  };
}

function stopWorker(worker: Worker): Promise<number | null> {
  return new Promise((resolve) => {
    if (worker.isDead()) {
      resolve(worker.process.exitCode);
      return;
    }
    worker.once('exit', (code) => resolve(code));
    worker.process.kill('SIGTERM');
  });
}
