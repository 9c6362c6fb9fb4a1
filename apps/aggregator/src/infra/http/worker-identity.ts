import cluster from 'node:cluster';

/** Which worker answers, in cluster mode (SWITCHBOARD_WORKERS > 1); nothing in a single process. */
export function workerIdentity(): { worker: number; pid: number } | Record<string, never> {
  return cluster.isWorker && cluster.worker ? { worker: cluster.worker.id, pid: process.pid } : {};
}
