import fs from 'node:fs';
import type { Command } from 'commander';
import type {
  ImportResult,
  OperatorDetails,
  RoutesAdded,
  RoutesRemoved,
} from '@switchboard/contracts';
import type { CommandContext } from '../context.js';
import { CliError, idSegment, type CliIo } from '../io.js';
import { table } from '../output.js';

interface Kind {
  command: 'ranges' | 'prefixes' | 'networks';
  noun: string;
  nouns: string;
  field: 'cidrs' | 'prefixes' | 'networks';
  value: 'cidr' | 'prefix' | 'mccMnc';
  example: string;
  canOverlap: boolean;
  canImport: boolean;
}

const KINDS: Kind[] = [
  {
    command: 'ranges',
    noun: 'IP range',
    nouns: 'IP ranges',
    field: 'cidrs',
    value: 'cidr',
    example: '10.20.0.0/16 2001:db8::/32',
    canOverlap: true,
    canImport: true,
  },
  {
    command: 'prefixes',
    noun: 'MSISDN prefix',
    nouns: 'MSISDN prefixes',
    field: 'prefixes',
    value: 'prefix',
    example: '+34600 +34601',
    canOverlap: true,
    canImport: true,
  },
  {
    command: 'networks',
    noun: 'MCC-MNC network',
    nouns: 'MCC-MNC networks',
    field: 'networks',
    value: 'mccMnc',
    example: '21407',
    canOverlap: false,
    canImport: false,
  },
];

/**
 * An operator that publishes a GSMA routing table owns its routes there: each routing sync
 * makes the operator's routes exactly the table's, so what an admin adds by hand lasts only
 * until the next one. Say so instead of succeeding silently.
 */
async function refuseIfSynced(ctx: CommandContext, kind: Kind, operatorId: string): Promise<void> {
  const operator = await ctx
    .client()
    .get<OperatorDetails>(`/operators/${idSegment(operatorId, 'the operator id')}`)
    .catch(() => undefined); // an unknown operator: the add itself says so
  if (!operator?.routingUrl) return;
  throw new CliError(
    `operator '${operatorId}' publishes its routes in a routing table (${operator.routingUrl}): the next routing sync makes its ${kind.nouns} exactly the table's and removes these. Add them to the operator's table (then: switchboard routing sync ${operatorId}), or use --force to add them until that sync`,
  );
}

interface AddFlags {
  allowOverlap?: boolean;
  force?: boolean;
  telcoFinder?: string;
  authProviderConfiguration?: string;
}

export function registerRouteCommands(program: Command, ctx: CommandContext, io: CliIo): void {
  for (const kind of KINDS) registerKind(program, ctx, io, kind);
}

