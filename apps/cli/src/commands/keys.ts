import { InvalidArgumentError, type Command } from 'commander';
import {
  MAX_ROTATION_BATCH,
  rotateMasterRequestSchema,
  type RetireKeyRequest,
  type ItemList,
  type KeyView,
  type MasterKeyRotationReport,
  type RotateMasterRequest,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { idSegment } from '../io.js';
import { table } from '../output.js';
import { registerClientKeyCommand } from './client-key.js';

export function registerKeyCommands(program: Command, ctx: CommandContext): void {
  const keys = program
    .command('keys')
    .description(
      "AggregatorAccessToken encryption keys (rotation by kid), master-key rotation, Switchboard's client keys for operators",
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
}

/** `--batch-size`: the admin API's rule for `batchSize`, checked before the call. */
function batchSize(value: string): number {
  const n = Number(value);
  if (!rotateMasterRequestSchema.safeParse({ batchSize: n }).success)
    throw new InvalidArgumentError(`must be an integer from 1 to ${MAX_ROTATION_BATCH}`);
  return n;
}
