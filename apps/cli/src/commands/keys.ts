import { InvalidArgumentError, type Command } from 'commander';
import {
  MAX_ROTATION_BATCH,
  rotateMasterRequestSchema,
  type RetireKeyRequest,
  type ItemList,
  type KeyView,
  type MasterKeyRotationReport,
  type OpenId4VpKeyView,
  type RotateMasterRequest,
  type RotateOpenId4VpRequest,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { idSegment } from '../io.js';
import { table } from '../output.js';
import { registerClientKeyCommand } from './client-key.js';

export function registerKeyCommands(program: Command, ctx: CommandContext): void {
  const keys = program
    .command('keys')
    .description(
      "AggregatorAccessToken encryption keys (rotation by kid), master-key rotation, Switchboard's client keys for operators, the OpenID4VP signing chain",
    );

  keys
    .command('list')
    .description('list keys; new tokens use the newest active token-encryption key')
    .action(
      ctx.run(async () => {
        const { items } = await ctx.client().get<ItemList<KeyView>>('/keys');
        ctx.out().result(items, () =>
          table(
            ['kid', 'use', 'status', 'created', 'retired'],
            items.map((k) => [k.kid, k.use, k.status, k.createdAt, k.retiredAt ?? '']),
          ),
        );
      }),
    );

  keys
    .command('rotate')
    .description('add a token key; new tokens use it, older keys still decrypt until retired')
    .action(
      ctx.run(async () => {
        const k = await ctx.client().send<KeyView>('POST', '/keys/rotate');
        ctx.out().result(k, () => `token key ${k.kid} is now current`);
      }),
    );

  keys
    .command('retire')
    .argument('<kid>')
    .description(
      'stop accepting tokens encrypted under a key; refused until tokens under it expired (ACCESS_TOKEN_MAX_TTL after it was replaced, + 10 s) unless --force',
    )
    .option('--force', 'retire now, cutting off tokens still encrypted under it')
    .action(
      ctx.run(async (kid: string, opts: { force?: boolean }) => {
        const body: RetireKeyRequest | undefined = opts.force ? { force: true } : undefined;
        const k = await ctx
          .client()
          .send<KeyView>('POST', `/keys/${idSegment(kid, 'the key id')}/retire`, body);
        ctx.out().result(k, () => `token key ${k.kid} retired`);
      }),
    );

  keys
    .command('rotate-master')
    .description(
      're-encrypt every secret at rest under the newest master key (SWITCHBOARD_MASTER_KEY)',
    )
    .option(
      '--batch-size <n>',
      `rows per transaction (1–${MAX_ROTATION_BATCH}, default 100)`,
      batchSize,
    )
    .addHelpText(
      'after',
      `
Start every aggregator with the new key first, keeping the old one readable:
  SWITCHBOARD_MASTER_KEY=<new> SWITCHBOARD_PREVIOUS_MASTER_KEYS=<old>
then run this once (safe while traffic flows, and to run again), and drop the old key from
SWITCHBOARD_PREVIOUS_MASTER_KEYS once it reports no failures.

Examples:
  $ switchboard keys rotate-master
  $ switchboard keys rotate-master --batch-size 500 --json`,
    )
    .action(
      ctx.run(async (options: { batchSize?: number }) => {
        const body: RotateMasterRequest = options.batchSize ? { batchSize: options.batchSize } : {};
        const r = await ctx
          .client()
          .send<MasterKeyRotationReport>('POST', '/keys/rotate-master', body);
        const failed = r.columns.reduce((n, c) => n + c.failed.length, 0);
        ctx.out().result(r, () =>
          [
            table(
              ['table', 'column', 'scanned', 're-encrypted', 'failed'],
              r.columns.map((c) => [
                c.table,
                c.column,
                String(c.scanned),
                String(c.resealed),
                c.failed.length ? c.failed.join(' ') : '0',
              ]),
            ),
            failed
              ? `${failed} value(s) could not be opened with the configured master keys: keep the old key`
              : `every secret is now sealed under master key ${r.masterKeyId}`,
          ].join('\n'),
        );
        if (failed) ctx.setExitCode(1);
      }),
    );

  registerClientKeyCommand(keys, ctx);
  registerOpenId4VpCommands(keys, ctx);
}

/**
 * `keys openid4vp [rotate [--root]]`: the chain that signs each credential_authorization_jwt of
 * the operator-token path (CAMARA NV "Operator Token Acquisition" guide, Appendix B).
 */
function registerOpenId4VpCommands(keys: Command, ctx: CommandContext): void {
  const openid4vp = keys
    .command('openid4vp')
    .description(
      'show the OpenID4VP signing chain of the operator-token path: root fingerprint (for Google’s allowlist), leaf kid, not-after, created',
    )
    .addHelpText(
      'after',
      `
Each operator offering operator tokens gives the root fingerprint to Google, which allowlists
it for the operator's SIMs; phones refuse credential requests signed under any other root.

Examples:
  $ switchboard keys openid4vp
  $ switchboard keys openid4vp --json
  $ switchboard keys openid4vp rotate
  $ switchboard keys openid4vp rotate --root`,
    )
    .action(
      ctx.run(async () => {
        const v = await ctx.client().get<OpenId4VpKeyView>('/keys/openid4vp');
        ctx.out().result(v, () => openId4VpTable(v));
      }),
    );

  openid4vp
    .command('rotate')
    .description(
      'new leaf key and certificate signed by the root (new requests are signed with it); --root: a new root too',
    )
    .option(
      '--root',
      'a new root as well: every operator must give its fingerprint to Google again',
    )
    .action(
      ctx.run(async (opts: { root?: boolean }) => {
        const body: RotateOpenId4VpRequest = opts.root ? { root: true } : {};
        const v = await ctx.client().send<OpenId4VpKeyView>('POST', '/keys/openid4vp/rotate', body);
        ctx
          .out()
          .result(v, () =>
            [
              openId4VpTable(v),
              opts.root
                ? `new root ${v.root.fingerprint}: give this fingerprint to each operator for Google's allowlist; phones refuse requests signed under it until then`
                : `leaf ${v.leaf.kid} now signs new credential requests`,
            ].join('\n'),
          );
      }),
    );
}

function openId4VpTable(v: OpenId4VpKeyView): string {
  return table(
    ['certificate', 'kid', 'sha-256 fingerprint', 'not after', 'created'],
    [
      ['root', v.root.kid, v.root.fingerprint, v.root.notAfter, v.root.createdAt],
      ['leaf', v.leaf.kid, v.leaf.fingerprint, v.leaf.notAfter, v.leaf.createdAt],
    ],
  );
}

/** `--batch-size`: the admin API's rule for `batchSize`, checked before the call. */
function batchSize(value: string): number {
  const n = Number(value);
  if (!rotateMasterRequestSchema.safeParse({ batchSize: n }).success)
    throw new InvalidArgumentError(`must be an integer from 1 to ${MAX_ROTATION_BATCH}`);
  return n;
}
