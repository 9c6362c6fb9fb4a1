import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'undici';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/test-support';
import { startAggregator } from '../../app.js';
import { loadConfig } from '../../config.js';
import { silentLogger } from '../logging.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

describe('graceful drain (SHUTDOWN_DRAIN_MS)', () => {
  it('keeps serving while /ready says draining and answers close their connections, then closes', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-drain-'));
    let endDrain = () => {};
    const drainWait = () => new Promise<void>((resolve) => (endDrain = resolve));
    const agg = await startAggregator(
      loadConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        ADMIN_PORT: '0',
        SHUTDOWN_DRAIN_MS: '600',
        SHUTDOWN_GRACE_MS: '100',
        SWITCHBOARD_DATA_DIR: dataDir,
      }),
      { logger: silentLogger, database: t.db, drainWait },
    );
    const before = await request(`${agg.publicUrl}/ready`);
    await before.body.dump();
    expect(before.statusCode).toBe(200);
    expect(before.headers.connection).not.toBe('close');

    // Draining begins at once; it lasts until the test ends it (SHUTDOWN_DRAIN_MS in production).
    const stopped = agg.stop();
    const during = await request(`${agg.publicUrl}/ready`);
    expect(during.statusCode).toBe(503);
    expect(((await during.body.json()) as { status: string }).status).toBe('draining');
    expect(during.headers.connection).toBe('close');
    const served = await request(`${agg.publicUrl}/.well-known/openid-configuration`);
    await served.body.dump();
    expect(served.statusCode).toBe(200);

    endDrain();
    await stopped;
    await expect(request(`${agg.publicUrl}/health`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
