import type { DailyUsage } from './store/console-apps-store.js';

export const USAGE_CSV_HEADER = 'day,client_id,operator_id,api,calls,calls_ok';

/**
 * RFC 4180 text; a cell a spreadsheet would read as a formula (=, +, -, @) is prefixed with
 * a quote, so an exported id can never run as one.
 */
function cell(value: string | number): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly DailyUsage[]): string {
  const lines = rows.map((r) =>
    [r.day, r.clientId, r.operatorId, r.api, r.calls, r.callsOk].map(cell).join(','),
  );
  return `${[USAGE_CSV_HEADER, ...lines].join('\r\n')}\r\n`;
}
