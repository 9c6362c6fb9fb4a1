import fs from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  scopeStyleSchema,
  type ItemList,
  type Operator,
  type OperatorCredentials,
  type OperatorCapabilities,
  type OperatorDetails,
  type OperatorInput,
  type OperatorUpdate,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError, idSegment } from '../io.js';
import { keyValues, table } from '../output.js';
import { registerOperatorCredentialsCommand } from './operator-credentials.js';
import {
  carrierIdList,
  operatorTokenLines,
  parseSupportedApi,
  routingSyncLines,
} from './operator-fields.js';
import {
  conformanceOf,
  lastConformanceText,
  putTestSubscriber,
  registerConformanceCommands,
  requireSomething,
  testSubscriberPatch,
  withTestSubscriberFlags,
  type TestSubscriberFlags,
} from './operator-conformance.js';

interface OperatorFlags extends TestSubscriberFlags {
  id?: string;
  name?: string;
  country?: string;
  issuer?: string;
  apiRoot?: string;
  clientId?: string;
  clientSecret?: string;
  clientSecretFile?: string;
  privateKeyFile?: string;
  scopeStyle?: OperatorInput['scopeStyle'];
  insecure?: boolean;
  routingUrl?: string | false;
  supportedApi?: string[];
  carrierIds?: number[];
  operatorToken?: boolean;
}

