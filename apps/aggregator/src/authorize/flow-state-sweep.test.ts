import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { scheduleSweep, type SweepLog } from './flow-state-sweep.js';

/** A log that keeps what it is told. */
function keptLog(): SweepLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => void lines.push(`info ${message}`),
    warn: (message, meta) => void lines.push(`warn ${message} ${meta.error}`),
  };
}

describe('scheduleSweep', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sweeps every interval until stopped', async () => {
    const sweep = jest.fn(() => Promise.resolve());
    const log = keptLog();
    const handle = scheduleSweep(60, sweep, log);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(sweep).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(sweep).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(sweep).toHaveBeenCalledTimes(3);
    handle.stop();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(sweep).toHaveBeenCalledTimes(3);
    expect(log.lines).toEqual([]);
  });

  it('schedules nothing at 0, and says once that another process must sweep', async () => {
    const sweep = jest.fn(() => Promise.resolve());
    const log = keptLog();
    scheduleSweep(0, sweep, log);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(sweep).not.toHaveBeenCalled();
    expect(log.lines).toEqual([
      'info expired flow state is not swept by this process (FLOW_STATE_SWEEP_SECONDS=0): another process must sweep it',
    ]);
  });

  it('reports a failed sweep and runs the next one on time', async () => {
    const failure = new Error('database down');
    const sweep = jest
      .fn<() => Promise<void>>()
      .mockRejectedValueOnce(failure)
      .mockResolvedValue(undefined);
    const log = keptLog();
    const handle = scheduleSweep(1, sweep, log);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(log.lines).toEqual(['warn expired flow state cleanup failed Error: database down']);
    expect(sweep).toHaveBeenCalledTimes(2);
    handle.stop();
  });

  it('never starts a sweep while the last one is still running', async () => {
    let finish: () => void = () => undefined;
    const sweep = jest.fn(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    const handle = scheduleSweep(1, sweep, keptLog());
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sweep).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    handle.stop();
  });
});
