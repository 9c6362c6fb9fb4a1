import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { idSegment } from '../io.js';
import { table } from '../output.js';

interface Key {
  kid: string;
  use: string;
  status: string;
  createdAt: string;
  retiredAt: string | null;
}

export function registerKeyCommands(program: Command, ctx: CommandContext): void {
  const keys = program
    .command('keys')
    .description('AggregatorAccessToken encryption keys (rotation by kid)');

  keys
    .command('list')
    .description('list keys; new tokens use the newest active token-encryption key')
    .action(
      ctx.run(async () => {
        const { items } = await ctx.client().get<{ items: Key[] }>('/keys');
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
        const k = await ctx.client().send<Key>('POST', '/keys/rotate');
        ctx.out().result(k, () => `token key ${k.kid} is now current`);
      }),
    );

  keys
    .command('retire')
    .argument('<kid>')
    .description(
      'stop accepting tokens encrypted under a key (retire after tokens expire: ≤ 300 s)',
    )
    .action(
      ctx.run(async (kid: string) => {
        const k = await ctx
          .client()
          .send<Key>('POST', `/keys/${idSegment(kid, 'the key id')}/retire`);
        ctx.out().result(k, () => `token key ${k.kid} retired`);
      }),
    );
}
