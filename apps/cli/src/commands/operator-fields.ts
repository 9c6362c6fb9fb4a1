import type { Operator, OperatorDetails, SupportedApi } from '@switchboard/contracts';
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

/** `--carrier-ids 1839,2034`: Android carrier ids; the admin API checks their range and count. */
export function carrierIdList(value: string): number[] {
  return value
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((id) => {
      if (!/^[0-9]{1,10}$/.test(id))
        throw new CliError(
          `--carrier-ids: '${id}' is not an Android carrier id (a positive integer)`,
        );
      return Number(id);
    });
}

/** What `operators show` prints of the operator-token path. */
export function operatorTokenLines(
  o: Pick<Operator, 'carrierIds' | 'operatorToken'>,
): Array<[string, string]> {
  return [
    ['carrier ids', o.carrierIds.length ? o.carrierIds.join(',') : '(none)'],
    ['operator token', o.operatorToken ? 'offered' : 'not offered'],
  ];
}
