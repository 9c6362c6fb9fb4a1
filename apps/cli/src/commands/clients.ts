import fs from 'node:fs';
import type { Command } from 'commander';
import {
  ALLOWABLE_SCOPES,
  type ClientAddInput,
  type ClientCredentialsOnce,
  type ClientUpdateInput,
  type ClientView,
  type ItemList,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError, idSegment } from '../io.js';
import { keyValues, table } from '../output.js';

interface ClientFlags {
  name?: string;
  redirectUri?: string[];
  jwksFile?: string;
  generateKey?: boolean;
  secret?: boolean;
  telcoFinder?: boolean;
  scopes?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The CAMARA API scopes an app may be allowed (NV 2.1, then NV 0.3.1 names). */
const SCOPES_HELP = `CAMARA API scopes the app may request, comma- or space-separated, of: ${ALLOWABLE_SCOPES.join(', ')}`;
const SCOPE_EXAMPLES = `
Scopes: an app may request only the CAMARA API scopes it is allowed. A new app gets
number-verification:verify and number-verification-verify-read (verify a number it already
has); the device-phone-number scopes return the phone number itself: allow them with --scopes.`;

/** `a,b c` → ['a', 'b', 'c']; the admin API names any scope it does not know. */
const scopeList = (value: string) => value.split(/[\s,]+/).filter(Boolean);

export function registerClientCommands(program: Command, ctx: CommandContext): void {
  const clients = program
    .command('clients')
    .description("manage service providers' OIDC clients (the apps)");

  clients
    .command('add')
    .description('register an app; its secret or private key is printed once, never stored')
    .requiredOption('--name <name>', 'display name shown to admins')
    .option('--redirect-uri <uri>', 'exact redirect URI (repeatable; required for apps)', collect)
    .option(
      '--telco-finder',
      'a machine client of the telco finder API: client_credentials, scope telco-finder, no redirect URI',
    )
    .option('--jwks-file <file>', "the app's public keys (JWKS JSON), for private_key_jwt")
    .option('--generate-key', 'generate an ES256 key pair; prints the private JWK once')
    .option('--secret', 'use client_secret_basic with a generated secret instead of keys')
    .option(
      '--scopes <scopes>',
      `${SCOPES_HELP} (default: the two verify scopes; not with --telco-finder)`,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard clients add --name "Demo bank" --redirect-uri https://bank.example/cb --generate-key
  $ switchboard clients add --name "Shop" --redirect-uri https://shop.example/cb --jwks-file shop-jwks.json
  $ switchboard clients add --name "Legacy" --redirect-uri https://legacy.example/cb --secret
  $ switchboard clients add --name "Onboarding" --redirect-uri https://kyc.example/cb --generate-key \\
      --scopes number-verification:verify,number-verification:device-phone-number:read
  $ switchboard clients add --name "Partner finder" --telco-finder --secret
      then: POST /token grant_type=client_credentials scope=telco-finder (HTTP Basic)
${SCOPE_EXAMPLES}`,
    )
    .action(
      ctx.run(async (flags: ClientFlags) => {
        const chosen = [flags.jwksFile, flags.generateKey, flags.secret].filter(Boolean).length;
        if (chosen !== 1)
          throw new CliError('give exactly one of --jwks-file, --generate-key, --secret');
        if (!flags.telcoFinder && !flags.redirectUri)
          throw new CliError('give --redirect-uri (an app) or --telco-finder (a machine client)');
        const body: ClientAddInput = {
          name: flags.name!,
          redirectUris: flags.redirectUri ?? [],
          ...(flags.telcoFinder ? { grantType: 'client_credentials' } : {}),
          authMethod: flags.secret ? 'client_secret_basic' : 'private_key_jwt',
          ...(flags.jwksFile ? { jwks: readJwks(flags.jwksFile) } : {}),
          ...(flags.generateKey ? { generateKey: true } : {}),
          ...(flags.scopes !== undefined ? { allowedScopes: scopeList(flags.scopes) } : {}),
        };
        const created = await ctx.client().send<ClientCredentialsOnce>('POST', '/clients', body);
        ctx.out().result(created, () => describeCreated(created));
      }),
    );

  clients
    .command('list')
    .description('list apps')
    .action(
      ctx.run(async () => {
        const { items } = await ctx.client().get<ItemList<ClientView>>('/clients');
        ctx.out().result(items, () =>
          table(
            ['id', 'name', 'status', 'auth', 'grant', 'redirect uris', 'scopes'],
            items.map((c) => [
              c.id,
              c.name,
              c.status,
              c.authMethod,
              c.grantType,
              c.redirectUris.join(' '),
              c.allowedScopes.join(' '),
            ]),
          ),
        );
      }),
    );

  clients
    .command('show')
    .argument('<id>')
    .description('show one app')
    .action(
      ctx.run(async (id: string) => {
        const c = await ctx.client().get<ClientView>(path(id));
        ctx.out().result(c, () => showClient(c));
      }),
    );

  clients
    .command('update')
    .argument('<id>')
    .description("change an app's name, redirect URIs, public keys or allowed API scopes")
    .option('--name <name>')
    .option('--redirect-uri <uri>', 'replaces all redirect URIs (repeatable)', collect)
    .option('--jwks-file <file>', 'replaces the public keys')
    .option('--scopes <scopes>', `${SCOPES_HELP}; replaces the list ('' allows none)`)
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard clients update sb-123 --redirect-uri https://bank.example/cb2
  $ switchboard clients update sb-123 --scopes number-verification:verify,number-verification:device-phone-number:read
  $ switchboard clients update sb-123 --scopes number-verification:verify
      (withdraws the device-phone-number scope: new flows asking for it get invalid_scope)
${SCOPE_EXAMPLES}`,
    )
    .action(
      ctx.run(async (id: string, flags: ClientFlags) => {
        const patch: ClientUpdateInput = {
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.redirectUri ? { redirectUris: flags.redirectUri } : {}),
          ...(flags.jwksFile ? { jwks: readJwks(flags.jwksFile) } : {}),
          ...(flags.scopes !== undefined ? { allowedScopes: scopeList(flags.scopes) } : {}),
        };
        if (Object.keys(patch).length === 0) throw new CliError('nothing to change');
        const c = await ctx.client().send<ClientView>('PATCH', path(id), patch);
        ctx.out().result(c, () => `client ${c.id} updated`);
      }),
    );

