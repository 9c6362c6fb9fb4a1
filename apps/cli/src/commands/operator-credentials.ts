import fs from 'node:fs';
import type { Command } from 'commander';
import type {
  ClientAddInput,
  ClientCredentialsOnce,
  ClientView,
  ItemList,
  OperatorClientRequest,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError, idSegment } from '../io.js';
import { keyValues, table } from '../output.js';

/** `switchboard operators credentials`: an operator's client of the operator API. */
export function registerOperatorCredentialsCommand(ops: Command, ctx: CommandContext): void {
  ops
    .command('credentials')
    .argument('<operatorId>')
    .description(
      "create the operator's client for the operator API (/operators/v1), or list them without options",
    )
    .option('--generate-key', 'generate an ES256 key pair; prints the private JWK once')
    .option('--jwks-file <file>', "the operator's public keys (JWKS JSON)")
    .option('--name <name>', 'display name of the client')
    .addHelpText(
      'after',
      `
The client authenticates with private_key_jwt at Switchboard's token endpoint:
  POST <issuer>/token  grant_type=client_credentials  scope=operator:manage
Its tokens act for this operator only. Disable or remove it with "switchboard clients …".

Examples:
  $ switchboard operators credentials es-movistar --generate-key
  $ switchboard operators credentials es-movistar --jwks-file movistar-jwks.json
  $ switchboard operators credentials es-movistar`,
    )
    .action(
      ctx.run(
        async (
          operatorId: string,
          flags: { generateKey?: boolean; jwksFile?: string; name?: string },
        ) => {
          const path = `/operators/${idSegment(operatorId, 'the operator id')}/credentials`;
          if (!flags.generateKey && !flags.jwksFile) {
            const { items } = await ctx.client().get<ItemList<ClientView>>(path);
            return ctx.out().result(items, () =>
              table(
                ['client id', 'name', 'status', 'key ids', 'created'],
                items.map((c) => [c.id, c.name, c.status, kids(c), c.createdAt]),
              ),
            );
          }
          if (flags.generateKey && flags.jwksFile)
            throw new CliError('give --generate-key or --jwks-file, not both');
          const body: OperatorClientRequest = {
            ...(flags.name ? { name: flags.name } : {}),
            ...(flags.generateKey ? { generateKey: true } : { jwks: readJwks(flags.jwksFile!) }),
          };
          const created = await ctx.client().send<ClientCredentialsOnce>('POST', path, body);
          ctx.out().result(created, () => describe(created));
        },
      ),
    );
}

const kids = (c: ClientView) => c.jwks?.keys.map((k) => String(k.kid ?? '(no kid)')).join(' ');

function describe(r: ClientCredentialsOnce): string {
  const lines = [
    keyValues([
      ['client id', r.client.id],
      ['operator', r.client.operatorId],
      ['name', r.client.name],
      ['auth', 'private_key_jwt'],
      ['scope', 'operator:manage'],
      ['key ids', kids(r.client)],
    ]),
  ];
  if (r.privateJwk)
    lines.push(
      '',
      'private key (shown once, give it to the operator):',
      JSON.stringify(r.privateJwk),
    );
  return lines.join('\n');
}

/** The operator's JWKS file; the admin API checks the keys. */
function readJwks(file: string): NonNullable<ClientAddInput['jwks']> {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read ${file} as JSON: ${(e as Error).message}`);
  }
  // A single JWK is accepted as a one-key set.
  const obj = json as { keys?: unknown; kty?: unknown };
  return (
    obj && typeof obj === 'object' && obj.kty && !obj.keys ? { keys: [obj] } : json
  ) as NonNullable<ClientAddInput['jwks']>;
}
