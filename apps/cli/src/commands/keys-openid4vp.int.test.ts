import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OpenId4VpKeyView } from '@switchboard/contracts';
import { HARNESS_START_MS, startHarness, type Harness } from '../../test-support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, HARNESS_START_MS);
afterAll(() => h.stop());

const json = async <T>(...argv: string[]): Promise<T> => {
  const run = await h.cli('--json', ...argv);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as T;
};

describe('switchboard keys openid4vp', () => {
  it('shows the chain created at boot: root fingerprint, leaf kid, not-after, created', async () => {
    const run = await h.cli('keys', 'openid4vp');
    expect(run.code).toBe(0);
    const view = await json<OpenId4VpKeyView>('keys', 'openid4vp');
    expect(view.root.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(view.x5c).toHaveLength(2);
    expect(run.stdout).toContain(view.root.fingerprint);
    expect(run.stdout).toContain(view.leaf.kid);
    expect(run.stdout).toContain(view.leaf.notAfter);
  });

  it('rotate: a new leaf under the same root, in the audit log; --root: a new root, with the advice', async () => {
    const before = await json<OpenId4VpKeyView>('keys', 'openid4vp');
    const leaf = await json<OpenId4VpKeyView>('keys', 'openid4vp', 'rotate');
    expect(leaf.root.fingerprint).toBe(before.root.fingerprint);
    expect(leaf.leaf.kid).not.toBe(before.leaf.kid);
    const run = await h.cli('keys', 'openid4vp', 'rotate', '--root');
    expect(run.code).toBe(0);
    const after = await json<OpenId4VpKeyView>('keys', 'openid4vp');
    expect(after.root.fingerprint).not.toBe(before.root.fingerprint);
    expect(run.stdout).toContain(
      `new root ${after.root.fingerprint}: give this fingerprint to each operator for Google's allowlist`,
    );
    const audit = await json<{ action: string; detail: Record<string, unknown> }[]>('audit');
    const rotations = audit.filter((a) => a.action === 'openid4vp-keys.rotate');
    expect(rotations.map((r) => r.detail)).toEqual([
      expect.objectContaining({ root: false, leafKid: leaf.leaf.kid }),
      expect.objectContaining({ root: true, rootFingerprint: after.root.fingerprint }),
    ]);
  });

  it('refuses an unknown option', async () => {
    const run = await h.cli('keys', 'openid4vp', 'rotate', '--roots');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/unknown option '--roots'/);
  });
});