  clients
    .command('rotate-secret')
    .argument('<id>')
    .description('issue a new client secret (printed once); the old one stops working')
    .action(
      ctx.run(async (id: string) => {
        const r = await ctx
          .client()
          .send<ClientCredentialsOnce>('POST', `${path(id)}/rotate-secret`);
        ctx.out().result(r, () => describeCreated(r));
      }),
    );

  for (const [verb, what] of [
    ['disable', 'stop accepting an app (its flows and token requests fail)'],
    ['enable', 'accept a disabled app again'],
  ] as const) {
    clients
      .command(verb)
      .argument('<id>')
      .description(what)
      .action(
        ctx.run(async (id: string) => {
          const c = await ctx.client().send<ClientView>('POST', `${path(id)}/${verb}`);
          ctx.out().result(c, () => `client ${c.id} ${c.status}`);
        }),
      );
  }

  clients
    .command('remove')
    .argument('<id>')
    .description('delete an app')
    .action(
      ctx.run(async (id: string) => {
        await ctx.client().send('DELETE', path(id));
        ctx.out().result({ removed: id }, () => `client ${id} removed`);
      }),
    );
}

const path = (id: string) => `/clients/${idSegment(id, 'the client id')}`;

/** The app's JWKS file as JSON; the admin API checks the keys. */
function readJwks(file: string): NonNullable<ClientAddInput['jwks']> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as NonNullable<ClientAddInput['jwks']>;
  } catch (e) {
    throw new CliError(`cannot read ${file} as JSON: ${(e as Error).message}`);
  }
}

function showClient(c: ClientView): string {
  return keyValues([
    ['id', c.id],
    ['name', c.name],
    ['status', c.status],
    ['auth', c.authMethod],
    ['grant', c.grantType],
    ...(c.operatorId ? ([['operator API of', c.operatorId]] as Array<[string, string]>) : []),
    ['redirect uris', c.redirectUris.join(' ')],
    ['allowed scopes', c.allowedScopes.length ? c.allowedScopes.join(' ') : '(none)'],
    ['key ids', c.jwks?.keys.map((k) => String(k.kid ?? '(no kid)')).join(' ')],
    ['created', c.createdAt],
  ]);
}

function describeCreated(r: ClientCredentialsOnce): string {
  const lines = [showClient(r.client)];
  if (r.clientSecret) lines.push('', 'client secret (shown once, store it now):', r.clientSecret);
  if (r.privateJwk)
    lines.push('', 'private key (shown once, store it now):', JSON.stringify(r.privateJwk));
  return lines.join('\n');
}
