import fs from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import { main as cli } from '@switchboard/cli';
import { ROOT, sleep } from './processes.js';

export interface SeedOptions {
  readonly adminUrls: readonly string[];
  readonly adminToken: string;
  readonly dir: string;
  readonly sandboxA: string;
  readonly sandboxB: string;
  readonly hostile: string;
  readonly redirectUri: string;
}

/** Runs one `switchboard` command in-process against an admin API; throws on a non-zero exit. */
export async function switchboard(
  adminUrl: string,
  adminToken: string,
  ...argv: string[]
): Promise<unknown> {
  let stdout = '';
  let stderr = '';
  const code = await cli([...argv, '--json'], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ...process.env, SWITCHBOARD_ADMIN_URL: adminUrl, SWITCHBOARD_ADMIN_TOKEN: adminToken },
    cwd: ROOT,
  });
  if (code !== 0) throw new Error(`switchboard ${argv.join(' ')}: exit ${code}: ${stderr.trim()}`);
  return stdout ? (JSON.parse(stdout) as unknown) : undefined;
}

/**
 * Seeds the demo operators (as `npm start` does), a hostile operator (sandbox-a's OIDC, a
 * hostile API root) and the app, through the first aggregator's admin API; then waits until
 * every aggregator's routing index has them (LISTEN/NOTIFY between processes).
 */
export async function seed(o: SeedOptions): Promise<{ id: string; jwk: JWK }> {
  const sb = (...argv: string[]) => switchboard(o.adminUrls[0]!, o.adminToken, ...argv);
  const keys = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'config/demo-operator-keys.json'), 'utf8'),
  );
  const aKeyFile = path.join(o.dir, 'sandbox-a-key.json');
  const keyFile = path.join(o.dir, 'sandbox-b-key.json');
  fs.writeFileSync(aKeyFile, JSON.stringify(keys['sandbox-a'].privateJwk), { mode: 0o600 });
  fs.writeFileSync(keyFile, JSON.stringify(keys['sandbox-b'].privateJwk), { mode: 0o600 });
  const common = ['--client-id', 'switchboard', '--insecure'];
  const op = (id: string, name: string, issuer: string, apiRoot: string, ...rest: string[]) =>
    sb(
      'operators',
      'add',
      '--id',
      id,
      '--name',
      name,
      '--country',
      'ES',
      '--issuer',
      issuer,
      '--api-root',
      apiRoot,
      ...common,
      ...rest,
    );
  await op('sandbox-a', 'Sandbox A', o.sandboxA, o.sandboxA, '--private-key-file', aKeyFile);
  await op(
    'sandbox-b',
    'Sandbox B',
    o.sandboxB,
    o.sandboxB,
    '--private-key-file',
    keyFile,
    '--scope-style',
    'dpv-hash',
  );
  await op('hostile', 'Hostile Operator', o.sandboxA, o.hostile, '--private-key-file', aKeyFile);
  await sb('ranges', 'add', 'sandbox-a', '127.10.0.0/16');
  await sb('ranges', 'add', 'sandbox-b', '127.20.0.0/16');
  await sb('ranges', 'add', 'hostile', '127.30.0.0/16');
  const created = (await sb(
    'clients',
    'add',
    '--name',
    'Resilience test bank',
    '--redirect-uri',
    o.redirectUri,
    '--generate-key',
  )) as { client: { id: string }; privateJwk: JWK };
  for (const url of o.adminUrls) await waitForOperator(url, o.adminToken, '127.30.0.1', 'hostile');
  return { id: created.client.id, jwk: created.privateJwk };
}

/** Polls one process's lookup until `ip` routes to `operatorId` (10 s at most). */
export async function waitForOperator(
  adminUrl: string,
  adminToken: string,
  ip: string,
  operatorId: string | undefined,
  timeoutMs = 10_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(`${adminUrl}/admin/v1/lookup?ip=${ip}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const found =
      res.status === 200 ? ((await res.json()) as { operatorId: string }).operatorId : undefined;
    if (res.status !== 200) await res.arrayBuffer();
    if (found === operatorId) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(
        `${adminUrl}: ${ip} routes to ${found ?? 'nothing'}, expected ${operatorId ?? 'nothing'}`,
      );
    await sleep(100);
  }
}