function registerKind(program: Command, ctx: CommandContext, io: CliIo, kind: Kind): void {
  const group = program
    .command(kind.command)
    .description(`manage ${kind.nouns} that route devices to operators`);
  const add = group
    .command('add')
    .argument('<operatorId>')
    .argument(`<${kind.value}...>`)
    .description(`add ${kind.nouns} to an operator`)
    .addHelpText(
      'after',
      `\nExamples:\n  $ switchboard ${kind.command} add es-movistar ${kind.example}\n  $ switchboard ${kind.command} add es-movistar ${kind.example} --telco-finder https://apis.movistar.example/telco-finder/v1`,
    );
  if (kind.canOverlap)
    add.option(
      '--allow-overlap',
      "permit overlap with another operator's entries (recorded in the audit log)",
    );
  add.option(
    '--force',
    'add them although the operator publishes a routing table (the next sync removes them)',
  );
  add.option(
    '--telco-finder <url>',
    "dynamic routes (GSMA OPG.10): resolve them through the operator's second-level telco finder at this URL (e.g. https://apis.operator.example/telco-finder/v1); without it the routes are static",
  );
  add.option(
    '--auth-provider-configuration <url>',
    "with --telco-finder: the operator's OpenID discovery URL the dynamic rule names",
  );
  add.action(
    ctx.run(
      overlapHint(async (operatorId: string, values: string[], flags: AddFlags) => {
        if (flags.authProviderConfiguration !== undefined && flags.telcoFinder === undefined)
          throw new CliError('--auth-provider-configuration needs --telco-finder');
        if (!flags.force) await refuseIfSynced(ctx, kind, operatorId);
        const r = await ctx.client().send<RoutesAdded>('POST', `/${kind.command}`, {
          operatorId,
          [kind.field]: values,
          ...(kind.canOverlap ? { allowOverlap: !!flags.allowOverlap } : {}),
          ...(flags.telcoFinder === undefined ? {} : { telcoFinder: flags.telcoFinder }),
          ...(flags.authProviderConfiguration === undefined
            ? {}
            : { authProviderConfiguration: flags.authProviderConfiguration }),
        });
        const how = r.telcoFinder ? ` (dynamic: asks ${r.telcoFinder})` : '';
        ctx
          .out()
          .result(
            r,
            () =>
              `added ${r.added.length} ${kind.noun}(s) to ${operatorId}: ${r.added.join(', ')}${how}`,
          );
      }),
    ),
  );

  group
    .command('remove')
    .argument(`<${kind.value}...>`)
    .option('--operator <id>', 'only if they belong to this operator')
    .description(`remove ${kind.nouns} (all or none)`)
    .action(
      ctx.run(async (values: string[], flags: { operator?: string }) => {
        const r = await ctx.client().send<RoutesRemoved>('POST', `/${kind.command}/remove`, {
          [kind.field]: values,
          operatorId: flags.operator,
        });
        ctx
          .out()
          .result(r, () => `removed ${r.removed.length} ${kind.noun}(s): ${r.removed.join(', ')}`);
      }),
    );

  group
    .command('list')
    .option('--operator <id>', 'only this operator')
    .description(`list ${kind.nouns}`)
    .action(
      ctx.run(async (flags: { operator?: string }) => {
        const { items } = await ctx
          .client()
          .get<{ items: Array<Record<string, unknown>> }>(`/${kind.command}`, {
            operator: flags.operator,
          });
        ctx.out().result(items, () =>
          table(
            ['operator', kind.value, ...(kind.canOverlap ? ['overlap allowed'] : []), 'created'],
            items.map((i) => [
              i.operatorId as string,
              i[kind.value] as string,
              ...(kind.canOverlap ? [i.allowOverlap ? 'yes' : ''] : []),
              i.createdAt as string,
            ]),
          ),
        );
      }),
    );

  if (!kind.canImport) return;
  group
    .command('import')
    .argument('<file.csv>')
    .option('--allow-overlap', 'permit overlaps for every row')
    .description(
      `import ${kind.nouns} from a CSV file of "operator_id,${kind.value}" lines, all or nothing`,
    )
    .addHelpText(
      'after',
      `\nThe file is streamed to the server and applied in one transaction; errors name the line.\nExample:\n  $ switchboard ${kind.command} import routes.csv`,
    )
    .action(
      ctx.run(
        overlapHint(async (file: string, flags: { allowOverlap?: boolean }) => {
          if (!fs.existsSync(file)) throw new CliError(`no such file: ${file}`);
          // A directory made the upload stream fail, reported as "cannot reach the admin API".
          if (!fs.statSync(file).isFile()) throw new CliError(`not a regular file: ${file}`);
          const progress = io.stderr.isTTY && !ctx.out().json ? progressBar(io) : undefined;
          const started = Date.now();
          const r = await ctx
            .client()
            .upload<ImportResult>(
              `/${kind.command}/import${flags.allowOverlap ? '?allowOverlap=true' : ''}`,
              file,
              progress,
            )
            .finally(() => progress && io.stderr.write('\n'));
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          ctx.out().result(
            r,
            () =>
              `imported ${r.imported} ${kind.noun}(s) in ${seconds} s\n` +
              table(
                ['operator', 'rows'],
                Object.entries(r.byOperator).map(([k, v]) => [k, v]),
              ),
          );
        }),
      ),
    );
}

const ALLOW_OVERLAP_HINT = ' (use --allow-overlap to permit it)';

/** The admin API names a refused overlap by its code (ADR 0002); the CLI says how to permit it. */
function overlapHint<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (e) {
      if (!(e instanceof CliError) || !e.codes.includes('overlap')) throw e;
      const hint = (text: string, i: number) =>
        e.codes[i] === 'overlap' ? `${text}${ALLOW_OVERLAP_HINT}` : text;
      throw new CliError(
        hint(e.message, 0),
        e.exitCode,
        e.details.map((d, i) => hint(d, i + 1)),
        e.codes,
      );
    }
  };
}

function progressBar(io: CliIo): (sent: number, total: number) => void {
  let last = -1;
  return (sent, total) => {
    const pct = total === 0 ? 100 : Math.floor((sent / total) * 100);
    if (pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const label = pct < 100 ? 'uploading' : 'validating and writing…';
    io.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${label}`,
    );
  };
}
