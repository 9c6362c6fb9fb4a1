import { CliError } from '../io.js';

/** What `operators show` and `operators update` need of an operator's self-service fields. */
export interface SelfServiceFields {
  routingUrl?: string | null;
  routingSync?: {
    status: string;
    lastAttemptAt: string;
    lastSuccessAt: string | null;
    lastError: string | null;
    consecutiveFailures: number;
  } | null;
}

export function parseSupportedApi(value: string): { name: string; versions: string[] } {
  const [name, versions] = value.split(':');
  if (!name || !versions)
    throw new CliError(
      `--supported-api: expected name:versions, e.g. number-verification:v2,v0 (got '${value}')`,
    );
  return { name, versions: versions.split(',').filter(Boolean) };
}

export function routingSyncLines(
  o: SelfServiceFields,
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
