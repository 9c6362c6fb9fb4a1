import type { OperatorDetails, SupportedApi } from '@switchboard/contracts';
import { CliError } from '../io.js';

export function parseSupportedApi(value: string): SupportedApi {
  const [name, versions] = value.split(':');
  if (!name || !versions)
    throw new CliError(
      `--supported-api: expected name:versions, e.g. number-verification:v2,v0 (got '${value}')`,
    );
  return { name, versions: versions.split(',').filter(Boolean) };
}

export function routingSyncLines(
  o: Pick<OperatorDetails, 'routingUrl' | 'routingSync'>,
): Array<[string, string | number | undefined]> {
  const s = o.routingSync;
  if (!o.routingUrl) return [];
  if (!s) return [['routing sync', 'not synced yet']];
  return [
    ['routing sync', `${s.status} (last attempt ${s.lastAttemptAt})`],
    ['last good sync', s.lastSuccessAt ?? 'never'],
    ...(s.lastError
      ? ([
          ['sync error', s.lastError],
          ['failures in a row', s.consecutiveFailures],
        ] as Array<[string, string | number]>)
      : []),
  ];
}
