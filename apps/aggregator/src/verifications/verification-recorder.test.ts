import { describe, expect, it } from '@jest/globals';
import { createVerificationObserver, stepError } from './verification-observer.js';
import { createVerificationRecorder } from './verification-recorder.js';
import type { VerificationStep } from './verification-step.js';

const sinkOf = (fail = false) => {
  const batches: VerificationStep[][] = [];
  return {
    batches,
    insertSteps: async (steps: readonly VerificationStep[]) => {
      if (fail) throw new Error('database down');
      batches.push([...steps]);
    },
  };
};

describe('verification recorder and observer', () => {
  it('records one row per step report, off the request path, written on flush', async () => {
    const sink = sinkOf();
    const recorder = createVerificationRecorder({ sink, options: { flushIntervalMs: 60_000 } });
    const observer = createVerificationObserver({ recorder, clock: () => 1_000 });
    observer.step({ verificationId: 'v', step: 'authorize', clientId: 'app', startedAt: 990 });
    observer.step({
      verificationId: 'v',
      step: 'telco_finder',
      clientId: 'app',
      startedAt: 995,
      error: { code: 'access_denied', description: 'no operator for the device' },
    });
    expect(sink.batches).toEqual([]);
    await recorder.flush();
    expect(sink.batches.flat()).toMatchObject([
      { step: 'authorize', outcome: 'ok', durationMs: 10, error: undefined, traceId: undefined },
      {
        step: 'telco_finder',
        outcome: 'error',
        error: 'access_denied: no operator for the device',
      },
    ]);
    await recorder.close();
  });

  it('writes in batches of batchSize and keeps steps when the database fails', async () => {
    const sink = sinkOf();
    const recorder = createVerificationRecorder({
      sink,
      options: { batchSize: 2, flushIntervalMs: 60_000 },
    });
    const row = { verificationId: 'v', step: 'token', clientId: 'a' } as VerificationStep;
    for (let i = 0; i < 5; i += 1) recorder.record(row);
    await recorder.close();
    expect(sink.batches.map((b) => b.length)).toEqual([2, 2, 1]);
    recorder.record(row);
    await recorder.flush();
    expect(sink.batches.flat()).toHaveLength(5);

    const down = createVerificationRecorder({ sink: sinkOf(true), options: { maxBuffer: 3 } });
    for (let i = 0; i < 5; i += 1) down.record(row);
    await expect(down.flush()).rejects.toThrow('database down');
    expect(down.dropped()).toBe(2);
    await down.close().catch(() => undefined);
  });

  it('keeps a personal description out of the error column', () => {
    expect(stepError({ code: 'access_denied', description: 'number +34600000001 refused' })).toBe(
      'access_denied',
    );
    expect(stepError({ code: 'invalid_request', description: 'y'.repeat(250) })).toHaveLength(200);
  });
});
