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
  backend?: boolean;
  trustTelSubject?: boolean;
  requireSignedRequest?: boolean;
  scopes?: string;
  allowedOrigin?: string[];
  apkKeyHash?: string[];
  /** false: --no-allowed-origins (commander's negation alone defaults to true). */
  allowedOrigins?: boolean;
  /** false: --no-apk-key-hashes. */
  apkKeyHashes?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The CAMARA API scopes an app may be allowed (NV 2.1, then NV 0.3.1 names). */
const SCOPES_HELP = `CAMARA API scopes the app may request, comma- or space-separated, of: ${ALLOWABLE_SCOPES.join(', ')}`;
const SCOPE_EXAMPLES = `
Scopes: an app may request only the CAMARA API scopes it is allowed. A new app gets
number-verification:verify and number-verification-verify-read (verify a number it already
has); the device-phone-number scopes return the phone number itself: allow them with --scopes.`;

const OPERATOR_TOKEN_HELP = `
Operator tokens (CAMARA Number Verification, "Operator Token Acquisition"): a backend client
whose app runs on Android handsets can exchange a SIM-based operator token. The handset's
Telephony names the calling app in the token's audience: a web origin (--allowed-origin,
scheme://host[:port], https or http on localhost/127.0.0.1/[::1]) or an Android app
(--apk-key-hash, base64url SHA-256 of its signing key, 43 characters); at most 20 of each.`;

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
    .option(
      '--backend',
      "a service provider's server using the ICM backend flows (CIBA, JWT-bearer): private_key_jwt, no redirect URI",
    )
    .option(
      '--trust-tel-subject',
      'with --backend: its JWT-bearer assertions may name the subscriber (sub=tel:+…); an admin trusts the client for that',
    )
    .option(
      '--require-signed-request',
      'an app with keys: its authorization requests must be signed request objects (CAMARA ICM; unsigned ones get invalid_request)',
    )
    .option('--jwks-file <file>', "the app's public keys (JWKS JSON), for private_key_jwt")
    .option('--generate-key', 'generate an ES256 key pair; prints the private JWK once')
    .option(
      '--secret',
      'use client_secret_basic with a generated secret instead of keys (development only: refused under the ICM strict profile, ICM_STRICT_PROFILE)',
    )
    .option(
      '--scopes <scopes>',
      `${SCOPES_HELP} (default: the two verify scopes; not with --telco-finder)`,
    )
    .option(
      '--allowed-origin <origin>',
      'with --backend: a web origin its operator tokens may name, e.g. https://shop.example (repeatable)',
      collect,
    )
    .option(
      '--apk-key-hash <hash>',
      'with --backend: an Android app (base64url SHA-256 of its signing key) its operator tokens may name (repeatable)',
      collect,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard clients add --name "Demo bank" --redirect-uri https://bank.example/cb --generate-key
  $ switchboard clients add --name "Shop" --redirect-uri https://shop.example/cb --jwks-file shop-jwks.json
  $ switchboard clients add --name "Strict bank" --redirect-uri https://strict.example/cb \\
      --generate-key --require-signed-request
      then: GET /auth?client_id=…&response_type=code&scope=…&redirect_uri=…&request=<signed JWT>
  $ switchboard clients add --name "Legacy" --redirect-uri https://legacy.example/cb --secret
  $ switchboard clients add --name "Onboarding" --redirect-uri https://kyc.example/cb --generate-key \\
      --scopes number-verification:verify,number-verification:device-phone-number:read
  $ switchboard clients add --name "Partner finder" --telco-finder --secret
      then: POST /token grant_type=client_credentials scope=telco-finder (HTTP Basic)
  $ switchboard clients add --name "Fraud engine" --backend --generate-key --scopes sim-swap:check
      then: CIBA (POST /bc-authorize, login_hint=tel:+… or ipport:…, then poll POST /token)
  $ switchboard clients add --name "Call centre" --backend --jwks-file cc-jwks.json \\
      --trust-tel-subject --scopes sim-swap:check,kyc-match:match
      then also: JWT-bearer (POST /token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer)
  $ switchboard clients add --name "Shop app" --backend --generate-key \\
      --scopes number-verification:verify --allowed-origin https://shop.example \\
      --apk-key-hash 47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU
      then also: operator tokens (POST /openid4vp/credentials, JWT-bearer sub=vp_token:…)
${SCOPE_EXAMPLES}
${OPERATOR_TOKEN_HELP}`,
    )
    .action(
      ctx.run(async (flags: ClientFlags) => {
        checkAddFlags(flags);
        const body: ClientAddInput = {
          name: flags.name!,
          redirectUris: flags.redirectUri ?? [],
          ...(flags.telcoFinder ? { grantType: 'client_credentials' } : {}),
          ...(flags.backend ? { grantType: 'backend' } : {}),
          ...(flags.trustTelSubject ? { trustTelSubject: true } : {}),
          ...(flags.requireSignedRequest ? { requireSignedRequestObject: true } : {}),
          authMethod: flags.secret ? 'client_secret_basic' : 'private_key_jwt',
          ...(flags.jwksFile ? { jwks: readJwks(flags.jwksFile) } : {}),
          ...(flags.generateKey ? { generateKey: true } : {}),
          ...(flags.scopes !== undefined ? { allowedScopes: scopeList(flags.scopes) } : {}),
          ...(flags.allowedOrigin ? { allowedOrigins: flags.allowedOrigin } : {}),
          ...(flags.apkKeyHash ? { apkKeyHashes: flags.apkKeyHash } : {}),
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
        // Origins and APK key hashes are long: `clients show` prints them, not the table.
        ctx.out().result(items, () =>
          table(
            ['id', 'name', 'status', 'auth', 'grant', 'tel subject', 'redirect uris', 'scopes'],
            items.map((c) => [
              c.id,
              c.name,
              c.status,
              c.authMethod,
              c.grantType,
              telTrust(c),
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
    .description(
      "change an app's name, redirect URIs, public keys, allowed API scopes, signed-request requirement, tel: trust or operator-token audiences",
    )
    .option('--name <name>')
    .option('--redirect-uri <uri>', 'replaces all redirect URIs (repeatable)', collect)
    .option('--jwks-file <file>', 'replaces the public keys')
    .option('--scopes <scopes>', `${SCOPES_HELP}; replaces the list ('' allows none)`)
    .option(
      '--trust-tel-subject',
      'backend clients: allow JWT-bearer assertions with sub=tel:+… (--no-trust-tel-subject withdraws it)',
    )
    .option('--no-trust-tel-subject', 'backend clients: refuse tel: subjects again')
    .option(
      '--require-signed-request',
      'apps with keys: accept only signed request objects (--no-require-signed-request accepts unsigned requests again)',
    )
    .option('--no-require-signed-request', 'apps: accept unsigned authorization requests again')
    .option(
      '--allowed-origin <origin>',
      'backend clients: a web origin its operator tokens may name (repeatable; replaces the list)',
      collect,
    )
    .option('--no-allowed-origins', 'backend clients: clear the allowed origins')
    .option(
      '--apk-key-hash <hash>',
      'backend clients: an Android app key hash its operator tokens may name (repeatable; replaces the list)',
      collect,
    )
    .option('--no-apk-key-hashes', 'backend clients: clear the APK key hashes')
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard clients update sb-123 --redirect-uri https://bank.example/cb2
  $ switchboard clients update sb-123 --scopes number-verification:verify,number-verification:device-phone-number:read
  $ switchboard clients update sb-123 --scopes number-verification:verify
      (withdraws the device-phone-number scope: new flows asking for it get invalid_scope)
  $ switchboard clients update sb-123 --require-signed-request
      (unsigned authorization requests of the app get invalid_request from now on)
  $ switchboard clients update sb-456 --no-trust-tel-subject
      (a backend client: its JWT-bearer assertions with sub=tel:+… get invalid_grant)
  $ switchboard clients update sb-456 --allowed-origin https://shop.example \\
      --allowed-origin https://m.shop.example
  $ switchboard clients update sb-456 --no-apk-key-hashes
${SCOPE_EXAMPLES}
${OPERATOR_TOKEN_HELP}`,
    )
    .action(
      ctx.run(async (id: string, flags: ClientFlags) => {
        const allowedOrigins = listFlag(flags.allowedOrigin, flags.allowedOrigins, [
          '--allowed-origin',
          '--no-allowed-origins',
        ]);
        const apkKeyHashes = listFlag(flags.apkKeyHash, flags.apkKeyHashes, [
          '--apk-key-hash',
          '--no-apk-key-hashes',
        ]);
        const patch: ClientUpdateInput = {
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.redirectUri ? { redirectUris: flags.redirectUri } : {}),
          ...(flags.jwksFile ? { jwks: readJwks(flags.jwksFile) } : {}),
          ...(flags.scopes !== undefined ? { allowedScopes: scopeList(flags.scopes) } : {}),
          ...(flags.trustTelSubject !== undefined
            ? { trustTelSubject: flags.trustTelSubject }
            : {}),
          ...(flags.requireSignedRequest !== undefined
            ? { requireSignedRequestObject: flags.requireSignedRequest }
            : {}),
          ...(allowedOrigins ? { allowedOrigins } : {}),
          ...(apkKeyHashes ? { apkKeyHashes } : {}),
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

/** The flag combinations the admin API would refuse, refused here with the flags' names. */
function checkAddFlags(flags: ClientFlags): void {
  if (flags.backend) {
    // ICM r4.2: private_key_jwt is a MUST; the backend flows redirect nowhere.
    const refused = [
      flags.redirectUri && '--redirect-uri (a backend client redirects nowhere)',
      flags.telcoFinder && '--telco-finder (a backend client is not a machine client)',
      flags.secret && '--secret (a backend client authenticates with private_key_jwt: ICM)',
      flags.requireSignedRequest &&
        '--require-signed-request (a backend client sends no authorization requests)',
    ].filter(Boolean);
    if (refused.length) throw new CliError(`--backend does not take ${refused.join(', ')}`);
    if ([flags.jwksFile, flags.generateKey].filter(Boolean).length !== 1)
      throw new CliError('--backend: give exactly one of --jwks-file, --generate-key');
    return;
  }
  if (flags.trustTelSubject)
    throw new CliError('--trust-tel-subject is for --backend clients (JWT-bearer assertions)');
  if (flags.allowedOrigin || flags.apkKeyHash)
    throw new CliError(
      '--allowed-origin and --apk-key-hash are for --backend clients (operator tokens are exchanged with JWT-bearer)',
    );
  if (flags.requireSignedRequest && (flags.secret || flags.telcoFinder || !flags.redirectUri))
    throw new CliError(
      '--require-signed-request is for apps with --redirect-uri and keys (--jwks-file or --generate-key)',
    );
  const chosen = [flags.jwksFile, flags.generateKey, flags.secret].filter(Boolean).length;
  if (chosen !== 1) throw new CliError('give exactly one of --jwks-file, --generate-key, --secret');
  if (!flags.telcoFinder && !flags.redirectUri)
    throw new CliError(
      'give --redirect-uri (an app), --backend (a backend client) or --telco-finder (a machine client)',
    );
}

/** `--x <v>` (repeatable) replaces a list, `--no-xs` clears it; both at once is a mistake. */
function listFlag(
  values: string[] | undefined,
  keep: boolean | undefined,
  [set, clear]: [string, string],
): string[] | undefined {
  if (values && keep === false) throw new CliError(`give ${set} or ${clear}, not both`);
  return values ?? (keep === false ? [] : undefined);
}

/** A backend client's JWT-bearer `tel:` trust; other clients send no assertions. */
function telTrust(c: ClientView): string {
  if (c.grantType !== 'backend') return '-';
  return c.trustTelSubject ? 'trusted' : 'not trusted';
}

/** ICM: whether an app's authorization requests must be signed request objects. */
function signedRequests(c: ClientView): string {
  if (c.grantType !== 'authorization_code') return '-';
  return c.requireSignedRequestObject ? 'required' : 'optional';
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
    ['tel subject', telTrust(c)],
    ['signed requests', signedRequests(c)],
    ...(c.operatorId ? ([['operator API of', c.operatorId]] as Array<[string, string]>) : []),
    ['redirect uris', c.redirectUris.join(' ')],
    ['allowed scopes', c.allowedScopes.length ? c.allowedScopes.join(' ') : '(none)'],
    ...(c.grantType === 'backend'
      ? ([
          ['allowed origins', c.allowedOrigins.length ? c.allowedOrigins.join(' ') : '(none)'],
          ['apk key hashes', c.apkKeyHashes.length ? c.apkKeyHashes.join(' ') : '(none)'],
        ] as Array<[string, string]>)
      : []),
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
