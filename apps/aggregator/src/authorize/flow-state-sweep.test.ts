import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { scheduleSweep } from './flow-state-sweep.js';

describe('scheduleSweep', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sweeps every interval until stopped', async () => {
    const sweep = jest.fn(() => Promise.resolve());
    const handle = scheduleSweep(60, sweep, () => undefined);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(sweep).toHaveBeenCalledTimes(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(sweep).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(sweep).toHaveBeenCalledTimes(3);
    handle.stop();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(sweep).toHaveBeenCalledTimes(3);
  });

  it('schedules nothing at 0', async () => {
    const sweep = jest.fn(() => Promise.resolve());
    scheduleSweep(0, sweep, () => undefined);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(sweep).not.toHaveBeenCalled();
  });

  it('reports a failed sweep and runs the next one on time', async () => {
    const failure = new Error('database down');
    const sweep = jest
      .fn<() => Promise<void>>()
      .mockRejectedValueOnce(failure)
      .mockResolvedValue(undefined);
    const errors: unknown[] = [];
    const handle = scheduleSweep(1, sweep, (err) => errors.push(err));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(errors).toEqual([failure]);
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
    const handle = scheduleSweep(1, sweep, () => undefined);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sweep).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    handle.stop();
  });
});
