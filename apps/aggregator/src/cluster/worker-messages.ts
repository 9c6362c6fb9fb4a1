/** What a worker tells the primary over the cluster's IPC channel once it serves. */
export interface WorkerStarted {
  readonly type: 'switchboard:started';
  readonly publicUrl: string;
  readonly adminUrl: string;
  readonly database: string;
}

export function isWorkerStarted(message: unknown): message is WorkerStarted {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === 'switchboard:started'
  );
}
