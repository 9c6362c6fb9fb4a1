import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DatabaseUrlError, describeTarget, parseDatabaseUrl, redactUrl } from './database-url.js';

describe('parseDatabaseUrl', () => {
  it('accepts postgres and postgresql URLs', () => {
    expect(parseDatabaseUrl('postgres://u@h:5432/db')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db',
    });
    expect(parseDatabaseUrl('postgresql://h/db').kind).toBe('postgres');
  });

  it('resolves pglite directories against cwd and knows memory', () => {
    expect(parseDatabaseUrl('pglite:./.data/x', '/srv')).toEqual({
      kind: 'pglite',
      dataDir: path.resolve('/srv/.data/x'),
    });
    expect(parseDatabaseUrl('pglite:memory')).toEqual({ kind: 'pglite', dataDir: undefined });
  });

  it.each(['mysql://x', 'pglite:', '', 'sqlite:foo'])('refuses %p with a clear error', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(DatabaseUrlError);
  });

  it('never shows a password', () => {
    expect(redactUrl('postgres://user:s3cret@host/db')).toBe('postgres://user:***@host/db');
    expect(() => parseDatabaseUrl('mysql://user:s3cret@host')).toThrow(/\*\*\*/);
    expect(describeTarget(parseDatabaseUrl('postgres://a:b@h/d'))).not.toContain(':b@');
  });
});
