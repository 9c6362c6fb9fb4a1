import { describe, expect, it } from '@jest/globals';
import { createSecretBox, SecretBoxError } from './secret-box.js';

describe('secret box', () => {
  const box = createSecretBox(['master-key-one-0123456789abcdef']);

  it('round-trips and never contains the plaintext', () => {
    const sealed = box.seal('s3cret-value', 'operator:a');
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed, 'operator:a')).toBe('s3cret-value');
  });

  it('refuses another context, a tampered envelope and an unknown master key', () => {
    const sealed = box.seal('v', 'operator:a');
    expect(() => box.open(sealed, 'operator:b')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x').toString('base64url');
    expect(() => box.open(parts.join('.'), 'operator:a')).toThrow(/authentication/);
    expect(() => createSecretBox(['another-master-key']).open(sealed, 'operator:a')).toThrow(
      /unknown master key/,
    );
    expect(() => box.open('garbage', 'operator:a')).toThrow(/not a sealed value/);
  });

  it('says what an unknown master key is when the caller knows it', () => {
    const sealed = box.seal('v', 'c');
    const hinted = createSecretBox(['another-master-key'], {
      unknownKeyHint: (id) => (id === sealed.split('.')[1] ? 'the old one' : undefined),
    });
    expect(() => hinted.open(sealed, 'c')).toThrow(
      `sealed with an unknown master key (${sealed.split('.')[1]}): the old one`,
    );
  });

  it('opens values sealed under an older master key after rotation', () => {
    const sealed = box.seal('v', 'c');
    const rotated = createSecretBox(['new-master-key', 'master-key-one-0123456789abcdef']);
    expect(rotated.open(sealed, 'c')).toBe('v');
    expect(rotated.seal('v', 'c').split('.')[1]).not.toBe(sealed.split('.')[1]);
  });

  it('reseals a value under the current master key once, and leaves current ones alone', () => {
    const old = box.seal('v', 'c');
    const rotated = createSecretBox([
      'new-master-key-0123456789abcdef',
      'master-key-one-0123456789abcdef',
    ]);
    const resealed = rotated.reseal(old, 'c')!;
    expect(resealed.split('.')[1]).toBe(rotated.currentKeyId);
    expect(createSecretBox(['new-master-key-0123456789abcdef']).open(resealed, 'c')).toBe('v');
    expect(rotated.reseal(resealed, 'c')).toBeUndefined();
    expect(() => rotated.reseal(old, 'other')).toThrow(SecretBoxError);
  });
});
