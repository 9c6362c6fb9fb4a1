import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { adminTokenExists, insertAdminToken, touchAdminToken } from './store/admin-token-store.js';

export const ADMIN_TOKEN_FILE = 'admin-token';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface AdminTokens {
  verify(token: string): Promise<boolean>;
}

/**
 * Makes sure an admin token exists. A token from the environment is registered (hashed);
 * otherwise the token file in the data directory is reused when the database knows it,
 * else a new token is generated and written there once, mode 0600, for the local CLI.
 */
export async function bootstrapAdminToken(
  knex: Knex,
  options: { envToken: string | undefined; dataDir: string },
): Promise<{ source: 'env' | 'file' | 'generated'; file?: string }> {
  if (options.envToken) {
    await insertAdminToken(knex, 'environment', hashToken(options.envToken));
    return { source: 'env' };
  }
  const file = path.join(options.dataDir, ADMIN_TOKEN_FILE);
  const existing = readTokenFile(file);
  if (existing && (await adminTokenExists(knex, hashToken(existing))))
    return { source: 'file', file };
  const token = `sbadm_${randomBytes(32).toString('base64url')}`;
  await insertAdminToken(knex, `generated ${new Date().toISOString()}`, hashToken(token));
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { source: 'generated', file };
}

function readTokenFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function createAdminTokens(knex: Knex): AdminTokens {
  // Cache verified hashes briefly so every CLI call does not cost a query.
  const verified = new Map<string, number>();
  return {
    async verify(token) {
      const hash = hashToken(token);
      const until = verified.get(hash);
      if (until && until > Date.now()) return true;
      if (!(await adminTokenExists(knex, hash))) return false;
      verified.set(hash, Date.now() + 30_000);
      await touchAdminToken(knex, hash);
      return true;
    },
  };
}