export function registerOperatorCommands(program: Command, ctx: CommandContext): void {
  const ops = program.command('operators').description('register and manage mobile operators');

  withOperatorFlags(ops.command('add').description('register an operator'))
    .requiredOption('--id <id>', 'stable id, e.g. es-movistar')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 country, e.g. ES')
    .requiredOption('--issuer <url>', "operator's OIDC issuer URL")
    .requiredOption('--api-root <url>', "operator's CAMARA API root")
    .requiredOption('--client-id <id>', "Switchboard's client id at the operator")
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard operators add --id es-movistar --name "Movistar" --country ES \\
      --issuer https://auth.movistar.example --api-root https://api.movistar.example \\
      --client-id switchboard --private-key-file movistar-key.json
  $ switchboard operators add --id sandbox-a --name "Sandbox A" --country ES --insecure \\
      --issuer http://127.0.0.1:4001 --api-root http://127.0.0.1:4001 \\
      --client-id switchboard --client-secret-file secret.txt \\
      --carrier-ids 90001 --operator-token
${OPERATOR_TOKEN_HELP}`,
    )
    .action(
      ctx.run(async (flags: OperatorFlags) => {
        const credentials = readCredentials(flags);
        if (!credentials)
          throw new CliError('give --client-secret, --client-secret-file or --private-key-file');
        // Commander makes the options below required: they are set here.
        const body: OperatorInput = {
          id: flags.id!,
          name: flags.name!,
          country: flags.country!,
          issuerUrl: flags.issuer!,
          apiRoot: flags.apiRoot!,
          clientId: flags.clientId!,
          credentials,
          scopeStyle: flags.scopeStyle ?? 'camara',
          allowInsecureHttp: !!flags.insecure,
          ...(flags.carrierIds !== undefined ? { carrierIds: flags.carrierIds } : {}),
          ...(flags.operatorToken !== undefined ? { operatorToken: flags.operatorToken } : {}),
        };
        const created = await ctx.client().send<Operator>('POST', '/operators', body);
        const subscriber = testSubscriberPatch(flags);
        if (subscriber) await putTestSubscriber(ctx, created.id, subscriber);
        ctx.out().result(created, () => `operator ${created.id} added`);
      }),
    );

  ops
    .command('list')
    .description('list operators')
    .action(
      ctx.run(async () => {
        const { items } = await ctx.client().get<ItemList<Operator>>('/operators');
        ctx.out().result(items, () =>
          table(
            ['id', 'name', 'country', 'status', 'auth', 'scope style', 'operator token', 'issuer'],
            items.map((o) => [
              o.id,
              o.name,
              o.country,
              o.status,
              o.clientAuthMethod,
              o.scopeStyle,
              o.operatorToken ? o.carrierIds.join(',') : '-',
              o.issuerUrl,
            ]),
          ),
        );
      }),
    );

  ops
    .command('show')
    .argument('<id>')
    .description('show one operator')
    .action(
      ctx.run(async (id: string) => {
        const path = `/operators/${idSegment(id, 'the operator id')}`;
        const o = await ctx.client().get<OperatorDetails>(path);
        // Read live from the operator's discovery document: unknown when it cannot be read.
        const backend = await ctx
          .client()
          .get<OperatorCapabilities>(`${path}/capabilities`)
          .then(
            (c) => ({ ...c, error: undefined }),
            (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
          );
        const conformance = await conformanceOf(ctx, path);
        const t = conformance.testSubscriber;
        ctx
          .out()
          .result({ ...o, backendFlows: backend, ...conformance }, () =>
            keyValues([
              ['id', o.id],
              ['name', o.name],
              ['country', o.country],
              ['status', o.status],
              ['issuer', o.issuerUrl],
              ['api root', o.apiRoot],
              ['client id', o.clientId],
              ['client auth', o.clientAuthMethod],
              ['scope style', o.scopeStyle],
              ['insecure http', o.allowInsecureHttp],
              [
                'supported apis',
                o.supportedApis.map((a) => `${a.name}:${a.versions.join(',')}`).join(' '),
              ],
              ['ranges', o.routes.ranges],
              ['prefixes', o.routes.prefixes],
              ['networks', o.routes.networks],
              ['routing url', o.routingUrl ?? ''],
              ...routingSyncLines(o),
              ...operatorTokenLines(o),
              ['backend flows', backendFlowsText(backend)],
              ['test device ip', t.deviceIp ?? ''],
              ['test phone number', t.phoneNumber ?? ''],
              ['last conformance', lastConformanceText(conformance.lastConformance)],
            ]),
          );
      }),
    );

  withOperatorFlags(ops.command('update').argument('<id>').description('change an operator'))
    .option('--name <name>')
    .option('--country <code>')
    .option('--issuer <url>')
    .option('--api-root <url>')
    .option('--client-id <id>')
    .option('--secure', 'require https again (clears --insecure)')
    .option(
      '--routing-url <url>',
      'its GSMA routing table (GET /telco-routing/v1/routing), polled by Switchboard',
    )
    .option('--no-routing-url', 'stop polling its routing table (its routes stay)')
    .option(
      '--supported-api <name:versions>',
      'a CAMARA API it offers, e.g. sim-swap:v2 (repeatable; replaces the list, which is enforced; none: number-verification only)',
      collect,
    )
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard operators update es-movistar --carrier-ids 1839,2034 --operator-token
  $ switchboard operators update es-movistar --no-operator-token
  $ switchboard operators update es-movistar --carrier-ids ''   (clears them; needs --no-operator-token)
${OPERATOR_TOKEN_HELP}`,
    )
    .action(
      ctx.run(async (id: string, flags: OperatorFlags & { secure?: boolean }) => {
        const credentials = readCredentials(flags);
        const patch: OperatorUpdate = Object.fromEntries(
          Object.entries({
            name: flags.name,
            country: flags.country,
            issuerUrl: flags.issuer,
            apiRoot: flags.apiRoot,
            clientId: flags.clientId,
            scopeStyle: flags.scopeStyle,
            credentials,
            allowInsecureHttp: flags.insecure ? true : flags.secure ? false : undefined,
            routingUrl: flags.routingUrl === false ? null : flags.routingUrl,
            supportedApis: flags.supportedApi?.map(parseSupportedApi),
            carrierIds: flags.carrierIds,
            operatorToken: flags.operatorToken,
          } satisfies OperatorUpdate).filter(([, v]) => v !== undefined),
        );
        const subscriber = testSubscriberPatch(flags);
        requireSomething(patch, subscriber);
        const path = `/operators/${idSegment(id, 'the operator id')}`;
        const o =
          Object.keys(patch).length > 0
            ? await ctx.client().send<Operator>('PATCH', path, patch)
            : await ctx.client().get<Operator>(path);
        if (subscriber) await putTestSubscriber(ctx, o.id, subscriber);
        ctx.out().result(o, () => `operator ${o.id} updated`);
      }),
    );

  for (const [verb, done] of [
    ['disable', 'disabled'],
    ['enable', 'enabled'],
  ] as const) {
    ops
      .command(verb)
      .argument('<id>')
      .description(`${verb} an operator (a disabled operator never matches)`)
      .action(
        ctx.run(async (id: string) => {
          const o = await ctx
            .client()
            .send<Operator>('POST', `/operators/${idSegment(id, 'the operator id')}/${verb}`);
          ctx.out().result(o, () => `operator ${o.id} ${done}`);
        }),
      );
  }

  ops
    .command('remove')
    .argument('<id>')
    .option('--force', 'also remove its ranges, prefixes and networks')
    .description('remove an operator')
    .action(
      ctx.run(async (id: string, flags: { force?: boolean }) => {
        await ctx
          .client()
          .send(
            'DELETE',
            `/operators/${idSegment(id, 'the operator id')}${flags.force ? '?force=true' : ''}`,
          );
        ctx.out().result({ removed: id }, () => `operator ${id} removed`);
      }),
    );

  registerOperatorCredentialsCommand(ops, ctx);
  registerConformanceCommands(ops, ctx);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const OPERATOR_TOKEN_HELP = `
Operator tokens (CAMARA Number Verification, "Operator Token Acquisition"): an app on an
Android handset without mobile data gets a TS.43 temp_token from the operator through the
handset and exchanges it at Switchboard. --carrier-ids are the Android carrier ids the
operator's SIMs report (positive integers, at most 64); --operator-token says the operator
accepts such tokens (sub=operatortoken:…) and needs at least one carrier id.`;

