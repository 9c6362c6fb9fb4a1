import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxStateStore } from './sandbox-state-store.js';

const consent = {
  accountId: 'a',
  clientId: 'c',
  purpose: 'dpv:X',
  grantedAt: '2026-01-01T00:00:00.000Z',
  grantIds: ['g'],
};

describe('sandbox state store', () => {
  it('keeps state in memory without a file, with a random secret', async () => {
    const one = await createSandboxStateStore({});
    const two = await createSandboxStateStore({});
    expect(one.secret).not.toBe(two.secret);
    await one.rememberAccount('a', '+34600000001');
    expect(one.msisdnFor('a')).toBe('+34600000001');
    expect(one.msisdnFor('constructor')).toBeUndefined();
  });

  it('persists secret, accounts and consents to the file and reloads them', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sandbox-state-')), 'nested', 'state.json');
    const store = await createSandboxStateStore({ file });
    await store.rememberAccount('a', '+34600000001');
    await store.putConsent(consent);
    await store.putConsent({ ...consent, grantIds: ['g', 'h'] });
    await store.flush();
    const reloaded = await createSandboxStateStore({ file });
    expect(reloaded.secret).toBe(store.secret);
    expect(reloaded.msisdnFor('a')).toBe('+34600000001');
    expect(reloaded.listConsents('a')).toEqual([{ ...consent, grantIds: ['g', 'h'] }]);
    expect(await reloaded.removeConsent('a', 'c', 'dpv:X')).toMatchObject({ grantIds: ['g', 'h'] });
    expect(await reloaded.removeConsent('a', 'c', 'dpv:X')).toBeUndefined();
    expect(JSON.parse(await readFile(file, 'utf8')).consents).toEqual([]);
  });

  it('refuses a corrupt state file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sandbox-state-')), 'state.json');
    await writeFile(file, JSON.stringify({ version: 2 }));
    await expect(createSandboxStateStore({ file })).rejects.toThrow(/not valid/);
  });
});