function withOperatorFlags(cmd: Command): Command {
  return withTestSubscriberFlags(cmd)
    .option(
      '--client-secret <secret>',
      'client_secret_basic secret (prefer --client-secret-file; refused under the ICM strict profile, ICM_STRICT_PROFILE)',
    )
    .option('--client-secret-file <file>', 'file holding the client secret')
    .option('--private-key-file <file>', 'private key for private_key_jwt: JWK (JSON) or PEM')
    .addOption(
      new Option('--scope-style <style>', 'how the operator spells scopes').choices(
        scopeStyleSchema.options,
      ),
    )
    .option('--insecure', 'allow plain-http issuer and API root (sandbox/dev only)')
    .option(
      '--carrier-ids <ids>',
      "the Android carrier ids of its SIMs, comma-separated, e.g. 1839,2034 (replaces the list; '' clears it)",
      carrierIdList,
    )
    .option(
      '--operator-token',
      'it accepts operator tokens (TS.43 temp_token, JWT-bearer sub=operatortoken:…); needs --carrier-ids',
    )
    .option('--no-operator-token', 'it does not accept operator tokens (the default)');
}

function readCredentials(flags: OperatorFlags): OperatorCredentials | undefined {
  const given = [flags.clientSecret, flags.clientSecretFile, flags.privateKeyFile].filter(
    (v) => v !== undefined,
  );
  if (given.length > 1)
    throw new CliError(
      'give only one of --client-secret, --client-secret-file, --private-key-file',
    );
  if (flags.clientSecret !== undefined)
    return { method: 'client_secret_basic', clientSecret: flags.clientSecret };
  if (flags.clientSecretFile !== undefined) {
    return { method: 'client_secret_basic', clientSecret: readFile(flags.clientSecretFile).trim() };
  }
  if (flags.privateKeyFile !== undefined)
    return { method: 'private_key_jwt', privateJwk: readPrivateJwk(flags.privateKeyFile) };
  return undefined;
}

export function readPrivateJwk(file: string): Record<string, unknown> {
  const text = readFile(file).trim();
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new CliError(`${file} is not valid JSON`);
    }
  }
  try {
    return createPrivateKey(text).export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    throw new CliError(`${file} is neither a JWK nor a PEM private key`);
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
}

/** CIBA (poll) and JWT-bearer, as the operator's discovery document offers them (ICM r4.2). */
function backendFlowsText(
  b: Partial<OperatorCapabilities> & { error: string | undefined },
): string {
  if (b.error !== undefined) return `unknown (${b.error})`;
  const offered = [b.ciba ? 'CIBA (poll)' : '', b.jwtBearer ? 'JWT-bearer' : ''].filter(Boolean);
  return offered.length ? offered.join(', ') : 'none';
}
